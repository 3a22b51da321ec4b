"""What the estimators accept as input: real numbers, feature names, dataframes, and the checks
that name what is wrong before anything changes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from numbers import Real

import numpy as np

# What counts as a real number: Python and numpy reals and booleans, Fractions, Decimals.
# Complex numbers (Python or numpy) do not, even with a zero imaginary part.
REAL_TYPES = (Real, Decimal, np.bool_)


def short_repr(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}..."


def check_real(value, subject):
    """Raise a TypeError or ValueError naming `subject` unless `value` is a real number that
    float64 holds as a finite value."""
    if not isinstance(value, REAL_TYPES):
        raise TypeError(
            f"{subject} has value {short_repr(value)} of type {type(value).__name__}, "
            "which is not a number; RTRL estimators take real numbers only"
        )
    try:
        number = float(value)
    except (OverflowError, ValueError):  # beyond float64's range, or a signalling NaN
        raise ValueError(f"{subject} is {short_repr(value)}, which float64 cannot hold") from None
    if not math.isfinite(number):
        raise ValueError(f"{subject} is {short_repr(value)}; values must be finite")


def is_nan(name):
    """True for a NaN (of any type), which is unequal to itself and so can name nothing."""
    differs = name != name
    return isinstance(differs, (bool, np.bool_)) and bool(differs)


def unseen_features(x, index):
    """Check every value of the dict x; return the names not in `index` (a dict or None)."""
    index = index or {}
    unseen = []
    for name, value in x.items():
        if type(value) is not float or not math.isfinite(value):  # plain floats go fast
            check_real(value, f"feature {name!r}")
        if name not in index:
            if is_nan(name):
                raise ValueError(f"feature name {name!r} is NaN, which cannot name a feature")
            unseen.append(name)
    return unseen


def canonical_order(names):
    """New feature names in an order that does not depend on the order they arrived in."""
    kinds = {type(name) for name in names}
    if len(kinds) == 1 and kinds <= {str, int, float}:
        return sorted(names)
    return sorted(names, key=lambda name: (type(name).__qualname__, repr(name)))


def check_column_names(columns):
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
    nan_names = [name for name in columns if is_nan(name)]
    if nan_names:
        raise ValueError(f"column name {nan_names[0]!r} is NaN, which cannot name a feature")


def frame_columns_and_values(X):
    """Column names and a float64 matrix from any eager dataframe River accepts."""
    dtypes = getattr(X, "dtypes", None)
    if isinstance(dtypes, Iterable) and all(isinstance(d, np.dtype) for d in dtypes):
        # pandas with numpy dtypes: checked and converted without a dataframe layer
        columns = list(X.columns)
        for name, dtype in zip(columns, dtypes):
            if dtype.kind not in "biuf":
                raise TypeError(
                    f"feature {name!r} has dtype {dtype}; RTRL estimators take numeric features "
                    "only"
                )
        values = np.ascontiguousarray(X.to_numpy(dtype=np.float64))
    else:
        import narwhals as nw

        frame = nw.from_native(X, eager_only=True)
        for name, dtype in frame.schema.items():
            if not (dtype.is_numeric() or dtype == nw.Boolean):
                raise TypeError(
                    f"feature {name!r} has dtype {dtype}; RTRL estimators take numeric features "
                    "only"
                )
        columns = list(frame.columns)
        values = np.ascontiguousarray(frame.to_numpy(), dtype=np.float64)
    check_column_names(columns)
    if values.size and not np.isfinite(values).all():
        bad = columns[int(np.nonzero(~np.isfinite(values).all(axis=0))[0][0])]
        raise ValueError(f"feature {bad!r} has a NaN or infinite value; inputs must be finite")
    return columns, values


def series_like(values, X):
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


def numeric_features(x, subject):
    """The values of the dict x that are real numbers, as floats, each checked as the
    regressor checks its features (a datetime or a string is ignored): a forecaster's
    exogenous values. `subject` names x in an error."""
    if x is None:
        return {}
    if not isinstance(x, Mapping):
        raise TypeError(f"{subject} must be a dict of features, not {short_repr(x)} of "
                        f"type {type(x).__name__}")
    features = {}
    for name, value in x.items():
        if isinstance(value, REAL_TYPES):
            check_real(value, f"feature {name!r}")
            features[name] = float(value)
    unseen_features(features, None)  # the names
    return features


def checked_standardised(standardised, features):
    """`standardised` (the features by running statistics), unless one is beyond float64."""
    for name, value in standardised.items():
        if not math.isfinite(value):
            raise beyond_standardising(name, features[name])
    return standardised


def beyond_standardising(name, value):
    return ValueError(f"feature {name!r} is {short_repr(value)}, too far from its running mean "
                      "to standardise in float64 (its squares overflow); rescale it")
