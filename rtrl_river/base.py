"""The machinery both estimators share: feature index, validation, River and sklearn glue.

scikit-learn is imported only inside the methods that take arrays (`fit`, `partial_fit`,
`predict`, ...) and in `__sklearn_tags__`: importing the estimators and the River path never
load it (see `_sklearn_protocol.py`).
"""

from __future__ import annotations

import math
import warnings
import weakref
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np

from ._sklearn_protocol import SklearnEstimator
from ._validation import InstanceOfImported, Interval, StrOptions, validate_parameters
from .cells import CELLS, Cell
from .kernels.arrays import PendingForward, StepBuffers, aligned, aligned_zeros
from .kernels.calls import (
    ENTRY_POINTS, announce_first_compile, entry_point, make_step_call, plain_traces,
)
from .kernels.network import predict_rows
from .kernels.targets import READOUT_SIZE
from .learners import LEARNERS, Learner, make_learner
from .network import Network
from .optimizers import KINDS, RIVER_NAMES, OptimizerState, check_learning_rate

if TYPE_CHECKING:
    import pandas as pd

# Everything `fit` clears to start afresh. Other `_`-prefixed attributes (set by sklearn's
# machinery, e.g. inside a Pipeline) are never touched.
FITTED_ATTRIBUTES = (
    "network_", "learner_state_", "optimizer_state_", "feature_index_", "t_", "rng_",
    "buffers_", "pending_", "n_features_in_", "feature_names_in_", "n_iter_", "classes_",
    "class_index_", "_one_loss", "target_state_", "skipped_", "readout_",
)


# Past this many input columns a model warns, once: every name ever seen stays a dense
# column, and exact RTRL's time and memory per step grow with their number.
MANY_FEATURES = 1_000


class ManyFeaturesWarning(UserWarning):
    """A model's input width has reached MANY_FEATURES."""


# What counts as a real number: Python and numpy reals and booleans, Fractions, Decimals.
# Complex numbers (Python or numpy) do not, even with a zero imaginary part.
REAL_TYPES = (Real, Decimal, np.bool_)


def _short_repr(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}..."


def check_real(value, subject):
    """Raise a TypeError or ValueError naming `subject` unless `value` is a real number that
    float64 holds as a finite value."""
    if not isinstance(value, REAL_TYPES):
        raise TypeError(
            f"{subject} has value {_short_repr(value)} of type {type(value).__name__}, "
            "which is not a number; RTRL estimators take real numbers only"
        )
    try:
        number = float(value)
    except (OverflowError, ValueError):  # beyond float64's range, or a signalling NaN
        raise ValueError(f"{subject} is {_short_repr(value)}, which float64 cannot hold") from None
    if not math.isfinite(number):
        raise ValueError(f"{subject} is {_short_repr(value)}; values must be finite")


def _is_nan(name):
    """True for a NaN (of any type), which is unequal to itself and so can name nothing."""
    differs = name != name
    return isinstance(differs, (bool, np.bool_)) and bool(differs)


def _canonical_order(names):
    """New feature names in an order that does not depend on the order they arrived in."""
    kinds = {type(name) for name in names}
    if len(kinds) == 1 and kinds <= {str, int, float}:
        return sorted(names)
    return sorted(names, key=lambda name: (type(name).__qualname__, repr(name)))


def _check_column_names(columns):
    """Column names must be distinct and not NaN: each one is a feature of its own."""
    if len(set(columns)) != len(columns):
        seen, repeated = set(), []
        for name in columns:
            if name in seen and name not in repeated:
                repeated.append(name)
            seen.add(name)
        raise ValueError(
            f"columns {repeated!r} appear more than once; feature names must be distinct"
        )
    nan_names = [name for name in columns if _is_nan(name)]
    if nan_names:
        raise ValueError(f"column name {nan_names[0]!r} is NaN, which cannot name a feature")


