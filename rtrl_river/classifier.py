"""RTRLClassifier: an online recurrent classifier with a class-incremental softmax head."""

from __future__ import annotations

from collections.abc import Hashable
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
from river import base as river_base

from .base import RTRLEstimator, _frame_columns_and_values
from .kernels.arrays import SOFTMAX_CROSS_ENTROPY
from .kernels.targets import CLASS_FEEDBACK_WIDTH, PREVIOUS_CLASS

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike
    from river import optim

    from .cells import Cell
    from .learners import Learner


LABEL_KINDS = ((bool, np.bool_), Integral, Real, str)  # bool before Integral, Integral before Real


def _label_kind(label):
    """The kind of label numpy stores as itself (bool, integer, real, str), or None."""
    for kind in LABEL_KINDS:
        if isinstance(label, kind):
            return kind
    return None


def _label_array(labels):
    """The labels as a 1-d array: numpy's own dtype when they are all bools, all integers, all
    reals or all strings (of any length), else an object array (mixed types, tuples kept
    whole), so every label reads back as itself."""
    kinds = {_label_kind(label) for label in labels}
    if len(kinds) == 1 and None not in kinds:
        return np.asarray(labels)
    array = np.empty(len(labels), dtype=object)
    for row, label in enumerate(labels):
        array[row] = label
    return array


