"""The linear recurrent unit's kernels (Orvieto et al. 2023): forward, backward, exact RTRL.

    lambda_j = exp(-exp(nu_j) + i exp(theta_j))      gamma_j = exp(gamma_log_j)
    h_t = lambda * h_{t-1} + gamma * (B x_t),        B = B_re + i B_im (n x d),   h_0 = 0

n complex modes, held as the real vector [Re h ; Im h] (2n) the head reads. Each mode recurs on
itself only, so its parameters' influence follows the mode's own recursion (Zucchet et al.
2023): exact RTRL costs O(n d) a step, a forward pass's order. Complex numbers are pairs of
float64 (re, im) throughout. In this file `theta` is the flat parameter vector, as in every
kernel; the cell's phase parameter theta_j is `log_phase`.
"""

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..jit import JIT
from ..targets import LARGEST
from . import cell_kernel

# The rows of `LRUArrays.modes`, one column per mode. The first three hold the nu, theta and
# gamma_log each row below was computed from: lambda and its derivatives cost four exp, a cos
# and a sin a mode, and are only computed again when those parameters have moved (never, when
# lambda is frozen). The last two hold B x_t of the latest forward step, for the trace.
NU_SEEN, PHASE_SEEN, GAMMA_LOG_SEEN = 0, 1, 2
LAMBDA_RE, LAMBDA_IM, GAMMA = 3, 4, 5
DNU_RE, DNU_IM = 6, 7  # d lambda / d nu = -exp(nu) lambda
DPHASE_RE, DPHASE_IM = 8, 9  # d lambda / d theta = i exp(theta) lambda
INPUT_RE, INPUT_IM = 10, 11  # Re and Im of B x_t
MODE_ROWS = 12


def new_modes(n_modes):
    """The `modes` array of a new network: nothing computed yet (NaN is unequal to every
    parameter, so the first kernel call computes every mode)."""
    modes = np.zeros((MODE_ROWS, n_modes))
    modes[NU_SEEN : GAMMA_LOG_SEEN + 1] = np.nan
    return modes


class LRUArrays(NamedTuple):
    """The LRU network: every parameter in one flat vector, and the state [Re h ; Im h].

    `theta` is laid out as [nu (n) | theta (n) | gamma_log (n) | B_re (n*d) | B_im (n*d) |
    W_hy (k*2n) | b_y (k)], each block row-major; the first 3n + 2nd entries are recurrent,
    and nu, theta come first so that the optimizer's scaled block (`recurrent_end`) is them.
    """

    theta: np.ndarray
    hidden: np.ndarray  # 2n: [Re h_{t-1} ; Im h_{t-1}]
    n_inputs: int
    n_outputs: int
    modes: np.ndarray  # MODE_ROWS x n: lambda, gamma and their derivatives, and B x_t


@njit(**JIT)
def input_matrices(theta, n_modes, n_inputs):
    """B_re and B_im (n x d) as views into theta."""
    n, d = n_modes, n_inputs
    B_re = theta[3 * n : 3 * n + n * d].reshape((n, d))
    B_im = theta[3 * n + n * d : 3 * n + 2 * n * d].reshape((n, d))
    return B_re, B_im


@njit(**JIT)
def refresh_modes(theta, modes, n_modes):
    """Bring lambda, gamma and lambda's derivatives in `modes` up to date with theta."""
    n = n_modes
    for j in range(n):
        nu, log_phase = theta[j], theta[n + j]
        if nu != modes[NU_SEEN, j] or log_phase != modes[PHASE_SEEN, j]:
            rate = math.exp(nu)
            radius = math.exp(-rate)
            phase = math.exp(log_phase)
            cosine, sine = math.cos(phase), math.sin(phase)
            re, im = radius * cosine, radius * sine
            modes[LAMBDA_RE, j] = re
            modes[LAMBDA_IM, j] = im
            # rate * radius, with inf * 0 (a mode that forgets at once) read as its limit 0
            shrink = rate * radius if radius > 0.0 else 0.0
            modes[DNU_RE, j] = -shrink * cosine
            modes[DNU_IM, j] = -shrink * sine
            modes[DPHASE_RE, j] = -phase * im
            modes[DPHASE_IM, j] = phase * re
            modes[NU_SEEN, j] = nu
            modes[PHASE_SEEN, j] = log_phase
        gamma_log = theta[2 * n + j]
        if gamma_log != modes[GAMMA_LOG_SEEN, j]:
            modes[GAMMA, j] = math.exp(gamma_log)
            modes[GAMMA_LOG_SEEN, j] = gamma_log


