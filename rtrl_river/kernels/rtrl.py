"""Exact RTRL: the influence matrix J_t = dh_t/dtheta carried forward, and its T-step driver."""

import numpy as np
from numba import njit

from .jit import JIT
from .network import (
    clip_norm,
    first_forward,
    cell_forward,
    head_step,
    optimizer_step,
    recurrent_views,
)


@njit(**JIT)
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


@njit(**JIT)
def rtrl_learn(network, influence, influence_next, optimizer, head, inputs, targets,
               learning_rates, max_norm, pending, buffers, losses):
    """Learn T = len(targets) steps; returns 1 if the influence ended in `influence_next`.

    Each step: forward h_t, loss and head gradient, influence update and recurrent gradient,
    all at theta_{t-1}; then clipping and one optimizer step. The two influence buffers swap
    every step instead of copying.
    """
    n = network.hidden.shape[0]
    W_hh, _, _ = recurrent_views(network.theta, n, network.n_inputs)
    hidden, hidden_next = network.hidden, buffers.hidden_next
    swapped = 0
    for t in range(targets.shape[0]):
        x = inputs[t]
        if t == 0:
            first_forward(network, pending, x, hidden_next)
        else:
            cell_forward(network, hidden, x, hidden_next)
        losses[t] = head_step(network, head, hidden_next, targets[t], buffers)
        influence_step(W_hh, influence, influence_next, hidden, x, hidden_next,
                       buffers.hidden_error, buffers.gradient)
        influence, influence_next = influence_next, influence
        swapped ^= 1
        clip_norm(buffers.gradient, max_norm)
        optimizer_step(optimizer, network.theta, buffers.gradient, learning_rates[t])
        hidden[:] = hidden_next
    return swapped
