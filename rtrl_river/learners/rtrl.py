"""Exact Real-Time Recurrent Learning: the full influence matrix, O(n^2 P) per step."""

import numpy as np

from ..kernels.rtrl import DiagonalTraces, RTRLTraces
from .base import Learner, LearnerState


class RTRL(Learner):
    """Exact RTRL (Williams & Zipser, 1989): the gradient of each step's loss over the whole past.

    Carries the influence matrix J_t = dh_t/dtheta (n x P, P = n(n+d+1) recurrent parameters):

        J_t = diag(1 - h_t^2) (W_hh J_{t-1} + I_t)

    where I_t is the immediate Jacobian, in which unit i's own incoming weights see
    [h_{t-1}, x_t, 1]. The recurrent gradient of step t is (W_hy^T dL/dyhat)^T J_t. Time per step
    is O(n^4 + n^3 d), memory O(n^3 + n^2 d). J is not reset when the weights change, the usual
    online approximation ("stale" influence).

    On a cell whose recurrence is element-wise (`cell="elstm"`), a parameter of unit i only
    reaches unit i, so J has one non-zero per parameter: the cell's own trace update keeps
    that one number each, exact RTRL at O(n d) time and memory a step.

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
    MAE: 0.149

    References
    ----------
    [^1]: Williams, R.J. and Zipser, D., 1989. A learning algorithm for continually running fully
    recurrent neural networks. Neural Computation, 1(2), pp.270-280.

    """

    name = "rtrl"

    def init_state(self, network, rng):
        if network.cell.diagonal_influence:
            return DiagonalRTRLState(network)
        return RTRLState(network)


class RTRLState(LearnerState):
    """The influence matrix, double-buffered: each step writes J_t beside J_{t-1}."""

    def __init__(self, network):
        self.influence = np.zeros((2, network.n_hidden, network.n_recurrent))
        self.current = np.zeros(1, dtype=np.int64)

    @property
    def matrix(self):
        """The current influence matrix J_t (a view)."""
        return self.influence[self.current[0]]

    def traces(self, n_steps):
        return RTRLTraces(self.influence, self.current)

    # The half not holding J_t is scratch the next step overwrites whole, so a pickle keeps
    # only J_t: half the size, and the model resumes bit for bit.
    def __getstate__(self):
        state = dict(self.__dict__)
        state["influence"] = self.matrix.copy()
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        matrix = self.influence
        self.influence = np.zeros((2,) + matrix.shape)
        self.influence[self.current[0]] = matrix

    def reset(self):
        self.influence[:] = 0.0

    def insert_inputs(self, network, position, count):
        self.influence = network.insert_input_columns(self.influence, position, count)


class DiagonalRTRLState(LearnerState):
    """Exact RTRL on a cell with diagonal influence: one trace number per recurrent
    parameter, laid out like theta's recurrent block (so it grows like theta)."""

    def __init__(self, network):
        self.influence = np.zeros(network.n_recurrent)

    def traces(self, n_steps):
        return DiagonalTraces(self.influence)

    def reset(self):
        self.influence[:] = 0.0

    def insert_inputs(self, network, position, count):
        self.influence = network.insert_input_columns(self.influence, position, count)
