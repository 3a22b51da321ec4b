"""The element-wise LSTM cell's kernels (Irie et al., 2024): forward, backward, exact RTRL.

    z_t = tanh(W_z x_t + w_z * c_{t-1} + b_z)      f_t = sigmoid(W_f x_t + w_f * c_{t-1} + b_f)
    c_t = f_t * c_{t-1} + (1 - f_t) * z_t

The recurrence is element-wise, so a parameter of unit i only ever reaches c_i: the influence
matrix has one non-zero per parameter and exact RTRL costs O(n d) a step, a forward pass's order.
"""

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..jit import JIT
from . import cell_kernel


class ELSTMArrays(NamedTuple):
    """The eLSTM network: every parameter in one flat vector, and the cell state c_{t-1}.

    `theta` is laid out as [W_z (n*d) | W_f (n*d) | w_z (n) | w_f (n) | b_z (n) | b_f (n) |
    W_hy (k*n) | b_y (k)], each block row-major; the first 2nd + 4n entries are recurrent.
    """

    theta: np.ndarray
    hidden: np.ndarray
    n_inputs: int
    n_outputs: int
    gates: np.ndarray  # 2 x n: z_t and f_t of the latest forward step, kept for the trace


@njit(**JIT)
def elstm_views(theta, n_hidden, n_inputs):
    """W_z, W_f (n x d) and w_z, w_f, b_z, b_f (n) as views into theta."""
    n, d = n_hidden, n_inputs
    W_z = theta[: n * d].reshape((n, d))
    W_f = theta[n * d : 2 * n * d].reshape((n, d))
    vectors = theta[2 * n * d : 2 * n * d + 4 * n].reshape((4, n))
    return W_z, W_f, vectors[0], vectors[1], vectors[2], vectors[3]


@njit(**JIT)
def sigmoid(value):
    """1 / (1 + exp(-value)) without overflow for large negative values."""
    if value >= 0.0:
        return 1.0 / (1.0 + math.exp(-value))
    e = math.exp(value)
    return e / (1.0 + e)


@njit(**JIT)
def gates(W_z, W_f, w_z, w_f, b_z, b_f, i, previous, inputs):
    """z_i and f_i of one step, from c_{t-1, i} = previous and x_t = inputs."""
    total_z = b_z[i] + w_z[i] * previous
    total_f = b_f[i] + w_f[i] * previous
    for j in range(inputs.shape[0]):
        total_z += W_z[i, j] * inputs[j]
        total_f += W_f[i, j] * inputs[j]
    # inf - inf (inputs near float64's limit) is indeterminate: read it as 0, never NaN
    total_z = total_z if total_z == total_z else 0.0
    total_f = total_f if total_f == total_f else 0.0
    return math.tanh(total_z), sigmoid(total_f)


@cell_kernel(ELSTMArrays, "forward")
@njit(**JIT)
def elstm_forward(network, hidden, inputs, hidden_next):
    """hidden_next = f * hidden + (1 - f) * z; z and f are kept in network.gates."""
    n = hidden.shape[0]
    W_z, W_f, w_z, w_f, b_z, b_f = elstm_views(network.theta, n, network.n_inputs)
    for i in range(n):
        z, f = gates(W_z, W_f, w_z, w_f, b_z, b_f, i, hidden[i], inputs)
        network.gates[0, i] = z
        network.gates[1, i] = f
        hidden_next[i] = f * hidden[i] + (1.0 - f) * z


