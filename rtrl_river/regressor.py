"""RTRLRegressor: an online recurrent regressor for River and scikit-learn."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from river import base as river_base

from .base import RTRLEstimator, _frame_columns_and_values, _series_like, check_real
from .kernels.arrays import SQUARED_LOSS
from .kernels.targets import (
    CHANGE, FEEDBACK, FEEDBACK_WIDTH, HALF, HAS_LAST, HAS_OFFSET, LAST_TARGET, LEVEL_SCALER,
    REGRESSION_STATE_SIZE, ROW_FEEDBACK, SCALING, SHARED_LEVEL, TARGET_OFFSET, TARGET_SCALER,
    encode_and_read_out, encode_regression_targets, new_standardizer,
)
from .scaling import RunningStandardizer

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike
    from river import optim

    from .cells import Cell
    from .learners import Learner


class RTRLRegressor(RTRLEstimator, river_base.MiniBatchRegressor):
    """Online recurrent regressor trained one time step at a time by Real-Time Recurrent Learning.

    An Elman network, h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h) and yhat_t = W_hy h_t + b_y,
    trained on the squared loss 0.5 (yhat_t - y_t)^2. The hidden state is carried from one call
    to the next, so a stream of `x` dicts is one sequence: `predict_one(x)` is the prediction for
    this step given everything seen so far, and `learn_one(x, y)` advances the state and takes
    one gradient step. With the default learner the gradient is exact RTRL: the gradient of this
    step's loss through the whole past, no truncation window. `cell="elstm"` swaps the Elman
    layer for an element-wise LSTM whose exact RTRL costs O(n d) a step instead of O(n^4).

    The output bias b_y starts at the first target of the stream (or of `fit`), so raw targets
    far from zero need no scaling. Features are matched by name. A feature seen for the first time gets a zero-initialised
    input column; a feature absent from x reads as 0.

    Parameters
    ----------
    hidden_size
        Number of hidden units n.
    cell
        The recurrent cell: "elman" (a dense tanh layer; exact RTRL costs O(n^4) a step) or
        "elstm", the element-wise LSTM of Irie et al. (2024), z_t = tanh(W_z x_t + w_z * c_{t-1}
        + b_z), f_t = sigmoid(W_f x_t + w_f * c_{t-1} + b_f), c_t = f_t * c_{t-1} + (1 - f_t) *
        z_t, whose exact RTRL costs O(n d) a step, so hundreds of units stay real-time; or
        "lru", the linear recurrent unit (hidden_size complex modes, exact RTRL at O(n d); a
        long memory), also as an object with its numbers, `rtrl_river.cells.LRU(r_min=0.9)`.
        On "elstm" and "lru", SnAp at any level is exact RTRL, UORO is not offered and
        `recurrent_density` must be 1.
    learner
        The gradient estimator: "rtrl" (exact), "snap-1", "snap-2", "tbptt" or "uoro", or a
        `rtrl_river.learners` object with its hyperparameters, such as `TBPTT(truncation=8)`.
    optimizer
        "sgd", "adam", "rmsprop" or "adagrad", or a `river.optim` SGD, Adam, RMSProp or AdaGrad
        object (whose learning rate may be a `river.optim.schedulers` Constant or
        InverseScaling). The object is read, never modified: the estimator keeps its own
        moments and step count.
    lr
        Learning rate of an optimizer given by name.
    clip_gradient
        Maximum L2 norm of each step's whole gradient; None disables clipping.
    recurrent_lr_scale
        The Elman cell's recurrent matrix W_hh learns at lr times this (a fraction, a
        multiple, or 0 to keep W_hh at its initial values), and with more than 16 hidden units
        also times 16 / hidden_size; the other weights learn at lr. Adam moves every weight by
        about lr a step, so a unit's recurrent input moves by up to about n * lr and the change
        compounds through time: the recurrence tolerates a smaller step than the input weights
        and the head, and a smaller one the wider the layer. No effect on the eLSTM (its
        recurrent weights are element-wise); on the LRU, lambda (nu, theta) learns at lr times
        this times the cell's `recurrent_rate`.
    target_feedback
        Feed the previous step's target in as an extra input, as y_{t-1} - y_1 (centred on the
        stream's first target y_1; 0 before the first step). Without it, a model sees only x and
        cannot use the target's own history.
    max_iter
        Number of passes `fit` makes over its data, each from a reset hidden state. `learn_one`,
        `learn_many` and `partial_fit` are unaffected.
    recurrent_density
        Fraction of W_hh entries that may be non-zero: below 1, a fixed random pattern (seeded
        by `seed`) keeps the rest exactly zero. SnAp-2's cost follows this sparsity.
    seed
        Seed of the weight initialisation; an int makes every run identical.

    Attributes
    ----------
    params_ : dict
        Views of the live weights `W_hh` (n x n), `W_xh` (n x d), `b_h` (n), `W_hy` (1 x n) and
        `b_y` (1); for the eLSTM cell `W_z`, `W_f` (n x d), `w_z`, `w_f`, `b_z`, `b_f` (n),
        `W_hy` and `b_y`; for the LRU `nu`, `theta`, `gamma_log` (n), `B_re`, `B_im` (n x d),
        `W_hy` (1 x 2n) and `b_y`. They are views into the parameter vector: writing to them
        changes the model, and they are replaced when a new feature appears.
    hidden_ : numpy.ndarray
        The current hidden state h_t (the eLSTM's cell state c_t, the LRU's [Re h_t ; Im h_t]),
        a copy.
    t_ : int
        Number of time steps learned.
    n_features_in_ : int
        Number of features seen.
    feature_names_in_ : numpy.ndarray
        Names of the features seen, when they are all strings.

    Examples
    --------

    >>> from river import datasets, evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLRegressor

    >>> model = preprocessing.StandardScaler() | RTRLRegressor(seed=42)
    >>> evaluate.progressive_val_score(datasets.TrumpApproval(), model, metrics.MAE())
    MAE: 0.151

    References
    ----------
    [^1]: Williams, R.J. and Zipser, D., 1989. A learning algorithm for continually running fully
    recurrent neural networks. Neural Computation, 1(2), pp.270-280.

    """

    _estimator_kind = "regressor"
    _head = SQUARED_LOSS
    _y_numeric = True
    _parameter_constraints = {
        **RTRLEstimator._parameter_constraints,
        "target_scaling": ["boolean"],
        "predict_change": ["boolean"],
    }

    def __init__(
        self,
        hidden_size: int = 16,
        cell: str | Cell = "elman",
        learner: str | Learner = "rtrl",
        optimizer: str | optim.base.Optimizer = "adam",
        lr: float = 0.0005,
        clip_gradient: float | None = 5.0,
        recurrent_lr_scale: float = 1.0,
        target_feedback: bool = True,
        target_scaling: bool = True,
        predict_change: bool = True,
        max_iter: int = 10,
        recurrent_density: float = 1.0,
        seed: int | None = None,
    ):
        self.hidden_size = hidden_size
        self.cell = cell
        self.learner = learner
        self.optimizer = optimizer
        self.lr = lr
        self.clip_gradient = clip_gradient
        self.recurrent_lr_scale = recurrent_lr_scale
        self.target_feedback = target_feedback
        self.target_scaling = target_scaling
        self.predict_change = predict_change
        self.max_iter = max_iter
        self.recurrent_density = recurrent_density
        self.seed = seed

    @classmethod
    def _unit_test_params(cls):
        from river import optim

        from .cells import LRU
        from .learners import RTRL, SnAp, TBPTT

        yield {"hidden_size": 4, "seed": 1}
        yield {"hidden_size": 3, "optimizer": "sgd", "lr": 0.01, "target_scaling": False,
               "predict_change": False}
        yield {"hidden_size": 2, "learner": RTRL(), "optimizer": "rmsprop", "clip_gradient": None,
               "target_feedback": False}
        yield {"hidden_size": 3, "optimizer": "adagrad", "lr": 0.05, "predict_change": False}
        yield {"hidden_size": 3, "optimizer": optim.Adam(optim.schedulers.InverseScaling(0.01))}
        yield {"hidden_size": 4, "learner": "snap-1", "target_scaling": False}
        yield {"hidden_size": 5, "learner": SnAp(level=2), "recurrent_density": 0.4}
        yield {"hidden_size": 3, "learner": TBPTT(truncation=4)}
        yield {"hidden_size": 3, "learner": "uoro", "optimizer": "sgd", "lr": 0.001}
        yield {"hidden_size": 4, "cell": "elstm", "seed": 1}
        yield {"hidden_size": 3, "cell": "elstm", "learner": TBPTT(truncation=4), "target_feedback": True}
        yield {"hidden_size": 4, "cell": "lru", "seed": 1}
        yield {"hidden_size": 3, "cell": LRU(r_min=0.5, recurrent_rate=1.0), "learner": "tbptt"}

    # ------------------------------------------------------------ head hooks

    def _initial_outputs(self):
        return 1

    def _initialize_head(self):
        # what the kernels need to encode targets and read predictions out (kernels/targets.py)
        width = self._feedback_width()
        state = np.zeros(REGRESSION_STATE_SIZE)
        state[SCALING] = self.target_scaling
        state[CHANGE] = self.predict_change
        # with both, the level fed back has statistics of its own; else those of the target
        state[SHARED_LEVEL] = not (self.target_scaling and self.predict_change)
        state[FEEDBACK_WIDTH] = width
        state[ROW_FEEDBACK] = width if self.target_feedback else 0
        new_standardizer(state, TARGET_SCALER)
        new_standardizer(state, LEVEL_SCALER)
        state[HALF] = 0.5
        self.target_state_ = state

    def _feedback_width(self):
        # the previous target, and with predict_change the previous change as well: the
        # network then starts from "the change continues" rather than having to learn a
        # difference of two inputs with weights far larger than its steps
        return 2 if self.predict_change else 1

    # the target state, read as the values it holds
    @property
    def last_target_(self):
        """The last target learned, None at the start of a sequence."""
        state = self.target_state_
        return float(state[LAST_TARGET]) if state[HAS_LAST] else None

    @property
    def target_offset_(self):
        """The stream's first target, None before it."""
        state = self.target_state_
        return float(state[TARGET_OFFSET]) if state[HAS_OFFSET] else None

    @property
    def target_scaler_(self):
        """The running standardiser of the network's target (with `target_scaling`)."""
        return RunningStandardizer(self.target_state_, TARGET_SCALER) if self.target_scaling else None

    @property
    def level_scaler_(self):
        """The running standardiser of the target's level, which is fed back."""
        if not self.target_scaling:
            return None
        shared = self.target_state_[SHARED_LEVEL]
        return RunningStandardizer(self.target_state_, TARGET_SCALER if shared else LEVEL_SCALER)

    def _set_feedback_block(self, width):
        self.target_state_[ROW_FEEDBACK] = width

    def _check_target(self, y):
        if y is None:
            raise ValueError("y is None; a regressor needs a numeric target")
        if type(y) is not float or not math.isfinite(y):  # plain floats go fast
            check_real(y, "y")

    def _check_targets(self, y):
        values = np.asarray(y)
        if values.dtype.kind not in "biuf":  # objects or strings: find and name the bad one
            return super()._check_targets(values)
        values = values.astype(np.float64).reshape(-1)
        if not np.isfinite(values).all():
            raise ValueError("y has a NaN or infinite value; targets must be finite")
        return values

    def _encode_targets(self, raw):
        """The network's target for each step and the values fed back at each step, and the
        readout updated (`kernels.targets.encode_and_read_out`): y itself, or with
        `predict_change` the change y_t - y_{t-1}, standardised online with `target_scaling`
        as River's TargetStandardScaler does."""
        values = np.asarray(raw, dtype=np.float64).reshape(-1)
        targets = np.empty(len(values))
        feedback = np.empty((len(values), self._feedback_width()))
        encode_regression_targets(self.target_state_, self.network_.theta, values, targets,
                                  feedback, self.readout_)
        return targets, feedback

    def _raw_target(self, y):
        return float(y)

    def _write_feedback(self, block):
        block[:] = self.target_state_[FEEDBACK : FEEDBACK + len(block)]

    def _reset_feedback(self):
        # A new sequence: no previous target. Until the next one arrives, the fed-back values
        # are 0 (the running mean, no change) and predictions start from the running mean.
        state = self.target_state_
        state[HAS_LAST] = 0.0
        state[FEEDBACK : FEEDBACK + self._feedback_width()] = 0.0
        encode_and_read_out(state, self.network_.theta, 0.0, state[:0], self.readout_, 0)

    # ------------------------------------------------------------ River

    def predict_one(self, x: dict) -> float | None:
        """The prediction for this step, given the current state and x; changes nothing.
        None before the first target (River's evaluators skip it)."""
        calls = self._ready_calls()
        if calls is None:
            self._unseen_features(x)
            return None
        return self._raw_output_one(calls, x)[0]

    def predict_many(self, X: pd.DataFrame) -> pd.Series:
        """Each row of X predicted from the current state independently (not chained); None
        for every row before the first target."""
        columns, values = _frame_columns_and_values(X)
        if not self._is_initialized():
            return _series_like(np.full(len(values), None, dtype=object), X)
        return _series_like(self._raw_outputs(columns, values, chain=False)[:, 0], X)

    # ------------------------------------------------------------ scikit-learn

    def partial_fit(self, X: ArrayLike, y: ArrayLike) -> RTRLRegressor:
        """Continue the stream with the rows of X, in order."""
        return self._partial_fit(X, y)

    def fit(self, X: ArrayLike, y: ArrayLike) -> RTRLRegressor:
        """Fresh weights and state, then `max_iter` passes over the rows in order, each from a
        reset state."""
        return self._fit(X, y)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Run the rows of X as a continuation of the stream, without learning, and restore the
        state. With `target_feedback`, each row after the first is fed the previous row's
        prediction, since its target is unknown."""
        return self._predict_outputs(X)[:, 0]
