"""RTRLClassifier: an online recurrent classifier with a class-incremental softmax head."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np
from river import base as river_base
from sklearn.base import ClassifierMixin

from .base import RTRLEstimator
from .heads import ClassificationHead
from .inputs import frame_columns_and_values, unseen_features

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike
    from river import optim

    from .cells import Cell
    from .learners import Learner


class RTRLClassifier(ClassifierMixin, RTRLEstimator, river_base.MiniBatchClassifier):
    """Online recurrent classifier trained one time step at a time by Real-Time Recurrent Learning.

    The Elman network of `RTRLRegressor` with a softmax cross-entropy head over the classes
    seen so far. A label seen for the first time adds one output row, zero-initialised, which
    leaves every other class's scores, and so what was learnt, untouched; the recurrent
    gradient stays exact because the head sits outside the influence matrix. Binary and
    multiclass streams alike; labels of any hashable type.

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
        object (read, never modified).
    lr
        Learning rate of an optimizer given by name.
    clip_gradient
        Maximum L2 norm of each step's gradient, per group of parameters (the cell's
        recurrence, the rest of the cell, the head: each is clipped on its own); None
        disables clipping.
    recurrent_lr_scale
        W_hh learns at lr times this, and past 16 hidden units also times 16 / hidden_size
        (see `RTRLRegressor`). A quarter here: at the classifier's lr, a W_hh at the full rate
        kept growing until the units saturated.
    target_feedback
        Feed the previous step's label in as a one-hot input over the classes seen so far
        (all zeros before the first step); the block grows with the classes.
    max_iter
        Number of passes `fit` makes over its data, each from a reset hidden state.
    recurrent_density
        Fraction of W_hh entries that may be non-zero: below 1, a fixed random pattern (seeded
        by `seed`) keeps the rest exactly zero. SnAp-2's cost follows this sparsity.
    seed
        Seed of the weight initialisation; an int makes every run identical.

    Attributes
    ----------
    classes_ : numpy.ndarray
        The classes, in the order of the head's rows (sorted when given to `fit` or
        `partial_fit`, else in order of appearance). Of numpy's dtype when the labels are all
        bools, all integers, all reals or all strings; else an object array, which keeps
        tuples and mixed types as they are.
    params_ : dict
        Views of the live weights `W_hh`, `W_xh`, `b_h`, `W_hy` (k x n) and `b_y` (k); for the
        eLSTM cell `W_z`, `W_f`, `w_z`, `w_f`, `b_z`, `b_f`, `W_hy` and `b_y`.
    hidden_ : numpy.ndarray
        The current hidden state (a copy).
    t_ : int
        Number of time steps learned.

    Examples
    --------

    >>> from river import datasets, evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLClassifier

    >>> model = preprocessing.StandardScaler() | RTRLClassifier(seed=42)
    >>> evaluate.progressive_val_score(datasets.Phishing(), model, metrics.Accuracy())
    Accuracy: 89.03%

    References
    ----------
    [^1]: Williams, R.J. and Zipser, D., 1989. A learning algorithm for continually running fully
    recurrent neural networks. Neural Computation, 1(2), pp.270-280.

    """

    _head_type = ClassificationHead
    _y_numeric = False
    _multiclass = True

    def __init__(
        self,
        hidden_size: int | None = None,
        cell: str | Cell = "elman",
        learner: str | Learner = "rtrl",
        optimizer: str | optim.base.Optimizer = "adam",
        lr: float = 0.003,
        clip_gradient: float | None = 10.0,
        recurrent_lr_scale: float = 0.25,
        target_feedback: bool = True,
        max_iter: int = 10,
        recurrent_density: float = 1.0,
        seed: int | None = None,
    ):
        super().__init__(hidden_size, cell, learner, optimizer, lr, clip_gradient,
                         recurrent_lr_scale, target_feedback, max_iter, recurrent_density, seed)

    @classmethod
    def _unit_test_params(cls):
        from river import optim

        yield {"hidden_size": 4, "seed": 1}
        yield {"hidden_size": 3, "target_feedback": True, "optimizer": "sgd", "lr": 0.05}
        yield {"hidden_size": 3, "optimizer": optim.RMSProp(0.01), "clip_gradient": None}
        yield {"hidden_size": 4, "learner": "snap-1"}
        yield {"hidden_size": 5, "learner": "snap-2", "recurrent_density": 0.4}
        yield {"hidden_size": 3, "learner": "tbptt", "target_feedback": True}
        yield {"hidden_size": 3, "learner": "uoro"}
        yield {"hidden_size": 4, "cell": "elstm", "target_feedback": True}
        yield {"hidden_size": 3, "cell": "elstm", "learner": "tbptt"}
        yield {"hidden_size": 4, "cell": "lru", "learner": "snap-2", "target_feedback": False}

    def _make_head(self):
        return ClassificationHead()

    @property
    def classes_(self) -> np.ndarray:
        """The classes, in the order of the head's rows."""
        return self._engine("classes_").head.classes

    @property
    def last_target_(self) -> int:
        """The row of the last label learned, -1 at the start of a sequence."""
        return self._engine("last_target_").head.previous

    # ------------------------------------------------------------ River

    def predict_proba_one(self, x: dict) -> dict[Hashable, float]:
        """Probabilities of every class seen, for this step given the state and x; {} before
        any learning. Changes nothing."""
        engine = self.__dict__.get("engine_")
        if engine is None:
            unseen_features(x, None)
            return {}
        with engine.lock:  # `_serialised`, inlined
            if self.__dict__.get("engine_") is engine:
                index = engine.head.class_index
                if not index:
                    unseen_features(x, None)
                    return {}
                probabilities = self._output_one(engine, x)
                return {label: probabilities[row] for label, row in index.items()}
        return self.predict_proba_one(x)  # a `fit` replaced the engine meanwhile

    def predict_proba_many(self, X: pd.DataFrame) -> pd.DataFrame:
        """Each row of X from the current state independently (not chained)."""
        import pandas as pd

        columns, values = frame_columns_and_values(X)
        with self._serialised() as (engine, _):
            if engine is None or not engine.head.class_index:
                return pd.DataFrame(index=getattr(X, "index", None))
            probabilities = self._outputs(engine, columns, values, chain=False)
            return pd.DataFrame(probabilities, columns=list(engine.head.class_index),
                                index=X.index)

    # ------------------------------------------------------------ scikit-learn

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None
    ) -> RTRLClassifier:
        """Continue the stream with the rows of X, in order. `classes` is required on the first
        call, as in scikit-learn; labels beyond them are still accepted, each adding a class."""
        if classes is None and not self._is_initialized():
            raise ValueError("classes must be passed on the first call to partial_fit")
        return self._partial_fit_classes(X, y, classes)

    def _partial_fit_classes(self, X, y, classes, first=None):
        """`partial_fit`; `first` (default: whether this call starts the model) says whether
        X sets the features and `classes` the first classes."""
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import validate_data

        with self._serialised(start=True) as (engine, built):
            first = built if first is None else first
            if first and classes is None:  # another thread's model, reset meanwhile
                raise ValueError("classes must be passed on the first call to partial_fit")
            if classes is not None:
                classes = np.unique(classes)
                if not first and not np.array_equal(classes, self.classes_[: len(classes)]):
                    raise ValueError(f"classes={classes!r} is not the same as on the first "
                                     f"call: {self.classes_!r}")
            with self._restored_on_error():
                X, y = validate_data(self, X, y, reset=first, dtype=np.float64)
                check_classification_targets(y)
                raw = ClassificationHead.check_targets(y)
                if first:
                    ClassificationHead.check_targets(classes)
                    engine.grow_for_targets(list(classes))
                self._learn_rows(engine, self._sklearn_columns(X.shape[1]),
                                 np.ascontiguousarray(X), raw)
        return self

    def fit(self, X: ArrayLike, y: ArrayLike) -> RTRLClassifier:
        """Fresh weights and state, then `max_iter` passes over the rows in order, each from a
        reset state. The classes are the sorted unique labels of y."""
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import validate_data

        self._validate_params()
        with self._serialised(start=True) as (engine, _), self._restored_on_error():
            self._restart(engine)
            X, y = validate_data(self, X, y, dtype=np.float64)
            check_classification_targets(y)
            classes = np.unique(y)
            for epoch in range(self.max_iter):
                if epoch:
                    self.reset_state()
                self._partial_fit_classes(X, y, classes, first=epoch == 0)
            self.n_iter_ = self.max_iter
        return self

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, columns in `classes_` order, for the rows of X run as a
        continuation of the stream; the state is restored afterwards."""
        return self._predict_outputs(X)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each row of X, run as a continuation of the stream."""
        with self._serialised():  # the classes of these probabilities
            probabilities = self.predict_proba(X)
            return self.classes_[np.argmax(probabilities, axis=1)]
