"""Exact RTRL: the influence matrix J_t = dh_t/dtheta carried forward, dense or diagonal."""

from typing import NamedTuple

import numpy as np
from numba import njit

from .cells import cell_diagonal_influence
from .cells.elman import elman_blocks, recurrent_matrix
from .driver import trace_reset, trace_update
from .jit import INLINE, JIT


class RTRLTraces(NamedTuple):
    """The influence matrix, double-buffered: J_{t-1} in one (n+1) x P array, J_t written into
    the other. Two arrays, not one block, so that growing them for a new input needs room for
    one at a time (`learners.rtrl.RTRLState`). Rows 0..n-1 are J; row n is where the step's
    product leaves the gradient (see `influence_step`)."""

    first: np.ndarray  # (n+1) x P: J_{t-1} while current[0] == 0
    second: np.ndarray  # (n+1) x P: J_{t-1} while current[0] == 1
    current: np.ndarray  # int64[1]
    left: np.ndarray  # (n+1) x n: the product's left factor, rebuilt each step


@njit(**INLINE)
def influence_step(W_hh, left, influence, influence_next, hidden_prev, inputs, hidden,
                   hidden_error, gradient):
    """J_t = diag(s) (W_hh J_{t-1} + I_t) with s = 1 - h_t^2, and gradient[:P] = e^T J_t with
    e = dL/dh_t, from one matrix product and no pass over J_t:

        [ diag(s) W_hh        ]             [ J_t - diag(s) I_t                ]
        [ (W_hh^T (s * e))^T  ]  J_{t-1}  = [ e^T J_t - (s * e)^T I_t          ]

    then the immediate Jacobian's terms are added: I_t has unit i's own incoming weights (row i
    of [W_hh | W_xh | b_h]) see [h_{t-1}, x_t, 1] and is zero elsewhere, O(P) numbers in all.
    `influence` is (n+1) x P with P = n(n+d+1), columns laid out as theta's recurrent block;
    its first n rows are J_{t-1}. One product reads J_{t-1} once and writes J_t once, where a
    product followed by a scaling pass moved the n x P matrix twice more.
    """
    n, d = hidden.shape[0], inputs.shape[0]
    n_recurrent = influence.shape[1]
    for k in range(n):
        left[n, k] = 0.0
    for i in range(n):
        slope = 1.0 - hidden[i] * hidden[i]
        weight = slope * hidden_error[i]
        for k in range(n):
            left[i, k] = slope * W_hh[i, k]
            left[n, k] += W_hh[i, k] * weight
    np.dot(left, influence[:n], influence_next)
    carried = influence_next[n]
    for p in range(n_recurrent):
        gradient[p] = carried[p]
    G_hh, G_xh, g_b = elman_blocks(gradient, n, d)
    for i in range(n):
        slope = 1.0 - hidden[i] * hidden[i]
        weight = slope * hidden_error[i]
        R_hh, R_xh, r_b = elman_blocks(influence_next[i], n, d)
        r_hh, r_xh, g_hh, g_xh = R_hh[i], R_xh[i], G_hh[i], G_xh[i]
        for j in range(n):
            value = slope * hidden_prev[j]
            r_hh[j] += value
            g_hh[j] += hidden_error[i] * value
        for j in range(d):
            value = slope * inputs[j]
            r_xh[j] += value
            g_xh[j] += hidden_error[i] * value
        r_b[i] += slope
        g_b[i] += weight


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
        influence_step(W_hh, traces.left, traces.first, traces.second, hidden_prev, inputs,
                       hidden, hidden_error, gradient)
    else:
        influence_step(W_hh, traces.left, traces.second, traces.first, hidden_prev, inputs,
                       hidden, hidden_error, gradient)
    traces.current[0] = 1 - current


class DiagonalTraces(NamedTuple):
    """J_t of a cell whose influence is diagonal: for each recurrent parameter p, dh_{t,i}/
    dtheta_p for the unit i it feeds (the eLSTM: one number each, laid out like theta's
    recurrent block), or what the cell keeps to make them (the LRU: complex traces per mode),
    laid out as the cell's `trace_shapes`."""

    influence: np.ndarray  # the cell's trace length (eLSTM: P)


@trace_reset(DiagonalTraces)
@njit(**JIT)
def diagonal_reset(traces):
    traces.influence[:] = 0.0


@trace_update(DiagonalTraces)
@njit(**JIT)
def diagonal_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """One step of exact RTRL by the cell's own diagonal trace update."""
    cell_diagonal_influence(network, traces.influence, hidden_prev, inputs, hidden_error, gradient)
