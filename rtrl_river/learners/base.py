"""What every gradient estimator provides: a parameter object and the state it fits."""

import abc

from river import base


class Learner(base.Base, abc.ABC):
    """A gradient estimator's hyperparameters. `__init__` stores numbers only, so River's and
    scikit-learn's `clone` and `GridSearchCV` treat it as a plain parameter value."""

    name: str
    cells: tuple  # the names of the cells (`rtrl_river.cells`) this estimator runs on
    elsewhere = ""  # what to use instead on any other cell, for the error message

    def init_state(self, network, rng):
        """The estimator's traces for `network`, as a `LearnerState`; a clear error on a cell
        this estimator does not run on."""
        cell = network.cell.name
        if cell not in self.cells:
            raise ValueError(
                f"{type(self).__name__} is implemented for the {' and '.join(self.cells)} "
                f"cell{'s' if len(self.cells) > 1 else ''} only; on the {cell} cell "
                f"{self.elsewhere}"
            )
        return self._init_state(network, rng)

    @abc.abstractmethod
    def _init_state(self, network, rng):
        """The traces for `network`, whose cell is one of `cells`."""

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self._get_params().items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other):
        return type(self) is type(other) and self._get_params() == other._get_params()

    def __hash__(self):
        return hash((type(self).__name__, tuple(sorted(self._get_params().items()))))


class LearnerState(abc.ABC):
    """A gradient estimator's traces (influence matrix, buffers) as plain numpy arrays.

    A subclass groups its arrays into the NamedTuple its kernel module registered a trace
    update for (`traces`); the shared loop in `kernels/driver.py` does the rest.
    """

    @abc.abstractmethod
    def traces(self, n_steps):
        """The arrays the trace update works on, as a NamedTuple, for a call of n_steps."""

    # True when each one-step call needs `before_one_step` (fresh random draws, say)
    draws_each_step = False

    def one_step_traces(self):
        """The arrays of `traces(1)`, which `learn_one` caches as long as the layout stands; a
        learner that draws per step makes room for one step's draws here."""
        return self.traces(1)

    def before_one_step(self):
        """Draw what a one-step call needs, into the arrays of `one_step_traces`."""

    @abc.abstractmethod
    def reset(self):
        """Forget the past: zero every trace (the weights are not the learner's)."""

    @abc.abstractmethod
    def prepare_inputs(self, network, position, count):
        """Allocate the traces for `count` new input columns at `position` and return the
        function that puts them in place, which allocates nothing (`Engine.insert_inputs`
        calls it once every array of the model has what it needs); called before the network
        grows, with the old layout. The new columns' traces start at zero, which is exact: the
        inputs were zero until now."""

    def insert_inputs(self, network, position, count):
        """Make room for `count` new input columns at `position` (see `prepare_inputs`)."""
        self.prepare_inputs(network, position, count)()

    def prepare_outputs(self, network, count):
        """New output rows: the head sits outside the recurrent traces, so nothing to do."""
        return _nothing


def _nothing():
    pass
