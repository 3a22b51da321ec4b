"""scikit-learn's estimator protocol without scikit-learn's base classes.

The estimators implement what `sklearn.base.BaseEstimator` and its regressor and classifier
mixins give (parameters, `set_params`, the text representation, tags, `score`) here, and
import scikit-learn only inside the methods that need it. Importing `rtrl_river` and the
River path (`learn_one`, `predict_one`, ...) therefore never load scikit-learn, nor the scipy
and pandas modules it imports, which took most of a second of start-up.
"""

from __future__ import annotations

import inspect
import math
import re
import sys
from collections import defaultdict
from numbers import Integral, Real

# scikit-learn's text representation: 80 columns, at most 30 parameters, about 700
# non-blank characters before the middle is cut out.
REPR_WIDTH = 80
REPR_MAX_ITEMS = 30


# Per estimator class, its subclass that also derives from sklearn.base.BaseEstimator; see
# `SklearnEstimator._as_sklearn_estimator`.
_SKLEARN_CLASSES = {}
# an `__init__` -> the names of its parameters, sorted
_PARAM_NAMES = {}
# What that subclass takes from sklearn.base.BaseEstimator.
DELEGATED = (
    "get_metadata_routing", "_repr_html_", "_repr_mimebundle_", "_get_params_html",
    "_get_fitted_attr_html",
)
# The methods whose extra arguments scikit-learn's metadata routing can route (its
# SIMPLE_METHODS and the composite ones).
ROUTED_METHODS = (
    "fit", "partial_fit", "predict", "predict_proba", "predict_log_proba", "decision_function",
    "score", "split", "transform", "inverse_transform", "fit_transform", "fit_predict",
)


def _sklearn_class(cls):
    """`cls` with sklearn.base.BaseEstimator as a further base, DELEGATED taken from it, and
    the `set_{method}_request` methods scikit-learn generates for cls's signatures."""
    subclass = _SKLEARN_CLASSES.get(cls)
    if subclass is None:
        from sklearn.base import BaseEstimator

        # scikit-learn writes the set_{method}_request methods into a subclass of
        # BaseEstimator with the routed methods' signatures (and no such methods yet)
        signatures = type(cls.__name__, (BaseEstimator,), {
            name: getattr(cls, name) for name in ROUTED_METHODS if hasattr(cls, name)
        })
        namespace = {
            name: value for name, value in vars(signatures).items()
            if name.startswith("set_") and name.endswith("_request")
        }
        namespace.update((name, inspect.getattr_static(BaseEstimator, name)) for name in DELEGATED)
        namespace.update(__module__=cls.__module__, __qualname__=cls.__qualname__)
        subclass = _SKLEARN_CLASSES[cls] = type(cls)(cls.__name__, (cls, BaseEstimator), namespace)
    return subclass


def _is_scalar_nan(value):
    return isinstance(value, Real) and not isinstance(value, Integral) and math.isnan(value)


def _print_changed_only():
    """scikit-learn's `print_changed_only` setting: its default (True) unless scikit-learn is
    loaded, since only scikit-learn's own `set_config` can change it."""
    sklearn = sys.modules.get("sklearn")
    get_config = getattr(sklearn, "get_config", None)
    return True if get_config is None else get_config().get("print_changed_only", True)


def changed_params(estimator):
    """The parameters whose value differs from the `__init__` default, compared by repr (two
    NaNs are equal), as scikit-learn prints them."""
    params = estimator.get_params(deep=False)
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(estimator.__init__).parameters.items()
    }

    def changed(name, value):
        if name not in defaults or defaults[name] is inspect.Parameter.empty:
            return True
        default = defaults[name]
        return repr(value) != repr(default) and not (
            _is_scalar_nan(default) and _is_scalar_nan(value)
        )

    return {name: value for name, value in params.items() if changed(name, value)}


