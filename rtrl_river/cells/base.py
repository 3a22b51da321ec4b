"""What the network needs from a cell: its parameter blocks, their start, and its kernels."""

import abc

import numpy as np
from river import base


class Cell(base.Base, abc.ABC):
    """A recurrent cell's Python side. Its numba side (forward, backward, the exact trace where
    it is cheap) is a module of `rtrl_river/kernels/cells/`, reached through `arrays`.

    A cell is a parameter object, as the learners are: `__init__` stores numbers only (checked
    by `validate` when a model is built), so River's and scikit-learn's `clone` and
    `GridSearchCV` treat it as a plain parameter value.

    The state the head reads has `state_size(hidden_size)` real numbers; every method below
    that takes `n_hidden` takes that length. The recurrent parameters are the blocks of
    `recurrent_shapes`, in theta's order; the network appends the head (W_hy, b_y) after them.
    The blocks named in `input_blocks` have one column per input, and a new input's columns
    are born zero.
    """

    name: str
    input_blocks: tuple
    state_bias = None  # the bias that sets the state while every input is zero; None: none
    # the hidden_size of a model that names none: sizes at which a step costs about what the
    # Elman cell's 16 units cost (docs/defaults.md)
    default_size: int
    diagonal_influence = False  # True when each unit's parameters reach that unit only

    def validate(self):
        """Raise a clear error for a number of the cell's that is out of range."""

    def state_size(self, hidden_size):
        """The length of the real state the head reads, for `hidden_size` units."""
        return hidden_size

    @abc.abstractmethod
    def recurrent_shapes(self, n_hidden, n_inputs):
        """The shape of each recurrent parameter block, in theta's order."""

    def trace_shapes(self, n_hidden, n_inputs):
        """The blocks of exact RTRL's trace on a cell with diagonal influence (the kernel role
        "diagonal_influence"), in order: by default one number per recurrent parameter, laid
        out like theta's recurrent blocks."""
        return self.recurrent_shapes(n_hidden, n_inputs)

    @property
    def trace_input_blocks(self):
        """The blocks of `trace_shapes` with one column per input (born zero, which is exact:
        the input was zero until then)."""
        return self.input_blocks

    @abc.abstractmethod
    def initialize(self, blocks, rng):
        """Write the initial values into the (zeroed) recurrent blocks."""

    def scaled_rate(self, n_hidden, recurrent_lr_scale):
        """(end, scale): theta's first `end` parameters step at the learning rate times
        `scale` (the estimator's `recurrent_lr_scale` is passed in); none by default."""
        return 0, 1.0

    def recurrent_mask(self, blocks, rng, recurrent_density):
        """A fixed sparsity pattern of the recurrent weights, or an empty array for none."""
        if recurrent_density < 1.0:
            raise ValueError(
                f"recurrent_density={recurrent_density} masks the elman cell's W_hh; the "
                f"{self.name} cell has no recurrent weight matrix to make sparse"
            )
        return np.zeros((0, 0))

    def scratch(self, n_hidden):
        """Working space the cell's kernels keep between the forward step and the trace
        update (the network holds it as `scratch`); none by default."""
        return np.zeros(0)

    @abc.abstractmethod
    def arrays(self, network):
        """The network as the NamedTuple this cell's kernels are registered for."""

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self._get_params().items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other):
        return type(self) is type(other) and self._get_params() == other._get_params()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self._get_params().items()))))
