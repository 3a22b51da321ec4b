"""Online truncated backpropagation through time, updating every step."""

from numbers import Integral

import numpy as np

from ..kernels.arrays import aligned
from ..kernels.tbptt import TBPTTTraces
from .base import Learner, LearnerState


class TBPTT(Learner):
    r"""Truncated BPTT: each step's loss backpropagated through the last `truncation` steps.

    A ring buffer keeps the last \(k\) inputs and hidden states; every step adds one and walks
    back through them, so the gradient of step \(t\) ignores everything older than
    \(t - k + 1\). The hidden state itself is carried over the whole stream (unlike a rolling
    window restarted from zero). \(O(kP)\) time and \(O(k(n + d))\) memory per step. With
    \(k \ge t\) it equals RTRL's gradient; dependencies longer than the truncation are invisible
    to it.

    Parameters
    ----------
    truncation
        \(k\), the number of steps the gradient flows back through (1 or more).

    Examples
    --------

    >>> from river import datasets, evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLRegressor
    >>> from rtrl_river.learners import TBPTT

    >>> model = preprocessing.StandardScaler() | RTRLRegressor(
    ...     learner=TBPTT(truncation=4), seed=1
    ... )
    >>> evaluate.progressive_val_score(datasets.TrumpApproval(), model, metrics.MAE())
    MAE: 0.191

    References
    ----------
    [^1]: Williams, R.J. and Peng, J., 1990. An efficient gradient-based algorithm for on-line
    training of recurrent network trajectories. Neural Computation, 2(4), pp.490-501.

    """

    def __init__(self, truncation: int = 16):
        self.truncation = truncation

    name = "tbptt"
    cells = ("elman", "elstm", "lru")  # any cell: it walks back by the cell's "backward"

    def _init_state(self, network, rng):
        if not isinstance(self.truncation, Integral) or self.truncation < 1:
            raise ValueError(f"TBPTT truncation must be an integer >= 1, got {self.truncation!r}")
        return TBPTTState(network, int(self.truncation))


class TBPTTState(LearnerState):
    """The ring buffer of the last k steps."""

    def __init__(self, network, truncation):
        n, d, k = network.n_hidden, network.n_inputs, truncation
        self.hidden_prev = np.zeros((k, n))
        self.inputs = np.zeros((k, d))
        self.hidden = np.zeros((k, n))
        self.position = np.zeros(1, dtype=np.int64)
        self.count = np.zeros(1, dtype=np.int64)
        self.scratch = np.zeros((2, n))

    def traces(self, n_steps):
        return TBPTTTraces(
            self.hidden_prev, self.inputs, self.hidden, self.position, self.count,
            self.scratch[0], self.scratch[1],
        )

    def reset(self):
        for array in (self.hidden_prev, self.inputs, self.hidden, self.position, self.count):
            array[:] = 0

    def prepare_inputs(self, network, position, count):
        inputs = aligned(np.insert(self.inputs, [position] * count, 0.0, axis=1))

        def commit():
            self.inputs = inputs

        return commit