@njit(**JIT)
def mode_input(B_re, B_im, j, inputs):
    """(Re, Im) of (B x)_j."""
    re = 0.0
    im = 0.0
    for k in range(inputs.shape[0]):
        re += B_re[j, k] * inputs[k]
        im += B_im[j, k] * inputs[k]
    # inf - inf (inputs near float64's limit) is indeterminate: read it as 0, never NaN
    return (re if re == re else 0.0), (im if im == im else 0.0)


@njit(**JIT)
def held(value):
    """A state number as float64 holds it: beyond its range (a linear state fed inputs near
    1e308) saturated at the largest finite value, and inf - inf read as 0, never NaN."""
    if value != value:
        return 0.0
    return min(max(value, -LARGEST), LARGEST)


@cell_kernel(LRUArrays, "forward")
@njit(**JIT)
def lru_forward(network, hidden, inputs, hidden_next):
    """hidden_next = lambda * hidden + gamma * (B x), mode by mode; B x is kept in
    network.modes for the trace."""
    n = hidden.shape[0] // 2
    modes = network.modes
    refresh_modes(network.theta, modes, n)
    B_re, B_im = input_matrices(network.theta, n, network.n_inputs)
    for j in range(n):
        input_re, input_im = mode_input(B_re, B_im, j, inputs)
        modes[INPUT_RE, j] = input_re
        modes[INPUT_IM, j] = input_im
        re, im, gamma = modes[LAMBDA_RE, j], modes[LAMBDA_IM, j], modes[GAMMA, j]
        previous_re, previous_im = hidden[j], hidden[n + j]
        hidden_next[j] = held(re * previous_re - im * previous_im + gamma * input_re)
        hidden_next[n + j] = held(im * previous_re + re * previous_im + gamma * input_im)


@cell_kernel(LRUArrays, "backward")
@njit(**JIT)
def lru_backward(network, hidden_prev, inputs, hidden, hidden_error, gradient, scratch):
    """With (a, b) = dL/d(Re h_s, Im h_s) of a mode, a real parameter p whose immediate
    derivative is the complex v gets a Re(v) + b Im(v): nu's v = (d lambda/d nu) h_{s-1},
    theta's v = (d lambda/d theta) h_{s-1}, gamma_log's v = gamma (B x_s), B_re[j,k]'s
    v = gamma x_k, B_im[j,k]'s v = i gamma x_k. Then dL/dh_{s-1} = conj(lambda) (a + i b).
    B x_s is recomputed (O(n d), like the forward pass)."""
    n, d = hidden_prev.shape[0] // 2, inputs.shape[0]
    theta, modes = network.theta, network.modes
    refresh_modes(theta, modes, n)
    B_re, B_im = input_matrices(theta, n, network.n_inputs)
    for j in range(n):
        a, b = hidden_error[j], hidden_error[n + j]
        previous_re, previous_im = hidden_prev[j], hidden_prev[n + j]
        re, im, gamma = modes[LAMBDA_RE, j], modes[LAMBDA_IM, j], modes[GAMMA, j]
        v_re = modes[DNU_RE, j] * previous_re - modes[DNU_IM, j] * previous_im
        v_im = modes[DNU_RE, j] * previous_im + modes[DNU_IM, j] * previous_re
        gradient[j] += a * v_re + b * v_im
        v_re = modes[DPHASE_RE, j] * previous_re - modes[DPHASE_IM, j] * previous_im
        v_im = modes[DPHASE_RE, j] * previous_im + modes[DPHASE_IM, j] * previous_re
        gradient[n + j] += a * v_re + b * v_im
        input_re, input_im = mode_input(B_re, B_im, j, inputs)
        gradient[2 * n + j] += gamma * (a * input_re + b * input_im)
        a_gamma, b_gamma = a * gamma, b * gamma
        row_re, row_im = 3 * n + j * d, 3 * n + n * d + j * d
        for k in range(d):
            gradient[row_re + k] += a_gamma * inputs[k]
            gradient[row_im + k] += b_gamma * inputs[k]
        hidden_error[j] = a * re + b * im
        hidden_error[n + j] = b * re - a * im


