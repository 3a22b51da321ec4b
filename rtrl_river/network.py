"""The network's parameters (one flat vector), hidden state and layout, and how they grow."""

import numpy as np

from .kernels.arrays import NetworkArrays

PARAMETER_NAMES = ("W_hh", "W_xh", "b_h", "W_hy", "b_y")


def block_shapes(n_hidden, n_inputs, n_outputs):
    """The shape of each parameter block, in theta's order."""
    n, d, k = n_hidden, n_inputs, n_outputs
    return {"W_hh": (n, n), "W_xh": (n, d), "b_h": (n,), "W_hy": (k, n), "b_y": (k,)}


def split(vector, n_hidden, n_inputs, n_outputs):
    """Views of the blocks of a theta-shaped last axis (stops early for recurrent-only arrays)."""
    blocks, start = {}, 0
    lead = vector.shape[:-1]
    for name, shape in block_shapes(n_hidden, n_inputs, n_outputs).items():
        size = int(np.prod(shape))
        if start + size > vector.shape[-1]:
            break
        blocks[name] = vector[..., start : start + size].reshape(lead + shape)
        start += size
    return blocks


def insert_input_columns(array, n_hidden, n_inputs, position, count):
    """`array` with `count` zero columns inserted into its W_xh block at column `position`.

    Works on any array whose last axis is laid out like theta (or its recurrent part): the
    parameters, optimizer moments, an influence matrix.
    """
    n, d = n_hidden, n_inputs
    lead = array.shape[:-1]
    start, stop = n * n, n * n + n * d
    W_xh = array[..., start:stop].reshape(lead + (n, d))
    W_xh = np.insert(W_xh, [position] * count, 0.0, axis=-1)
    parts = [array[..., :start], W_xh.reshape(lead + (n * (d + count),)), array[..., stop:]]
    return np.ascontiguousarray(np.concatenate(parts, axis=-1))


def append_output_rows(array, n_hidden, n_inputs, n_outputs, count):
    """A theta-shaped `array` with `count` zero rows appended to W_hy and entries to b_y."""
    n, k = n_hidden, n_outputs
    start = n * (n + n_inputs + 1)
    head = array[..., start : start + k * n]
    bias = array[..., start + k * n :]
    zeros = np.zeros(array.shape[:-1] + (count * n,))
    parts = [array[..., :start], head, zeros, bias, np.zeros(array.shape[:-1] + (count,))]
    return np.ascontiguousarray(np.concatenate(parts, axis=-1))


class Network:
    """An Elman network: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h), yhat_t = W_hy h_t + b_y.

    Every parameter lives in the flat vector `theta`; `params()` returns named views into it.
    Input columns and output rows are born zero. W_hh and W_hy start random, so gradients reach
    every input weight from the first step: W_hh with spectral radius about 0.9, so an input's
    trace lasts long enough for a gradient to find it, and W_hy with entries of size 1/sqrt(n).

    With recurrent_density < 1, W_hh has a fixed random sparsity pattern `recurrent_mask`
    (each entry kept with that probability); the masked weights start at zero and their
    gradient is zeroed every step, so they stay exactly zero.
    """

    def __init__(self, n_hidden, n_inputs, n_outputs, rng, recurrent_density=1.0):
        self.n_hidden, self.n_inputs, self.n_outputs = n_hidden, n_inputs, n_outputs
        self.theta = np.zeros(self.n_parameters)
        self.hidden = np.zeros(n_hidden)
        blocks = self.params()
        scale = 1.0 / np.sqrt(n_hidden)
        blocks["W_hh"][:] = rng.normal(0.0, 0.9 * scale, size=(n_hidden, n_hidden))
        blocks["W_hy"][:] = rng.normal(0.0, scale, size=(n_outputs, n_hidden))
        self.recurrent_mask = np.zeros((0, 0))
        if recurrent_density < 1.0:
            self.recurrent_mask = (rng.random((n_hidden, n_hidden)) < recurrent_density) * 1.0
            # keep the spectral radius near 0.9 whatever the density
            blocks["W_hh"] *= self.recurrent_mask / np.sqrt(recurrent_density)

    @property
    def recurrent_support(self):
        """The n x n boolean pattern of W_hh entries that may be non-zero."""
        if self.recurrent_mask.size == 0:
            return np.ones((self.n_hidden, self.n_hidden), dtype=bool)
        return self.recurrent_mask > 0

    @property
    def n_recurrent(self):
        """The number of recurrent parameters, n(n+d+1): the columns of the influence matrix."""
        return self.n_hidden * (self.n_hidden + self.n_inputs + 1)

    @property
    def n_parameters(self):
        return self.n_recurrent + self.n_outputs * (self.n_hidden + 1)

    def params(self):
        """Views of W_hh, W_xh, b_h, W_hy and b_y into theta (writing to them writes theta)."""
        return split(self.theta, self.n_hidden, self.n_inputs, self.n_outputs)

    def arrays(self):
        return NetworkArrays(
            self.theta, self.hidden, self.n_inputs, self.n_outputs, self.recurrent_mask
        )

    def insert_inputs(self, position, count):
        self.theta = insert_input_columns(self.theta, self.n_hidden, self.n_inputs, position, count)
        self.n_inputs += count

    def append_outputs(self, count):
        self.theta = append_output_rows(
            self.theta, self.n_hidden, self.n_inputs, self.n_outputs, count
        )
        self.n_outputs += count