@cell_kernel(ELSTMArrays, "backward")
@njit(**JIT)
def elstm_backward(network, hidden_prev, inputs, hidden, hidden_error, gradient, scratch):
    """With g = dL/dc_s: dL/d(z's pre-activation) = g (1-f)(1-z^2), dL/d(f's) = g (c_{s-1}-z)
    f (1-f); unit i's parameters see [x_s] (W_z, W_f rows), c_{s-1,i} (w_z, w_f) and 1 (b_z,
    b_f); dL/dc_{s-1} = g a with a = f + (1-f)(1-z^2) w_z + (c_{s-1}-z)(1-f) f w_f.
    z and f are recomputed from c_{s-1} and x_s (O(n d), like the forward pass)."""
    n, d = hidden_prev.shape[0], inputs.shape[0]
    W_z, W_f, w_z, w_f, b_z, b_f = elstm_views(network.theta, n, network.n_inputs)
    vectors = 2 * n * d
    for i in range(n):
        previous = hidden_prev[i]
        z, f = gates(W_z, W_f, w_z, w_f, b_z, b_f, i, previous, inputs)
        g = hidden_error[i]
        g_z = g * (1.0 - f) * (1.0 - z * z)
        g_f = g * (previous - z) * (1.0 - f) * f
        for j in range(d):
            gradient[i * d + j] += g_z * inputs[j]
            gradient[n * d + i * d + j] += g_f * inputs[j]
        gradient[vectors + i] += g_z * previous
        gradient[vectors + n + i] += g_f * previous
        gradient[vectors + 2 * n + i] += g_z
        gradient[vectors + 3 * n + i] += g_f
        hidden_error[i] = g * f + g_z * w_z[i] + g_f * w_f[i]


@cell_kernel(ELSTMArrays, "mask_gradient")
@njit(**JIT)
def elstm_mask_gradient(network, gradient):
    """Nothing to mask: the eLSTM cell has no sparse recurrent matrix."""
    return


@njit(**JIT)
def vector_step(influence, gradient, p, a, immediate, delta):
    """One trace entry: influence[p] <- a influence[p] + immediate; gradient[p] = delta times it."""
    value = a * influence[p] + immediate
    influence[p] = value
    gradient[p] = delta * value


@cell_kernel(ELSTMArrays, "diagonal_influence")
@njit(**JIT)
def elstm_diagonal_influence(network, influence, hidden_prev, inputs, hidden_error, gradient):
    """Exact RTRL in O(n d): influence[p] = dc_{t,i}/dtheta_p for the unit i parameter p feeds.

    With a = f + (1-f)(1-z^2) w_z + (c_{t-1}-z)(1-f) f w_f = dc_{t,i}/dc_{t-1,i},
    dz = (1-f)(1-z^2) and df = (c_{t-1}-z)(1-f) f (all of unit i):
        S_Wz[i] <- a S_Wz[i] + dz x_t      S_Wf[i] <- a S_Wf[i] + df x_t
        s_wz[i] <- a s_wz[i] + dz c_{t-1}  s_wf[i] <- a s_wf[i] + df c_{t-1}
        s_bz[i] <- a s_bz[i] + dz          s_bf[i] <- a s_bf[i] + df
    and the gradient of each parameter of unit i is dL/dc_{t,i} times its trace.

    z and f are read from network.gates, written by the forward step that produced c_t (the
    estimators drop a kept forward step whenever another prediction has run since). Computing
    them again would cost another tanh and exp per unit, the dearest operations of the step.
    """
    n, d = hidden_prev.shape[0], inputs.shape[0]
    _, _, w_z, w_f, _, _ = elstm_views(network.theta, n, network.n_inputs)
    vectors = 2 * n * d
    for i in range(n):
        previous = hidden_prev[i]
        z, f = network.gates[0, i], network.gates[1, i]
        dz = (1.0 - f) * (1.0 - z * z)
        df = (previous - z) * (1.0 - f) * f
        a = f + dz * w_z[i] + df * w_f[i]
        delta = hidden_error[i]
        for j in range(d):
            p = i * d + j
            value = a * influence[p] + dz * inputs[j]
            influence[p] = value
            gradient[p] = delta * value
            q = n * d + i * d + j
            value = a * influence[q] + df * inputs[j]
            influence[q] = value
            gradient[q] = delta * value
        vector_step(influence, gradient, vectors + i, a, dz * previous, delta)
        vector_step(influence, gradient, vectors + n + i, a, df * previous, delta)
        vector_step(influence, gradient, vectors + 2 * n + i, a, dz, delta)
        vector_step(influence, gradient, vectors + 3 * n + i, a, df, delta)
