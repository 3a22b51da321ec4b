"""SnAp-n (Menick et al., 2021): RTRL restricted to the influence reachable within n steps."""

from numbers import Integral

import numpy as np

from ..growth import GrowableArray, spare_inputs
from ..kernels.arrays import aligned_zeros
from ..kernels.snap import SnApTraces
from .base import Learner, LearnerState
from .rtrl import DiagonalRTRLState


class SnAp(Learner):
    r"""Sparse n-step approximation of RTRL.

    Keeps \(J[k, \theta]\) only where parameter \(\theta\) (a weight into unit \(i\)) can reach
    unit \(k\) within `level` steps of the recurrent connectivity, and drops the rest at every
    step (\(M_\mathrm{level}\) is that mask):

    $$
    J_t = \big(\operatorname{diag}(1 - h_t^2)\, (W_{hh} J_{t-1} + I_t)\big) \odot M_\mathrm{level}
    $$

    SnAp-1 keeps only unit \(i\)'s own row: one number per parameter, \(O(P)\) time and memory,
    no more than backpropagation. SnAp-2 also keeps the units \(i\) feeds: on a dense \(W_{hh}\)
    that is every unit, so it equals exact RTRL; it pays off with a sparse \(W_{hh}\)
    (`recurrent_density` < 1), where its cost scales with the kept entries.

    On the element-wise cells (`cell="elstm"`, `cell="lru"`) a weight into unit \(i\) never
    reaches another unit, so the mask of every level keeps all of \(J\)'s non-zeros: SnAp-n *is*
    exact RTRL there, and runs as RTRL's \(O(nd)\) diagonal trace (same state, same numbers).

    Parameters
    ----------
    level
        The number of steps of reach kept (1 or more): the n of SnAp-n.

    Examples
    --------

    >>> from river import datasets, evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLRegressor
    >>> from rtrl_river.learners import SnAp

    >>> model = preprocessing.StandardScaler() | RTRLRegressor(
    ...     learner=SnAp(level=1), seed=1
    ... )
    >>> evaluate.progressive_val_score(datasets.TrumpApproval(), model, metrics.MAE())
    MAE: 0.192

    References
    ----------
    [^1]: Menick, J., Elsen, E., Evci, U., Osindero, S., Simonyan, K. and Graves, A., 2021. A
    Practical Sparse Approximation for Real Time Recurrent Learning. ICLR.

    """

    def __init__(self, level: int = 1):
        self.level = level

    @property
    def name(self):
        return f"snap-{self.level}"

    cells = ("elman", "elstm", "lru")

    def _init_state(self, network, rng):
        if not isinstance(self.level, Integral) or self.level < 1:
            raise ValueError(f"SnAp level must be an integer >= 1, got {self.level!r}")
        if network.cell.diagonal_influence:
            # Nothing but unit i is reachable from unit i's parameters: every level keeps
            # exactly the non-zeros of J, so SnAp is exact RTRL and runs as such.
            return DiagonalRTRLState(network)
        return SnApState(network, self.level)


def kept_units(support, level):
    """For each unit i, the sorted units reachable from i in fewer than `level` steps
    (i itself included): support[k, l] says whether l feeds k."""
    n = support.shape[0]
    reach = np.eye(n, dtype=bool)  # reach[k, i]: k reachable from i
    for _ in range(level - 1):
        reach = reach | (support.astype(int) @ reach.astype(int) > 0)
    return [np.flatnonzero(reach[:, i]) for i in range(n)]


class SnApState(LearnerState):
    """The kept influence entries, unit by unit (see `kernels.snap.SnApTraces`).

    On a dense W_hh, SnAp-2 keeps n^2 rows of n + d + 1 entries, as many as exact RTRL's
    influence matrix: they live in a `GrowableArray` with room for a few more inputs, so a
    new feature grows them in place (`rtrl_river.growth`)."""

    def __init__(self, network, level):
        units = kept_units(network.recurrent_support, level)
        self.kept_units = np.concatenate(units).astype(np.int64)
        offsets = np.cumsum([len(u) for u in units])
        self.kept_offsets = np.concatenate([[0], offsets]).astype(np.int64)
        m = network.n_hidden + network.n_inputs + 1
        self.storage = GrowableArray((len(self.kept_units), m), self.room(network.n_inputs))
        self.scratch = np.zeros((max(len(u) for u in units), m))

    def room(self, n_inputs):
        """The spare numbers kept at `n_inputs` inputs: every kept row's columns for
        `spare_inputs(n_inputs)` more inputs."""
        return len(self.kept_units) * spare_inputs(n_inputs)

    @property
    def values(self):
        """The kept rows, (total kept) x (n + d + 1) (a view)."""
        return self.storage.array

    def traces(self, n_steps):
        return SnApTraces(self.kept_units, self.kept_offsets, self.values, self.scratch)

    # pickled as the kept rows and the room (a number), not the spare columns
    def __getstate__(self):
        state = {("values" if key == "storage" else key): value
                 for key, value in self.__dict__.items()}
        return {**state, "values": self.values, "room": self.storage.room}

    def __setstate__(self, state):
        state = dict(state)
        room = state.pop("room", 0)
        for key, value in state.items():  # in the pickle's order, so it pickles the same again
            if key == "values":
                key, value = "storage", GrowableArray.holding(value, room)
            self.__dict__[key] = value

    def reset(self):
        self.values[:] = 0.0

    def prepare_inputs(self, network, position, count):
        n_inputs = network.n_inputs + count
        scratch = aligned_zeros((self.scratch.shape[0], self.values.shape[1] + count))
        grow = self.storage.prepare_columns(network.n_hidden + position, count,
                                            self.room(n_inputs))

        def commit():
            grow()
            self.scratch = scratch

        return commit