def _frame_columns_and_values(X):
    """Column names and a float64 matrix from any eager dataframe River accepts."""
    dtypes = getattr(X, "dtypes", None)
    if isinstance(dtypes, Iterable) and all(isinstance(d, np.dtype) for d in dtypes):
        # pandas with numpy dtypes: checked and converted without a dataframe layer
        columns = list(X.columns)
        for name, dtype in zip(columns, dtypes):
            if dtype.kind not in "biuf":
                raise TypeError(
                    f"feature {name!r} has dtype {dtype}; RTRL estimators take numeric features only"
                )
        values = np.ascontiguousarray(X.to_numpy(dtype=np.float64))
    else:
        import narwhals as nw

        frame = nw.from_native(X, eager_only=True)
        for name, dtype in frame.schema.items():
            if not (dtype.is_numeric() or dtype == nw.Boolean):
                raise TypeError(
                    f"feature {name!r} has dtype {dtype}; RTRL estimators take numeric features only"
                )
        columns = list(frame.columns)
        values = np.ascontiguousarray(frame.to_numpy(), dtype=np.float64)
    _check_column_names(columns)
    if values.size and not np.isfinite(values).all():
        bad = columns[int(np.nonzero(~np.isfinite(values).all(axis=0))[0][0])]
        raise ValueError(f"feature {bad!r} has a NaN or infinite value; inputs must be finite")
    return columns, values


def _series_like(values, X):
    """`values` as a series aligned with the dataframe X (a pandas Series for pandas input)."""
    try:
        import pandas as pd

        if isinstance(X, pd.DataFrame):
            return pd.Series(values, index=X.index)
    except ImportError:  # pragma: no cover - pandas is optional for River
        pass
    import narwhals as nw

    native = nw.get_native_namespace(nw.from_native(X, eager_only=True))
    return nw.new_series("prediction", values, backend=native).to_native()


class OneStepCalls:
    """What `learn_one` and `predict_one` pass to their kernels, built once per layout.

    Both calls' arguments in one `StepCall` (`kernels/calls.py`): every group of arrays as a
    plain tuple, an input row and the one-step target, rate and output arrays, unboxed by the
    kernels as one pointer. The kernels are called through the compiled entry point of exactly
    its type, which skips numba's type dispatch: the arrays never change, only their values.
    Valid while the arrays it holds are the model's: growth and `fit` replace them, and drop
    this (`_forget_calls`; an unpickled or copied model is a new object, with none yet);
    `matches` double-checks by the identity of the step buffers (which every change of layout
    replaces) and of the target state, and by the clipping norm and `target_feedback`
    (parameters a user may set between calls).
    """

    __slots__ = (
        "buffers", "target_state", "clip_gradient", "target_feedback", "rows", "row", "row_view",
        "n_features",
        "zero_features", "targets", "output", "output_view", "rates", "schedule", "step",
        "before_step", "call", "key", "learn_entry", "predict_entry",
    )

    def __init__(self, model):
        net, state, optimizer = model.network_, model.learner_state_, model.optimizer_state_
        self.buffers, self.target_state = model.buffers_, model.target_state_
        self.clip_gradient, self.target_feedback = model.clip_gradient, model.target_feedback
        # the fed-back block the kernels write: the columns after the features, while the
        # parameter asks for them (set_params may turn it off between calls)
        n_features = len(model.feature_index_)
        model._set_feedback_block(net.n_inputs - n_features if model.target_feedback else 0)
        arrays = net.arrays()
        # the cell's entry kernels, `learn` and `predict`, are attributes of a class made per
        # cell: a class is where River's memory count stops, and the compiled kernels, shared
        # by every model, are not this model's memory
        self.__class__ = _calls_class(type(arrays))
        announce_first_compile(self.learn)
        self.before_step = state.before_one_step if state.draws_each_step else None
        self.rows = np.zeros((1, net.n_inputs))
        self.row = self.rows[0]
        self.row_view = memoryview(self.row)
        self.n_features = n_features
        self.zero_features = memoryview(np.zeros(self.n_features))
        self.targets = np.zeros(1)
        self.output = np.zeros(net.n_outputs)
        self.output_view = memoryview(self.output)  # reads Python floats
        # a constant learning rate is written once; a schedule's before each step
        self.rates, self.step = optimizer.one_rate, optimizer.step
        self.schedule = None if optimizer.constant_rate is not None else optimizer.schedule
        if self.schedule is None:
            self.rates[0] = optimizer.constant_rate
        clip = 0.0 if model.clip_gradient is None else float(model.clip_gradient)
        args = (
            tuple(arrays), plain_traces(state.one_step_traces()), tuple(optimizer.arrays()),
            model._head, self.rows, self.targets, self.rates, clip, tuple(model.pending_),
            tuple(model.buffers_), model._one_loss, model.skipped_, model.target_state_,
            model.readout_, 1, self.output,
        )
        self.call, self.key = make_step_call(args)
        self.learn_entry = entry_point(self.learn, (self.call,), self.key)
        self.predict_entry = None  # loaded by the first predict: a stream may never predict

    def load_predict(self):
        announce_first_compile(self.predict)
        self.predict_entry = entry_point(self.predict, (self.call,), self.key)
        return self.predict_entry

    def matches(self, model):
        # every change of layout (growth, a new class, `fit`, a restore after a rejected call)
        # allocates new step buffers, so their identity stands for the arrays held here
        return (
            self.buffers is model.__dict__.get("buffers_")
            and self.target_state is model.target_state_
            and self.clip_gradient == model.clip_gradient
            and self.target_feedback == model.target_feedback
        )


