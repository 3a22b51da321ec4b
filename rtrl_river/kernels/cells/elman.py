"""The Elman cell's kernels: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h), and its backward step."""

from typing import NamedTuple

import numpy as np
from numba import njit

from ..jit import INLINE, JIT
from ..vector import BLOCK, block_dots, tanh_in_place
from . import cell_kernel


class ElmanArrays(NamedTuple):
    """The Elman network: every parameter in one flat vector, and the hidden state h_{t-1}.

    `theta` is laid out as [W_hh (n*n) | W_xh (n*d) | b_h (n) | W_hy (k*n) | b_y (k)], each
    block row-major, so the first n*(n+d+1) entries are the recurrent parameters.
    """

    theta: np.ndarray
    hidden: np.ndarray
    n_inputs: int
    n_outputs: int
    recurrent_mask: np.ndarray  # n x n of 0/1 for a sparse W_hh; 0 x 0 when W_hh is dense


# The Elman cell's layout of theta's recurrent part, written here once: row-major W_hh, then
# W_xh, then b_h. Every vector laid out like it (the parameters, a gradient, an influence row,
# a trace) is read through `elman_blocks`, or `unit_parameter` for one entry.


@njit(**INLINE)
def elman_blocks(vector, n_hidden, n_inputs):
    """W_hh (n x n), W_xh (n x d) and b_h (n) as views of the first n(n+d+1) entries of a
    vector laid out like theta."""
    n, d = n_hidden, n_inputs
    W_hh = vector[: n * n].reshape((n, n))
    W_xh = vector[n * n : n * n + n * d].reshape((n, d))
    return W_hh, W_xh, vector[n * n + n * d : n * n + n * d + n]


@njit(**INLINE)
def unit_parameter(i, j, n, d):
    """Index, in a vector laid out like theta, of the j-th incoming parameter of unit i: entry
    j of row i of [W_hh | W_xh | b_h]."""
    if j < n:
        return i * n + j
    if j < n + d:
        return n * n + i * d + (j - n)
    return n * n + n * d + i


@njit(**INLINE)
def recurrent_matrix(theta, n_hidden):
    """W_hh (n x n) as a view into theta, whose first n*n entries it is."""
    return theta[: n_hidden * n_hidden].reshape((n_hidden, n_hidden))


@njit(**INLINE)
def eight_rows(M, i, v, start, t0, t1, t2, t3, t4, t5, t6, t7):
    """The sums t_k + M[i + k, start:] . v[start:] for k = 0..7, each taken in column order:
    eight independent chains of multiply-adds instead of one (the same bits as one row at a
    time). Rows are indexed as M[i + k, j], whose loop-invariant row needs numba's
    wraparound test once, where theta[(i + k) * n + j] tested every element: a third faster."""
    for j in range(start, v.shape[0]):
        x = v[j]
        t0 += M[i, j] * x
        t1 += M[i + 1, j] * x
        t2 += M[i + 2, j] * x
        t3 += M[i + 3, j] * x
        t4 += M[i + 4, j] * x
        t5 += M[i + 5, j] * x
        t6 += M[i + 6, j] * x
        t7 += M[i + 7, j] * x
    return t0, t1, t2, t3, t4, t5, t6, t7


@cell_kernel(ElmanArrays, "forward")
@njit(**JIT)
def elman_forward(network, hidden, inputs, hidden_next):
    """hidden_next = tanh(W_hh hidden + W_xh inputs + b_h), eight rows at a time.

    Each unit's sum is one chain of multiply-adds, from its bias through its W_hh row and
    then its W_xh row in column order, except that the W_hh row's full blocks of BLOCK (32)
    columns are summed on vectors in the fixed order of kernels/vector.py (into hidden_next,
    first) and added last. Below 32 units there is no full block: every sum is the one chain.
    At n = 128, in a loop of its own, the step took 4.0 us as eight scalar chains (two
    multiply-adds a cycle) and takes 2.7 us this way (docs/benchmarks.md)."""
    theta, n, d = network.theta, hidden.shape[0], inputs.shape[0]
    W, U, b = elman_blocks(theta, n, d)
    blocked = n - n % BLOCK
    if blocked > 0:
        block_dots(theta, 0, hidden, hidden_next)
    blocks = n - n % 8
    for i in range(0, blocks, 8):
        t = eight_rows(W, i, hidden, blocked, b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4],
                       b[i + 5], b[i + 6], b[i + 7])
        t0, t1, t2, t3, t4, t5, t6, t7 = eight_rows(U, i, inputs, 0, t[0], t[1], t[2], t[3],
                                                    t[4], t[5], t[6], t[7])
        if blocked > 0:
            t0 += hidden_next[i]
            t1 += hidden_next[i + 1]
            t2 += hidden_next[i + 2]
            t3 += hidden_next[i + 3]
            t4 += hidden_next[i + 4]
            t5 += hidden_next[i + 5]
            t6 += hidden_next[i + 6]
            t7 += hidden_next[i + 7]
        hidden_next[i] = t0
        hidden_next[i + 1] = t1
        hidden_next[i + 2] = t2
        hidden_next[i + 3] = t3
        hidden_next[i + 4] = t4
        hidden_next[i + 5] = t5
        hidden_next[i + 6] = t6
        hidden_next[i + 7] = t7
    for i in range(blocks, n):
        total = b[i]
        for j in range(blocked, n):
            total += W[i, j] * hidden[j]
        for j in range(d):
            total += U[i, j] * inputs[j]
        if blocked > 0:
            total += hidden_next[i]
        hidden_next[i] = total
    tanh_in_place(hidden_next)  # the sums, all at once on vectors


@cell_kernel(ElmanArrays, "backward")
@njit(**JIT)
def elman_backward(network, hidden_prev, inputs, hidden, hidden_error, gradient, scratch):
    """dL/dz_s = dL/dh_s (1 - h_s^2); unit i's weights get dL/dz_i [h_{s-1}, x_s, 1];
    dL/dh_{s-1} = W_hh^T dL/dz_s."""
    n, d = hidden.shape[0], inputs.shape[0]
    W_hh = recurrent_matrix(network.theta, n)
    G_hh, G_xh, g_b = elman_blocks(gradient, n, d)
    dh, dz = hidden_error, scratch
    for i in range(n):
        dz[i] = dh[i] * (1.0 - hidden[i] * hidden[i])
    for i in range(n):
        g_hh, g_xh = G_hh[i], G_xh[i]
        for j in range(n):
            g_hh[j] += dz[i] * hidden_prev[j]
        for j in range(d):
            g_xh[j] += dz[i] * inputs[j]
        g_b[i] += dz[i]
    # dh = W_hh^T dz as row axpys (contiguous rows, each dh[j] summed over i in order)
    for j in range(n):
        dh[j] = 0.0
    for i in range(n):
        weight = dz[i]
        for j in range(n):
            dh[j] += W_hh[i, j] * weight


@cell_kernel(ElmanArrays, "mask_gradient")
@njit(**JIT)
def elman_mask_gradient(network, gradient):
    """Zero the gradient of W_hh entries outside a sparse recurrent mask (empty mask: dense)."""
    recurrent_mask = network.recurrent_mask
    if recurrent_mask.size == 0:
        return
    n = recurrent_mask.shape[0]
    G_hh = recurrent_matrix(gradient, n)
    for i in range(n):
        for j in range(n):
            G_hh[i, j] *= recurrent_mask[i, j]
