"""Exact RTRL: the influence matrix J_t = dh_t/dtheta carried forward, dense or diagonal."""

from typing import NamedTuple

import numpy as np
from numba import njit

from .cells import cell_diagonal_influence
from .driver import trace_reset, trace_update
from .jit import INLINE, JIT
from .network import recurrent_matrix


class RTRLTraces(NamedTuple):
    """The influence matrix, double-buffered: J_{t-1} in one n x P array, J_t written into
    the other. Two arrays, not one 2 x n x P block, so that growing them for a new input
    needs room for one at a time (`learners.rtrl.RTRLState`)."""

    first: np.ndarray  # n x P: J_{t-1} while current[0] == 0
    second: np.ndarray  # n x P: J_{t-1} while current[0] == 1
    current: np.ndarray  # int64[1]


@njit(**INLINE)
def influence_step(W_hh, influence, influence_next, hidden_prev, inputs, hidden, hidden_error, gradient):
    """J_t = diag(1 - h_t^2) (W_hh J_{t-1} + I_t), and gradient[:P] = (dL/dh_t)^T J_t.

    `influence` is n x P with P = n(n+d+1), columns laid out as theta's recurrent block. The
    immediate Jacobian I_t is added row-block-wise: unit i's own incoming weights (row i of
    [W_hh | W_xh | b_h]) see [h_{t-1}, x_t, 1]; it is never materialised.
    """
    n, d = hidden.shape[0], inputs.shape[0]
    n_recurrent = influence.shape[1]
    np.dot(W_hh, influence, influence_next)
    for p in range(n_recurrent):
        gradient[p] = 0.0
    for i in range(n):
        row = influence_next[i]
        for j in range(n):
            row[i * n + j] += hidden_prev[j]
        for j in range(d):
            row[n * n + i * d + j] += inputs[j]
        row[n * n + n * d + i] += 1.0
        slope = 1.0 - hidden[i] * hidden[i]
        weight = hidden_error[i]
        for p in range(n_recurrent):
            value = row[p] * slope
            row[p] = value
            gradient[p] += weight * value


@trace_reset(RTRLTraces)
@njit(**JIT)
def rtrl_reset(traces):
    traces.first[:] = 0.0
    traces.second[:] = 0.0


@trace_update(RTRLTraces)
@njit(**JIT)
def rtrl_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """One step of exact RTRL on the influence buffer pair; the buffers swap roles each step."""
    n = hidden.shape[0]
    W_hh = recurrent_matrix(network.theta, n)
    current = traces.current[0]
    if current == 0:
        influence_step(W_hh, traces.first, traces.second, hidden_prev, inputs, hidden,
                       hidden_error, gradient)
    else:
        influence_step(W_hh, traces.second, traces.first, hidden_prev, inputs, hidden,
                       hidden_error, gradient)
    traces.current[0] = 1 - current


class DiagonalTraces(NamedTuple):
    """J_t of a cell whose influence is diagonal: one number per recurrent parameter p,
    dh_{t,i}/dtheta_p for the unit i it feeds, laid out like theta's recurrent block."""

    influence: np.ndarray  # P


@trace_reset(DiagonalTraces)
@njit(**JIT)
def diagonal_reset(traces):
    traces.influence[:] = 0.0


@trace_update(DiagonalTraces)
@njit(**JIT)
def diagonal_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """One step of exact RTRL by the cell's own diagonal trace update."""
    cell_diagonal_influence(network, traces.influence, hidden_prev, inputs, hidden_error, gradient)
