"""UORO: an unbiased rank-one estimate s~ theta~^T of the influence matrix."""

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .cells.elman import elman_blocks, recurrent_matrix
from .driver import trace_reset, trace_update
from .jit import JIT
from .vector import sum_of_squares

EPSILON = 1e-7
# The estimate s~ theta~^T is unbiased but its norm can grow geometrically with the expansion
# of the dynamics until it overflows. Past this many times sqrt(n P) (a generous bound on the
# Frobenius norm of a true influence matrix of units with |dh/dtheta| of order 1) theta~ is
# scaled back: a bias, taken only when the estimate is already mostly noise.
MAX_ESTIMATE_NORM = 1e3


class UOROTraces(NamedTuple):
    state_tangent: np.ndarray  # n: s~
    parameter_tangent: np.ndarray  # P: theta~, with E[s~ theta~^T] = J_t
    signs: np.ndarray  # T x n: the random signs nu of each step of this call
    propagated: np.ndarray  # n: D_t s~


@trace_reset(UOROTraces)
@njit(**JIT)
def uoro_reset(traces):
    traces.state_tangent[:] = 0.0
    traces.parameter_tangent[:] = 0.0


@trace_update(UOROTraces)
@njit(**JIT)
def uoro_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """Tallec & Ollivier's update, then gradient[:P] = (dL/dh_t . s~) theta~.

    s~ <- rho0 D_t s~ + rho1 nu,  theta~ <- theta~ / rho0 + (nu^T dh_t/dtheta) / rho1, with
    rho0 = sqrt((|theta~| + eps) / (|D_t s~| + eps)) and
    rho1 = sqrt((|nu^T dh_t/dtheta| + eps) / (|nu| + eps)) balancing the two factors.
    """
    n, d = hidden.shape[0], inputs.shape[0]
    W_hh = recurrent_matrix(network.theta, n)
    s_tilde, theta_tilde, signs, propagated = (
        traces.state_tangent, traces.parameter_tangent, traces.signs[t], traces.propagated
    )
    propagated_norm = 0.0
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += W_hh[i, j] * s_tilde[j]
        propagated[i] = (1.0 - hidden[i] * hidden[i]) * total
        propagated_norm += propagated[i] * propagated[i]
    propagated_norm = math.sqrt(propagated_norm)
    theta_norm = math.sqrt(sum_of_squares(theta_tilde))
    # nu^T dh_t/dtheta: unit i's parameters get (nu_i (1 - h_i^2)) [h_{t-1}, x_t, 1]
    row_norm = 1.0
    for j in range(n):
        row_norm += hidden_prev[j] * hidden_prev[j]
    for j in range(d):
        row_norm += inputs[j] * inputs[j]
    immediate_norm = 0.0
    for i in range(n):
        c = signs[i] * (1.0 - hidden[i] * hidden[i])
        immediate_norm += c * c * row_norm
    immediate_norm = math.sqrt(immediate_norm)
    rho0 = math.sqrt((theta_norm + EPSILON) / (propagated_norm + EPSILON))
    rho1 = math.sqrt((immediate_norm + EPSILON) / (math.sqrt(n) + EPSILON))

    projection = 0.0
    for i in range(n):
        s_tilde[i] = rho0 * propagated[i] + rho1 * signs[i]
        projection += hidden_error[i] * s_tilde[i]
    for p in range(theta_tilde.shape[0]):
        theta_tilde[p] /= rho0
    T_hh, T_xh, t_b = elman_blocks(theta_tilde, n, d)
    for i in range(n):
        c = signs[i] * (1.0 - hidden[i] * hidden[i]) / rho1
        t_hh, t_xh = T_hh[i], T_xh[i]
        for j in range(n):
            t_hh[j] += c * hidden_prev[j]
        for j in range(d):
            t_xh[j] += c * inputs[j]
        t_b[i] += c
    state_norm = 0.0
    for i in range(n):
        state_norm += s_tilde[i] * s_tilde[i]
    theta_norm = sum_of_squares(theta_tilde)
    estimate_norm = math.sqrt(state_norm) * math.sqrt(theta_norm)
    bound = MAX_ESTIMATE_NORM * math.sqrt(n * theta_tilde.shape[0])
    if not estimate_norm <= bound:  # also catches NaN: the step is then reset by the loop
        shrink = bound / estimate_norm
        for p in range(theta_tilde.shape[0]):
            theta_tilde[p] *= shrink
    for p in range(theta_tilde.shape[0]):
        gradient[p] = projection * theta_tilde[p]
