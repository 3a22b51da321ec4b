"""The network's parameters (one flat vector), state and layout, and how they grow (any cell)."""

import math

import numpy as np

from .cells import make_cell
from .kernels.arrays import aligned


def block_shapes(cell, n_hidden, n_inputs, n_outputs):
    """The shape of each parameter block, in theta's order: the cell's, then the head's."""
    shapes = dict(cell.recurrent_shapes(n_hidden, n_inputs))
    shapes["W_hy"] = (n_outputs, n_hidden)
    shapes["b_y"] = (n_outputs,)
    return shapes


def split(vector, shapes):
    """Views of the blocks of a theta-shaped last axis (stops early for recurrent-only arrays)."""
    blocks, start = {}, 0
    lead = vector.shape[:-1]
    for name, shape in shapes.items():
        size = math.prod(shape)
        if start + size > vector.shape[-1]:
            break
        blocks[name] = vector[..., start : start + size].reshape(lead + shape)
        start += size
    return blocks


def insert_input_columns(array, shapes, input_blocks, position, count):
    """`array` with `count` zero columns inserted at column `position` of each input block.

    Works on any array whose last axis is laid out like theta (or its recurrent part): the
    parameters, optimizer moments, an influence matrix, a trace vector.
    """
    lead = array.shape[:-1]
    parts, start = [], 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        if start + size > array.shape[-1]:
            break
        block = array[..., start : start + size]
        if name in input_blocks:
            block = block.reshape(lead + shape)
            block = np.insert(block, [position] * count, 0.0, axis=-1)
            block = block.reshape(lead + (shape[0] * (shape[1] + count),))
        parts.append(block)
        start += size
    parts.append(array[..., start:])
    return np.ascontiguousarray(np.concatenate(parts, axis=-1))


def append_output_rows(array, n_recurrent, n_hidden, n_outputs, count):
    """A theta-shaped `array` with `count` zero rows appended to W_hy and entries to b_y."""
    n, k, start = n_hidden, n_outputs, n_recurrent
    head = array[..., start : start + k * n]
    bias = array[..., start + k * n :]
    zeros = np.zeros(array.shape[:-1] + (count * n,))
    parts = [array[..., :start], head, zeros, bias, np.zeros(array.shape[:-1] + (count,))]
    return np.ascontiguousarray(np.concatenate(parts, axis=-1))


