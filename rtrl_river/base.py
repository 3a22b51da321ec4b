"""The protocol `RTRLRegressor` and `RTRLClassifier` share: parameters, River's and
scikit-learn's methods, over an `Engine` that holds and grows the arrays."""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator

from ._validation import InstanceOfImported, Interval, StrOptions, validate_parameters
from .cells import CELLS, Cell
from .engine import Engine, calls as engine_calls
from .inputs import canonical_order, check_column_names, frame_columns_and_values, unseen_features
from .learners import LEARNERS, Learner
from .lifecycle import EngineLifeCycle
from .optimizers import KINDS, LARGEST_CLIP, LARGEST_RATE, RIVER_NAMES, check_learning_rate

if TYPE_CHECKING:
    import pandas as pd

# What `_ready_calls` returns for a model whose arrays are read-only.
READ_ONLY = object()


# Parameters a model honours when they change between calls (River's `_mutable_attributes`):
# each maps to how the engine takes the new value. The others fix the model's arrays and
# apply to a fresh model only (`fit`, or a clone): a learning call after one changed raises.
MUTABLE = ("lr", "clip_gradient", "recurrent_lr_scale", "target_feedback", "max_iter")


class RTRLEstimator(EngineLifeCycle, BaseEstimator):
    """State and protocols shared by `RTRLRegressor` and `RTRLClassifier`.

    Subclasses add their own parameters and defaults and the head (`_head_type`, made by
    `_make_head`), and turn the head's outputs into predictions.
    """

    _parameter_constraints = {
        "hidden_size": [Interval(Integral, 1, None, closed="left"), None],
        "cell": [StrOptions(set(CELLS)), Cell],
        "learner": [StrOptions(set(LEARNERS)), Learner],
        "optimizer": [
            StrOptions(set(KINDS)),
            *(InstanceOfImported("river.optim", name) for name in RIVER_NAMES),
        ],
        # bounded so that no step can carry a weight past float64 (optimizers.LARGEST_RATE)
        "lr": [Interval(Real, 0, LARGEST_RATE, closed="right")],
        "clip_gradient": [Interval(Real, 0, LARGEST_CLIP, closed="right"), None],
        "recurrent_lr_scale": [Interval(Real, 0, LARGEST_RATE, closed="both")],
        "target_feedback": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "recurrent_density": [Interval(Real, 0, 1, closed="right")],
        "seed": [Interval(Integral, 0, None, closed="left"), None],
    }

    def __init__(self, hidden_size, cell, learner, optimizer, lr, clip_gradient,
                 recurrent_lr_scale, target_feedback, max_iter, recurrent_density, seed):
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

    @property
    def _mutable_attributes(self):
        return set(MUTABLE)

    def __setattr__(self, name, value):
        if name in self._parameter_constraints:
            while (engine := self.__dict__.get("engine_")) is not None:
                with engine.lock:  # not in the middle of another thread's step
                    if self.__dict__.get("engine_") is engine:
                        self._change_parameter(engine, name, value)
                        object.__setattr__(self, name, value)
                        return
        object.__setattr__(self, name, value)

    def _change_parameter(self, engine, name, value):
        """A parameter set on a model that has learned: a mutable one is checked and reaches
        the engine at once (a bad value raises, nothing changed); any other is recorded, and
        the next learning or predicting call says it cannot apply."""
        engine.forget_calls()
        if name not in MUTABLE:
            engine.settings_changed = True
            return
        validate_parameters({name: self._parameter_constraints[name]}, {name: value},
                            type(self).__name__)
        if name == "lr" and isinstance(self.optimizer, str):
            engine.optimizer_state.set_rate(float(value))
        elif name == "clip_gradient":
            engine.clip_gradient = value
        elif name == "recurrent_lr_scale":
            engine.optimizer_state.recurrent_scale = engine.network.scaled_rate(value)[1]
        elif name == "target_feedback":
            engine.target_feedback = bool(value)

    def _check_unchanged(self):
        """Raise if a parameter that fixes the arrays changed since the model started (looked
        at only after one was set: `get_params` reads the signature, tens of microseconds)."""
        engine = self.engine_
        if not engine.settings_changed:
            return
        settings = engine.settings
        for name, value in self.get_params(deep=False).items():
            if name in settings and not _same(settings[name], value):
                raise ValueError(
                    f"{type(self).__name__}'s {name} was {settings[name]!r} when it started "
                    f"learning and is now {value!r}: it fixes the model's arrays, so it applies "
                    f"to a fresh model only (fit, or clone() and learn). Set it back to "
                    f"continue this stream."
                )
        engine.settings_changed = False

    # ---------------------------------------------------------------- state

    @property
    def params_(self) -> dict[str, np.ndarray]:
        """Views of the cell's weights (Elman: W_hh, W_xh, b_h; eLSTM: W_z, W_f, w_z, w_f, b_z,
        b_f; LRU: nu, theta, gamma_log, B_re, B_im), W_hy and b_y into the parameter vector
        (live weights).

        Taking them drops the forward step a `predict_one` kept for the `learn_one` on the same
        x: weights written through them between the two are then learned from. Views kept from
        before a `predict_one` and written after it bypass this, as would any change of the
        weights made while a step is pending."""
        engine = self._engine("params_")
        with engine.lock:
            if engine.pending.valid.flags.writeable:
                engine.pending.valid[0] = 0
            return engine.network.params()

    @property
    def hidden_(self) -> np.ndarray:
        """The current hidden state h_t (the eLSTM's cell state c_t; the LRU's [Re h_t ;
        Im h_t]), a copy."""
        engine = self._engine("hidden_")
        with engine.lock:
            return engine.network.hidden.copy()

    @property
    def t_(self) -> int:
        """Number of time steps learned."""
        return self._engine("t_").t

    @property
    def n_skipped_updates_(self) -> int:
        """How many updates were dropped because their gradient was not finite."""
        return int(self._engine("n_skipped_updates_").skipped[0])

    def _engine(self, attribute):
        engine = self.__dict__.get("engine_")
        if engine is None:
            raise AttributeError(f"{attribute} exists once the model has learned")
        return engine

    def _validate_params(self):
        """Check every parameter against `_parameter_constraints`, and an optimizer object's
        learning rate; raise InvalidParameterError naming the first that is wrong."""
        owner = type(self).__name__
        validate_parameters(self._parameter_constraints, self.get_params(deep=False), owner)
        if not isinstance(self.optimizer, str):
            check_learning_rate(self.optimizer, owner)

    def _new_engine(self, lock=None):
        """Fresh weights, optimizer and traces from the parameters, with no inputs yet. If
        anything is rejected (a parameter, a learner's hyperparameter), it raises."""
        self._validate_params()
        engine = Engine(
            self._make_head(), self.hidden_size, self.cell, self.learner, self.optimizer,
            self.lr, self.recurrent_lr_scale, self.recurrent_density, self.clip_gradient,
            self.target_feedback, self.seed, type(self).__name__, lock,
        )
        engine.settings = {name: value for name, value in self.get_params(deep=False).items()
                           if name not in MUTABLE}
        engine.settings_changed = False
        return engine

    def __setstate__(self, state):
        if "engine_" not in state and "network_" in state:
            raise ValueError(
                f"this {type(self).__name__} was saved by rtrl_river 0.1, whose models keep "
                "their arrays in another layout; load it with that version, or train afresh"
            )
        super().__setstate__(state)

    def reset_state(self) -> None:
        """Forget the past: hidden state, gradient traces and the fed-back target. Weights and
        the optimizer's moments are kept."""
        with self._serialised() as (engine, _):
            if engine is not None:
                self._check_writable()
                engine.reset_state()

    def _check_writable(self):
        """Raise a clear error when the model's arrays are read-only: a model loaded from a
        read-only memory map (`joblib.load(path, mmap_mode="r")`) can predict, not learn."""
        if self._is_initialized() and not self.engine_.writable():
            raise ValueError(
                f"this {type(self).__name__}'s arrays are read-only (loaded from a read-only "
                "memory map, such as joblib.load(path, mmap_mode='r')?): it can predict, but "
                "learning or resetting its state needs a writable copy: copy.deepcopy(model), "
                "or load it without mmap_mode"
            )

    def _ready_calls(self, engine):
        """The one-step calls of the model's engine (READ_ONLY when its arrays cannot be
        written, see `_check_writable`); the caller holds the engine's lock."""
        calls = engine_calls.ONE_STEP_CALLS.get(id(engine))
        if calls is not None and calls.matches(engine):
            return calls
        self._check_unchanged()
        if not engine.writable():
            return READ_ONLY
        return engine_calls.one_step_calls(engine)

    def _add_features(self, names):
        engine = self.engine_
        names = canonical_order(names)
        # feature_names_in_ follows the canonical order too, except for names scikit-learn's
        # validate_data already put there in the order of X's columns; made before the engine
        # grows, so that nothing can fail after it has
        feature_names = None
        if all(isinstance(name, str) for name in [*engine.feature_index, *names]):
            previous = getattr(self, "feature_names_in_", None)
            known = [] if previous is None else list(previous)
            arrived = [name for name in names if name not in set(known)]
            feature_names = np.asarray(known + arrived, dtype=object)
        engine.add_features(names)
        self.n_features_in_ = len(engine.feature_index)
        if feature_names is not None:
            self.feature_names_in_ = feature_names

    # ----------------------------------------------------------- learning

    def learn_one(self, x: dict, y: Any) -> None:
        """Learn one time step: advance the hidden state with x, then one gradient step on the
        loss of this step's prediction of y."""
        self._head_type.check_target(y)
        engine = self.__dict__.get("engine_")
        if engine is None:  # the first step: x checked, the engine built, then this call
            unseen_features(x, None)
            with self._serialised(start=True):
                return self.learn_one(x, y)
        with engine.lock:  # `_serialised`, inlined on the per-step path
            if self.__dict__.get("engine_") is engine:
                calls = self._ready_calls(engine)
                if calls is READ_ONLY:
                    self._check_writable()
                target = engine.head.raw_target(y, engine.network.n_outputs)
                if target is None or not calls.fill_row(x, engine.feature_index):
                    # a feature or label not seen yet: grow, then the same call
                    del calls  # it holds views of the arrays a new feature is about to grow
                    unseen = unseen_features(x, engine.feature_index)  # checked first
                    if unseen:
                        self._add_features(unseen)
                    engine.grow_for_targets([y])
                    calls = engine_calls.one_step_calls(engine)
                    calls.fill_row(x, engine.feature_index)
                    target = engine.head.raw_target(y, engine.network.n_outputs)
                # the kernel encodes the target, writes the values fed back and learns
                calls.targets[0] = target
                if calls.schedule is not None:
                    calls.rates[0] = calls.schedule.get(int(calls.step[0]))
                if calls.before_step is not None:
                    calls.before_step()
                first_skip = calls.learn_entry(calls.call)
                engine.t += 1
            else:  # a `fit` replaced the engine meanwhile: again, on the new one
                first_skip = None
        if first_skip is None:
            return self.learn_one(x, y)
        if first_skip:
            self._warn_skipped()

    def learn_many(self, X: pd.DataFrame, y: pd.Series) -> None:
        """Learn the rows of the dataframe X in order: exactly a loop of `learn_one`, in one
        kernel call. Columns absent from X read as 0 for these rows."""
        columns, values = frame_columns_and_values(X)
        raw = self._head_type.check_targets(y)
        if len(raw) != values.shape[0]:
            raise ValueError(f"X has {values.shape[0]} rows but y has {len(raw)} values")
        if len(raw):
            with self._serialised(start=True) as (engine, _):
                self._learn_rows(engine, columns, values, raw)

    def _learn_rows(self, engine, columns, values, raw):
        """Learn rows already checked: grow for unseen columns, then the kernel calls (the
        caller holds the engine's lock)."""
        self._check_writable()
        self._check_unchanged()
        unseen = [name for name in columns if name not in engine.feature_index]
        if unseen:
            self._add_features(unseen)
        if engine.learn_rows(columns, values, raw):
            self._warn_skipped()

    def _warn_skipped(self):
        warnings.warn(
            f"{type(self).__name__}: a gradient with a NaN or an infinity was dropped at step "
            f"{self.t_} (weights untouched, gradient traces reset); n_skipped_updates_ counts "
            "such steps. Standardise the inputs, or lower lr.",
            RuntimeWarning, stacklevel=3,
        )

    # ----------------------------------------------------------- predicting

    def _output_one(self, engine, x):
        """The head's output for x from the current state, without learning, as a memoryview
        (its items read as Python floats); the caller holds the engine's lock."""
        calls = self._ready_calls(engine)
        if calls is READ_ONLY:  # the kernel of `predict_many`, which writes nothing of the model's
            unseen_features(x, engine.feature_index)
            index = engine.feature_index
            known = [(name, float(value)) for name, value in x.items() if name in index]
            columns = [name for name, _ in known]
            values = np.array([[value for _, value in known]]).reshape(1, len(known))
            return memoryview(engine.predict_rows(columns, values, chain=False)[0])
        calls.fill_row(x, engine.feature_index)
        predict = calls.predict_entry or calls.load_predict()
        predict(calls.call)  # writes the values fed back, then predicts
        return calls.output_view

    def _outputs(self, engine, columns, values, chain):
        """`Engine.predict_rows`, for a model whose parameters still fit its arrays (the
        caller holds the engine's lock)."""
        self._check_unchanged()
        return engine.predict_rows(columns, values, chain)

    # ----------------------------------------------------------- scikit-learn

    def _sklearn_columns(self, n_columns):
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return list(range(n_columns))
        check_column_names(list(names))
        return list(names)

    def _check_sklearn_X(self, X, reset):
        from sklearn.utils.validation import validate_data

        X = validate_data(self, X, reset=reset, dtype=np.float64)
        return self._sklearn_columns(X.shape[1]), np.ascontiguousarray(X)

    def _partial_fit(self, X, y, first=None):
        """Learn the rows of X; `first` (default: whether this call starts the model) says
        whether X sets the features, as scikit-learn's `reset`."""
        from sklearn.utils.validation import validate_data

        with self._serialised(start=True) as (engine, built):
            with self._restored_on_error():
                X, y = validate_data(self, X, y, reset=built if first is None else first,
                                     dtype=np.float64, y_numeric=self._y_numeric)
                raw = self._head_type.check_targets(y)
                self._learn_rows(engine, self._sklearn_columns(X.shape[1]),
                                 np.ascontiguousarray(X), raw)
        return self

    def _fit(self, X, y):
        self._validate_params()
        with self._serialised(start=True) as (engine, _), self._restored_on_error():
            self._restart(engine)
            for epoch in range(self.max_iter):
                if epoch:
                    self.reset_state()
                self._partial_fit(X, y, first=epoch == 0)
            self.n_iter_ = self.max_iter
        return self

    def _predict_outputs(self, X):
        from sklearn.utils.validation import check_is_fitted

        with self._serialised() as (engine, _):
            check_is_fitted(self)
            columns, values = self._check_sklearn_X(X, reset=False)
            return self._outputs(engine, columns, values, chain=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        return tags


def _same(old, new):
    """Whether a parameter still has the value it started with (objects by their parameters)."""
    if old is new:
        return True
    try:
        return type(old) is type(new) and bool(old == new)
    except Exception:  # pragma: no cover - a parameter whose == does not give a truth value
        return False