# What `_ready_calls` returns for a model whose arrays are read-only.
READ_ONLY = object()


_CALLS_CLASSES = {}

# Each model's `OneStepCalls`, by id(model), dropped when the model is. Kept outside the model:
# a copy or a pickle never carries it, and River's memory count (a walk of the objects a model
# references, counting every numpy view's bytes again) sees only the model's own arrays.
_ONE_STEP_CALLS = {}


def _calls_class(arrays_type):
    """The `OneStepCalls` subclass whose `learn` and `predict` are the entry kernels of the cell
    whose arrays are of `arrays_type`."""
    cls = _CALLS_CLASSES.get(arrays_type)
    if cls is None:
        learn, predict = ENTRY_POINTS[arrays_type]
        cls = type(f"OneStepCalls_{arrays_type.__name__}", (OneStepCalls,), {
            "__slots__": (), "learn": staticmethod(learn), "predict": staticmethod(predict)})
        _CALLS_CLASSES[arrays_type] = cls
    return cls


class RTRLEstimator(SklearnEstimator):
    """State and protocols shared by `RTRLRegressor` and `RTRLClassifier`.

    Subclasses define `__init__` (their parameters and defaults), the head (`_head`), how
    targets become kernel targets and fed-back rows (`_encode_targets`), how many feedback
    columns a target takes (`_feedback_width`) and how outputs become predictions.
    """

    _parameter_constraints = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions(set(CELLS)), Cell],
        "learner": [StrOptions(set(LEARNERS)), Learner],
        "optimizer": [
            StrOptions(set(KINDS)),
            *(InstanceOfImported("river.optim", name) for name in RIVER_NAMES),
        ],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "clip_gradient": [Interval(Real, 0, None, closed="neither"), None],
        "recurrent_lr_scale": [Interval(Real, 0, None, closed="left")],
        "target_feedback": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "recurrent_density": [Interval(Real, 0, 1, closed="right")],
        "seed": [Interval(Integral, 0, None, closed="left"), None],
    }

    # ---------------------------------------------------------------- state

    @property
    def params_(self) -> dict[str, np.ndarray]:
        """Views of the cell's weights (Elman: W_hh, W_xh, b_h; eLSTM: W_z, W_f, w_z, w_f, b_z,
        b_f; LRU: nu, theta, gamma_log, B_re, B_im), W_hy and b_y into the parameter vector
        (live weights)."""
        if not self._is_initialized():
            raise AttributeError("params_ exists once the model has learned")
        return self.network_.params()

    @property
    def hidden_(self) -> np.ndarray:
        """The current hidden state h_t (the eLSTM's cell state c_t; the LRU's [Re h_t ;
        Im h_t]), a copy."""
        if not self._is_initialized():
            raise AttributeError("hidden_ exists once the model has learned")
        return self.network_.hidden.copy()

    def _validate_params(self):
        """Check every parameter against `_parameter_constraints`, and an optimizer object's
        learning rate; raise InvalidParameterError naming the first that is wrong."""
        owner = type(self).__name__
        validate_parameters(self._parameter_constraints, self.get_params(deep=False), owner)
        if not isinstance(self.optimizer, str):
            check_learning_rate(self.optimizer, owner)

    def _is_initialized(self):
        return getattr(self, "network_", None) is not None

    def __sklearn_is_fitted__(self):
        return self._is_initialized()

    def _clear_state(self):
        for name in FITTED_ATTRIBUTES:
            self.__dict__.pop(name, None)
        self._forget_calls()

    @contextmanager
    def _restored_on_error(self):
        """Put every attribute back as it was if the block raises: a rejected `fit` or
        `partial_fit` leaves the previous model, not a half-cleared one. The block must not
        change arrays in place before its last check."""
        saved = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def _initialize(self):
        """Fresh weights, optimizer and traces, with no inputs yet; called by the first learn.
        If anything is rejected (a parameter, a learner's hyperparameter), nothing is kept."""
        self._validate_params()
        try:
            self.rng_ = np.random.default_rng(self.seed)
            self.network_ = Network(
                self.hidden_size, 0, self._initial_outputs(), self.rng_, self.recurrent_density,
                self.cell,
            )
            self.learner_state_ = make_learner(self.learner).init_state(self.network_, self.rng_)
            # the cell's recurrence (the Elman W_hh, the LRU's lambda) steps at a scaled rate
            recurrent_end, recurrent_scale = self.network_.scaled_rate(self.recurrent_lr_scale)
            self.optimizer_state_ = OptimizerState(
                self.optimizer, self.lr, self.network_.n_parameters, recurrent_end,
                recurrent_scale,
            )
            self.feature_index_ = {}
            self.n_features_in_ = 0
            self.t_ = 0
            self.skipped_ = np.zeros(1, dtype=np.int64)
            # how the kernels turn the regressor's output into a prediction (`predict_rows`)
            self.readout_ = np.zeros(READOUT_SIZE)
            self._allocate_buffers()
            self._initialize_head()
            if self.target_feedback and self._feedback_width():
                self._insert_inputs(0, self._feedback_width())
        except Exception:
            self._clear_state()
            raise

    def _one_step_calls(self):
        """The cached kernel arguments of a one-step call (built when missing or stale)."""
        key = id(self)
        calls = _ONE_STEP_CALLS.get(key)
        if calls is None or not calls.matches(self):
            if calls is None:
                weakref.finalize(self, _ONE_STEP_CALLS.pop, key, None)
            calls = _ONE_STEP_CALLS[key] = OneStepCalls(self)
        return calls

    def _ready_calls(self):
        """The one-step calls of an initialised model (None before the first learn;
        READ_ONLY when its arrays cannot be written, see `_check_writable`)."""
        calls = _ONE_STEP_CALLS.get(id(self))
        if calls is not None and calls.matches(self):
            return calls
        if not self._is_initialized():
            return None
        if not self._writable():
            return READ_ONLY
        return self._one_step_calls()

    def _state_arrays(self):
        """Every array the kernels write while learning."""
        yield self.network_.theta
        yield self.network_.hidden
        yield from self.pending_
        yield from self.buffers_
        yield from (self.skipped_, self._one_loss, self.target_state_, self.readout_)
        optimizer = self.optimizer_state_
        yield from (optimizer.first_moment, optimizer.second_moment, optimizer.step)
        for value in vars(self.learner_state_).values():  # arrays, and growable arrays' buffers
            for item in value if isinstance(value, tuple) else (value,):
                array = item if isinstance(item, np.ndarray) else getattr(item, "buffer", None)
                if isinstance(array, np.ndarray):
                    yield array

    def _writable(self):
        return all(array.flags.writeable for array in self._state_arrays())

    def _check_writable(self):
        """Raise a clear error when the model's arrays are read-only: a model loaded from a
        read-only memory map (`joblib.load(path, mmap_mode="r")`) can predict, not learn."""
        if self._is_initialized() and not self._writable():
            raise ValueError(
                f"this {type(self).__name__}'s arrays are read-only (loaded from a read-only "
                "memory map, such as joblib.load(path, mmap_mode='r')?): it can predict, but "
                "learning or resetting its state needs a writable copy: copy.deepcopy(model), "
                "or load it without mmap_mode"
            )

    def _forget_calls(self):
        _ONE_STEP_CALLS.pop(id(self), None)

    def _align_arrays(self):
        """Put the parameters, moments and traces on cache lines (copies where needed; no
        array here is a view of another)."""
        net, optimizer, state = self.network_, self.optimizer_state_, self.learner_state_
        net.theta = aligned(net.theta)
        optimizer.first_moment = aligned(optimizer.first_moment)
        optimizer.second_moment = aligned(optimizer.second_moment)
        for name, value in vars(state).items():
            if isinstance(value, np.ndarray):
                setattr(state, name, aligned(value))

    def _allocate_buffers(self):
        self._forget_calls()
        self._align_arrays()
        net = self.network_
        n, k = net.n_hidden, net.n_outputs
        self.buffers_ = StepBuffers(
            aligned_zeros(net.n_parameters), np.zeros(n), np.zeros(k), np.zeros(k), np.zeros(n)
        )
        self.pending_ = PendingForward(np.zeros(1, dtype=np.int64), np.zeros(net.n_inputs), np.zeros(n))
        self._one_loss = np.zeros(1)

    def _insert_inputs(self, position, count):
        """`count` new input columns at `position`, zero weights and zero traces."""
        # the cached kernel arguments hold views of the arrays about to grow: drop them first,
        # so an array replaced by a larger one is freed as soon as it is replaced
        self._forget_calls()
        self.learner_state_.insert_inputs(self.network_, position, count)
        self.optimizer_state_.insert_inputs(self.network_, position, count)
        self.network_.insert_inputs(position, count)
        self._allocate_buffers()

    def _append_outputs(self, count):
        net = self.network_
        self.learner_state_.append_outputs(net, count)
        self.optimizer_state_.append_outputs(net, count)
        net.append_outputs(count)
        self._allocate_buffers()

    def _add_features(self, names):
        # Columns go in a canonical order, so the same step with its keys shuffled gives the
        # same model. feature_names_in_ follows it too, except for names sklearn's
        # validate_data already put there in the order of X's columns.
        names = _canonical_order(names)
        position = len(self.feature_index_)
        for offset, name in enumerate(names):
            self.feature_index_[name] = position + offset
        self._insert_inputs(position, len(names))
        self.n_features_in_ = len(self.feature_index_)
        if position < MANY_FEATURES <= self.n_features_in_:
            warnings.warn(
                f"{type(self).__name__} now has {self.n_features_in_} input features. Every "
                "feature name ever seen stays an input column, and each step's time and "
                "memory grow with their number (docs: Stream semantics, Features). If the "
                "names keep changing, hash them into a fixed width first, e.g. with "
                "river.preprocessing.FeatureHasher.",
                ManyFeaturesWarning,
                stacklevel=3,
            )
        if all(isinstance(name, str) for name in self.feature_index_):
            previous = getattr(self, "feature_names_in_", None)
            known = [] if previous is None else list(previous)
            arrived = [name for name in names if name not in set(known)]
            self.feature_names_in_ = np.asarray(known + arrived, dtype=object)

    def reset_state(self) -> None:
        """Forget the past: hidden state, gradient traces and the fed-back target. Weights and
        the optimizer's moments are kept."""
        if not self._is_initialized():
            return
        self._check_writable()
        self.network_.hidden[:] = 0.0
        self.learner_state_.reset()
        self.pending_.valid[0] = 0
        self._reset_feedback()

    # ----------------------------------------------------------- inputs

    def _unseen_features(self, x):
        """Check every value of the dict x; return the names not yet in the index."""
        index = getattr(self, "feature_index_", None) or {}
        unseen = []
        for name, value in x.items():
            if type(value) is not float or not math.isfinite(value):  # plain floats go fast
                check_real(value, f"feature {name!r}")
            if name not in index:
                if _is_nan(name):
                    raise ValueError(f"feature name {name!r} is NaN, which cannot name a feature")
                unseen.append(name)
        return unseen

    def _input_matrix(self, columns, values):
        """A (T, d) input matrix for rows given by column names; feedback columns hold the
        last target (the learn path overwrites them row by row)."""
        index = self.feature_index_
        inputs = np.zeros((values.shape[0], self.network_.n_inputs))
        known = [(i, index[name]) for i, name in enumerate(columns) if name in index]
        if known:
            source, target = zip(*known)
            inputs[:, list(target)] = values[:, list(source)]
        if self.target_feedback:
            for row in inputs:
                self._write_feedback(row[len(index):])
        return inputs

    # ----------------------------------------------------------- learning

    def _check_targets(self, y):
        """Check a sequence of targets; returns them as a list or array for `_encode_targets`."""
        raw = list(y)
        for value in raw:
            self._check_target(value)
        return raw

    def _learn_rows(self, columns, values, raw_targets):
        """Learn rows already checked: grow for unseen columns, then one kernel call."""
        self._check_writable()
        if not self._is_initialized():
            self._initialize()
        unseen = [name for name in columns if name not in self.feature_index_]
        if unseen:
            self._add_features(unseen)
        targets, feedback = self._encode_targets(raw_targets)
        inputs = self._input_matrix(columns, values)
        if self.target_feedback:
            inputs[:, len(self.feature_index_):] = feedback
        self._run_learner(inputs, targets)

    def _targets_fit_head(self, targets):
        return True

    def _run_learner(self, inputs, targets):
        # The kernel trusts its arrays' shapes; a mismatch here would be a bug upstream, and
        # must not become a write outside an array.
        if inputs.shape[1] != self.network_.n_inputs or not self._targets_fit_head(targets):
            raise RuntimeError(
                f"inputs of width {inputs.shape[1]} or targets out of range for a network with "
                f"{self.network_.n_inputs} inputs and {self.network_.n_outputs} outputs"
            )
        n_steps = len(targets)
        losses = self._one_loss if n_steps == 1 else np.empty(n_steps)
        clip = 0.0 if self.clip_gradient is None else float(self.clip_gradient)
        skipped_before = int(self.skipped_[0])
        self.learner_state_.learn(
            self.network_, self.optimizer_state_, self._head, inputs, targets,
            self.optimizer_state_.learning_rates(n_steps), clip, self.pending_, self.buffers_,
            losses, self.skipped_,
        )
        self.t_ += n_steps
        if skipped_before == 0 and self.skipped_[0] > 0:
            self._warn_skipped()
        return losses

    def _warn_skipped(self):
        warnings.warn(
            f"{type(self).__name__}: a gradient with a NaN or an infinity was dropped at step "
            f"{self.t_} (weights untouched, gradient traces reset); n_skipped_updates_ counts "
            "such steps. Standardise the inputs, or lower lr.",
            RuntimeWarning, stacklevel=4,
        )

    @property
    def n_skipped_updates_(self):
        """How many updates were dropped because their gradient was not finite."""
        if not self._is_initialized():
            raise AttributeError("n_skipped_updates_ exists once the model has learned")
        return int(self.skipped_[0])

    def _fill_row(self, calls, x):
        """Check every value of the dict x and write the known features into calls.row (the
        rest 0), in one pass; returns False when x names a feature not seen yet. The values
        go in through a memoryview (half the time of numpy's item assignment), and the row
        is zeroed first only when x cannot cover every feature column."""
        row, index, n_features = calls.row_view, self.feature_index_, calls.n_features
        if len(x) != n_features:
            row[:n_features] = calls.zero_features
        complete = True
        for name, value in x.items():
            if type(value) is not float or not math.isfinite(value):  # plain floats go fast
                check_real(value, f"feature {name!r}")
                value = float(value)
            column = index.get(name)
            if column is None:
                if _is_nan(name):
                    raise ValueError(f"feature name {name!r} is NaN, which cannot name a feature")
                complete = False
            else:
                row[column] = value
        if not complete and len(x) == n_features:
            # a new name took the place of a known one, whose column still holds a past value
            row[:n_features] = calls.zero_features
            for name, value in x.items():
                column = index.get(name)
                if column is not None:
                    row[column] = float(value)
        return complete

    def learn_one(self, x: dict, y: Any) -> None:
        """Learn one time step: advance the hidden state with x, then one gradient step on the
        loss of this step's prediction of y."""
        self._check_target(y)
        calls = self._ready_calls()
        if calls is READ_ONLY:
            self._check_writable()
        target = None if calls is None else self._raw_target(y)
        if target is None or not self._fill_row(calls, x):
            # the first step, or a feature or label not seen yet: grow, then the same call
            del calls  # it holds views of the arrays a new feature is about to grow
            unseen = self._unseen_features(x)  # every value checked before anything changes
            if not self._is_initialized():
                self._initialize()
            if unseen:
                self._add_features(unseen)
            self._add_target(y)
            calls = self._one_step_calls()
            self._fill_row(calls, x)
            target = self._raw_target(y)
        # the kernel encodes the target, writes the values fed back and learns
        calls.targets[0] = target
        if calls.schedule is not None:
            calls.rates[0] = calls.schedule.get(int(calls.step[0]))
        if calls.before_step is not None:
            calls.before_step()
        first_skip = calls.learn_entry(calls.call)
        self.t_ += 1
        if first_skip:
            self._warn_skipped()

    def _add_target(self, y):
        """Make room for a target not seen yet (the classifier's new label)."""

    def learn_many(self, X: pd.DataFrame, y: pd.Series) -> None:
        """Learn the rows of the dataframe X in order: exactly a loop of `learn_one`, in one
        kernel call. Columns absent from X read as 0 for these rows."""
        columns, values = _frame_columns_and_values(X)
        raw = self._check_targets(y)
        if len(raw) != values.shape[0]:
            raise ValueError(f"X has {values.shape[0]} rows but y has {len(raw)} values")
        if len(raw):
            self._learn_rows(columns, values, raw)

    # ----------------------------------------------------------- predicting

    def _raw_output_one(self, calls, x):
        """The head's output for x from the current state, without learning, as a memoryview
        (its items read as Python floats)."""
        if calls is READ_ONLY:  # the kernel of `predict_many`, which writes nothing of the model's
            self._unseen_features(x)
            index = self.feature_index_
            known = [(name, float(value)) for name, value in x.items() if name in index]
            columns = [name for name, _ in known]
            values = np.array([[value for _, value in known]]).reshape(1, len(known))
            return memoryview(self._raw_outputs(columns, values, chain=False)[0])
        self._fill_row(calls, x)
        predict = calls.predict_entry or calls.load_predict()
        predict(calls.call)  # writes the values fed back, then predicts
        return calls.output_view

    def _raw_outputs(self, columns, values, chain):
        """Predictions for the rows of `values` (the regressor's in the target's units, the
        classifier's as probabilities); chain=True runs them as a continuation."""
        inputs = self._input_matrix(columns, values)
        outputs = np.zeros((len(inputs), self.network_.n_outputs))
        feedback_column = len(self.feature_index_) if self.target_feedback else -1
        predict_rows(self.network_.arrays(), self._head, inputs, chain, feedback_column,
                     self.readout_, outputs)
        # these forward steps overwrote the cell's scratch (the eLSTM's gates), so a forward
        # step kept by predict_one is recomputed by the next learn_one (written only when set:
        # a model loaded from a read-only memory map must still predict)
        if self.pending_.valid[0] and self.pending_.valid.flags.writeable:
            self.pending_.valid[0] = 0
        return outputs

    # ----------------------------------------------------------- scikit-learn

    def _sklearn_columns(self, n_columns):
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return list(range(n_columns))
        _check_column_names(list(names))
        return list(names)

    def _check_sklearn_X(self, X, reset):
        from sklearn.utils.validation import validate_data

        X = validate_data(self, X, reset=reset, dtype=np.float64)
        return self._sklearn_columns(X.shape[1]), np.ascontiguousarray(X)

    def _partial_fit(self, X, y):
        from sklearn.utils.validation import validate_data

        first = not self._is_initialized()
        with self._restored_on_error():
            X, y = validate_data(
                self, X, y, reset=first, dtype=np.float64, y_numeric=self._y_numeric
            )
            raw = self._check_targets(y)
            self._learn_rows(self._sklearn_columns(X.shape[1]), np.ascontiguousarray(X), raw)
        return self

    def _fit(self, X, y):
        self._validate_params()
        with self._restored_on_error():
            self._clear_state()
            for epoch in range(self.max_iter):
                self.reset_state()
                self._partial_fit(X, y)
            self.n_iter_ = self.max_iter
        return self

    def _predict_outputs(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        columns, values = self._check_sklearn_X(X, reset=False)
        return self._raw_outputs(columns, values, chain=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        return tags
