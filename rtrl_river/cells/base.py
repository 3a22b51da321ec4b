"""What the network needs from a cell: its parameter blocks, their start, and its kernels."""

import abc

import numpy as np


class Cell(abc.ABC):
    """A recurrent cell's Python side. Its numba side (forward, backward, the exact trace where
    it is cheap) is a module of `rtrl_river/kernels/cells/`, reached through `arrays`.

    The recurrent parameters are the blocks of `recurrent_shapes`, in theta's order; the
    network appends the head (W_hy, b_y) after them. The blocks named in `input_blocks` have
    one column per input, and a new input's columns are born zero.
    """

    name: str
    input_blocks: tuple
    state_bias: str  # the bias that sets the state while every input is zero
    diagonal_influence = False  # True when each unit's parameters reach that unit only

    @abc.abstractmethod
    def recurrent_shapes(self, n_hidden, n_inputs):
        """The shape of each recurrent parameter block, in theta's order."""

    @abc.abstractmethod
    def initialize(self, blocks, rng):
        """Write the initial values into the (zeroed) recurrent blocks."""

    def recurrent_mask(self, blocks, rng, recurrent_density):
        """A fixed sparsity pattern of the recurrent weights, or an empty array for none."""
        if recurrent_density < 1.0:
            raise ValueError(
                f"recurrent_density={recurrent_density} masks the elman cell's W_hh; the "
                f"{self.name} cell has no recurrent weight matrix to make sparse"
            )
        return np.zeros((0, 0))

    def recurrent_rate(self, recurrent_lr_scale, n_hidden):
        """(end, scale): theta's first `end` parameters (the recurrence whose step compounds
        through time) learn at lr times `scale`, the estimator's `recurrent_lr_scale` made the
        cell's. None by default."""
        return 0, 1.0

    def scratch(self, n_hidden):
        """Working space the cell's kernels keep between the forward step and the trace
        update (the network holds it as `scratch`); none by default."""
        return np.zeros(0)

    @abc.abstractmethod
    def arrays(self, network):
        """The network as the NamedTuple this cell's kernels are registered for."""

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)
