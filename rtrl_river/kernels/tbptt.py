"""Truncated BPTT, updated every step from a ring buffer of the last k steps (any cell)."""

from typing import NamedTuple

import numpy as np
from numba import njit

from .cells import cell_backward
from .driver import trace_reset, trace_update
from .jit import JIT
from .network import copy_into


class TBPTTTraces(NamedTuple):
    """The last k steps, oldest overwritten first."""

    hidden_prev: np.ndarray  # k x n: h_{s-1} of each kept step s
    inputs: np.ndarray  # k x d
    hidden: np.ndarray  # k x n: h_s
    position: np.ndarray  # int64[1]: the slot the next step is written to
    count: np.ndarray  # int64[1]: how many slots hold a step (at most k)
    hidden_error: np.ndarray  # n: dL/dh_s while walking back
    pre_error: np.ndarray  # n: the cell's working space for one backward step


@trace_reset(TBPTTTraces)
@njit(**JIT)
def tbptt_reset(traces):
    traces.position[0] = 0
    traces.count[0] = 0


@trace_update(TBPTTTraces)
@njit(**JIT)
def tbptt_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """Store step t, then backpropagate dL_t/dh_t through the kept steps (at most k), one
    `cell_backward` per step."""
    n = hidden.shape[0]
    k = traces.hidden.shape[0]
    slot = traces.position[0]
    copy_into(traces.hidden_prev[slot], hidden_prev)
    copy_into(traces.inputs[slot], inputs)
    copy_into(traces.hidden[slot], hidden)
    traces.position[0] = (slot + 1) % k
    traces.count[0] = min(traces.count[0] + 1, k)

    for p in range(network.theta.shape[0] - network.n_outputs * (n + 1)):
        gradient[p] = 0.0
    dh = traces.hidden_error
    copy_into(dh, hidden_error)
    for back in range(traces.count[0]):
        s = (slot - back) % k
        cell_backward(network, traces.hidden_prev[s], traces.inputs[s], traces.hidden[s], dh,
                      gradient, traces.pre_error)
