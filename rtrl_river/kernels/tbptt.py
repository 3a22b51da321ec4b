"""Truncated BPTT, updated every step from a ring buffer of the last k steps."""

from typing import NamedTuple

import numpy as np
from numba import njit

from .driver import trace_reset, trace_update
from .jit import JIT
from .network import recurrent_views


class TBPTTTraces(NamedTuple):
    """The last k steps, oldest overwritten first."""

    hidden_prev: np.ndarray  # k x n: h_{s-1} of each kept step s
    inputs: np.ndarray  # k x d
    hidden: np.ndarray  # k x n: h_s
    position: np.ndarray  # int64[1]: the slot the next step is written to
    count: np.ndarray  # int64[1]: how many slots hold a step (at most k)
    hidden_error: np.ndarray  # n: dL/dh_s while walking back
    pre_error: np.ndarray  # n: dL/dz_s


@trace_reset(TBPTTTraces)
@njit(**JIT)
def tbptt_reset(traces):
    traces.position[0] = 0
    traces.count[0] = 0


@trace_update(TBPTTTraces)
@njit(**JIT)
def tbptt_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """Store step t, then backpropagate dL_t/dh_t through the kept steps (at most k)."""
    n, d = hidden.shape[0], inputs.shape[0]
    k = traces.hidden.shape[0]
    W_hh, _, _ = recurrent_views(network.theta, n, network.n_inputs)
    slot = traces.position[0]
    traces.hidden_prev[slot] = hidden_prev
    traces.inputs[slot] = inputs
    traces.hidden[slot] = hidden
    traces.position[0] = (slot + 1) % k
    traces.count[0] = min(traces.count[0] + 1, k)

    for p in range(n * (n + d + 1)):
        gradient[p] = 0.0
    dh, dz = traces.hidden_error, traces.pre_error
    dh[:] = hidden_error
    for back in range(traces.count[0]):
        s = (slot - back) % k
        h, h_prev, x = traces.hidden[s], traces.hidden_prev[s], traces.inputs[s]
        for i in range(n):
            dz[i] = dh[i] * (1.0 - h[i] * h[i])
        for i in range(n):
            for j in range(n):
                gradient[i * n + j] += dz[i] * h_prev[j]
            for j in range(d):
                gradient[n * n + i * d + j] += dz[i] * x[j]
            gradient[n * n + n * d + i] += dz[i]
        for j in range(n):
            total = 0.0
            for i in range(n):
                total += W_hh[i, j] * dz[i]
            dh[j] = total
