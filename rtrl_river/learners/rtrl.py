"""Exact Real-Time Recurrent Learning: the full influence matrix, O(n^2 P) per step."""

import numpy as np

from ..growth import GrowableArray, spare_inputs
from ..kernels.arrays import aligned
from ..kernels.rtrl import DiagonalTraces, RTRLTraces
from .base import Learner, LearnerState


class RTRL(Learner):
    r"""Exact RTRL (Williams & Zipser, 1989): the gradient of each step's loss over the whole past.

    Carries the influence matrix \(J_t = \partial h_t / \partial \theta\) (\(n \times P\), with
    \(P = n(n+d+1)\) recurrent parameters):

    $$
    J_t = \operatorname{diag}(1 - h_t^2)\, (W_{hh} J_{t-1} + I_t)
    $$

    where \(I_t\) is the immediate Jacobian, in which unit \(i\)'s own incoming weights see
    \([h_{t-1}, x_t, 1]\). The recurrent gradient of step \(t\) is
    \((W_{hy}^\top\, \partial L / \partial \hat y_t)^\top J_t\). Time per step is
    \(O(n^4 + n^3 d)\), memory \(O(n^3 + n^2 d)\). \(J\) is not reset when the weights change,
    the usual online approximation ("stale" influence).

    On a cell whose recurrence is element-wise (`cell="elstm"`, `cell="lru"`), a parameter of
    unit \(i\) only reaches unit \(i\) (an LRU mode: its real and imaginary parts), so \(J\) has
    one non-zero per parameter and state number it feeds: the cell's own trace update keeps
    those few numbers each (`Cell.trace_shapes`), exact RTRL at \(O(nd)\) time and memory a step.

    Examples
    --------

    >>> from river import datasets, evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLRegressor
    >>> from rtrl_river.learners import RTRL

    >>> model = preprocessing.StandardScaler() | RTRLRegressor(
    ...     learner=RTRL(), seed=1
    ... )
    >>> model["RTRLRegressor"].learner
    RTRL()
    >>> evaluate.progressive_val_score(datasets.TrumpApproval(), model, metrics.MAE())
    MAE: 0.191

    References
    ----------
    [^1]: Williams, R.J. and Zipser, D., 1989. A learning algorithm for continually running fully
    recurrent neural networks. Neural Computation, 1(2), pp.270-280.

    """

    name = "rtrl"
    cells = ("elman", "elstm", "lru")

    def _init_state(self, network, rng):
        if network.cell.diagonal_influence:
            return DiagonalRTRLState(network)
        return RTRLState(network)


class RTRLState(LearnerState):
    """The influence matrix, double-buffered: each step writes J_t beside J_{t-1}.

    Each of the two (n+1) x P matrices lives in a `GrowableArray` with room for a few more
    inputs, so a new feature grows them in place (`rtrl_river.growth`). When the room runs
    out they grow one after the other, so at most one of them exists twice at a time."""

    def __init__(self, network):
        n = network.n_hidden
        shape = (n + 1, network.n_recurrent)  # J's n rows, and the row the gradient lands in
        room = self.room(network, network.n_inputs)
        self.storage = (GrowableArray(shape, room), GrowableArray(shape, room))
        self.current = np.zeros(1, dtype=np.int64)
        self.left = np.zeros((n + 1, n))

    @staticmethod
    def room(network, n_inputs):
        """The spare numbers each matrix keeps at `n_inputs` inputs: its columns for
        `spare_inputs(n_inputs)` more inputs."""
        return (network.n_hidden + 1) * network.recurrent_per_input * spare_inputs(n_inputs)

    @property
    def matrices(self):
        """Both buffers, (n+1) x P each (views): J_t with the last step's gradient below it,
        and the next step's output."""
        return tuple(storage.array for storage in self.storage)

    @property
    def matrix(self):
        """The current influence matrix J_t, n x P (a view)."""
        array = self.storage[self.current[0]].array
        return array[: array.shape[0] - 1]

    def traces(self, n_steps):
        return RTRLTraces(*self.matrices, self.current, self.left)

    # The other matrix (and the gradient row and `left`) is scratch the next step overwrites
    # whole, so a pickle keeps only J_t: half the size, and the model resumes bit for bit. The
    # room is a number: the spare columns themselves are not pickled.
    def __getstate__(self):
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ("storage", "left")}
        return {"influence": self.matrix.copy(), **state, "room": self.storage[0].room}

    def __setstate__(self, state):
        state = dict(state)
        matrix = state.pop("influence")
        room = state.pop("room", 0)
        self.__dict__.update(state)
        n = matrix.shape[0]
        shape = (n + 1, matrix.shape[1])
        self.storage = (GrowableArray(shape, room), GrowableArray(shape, room))
        self.left = np.zeros((n + 1, n))
        self.matrix[...] = matrix

    def reset(self):
        for matrix in self.matrices:
            matrix[:] = 0.0

    def prepare_inputs(self, network, position, count):
        # J_{t-1}'s buffer is scratch (the next step's product overwrites it whole), so it is
        # let go before its larger buffer exists, then J_t's grows: at most one matrix exists
        # twice at a time, and a failed allocation leaves both as they were
        room = self.room(network, network.n_inputs + count)
        current = int(self.current[0])
        grow = [self.storage[1 - current].prepare_input_columns(
                    network.shapes, network.cell.input_blocks, position, count, room,
                    keep=False),
                self.storage[current].prepare_input_columns(
                    network.shapes, network.cell.input_blocks, position, count, room)]

        def commit():
            for step in grow:
                step()

        return commit


class DiagonalRTRLState(LearnerState):
    """Exact RTRL on a cell with diagonal influence: the cell's own trace, laid out as its
    `trace_shapes` (the eLSTM: one number per recurrent parameter, like theta's recurrent
    block; the LRU: complex traces per mode), grown by its own input blocks."""

    def __init__(self, network):
        self.influence = np.zeros(network.n_traces)

    def traces(self, n_steps):
        return DiagonalTraces(self.influence)

    def reset(self):
        self.influence[:] = 0.0

    def prepare_inputs(self, network, position, count):
        influence = aligned(network.insert_trace_columns(self.influence, position, count))

        def commit():
            self.influence = influence

        return commit
