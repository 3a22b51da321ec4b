"""RTRLRegressor: an online recurrent regressor for River and scikit-learn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from river import base as river_base
from sklearn.base import RegressorMixin

from .base import RTRLEstimator
from .heads import RegressionHead, RunningStandardizer
from .inputs import frame_columns_and_values, series_like, unseen_features

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike
    from river import optim

    from .cells import Cell
    from .learners import Learner


class RTRLRegressor(RegressorMixin, RTRLEstimator, river_base.MiniBatchRegressor):
    """Online recurrent regressor trained one time step at a time by Real-Time Recurrent Learning.

    An Elman network, h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h) and yhat_t = W_hy h_t + b_y,
    trained on the squared loss 0.5 (yhat_t - y_t)^2. The hidden state is carried from one call
    to the next, so a stream of `x` dicts is one sequence: `predict_one(x)` is the prediction for
    this step given everything seen so far, and `learn_one(x, y)` advances the state and takes
    one gradient step. With the default learner the gradient is exact RTRL: the gradient of this
    step's loss through the whole past, no truncation window. `cell="elstm"` swaps the Elman
    layer for an element-wise LSTM whose exact RTRL costs O(n d) a step instead of O(n^4).

    The output bias b_y starts at the first target of the stream (or of `fit`), so raw targets
    far from zero need no scaling. Features are matched by name. A feature seen for the first
    time gets a zero-initialised input column; a feature absent from x reads as 0.

    Parameters
    ----------
    hidden_size
        Number of hidden units n (the LRU's complex modes); None, the default, takes the
        cell's own size: 16 for the Elman cell, 64 for the eLSTM and the LRU, sizes at which a
        step of each costs about the same.
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
        Maximum L2 norm of each step's gradient, per group of parameters (the cell's
        recurrence, the rest of the cell, the head: each is clipped on its own); None
        disables clipping.
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
    MAE: 0.193

    References
    ----------
    [^1]: Williams, R.J. and Zipser, D., 1989. A learning algorithm for continually running fully
    recurrent neural networks. Neural Computation, 1(2), pp.270-280.

    """

    _head_type = RegressionHead
    _y_numeric = True
    _parameter_constraints = {
        **RTRLEstimator._parameter_constraints,
        "target_scaling": ["boolean"],
        "predict_change": ["boolean"],
    }

    def __init__(
        self,
        hidden_size: int | None = None,
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
        super().__init__(hidden_size, cell, learner, optimizer, lr, clip_gradient,
                         recurrent_lr_scale, target_feedback, max_iter, recurrent_density, seed)
        self.target_scaling = target_scaling
        self.predict_change = predict_change

    @classmethod
    def _unit_test_params(cls):
        from river import optim

        from .cells import LRU
        from .learners import RTRL, TBPTT, SnAp

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
        yield {"hidden_size": 3, "cell": "elstm", "learner": TBPTT(truncation=4),
               "target_feedback": True}
        yield {"hidden_size": 4, "cell": "lru", "seed": 1}
        yield {"hidden_size": 3, "cell": LRU(r_min=0.5, recurrent_rate=1.0), "learner": "tbptt"}

    def _make_head(self):
        return RegressionHead(self.target_scaling, self.predict_change, self.target_feedback)

    # the head's state, read as the values it holds
    @property
    def last_target_(self):
        """The last target learned, None at the start of a sequence."""
        return self._engine("last_target_").head.last_target

    @property
    def target_offset_(self):
        """The stream's first target, None before it."""
        return self._engine("target_offset_").head.target_offset

    @property
    def target_scaler_(self) -> RunningStandardizer | None:
        """The running standardiser of the network's target (with `target_scaling`)."""
        return self._engine("target_scaler_").head.target_scaler

    @property
    def level_scaler_(self) -> RunningStandardizer | None:
        """The running standardiser of the target's level, which is fed back."""
        return self._engine("level_scaler_").head.level_scaler

    @property
    def change_gate_(self) -> float:
        """With `predict_change`, the share of the network's predicted change a prediction
        adds to the last target: 1 / (1 + exp(-10 (naive - net) / naive)) from the recent
        absolute errors of the network's change and of no change (the last value), about
        the last hundred steps; 1 before both are known, near 1 when the network does
        clearly better than the last value, near 0 when it does clearly worse. The network
        learns as if it were 1."""
        return self._engine("change_gate_").head.gate

    # ------------------------------------------------------------ River

    def predict_one(self, x: dict) -> float:
        """The prediction for this step, given the current state and x; changes nothing.
        0.0 before the first target, as River's regressors (LinearRegression) predict, so
        that River's compositions that do arithmetic on it (TargetStandardScaler, model
        selection, bagging) run: with nothing learned there is no better guess."""
        engine = self.__dict__.get("engine_")
        if engine is None:
            unseen_features(x, None)
            return 0.0
        with engine.lock:  # `_serialised`, inlined
            if self.__dict__.get("engine_") is engine:
                return self._output_one(engine, x)[0]
        return self.predict_one(x)  # a `fit` replaced the engine meanwhile

    def predict_many(self, X: pd.DataFrame) -> pd.Series:
        """Each row of X predicted from the current state independently (not chained); 0.0
        for every row before the first target."""
        columns, values = frame_columns_and_values(X)
        with self._serialised() as (engine, _):
            if engine is None:
                return series_like(np.zeros(len(values)), X)
            return series_like(self._outputs(engine, columns, values, chain=False)[:, 0], X)

    def predict_sequence(self, xs: list[dict]) -> list[float]:
        """The predictions for the next len(xs) steps, from the current state: each row's
        hidden state feeds the next and, with `target_feedback`, each prediction is fed back
        as the next row's previous target (the true targets being unknown). Changes nothing.
        0.0 for every row before the first target."""
        index = {}
        for x in xs:
            if x:
                unseen_features(x, None)
                index.update(dict.fromkeys(x))
        columns = list(index)
        if columns:
            values = np.array([[float(x.get(name, 0.0)) for name in columns] for x in xs])
        else:
            values = np.zeros((len(xs), 0))
        with self._serialised() as (engine, _):
            if engine is None:
                return [0.0] * len(xs)
            return self._outputs(engine, columns, values, chain=True)[:, 0].tolist()

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