@cell_kernel(LRUArrays, "mask_gradient")
@njit(**JIT)
def lru_mask_gradient(network, gradient):
    """Nothing to mask: the LRU has no sparse recurrent matrix."""
    return


@cell_kernel(LRUArrays, "diagonal_influence")
@njit(**JIT)
def lru_diagonal_influence(network, influence, hidden_prev, inputs, hidden_error, gradient):
    """Exact RTRL in O(n d): the complex traces of each mode j, laid out as the cell's
    `trace_shapes`, [E_lambda (re n | im n) | E_gamma (re n | im n) | Re E_B (n*d) |
    Im E_B (n*d)]:

        E_lambda <- lambda E_lambda + h_{t-1}          (dh_t / d lambda)
        E_gamma  <- lambda E_gamma + gamma (B x_t)     (dh_t / d gamma_log)
        E_B[k]   <- lambda E_B[k] + gamma x_k          (dh_t / d B_re[j, k])

    dh/dnu = E_lambda d lambda/d nu, dh/dtheta = E_lambda d lambda/d theta, dh/dB_im = i E_B,
    and a real parameter whose trace is e gets a Re(e) + b Im(e), (a, b) = dL/d(Re h, Im h).
    B x_t is read from network.modes, written by the forward step that produced h_t (the
    estimators drop a kept forward step whenever another prediction has run since).
    """
    n, d = hidden_prev.shape[0] // 2, inputs.shape[0]
    modes = network.modes
    refresh_modes(network.theta, modes, n)
    for j in range(n):
        a, b = hidden_error[j], hidden_error[n + j]
        re, im, gamma = modes[LAMBDA_RE, j], modes[LAMBDA_IM, j], modes[GAMMA, j]
        e_re, e_im = influence[j], influence[n + j]
        e_re, e_im = (re * e_re - im * e_im + hidden_prev[j],
                      re * e_im + im * e_re + hidden_prev[n + j])
        influence[j] = e_re
        influence[n + j] = e_im
        v_re = e_re * modes[DNU_RE, j] - e_im * modes[DNU_IM, j]
        v_im = e_re * modes[DNU_IM, j] + e_im * modes[DNU_RE, j]
        gradient[j] = a * v_re + b * v_im
        v_re = e_re * modes[DPHASE_RE, j] - e_im * modes[DPHASE_IM, j]
        v_im = e_re * modes[DPHASE_IM, j] + e_im * modes[DPHASE_RE, j]
        gradient[n + j] = a * v_re + b * v_im
        e_re, e_im = influence[2 * n + j], influence[3 * n + j]
        e_re, e_im = (re * e_re - im * e_im + gamma * modes[INPUT_RE, j],
                      re * e_im + im * e_re + gamma * modes[INPUT_IM, j])
        influence[2 * n + j] = e_re
        influence[3 * n + j] = e_im
        gradient[2 * n + j] = a * e_re + b * e_im
        trace_re, trace_im = 4 * n + j * d, 4 * n + n * d + j * d
        gradient_re, gradient_im = 3 * n + j * d, 3 * n + n * d + j * d
        for k in range(d):
            e_re, e_im = influence[trace_re + k], influence[trace_im + k]
            e_re, e_im = re * e_re - im * e_im + gamma * inputs[k], re * e_im + im * e_re
            influence[trace_re + k] = e_re
            influence[trace_im + k] = e_im
            gradient[gradient_re + k] = a * e_re + b * e_im
            gradient[gradient_im + k] = b * e_re - a * e_im