class RTRLClassifier(RTRLEstimator, river_base.MiniBatchClassifier):
    """Online recurrent classifier trained one time step at a time by Real-Time Recurrent Learning.

    The Elman network of `RTRLRegressor` with a softmax cross-entropy head over the classes
    seen so far. A label seen for the first time adds one output row, zero-initialised, which
    leaves every other class's scores, and so what was learnt, untouched; the recurrent
    gradient stays exact because the head sits outside the influence matrix. Binary and
    multiclass streams alike; labels of any hashable type.

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
        object (read, never modified).
    lr
        Learning rate of an optimizer given by name.
    clip_gradient
        Maximum L2 norm of each step's whole gradient; None disables clipping.
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
    Accuracy: 87.35%

    References
    ----------
    [^1]: Williams, R.J. and Zipser, D., 1989. A learning algorithm for continually running fully
    recurrent neural networks. Neural Computation, 1(2), pp.270-280.

    """

    _estimator_kind = "classifier"
    _head = SOFTMAX_CROSS_ENTROPY
    _y_numeric = False
    _multiclass = True

    def __init__(
        self,
        hidden_size: int = 16,
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
        self.hidden_size = hidden_size
        self.cell = cell
        self.learner = learner
        self.optimizer = optimizer
        self.lr = lr
        self.clip_gradient = clip_gradient
        self.recurrent_lr_scale = recurrent_lr_scale
        self.target_feedback = target_feedback
        self.max_iter = max_iter
        self.recurrent_density = recurrent_density
        self.seed = seed

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

    # ------------------------------------------------------------ head hooks

    def _initial_outputs(self):
        return 0

    def _initialize_head(self):
        # Output rows are born zero, so the hidden units must not all start at 0: a random
        # state bias (b_h, or the eLSTM's b_z) gives the first class rows a non-zero gradient,
        # and through them every weight. A cell without one (the LRU) gets random rows instead.
        net = self.network_
        if net.cell.state_bias is not None:
            net.params()[net.cell.state_bias][:] = self.rng_.normal(0.0, 0.5, size=net.n_hidden)
        self.classes_ = np.array([], dtype=object)
        self.class_index_ = {}
        # the previous label's row (-1: none) and the width of the fed-back block, which the
        # kernels read (kernels/targets.py)
        self.target_state_ = np.array([-1.0, 0.0])

    @property
    def last_target_(self):
        """The row of the last label learned, -1 at the start of a sequence."""
        return int(self.target_state_[PREVIOUS_CLASS])

    def _feedback_width(self):
        return len(self.class_index_)

    def _check_target(self, y):
        if y is None:
            raise ValueError("y is None; a classifier needs a label")
        try:
            hash(y)
        except TypeError:
            raise TypeError(f"label {y!r} of type {type(y).__name__} is not hashable") from None
        differs_from_itself = y != y
        if isinstance(differs_from_itself, (bool, np.bool_)) and differs_from_itself:
            # NaN is unequal to itself, so every NaN label would become a new class
            raise ValueError(f"label {y!r} is NaN, which cannot name a class")

    def _add_class(self, label):
        # The head and feedback grow first; the label is registered only once nothing else
        # can fail, so a label the model knows always has an output row.
        self._append_outputs(1)
        net = self.network_
        if net.cell.state_bias is None:  # its state is 0 while its input weights are
            net.params()["W_hy"][-1] = self.rng_.normal(0.0, net.n_hidden**-0.5, size=net.n_hidden)
        if self.target_feedback:
            self._insert_inputs(self.network_.n_inputs, 1)
        self.classes_ = _label_array([*self.class_index_, label])
        self.class_index_[label] = len(self.class_index_)

    def _encode_targets(self, raw):
        """Each label's row in the head, and the one-hot previous label fed back at each step."""
        index = self.class_index_
        encoded = np.empty(len(raw))
        for t, label in enumerate(raw):
            if label not in index:
                self._add_class(label)
            encoded[t] = index[label]
        if not self._targets_fit_head(encoded):  # checked before anything is remembered
            raise RuntimeError(
                f"class rows {sorted(set(encoded.astype(int)))} out of range for a head with "
                f"{self.network_.n_outputs} outputs"
            )
        feedback = np.zeros((len(raw), self.network_.n_outputs))
        previous = np.concatenate([[self.last_target_], encoded[:-1]]).astype(np.int64)
        rows = np.flatnonzero(previous >= 0)
        feedback[rows, previous[rows]] = 1.0
        self.target_state_[PREVIOUS_CLASS] = encoded[-1]
        return encoded, feedback

    def _add_target(self, label):
        if label not in self.class_index_:
            self._add_class(label)

    def _set_feedback_block(self, width):
        self.target_state_[CLASS_FEEDBACK_WIDTH] = width

    def _raw_target(self, label):
        """learn_one's target for the kernel: the label's row in the head, None for a label
        not seen yet."""
        row = self.class_index_.get(label)
        if row is not None and not 0 <= row < self.network_.n_outputs:
            raise RuntimeError(f"class row {row} out of range for a head with "
                               f"{self.network_.n_outputs} outputs")
        return row

    def _targets_fit_head(self, targets):
        n_outputs = self.network_.n_outputs
        if len(targets) == 1:  # learn_one: scalar comparisons, no array reductions
            return 0 <= targets[0] < n_outputs
        return targets.size == 0 or (targets.min() >= 0 and targets.max() < n_outputs)

    def _learn_rows(self, columns, values, raw):
        # A learn_one loop gives a new class its row when its label first arrives; split the
        # rows there so learn_many and partial_fit do exactly the same.
        seen = set(getattr(self, "class_index_", {}))
        cuts = [0]
        for t, label in enumerate(raw):
            if label not in seen:
                seen.add(label)
                if t > 0:
                    cuts.append(t)
        cuts.append(len(raw))
        for start, stop in zip(cuts[:-1], cuts[1:]):
            super()._learn_rows(columns, values[start:stop], raw[start:stop])

    def _write_feedback(self, block):
        block[:] = 0.0
        if self.last_target_ >= 0:
            block[self.last_target_] = 1.0

    def _reset_feedback(self):
        self.target_state_[PREVIOUS_CLASS] = -1.0

    # ------------------------------------------------------------ River

    def predict_proba_one(self, x: dict) -> dict[Hashable, float]:
        """Probabilities of every class seen, for this step given the state and x; {} before
        any learning. Changes nothing."""
        calls = self._ready_calls()
        if calls is None or not self.class_index_:
            self._unseen_features(x)
            return {}
        probabilities = self._raw_output_one(calls, x)
        return {label: probabilities[row] for label, row in self.class_index_.items()}

    def predict_proba_many(self, X: pd.DataFrame) -> pd.DataFrame:
        """Each row of X from the current state independently (not chained)."""
        import pandas as pd

        columns, values = _frame_columns_and_values(X)
        if not self._is_initialized() or not self.class_index_:
            return pd.DataFrame(index=getattr(X, "index", None))
        probabilities = self._raw_outputs(columns, values, chain=False)
        return pd.DataFrame(probabilities, columns=list(self.class_index_), index=X.index)

    # ------------------------------------------------------------ scikit-learn

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None
    ) -> RTRLClassifier:
        """Continue the stream with the rows of X, in order. `classes` is required on the first
        call, as in scikit-learn; labels beyond them are still accepted, each adding a class."""
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import validate_data

        first = not self._is_initialized()
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit")
        if classes is not None:
            classes = np.unique(classes)
            if not first and not np.array_equal(classes, self.classes_[: len(classes)]):
                raise ValueError(
                    f"classes={classes!r} is not the same as on the first call: {self.classes_!r}"
                )
        with self._restored_on_error():
            X, y = validate_data(self, X, y, reset=first, dtype=np.float64)
            check_classification_targets(y)
            raw = self._check_targets(y)
            if first:
                for label in classes:
                    self._check_target(label)
                self._initialize()
                for label in classes:
                    self._add_class(label)
            self._learn_rows(self._sklearn_columns(X.shape[1]), np.ascontiguousarray(X), raw)
        return self

    def set_partial_fit_request(self, **requests) -> RTRLClassifier:
        """Request metadata passed to `partial_fit` (`classes`), as in scikit-learn's metadata
        routing. Returns the estimator."""
        return self._as_sklearn_estimator(
            lambda estimator: estimator.set_partial_fit_request(**requests))

    def fit(self, X: ArrayLike, y: ArrayLike) -> RTRLClassifier:
        """Fresh weights and state, then `max_iter` passes over the rows in order, each from a
        reset state. The classes are the sorted unique labels of y."""
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import validate_data

        self._validate_params()
        with self._restored_on_error():
            self._clear_state()
            X, y = validate_data(self, X, y, dtype=np.float64)
            check_classification_targets(y)
            classes = np.unique(y)
            for _ in range(self.max_iter):
                self.reset_state()
                self.partial_fit(X, y, classes=classes)
            self.n_iter_ = self.max_iter
        return self

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, columns in `classes_` order, for the rows of X run as a
        continuation of the stream; the state is restored afterwards."""
        return self._predict_outputs(X)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class of each row of X, run as a continuation of the stream."""
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]
