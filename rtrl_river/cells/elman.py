"""The Elman cell: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)."""

import numpy as np

from ..kernels.cells.elman import ElmanArrays
from .base import Cell

# The width at which `recurrent_lr_scale` is W_hh's rate relative to lr: Adam moves every
# weight by about lr a step, so a unit's recurrent input moves by up to n * lr; past this many
# units W_hh's step shrinks as 1/n, so that movement stays what it is at this width.
WIDTH_OF_SCALE = 16


class Elman(Cell):
    """A dense Elman cell. Exact RTRL costs O(n^4 + n^3 d) a step on it.

    W_hh starts random with spectral radius about 0.9, so an input's trace lasts long enough
    for a gradient to find it; W_xh columns and b_h start at zero. With recurrent_density < 1,
    W_hh has a fixed random sparsity pattern whose masked weights stay exactly zero.
    """

    name = "elman"
    default_size = 16
    input_blocks = ("W_xh",)
    state_bias = "b_h"

    def recurrent_shapes(self, n_hidden, n_inputs):
        n, d = n_hidden, n_inputs
        return {"W_hh": (n, n), "W_xh": (n, d), "b_h": (n,)}

    def initialize(self, blocks, rng):
        n = blocks["W_hh"].shape[0]
        blocks["W_hh"][:] = rng.normal(0.0, 0.9 * (1.0 / np.sqrt(n)), size=(n, n))

    def scaled_rate(self, n_hidden, recurrent_lr_scale):
        """W_hh (theta's first n*n entries) steps at lr * recurrent_lr_scale, and beyond
        WIDTH_OF_SCALE units also times WIDTH_OF_SCALE / n."""
        return n_hidden * n_hidden, float(recurrent_lr_scale) * min(1.0, WIDTH_OF_SCALE / n_hidden)

    def recurrent_mask(self, blocks, rng, recurrent_density):
        if recurrent_density >= 1.0:
            return np.zeros((0, 0))
        n = blocks["W_hh"].shape[0]
        mask = (rng.random((n, n)) < recurrent_density) * 1.0
        # keep the spectral radius near 0.9 whatever the density
        blocks["W_hh"] *= mask / np.sqrt(recurrent_density)
        return mask

    def arrays(self, network):
        return ElmanArrays(
            network.theta, network.hidden, network.n_inputs, network.n_outputs,
            network.recurrent_mask,
        )