def _layout(name, items):
    """`Name(key=value, ...)` on one line, or else filled to REPR_WIDTH columns with the
    continuation lines aligned after the parenthesis, as scikit-learn's pretty printer does."""
    one_line = f"{name}({', '.join(items)})"
    if len(one_line) <= REPR_WIDTH:
        return one_line
    indent = len(name) + 1
    newline = ",\n" + " " * indent
    parts, delimiter = [name, "("], ""
    width = max_width = REPR_WIDTH - indent + 1
    for position, item in enumerate(items):
        if position == REPR_MAX_ITEMS:
            parts.append(", ...")
            break
        if position == len(items) - 1:  # room for the closing parenthesis
            max_width -= 1
            width -= 1
        needed = len(item) + 2
        if width < needed:
            width = max_width
            if delimiter:
                delimiter = newline
        if width >= needed:  # fits on this line
            width -= needed
            parts += [delimiter, item]
            delimiter = ", "
        else:  # longer than a whole line: alone on its own
            parts += [delimiter, item]
            delimiter = newline
    parts.append(")")
    return "".join(parts)


def _shorten(text, n_char_max):
    """Cut the middle out of a representation with more than n_char_max non-blank characters."""
    if len("".join(text.split())) <= n_char_max:
        return text
    pattern = r"^(\s*\S){%d}" % (n_char_max // 2)
    left = re.match(pattern, text).end()
    right = re.match(pattern, text[::-1]).end()
    if "\n" in text[left:-right]:
        # the two ends are on different lines: start the right one on a line of its own
        right = re.match(pattern + r"[^\n]*\n", text[::-1]).end()
    if left + len("...") < len(text) - right:
        text = text[:left] + "..." + text[-right:]
    return text


def estimator_repr(estimator, n_char_max=700):
    """The estimator as scikit-learn shows it: `Name(param=value, ...)`, parameters in
    alphabetical order, only those changed from their defaults (unless scikit-learn's
    `print_changed_only` is off)."""
    if _print_changed_only():
        params = changed_params(estimator)
    else:
        params = estimator.get_params(deep=False)
    items = [f"{name}={value!r}" for name, value in sorted(params.items())]
    return _shorten(_layout(type(estimator).__name__, items), n_char_max)


class SklearnEstimator:
    """What `sklearn.base.BaseEstimator` provides, with scikit-learn imported only when used.

    Parameters are the arguments of `__init__`, stored under their own names; `get_params`,
    `set_params` and `sklearn.base.clone` work through them. Metadata routing
    (`get_metadata_routing`, `set_score_request`, ...) and the HTML display are scikit-learn's
    own, run with the estimator as a BaseEstimator for the call (`_as_sklearn_estimator`).
    """

    @classmethod
    def _get_param_names(cls):
        """The names of the `__init__` parameters, sorted (read once per `__init__`)."""
        init = cls.__init__
        if init is object.__init__:
            return []
        names = _PARAM_NAMES.get(init)
        if names is None:
            names = _PARAM_NAMES[init] = cls._read_param_names(init)
        return list(names)

    @classmethod
    def _read_param_names(cls, init):
        parameters = [
            parameter for parameter in inspect.signature(init).parameters.values()
            if parameter.name != "self" and parameter.kind != parameter.VAR_KEYWORD
        ]
        for parameter in parameters:
            if parameter.kind == parameter.VAR_POSITIONAL:
                raise RuntimeError(
                    "scikit-learn estimators should always specify their parameters in the "
                    f"signature of their __init__ (no varargs). {cls} with constructor "
                    f"{inspect.signature(init)} doesn't follow this convention."
                )
        return tuple(sorted(parameter.name for parameter in parameters))

    def get_params(self, deep: bool = True) -> dict:
        """The estimator's parameters by name; with deep=True, also those of any parameter
        that has `get_params` itself, as `name__parameter`."""
        out = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{key}__{name}", item) for name, item in value.get_params().items())
            out[key] = value
        return out

    def set_params(self, **params):
        """Set parameters by name (`name__parameter` for a parameter's own parameters); an
        unknown name raises a ValueError. Returns the estimator."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = defaultdict(dict)
        for key, value in params.items():
            key, delimiter, sub_key = key.partition("__")
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {self}. "
                    f"Valid parameters are: {self._get_param_names()!r}."
                )
            if delimiter:
                nested[key][sub_key] = value
            else:
                setattr(self, key, value)
                valid[key] = value
        for key, sub_params in nested.items():
            valid[key].set_params(**sub_params)
        return self

    def __repr__(self, N_CHAR_MAX=700):  # noqa: N803 - scikit-learn's name
        return estimator_repr(self, N_CHAR_MAX)

    # "regressor" or "classifier": the kind of estimator, which sets scikit-learn's tags and
    # what `score` measures (as sklearn.base's RegressorMixin and ClassifierMixin do)
    _estimator_kind = None

    def __sklearn_tags__(self):
        """scikit-learn's tags of an estimator of this kind (imports scikit-learn)."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        kind = self._estimator_kind
        return Tags(
            estimator_type=kind,
            target_tags=TargetTags(required=False),
            transformer_tags=None,
            regressor_tags=RegressorTags() if kind == "regressor" else None,
            classifier_tags=ClassifierTags() if kind == "classifier" else None,
        )

    def score(self, X, y, sample_weight=None) -> float:
        """scikit-learn's default score of `predict(X)` against y: the coefficient of
        determination R^2 (`r2_score`) for a regressor, the accuracy (`accuracy_score`) for a
        classifier."""
        from sklearn import metrics

        measure = metrics.r2_score if self._estimator_kind == "regressor" else metrics.accuracy_score
        return measure(y, self.predict(X), sample_weight=sample_weight)

    # ------------------------------------------------------- scikit-learn's own machinery

    def _as_sklearn_estimator(self, action):
        """`action(self)`, run while the estimator is an instance of a subclass of its own
        class and of `sklearn.base.BaseEstimator`; for what scikit-learn implements itself, in
        detail: metadata routing and the HTML display. In that subclass those methods
        (DELEGATED, and the `set_{method}_request` methods scikit-learn derives from the
        signatures of fit, partial_fit, score, ...) are scikit-learn's, everything else is the
        estimator's. The estimator itself is what scikit-learn sees, keeps (as the owner of
        its metadata requests) and changes. Imports scikit-learn. (Not for use from several
        threads at once on one estimator: the class is switched for the call.)
        """
        cls = type(self)
        if cls in _SKLEARN_CLASSES.values():  # called from within such a call
            return action(self)
        self.__class__ = _sklearn_class(cls)
        try:
            return action(self)
        finally:
            self.__class__ = cls

    def get_metadata_routing(self):
        """scikit-learn's metadata routing of this estimator (a MetadataRequest)."""
        return self._as_sklearn_estimator(lambda estimator: estimator.get_metadata_routing())

    def set_score_request(self, **requests):
        """Request metadata passed to `score` (`sample_weight`), as in scikit-learn's
        metadata routing. Returns the estimator."""
        return self._as_sklearn_estimator(
            lambda estimator: estimator.set_score_request(**requests))

    @property
    def _repr_html_(self):
        """scikit-learn's HTML display; absent, as in scikit-learn, when its `display` setting
        is "text" (which only a loaded scikit-learn can have set)."""
        get_config = getattr(sys.modules.get("sklearn"), "get_config", None)
        if get_config is not None and get_config().get("display") == "text":
            raise AttributeError("_repr_html_ is only defined when scikit-learn's 'display' "
                                 "setting is 'diagram'")
        return self._html_display

    def _html_display(self):
        return self._as_sklearn_estimator(lambda estimator: estimator._repr_html_())

    def _repr_mimebundle_(self, **kwargs):
        return self._as_sklearn_estimator(
            lambda estimator: estimator._repr_mimebundle_(**kwargs))

    def _get_params_html(self, *args, **kwargs):  # the parameter table in an HTML display
        return self._as_sklearn_estimator(
            lambda estimator: estimator._get_params_html(*args, **kwargs))

    def _get_fitted_attr_html(self, *args, **kwargs):  # the fitted attributes in HTML
        return self._as_sklearn_estimator(
            lambda estimator: estimator._get_fitted_attr_html(*args, **kwargs))