class Network:
    """A recurrent cell and a linear head: h_t = cell(h_{t-1}, x_t), yhat_t = W_hy h_t + b_y.

    Every parameter lives in the flat vector `theta`, the cell's blocks first, then the head's;
    `params()` returns named views into it. Input columns and output rows are born zero. The
    cell sets its own blocks' start (`rtrl_river.cells`); W_hy starts random with entries of
    size 1/sqrt(n), so gradients reach every input weight from the first step.

    With recurrent_density < 1 (Elman only), W_hh has a fixed random sparsity pattern
    `recurrent_mask` (each entry kept with that probability); the masked weights start at zero
    and their gradient is zeroed every step, so they stay exactly zero.

    `cell` is a name or a `rtrl_river.cells` object. `n_hidden` is the length of the real
    state the head reads: `hidden_size` for the Elman and eLSTM cells, 2 * hidden_size for
    the LRU's complex modes (`Cell.state_size`); hidden_size None is the cell's
    `default_size`.
    """

    def __init__(self, hidden_size, n_inputs, n_outputs, rng, recurrent_density=1.0,
                 cell="elman"):
        self.cell = make_cell(cell)
        if hidden_size is None:
            hidden_size = self.cell.default_size
        n_hidden = self.cell.state_size(hidden_size)
        self.n_hidden, self.n_inputs, self.n_outputs = n_hidden, n_inputs, n_outputs
        self.theta = np.zeros(self.n_parameters)
        self.hidden = np.zeros(n_hidden)
        self.scratch = self.cell.scratch(n_hidden)
        blocks = self.params()
        self.cell.initialize(blocks, rng)
        blocks["W_hy"][:] = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_outputs, n_hidden))
        self.recurrent_mask = self.cell.recurrent_mask(blocks, rng, recurrent_density)

    @property
    def recurrent_support(self):
        """The n x n boolean pattern of W_hh entries that may be non-zero."""
        if self.recurrent_mask.size == 0:
            return np.ones((self.n_hidden, self.n_hidden), dtype=bool)
        return self.recurrent_mask > 0

    @property
    def shapes(self):
        return block_shapes(self.cell, self.n_hidden, self.n_inputs, self.n_outputs)

    @property
    def n_recurrent(self):
        """The number of recurrent parameters P (the cell's): the columns of the influence
        matrix. Elman: n(n+d+1); eLSTM: 2nd + 4n; LRU: 3n + 2nd (n modes)."""
        shapes = self.cell.recurrent_shapes(self.n_hidden, self.n_inputs)
        return sum(math.prod(shape) for shape in shapes.values())

    @property
    def recurrent_per_input(self):
        """How many recurrent parameters one more input brings: a column of each input block,
        one per row (Elman: n)."""
        shapes = self.cell.recurrent_shapes(self.n_hidden, self.n_inputs)
        return sum(shapes[name][0] for name in self.cell.input_blocks)

    @property
    def trace_shapes(self):
        """The blocks of exact RTRL's trace on a cell with diagonal influence."""
        return self.cell.trace_shapes(self.n_hidden, self.n_inputs)

    @property
    def n_traces(self):
        """The length of that trace (eLSTM: P, one number per recurrent parameter; LRU: the
        complex traces as pairs, 4n + 2nd)."""
        return sum(math.prod(shape) for shape in self.trace_shapes.values())

    def scaled_rate(self, recurrent_lr_scale):
        """(end, scale): theta's first `end` parameters step at lr * scale (`Cell.scaled_rate`)."""
        return self.cell.scaled_rate(self.n_hidden, recurrent_lr_scale)

    @property
    def n_parameters(self):
        return self.n_recurrent + self.n_outputs * (self.n_hidden + 1)

    def params(self):
        """Views of every parameter block into theta (writing to them writes theta)."""
        return split(self.theta, self.shapes)

    def arrays(self):
        return self.cell.arrays(self)

    def __setstate__(self, state):
        self.__dict__.update(state)
        # The cell's kernels write their working space even when predicting: keep it a private,
        # writable copy whatever the pickle was loaded into (a read-only memory map, say).
        self.scratch = np.array(self.scratch)

    def insert_input_columns(self, array, position, count):
        """`array`, laid out like theta or its recurrent part, grown by `count` zero input
        columns at `position` (call before `insert_inputs`, with the old layout)."""
        return insert_input_columns(array, self.shapes, self.cell.input_blocks, position, count)

    def insert_trace_columns(self, array, position, count):
        """A trace laid out as `trace_shapes`, grown by `count` zero input columns at
        `position` (call before `insert_inputs`, with the old layout)."""
        return insert_input_columns(array, self.trace_shapes, self.cell.trace_input_blocks,
                                    position, count)

    def append_output_rows(self, array, count):
        """A theta-shaped `array` grown by `count` zero output rows (call before
        `append_outputs`)."""
        return append_output_rows(array, self.n_recurrent, self.n_hidden, self.n_outputs, count)

    def prepare_inputs(self, position, count):
        """theta grown by `count` input columns at `position`, and the function that puts it
        in place and records the new width (see `Engine.insert_inputs`)."""
        theta = aligned(self.insert_input_columns(self.theta, position, count))

        def commit():
            self.theta = theta
            self.n_inputs += count

        return commit

    def prepare_outputs(self, count):
        theta = aligned(self.append_output_rows(self.theta, count))

        def commit():
            self.theta = theta
            self.n_outputs += count

        return commit
