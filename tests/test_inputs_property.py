"""Property: any input on any path gives a clear error and an unchanged model, or a finite answer.

Hypothesis draws River dicts, dataframes and sklearn arrays mixing good values with every kind
of bad one, the forecaster's targets, features and horizons, and whole CSV files for the
command line's reader; the example counts keep the whole file to a few seconds.
"""

import datetime
import math
import pickle
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor
from rtrl_river.cli.csv_file import LARGEST, CSVStream

from .conftest import random_stream

SETTINGS = settings(
    max_examples=100, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Values a model must take: moderate reals of every kind (extreme magnitudes are a matter of
# numerics, not of input checking).
GOOD_VALUES = st.one_of(
    st.floats(-1e6, 1e6),
    st.integers(-1000, 1000),
    st.booleans(),
    st.fractions(-10, 10, max_denominator=100),
    st.decimals(-1000, 1000, allow_nan=False, allow_infinity=False, places=3),
    st.floats(-1e3, 1e3).map(np.float32),
    st.integers(-100, 100).map(np.int16),
)
# Values a model must refuse with a TypeError or ValueError naming them.
BAD_VALUES = st.one_of(
    st.sampled_from([
        math.nan, math.inf, -math.inf, 10**400, Fraction(10**400, 7), Decimal("sNaN"),
        Decimal("NaN"), Decimal("1e400"), 1j, np.complex128(2), None, "1.0", b"1", [1.0],
        np.nan, np.float64("inf"),
    ]),
    st.complex_numbers(allow_nan=False, max_magnitude=10),
    st.text(max_size=3),
)
VALUES = st.one_of(GOOD_VALUES, GOOD_VALUES, BAD_VALUES)
NAMES = st.one_of(
    st.sampled_from(["f0", "f1", "f2", "g"]), st.integers(0, 3), st.just(math.nan),
    st.text(max_size=2),
)
DICTS = st.dictionaries(NAMES, VALUES, max_size=5)
LABELS = st.one_of(
    st.sampled_from([0, 1, "a", True, (1, 2), math.nan, None, [0]]),
    st.integers(-3, 3), st.text(max_size=2), st.floats(allow_nan=True),
)


def trained(Estimator, **params):
    model = Estimator(hidden_size=3, target_feedback=True, seed=0, **params)
    for step, (x, y) in enumerate(random_stream(20, 3)):
        model.learn_one(x, y if Estimator is RTRLRegressor else step % 3)
    return pickle.dumps(model)


MODELS = {Estimator: trained(Estimator) for Estimator in (RTRLRegressor, RTRLClassifier)}


def check_answer(model, x):
    """A learned model answers with finite numbers (probabilities summing to 1)."""
    if isinstance(model, RTRLRegressor):
        assert math.isfinite(model.predict_one(x))
    else:
        probabilities = model.predict_proba_one(x)
        assert set(probabilities) == set(model.engine_.head.class_index)
        assert all(math.isfinite(p) for p in probabilities.values())
        assert math.isclose(sum(probabilities.values()), 1.0, rel_tol=1e-9)


def run_or_refuse(model, call):
    """Either `call` succeeds, or it raises TypeError/ValueError and the model is unchanged."""
    before = pickle.dumps(model)
    try:
        call()
    except (TypeError, ValueError):
        assert pickle.dumps(model) == before
        return False
    return True


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@SETTINGS
@given(steps=st.lists(st.tuples(DICTS, st.one_of(VALUES, LABELS)), min_size=1, max_size=4))
def test_river_dicts(Estimator, steps):
    model = pickle.loads(MODELS[Estimator])
    for x, y in steps:
        run_or_refuse(model, lambda: check_answer(model, x))
        run_or_refuse(model, lambda: model.learn_one(x, y))
        check_answer(model, {"f0": 0.5, "f1": -0.5})


FRAME_VALUES = st.one_of(
    st.floats(-1e6, 1e6), st.integers(-1000, 1000), st.booleans(), st.just(math.nan),
    st.just(math.inf), st.text(max_size=2), st.complex_numbers(allow_nan=False, max_magnitude=5),
)


@st.composite
def frames(draw):
    n_rows = draw(st.integers(1, 4))
    columns = draw(st.lists(st.sampled_from(["f0", "f1", "f2", "h", 3]), min_size=1, max_size=4))
    kind = draw(FRAME_VALUES)  # each column holds one kind of value, as a typed column would
    data = {}
    for position, _ in enumerate(columns):
        kind = draw(st.sampled_from([kind, 0.5]))
        data[position] = [kind] * n_rows
    frame = pd.DataFrame(data)
    frame.columns = columns  # may repeat a name
    targets = draw(st.lists(st.one_of(VALUES, LABELS), min_size=n_rows, max_size=n_rows))
    return frame, pd.Series(targets, dtype=object)


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@SETTINGS
@given(batch=frames())
def test_river_frames(Estimator, batch):
    model = pickle.loads(MODELS[Estimator])
    X, y = batch
    if run_or_refuse(model, lambda: model.learn_many(X, y)):
        check_answer(model, {"f0": 0.5, "f1": -0.5})
        # and exactly what a loop of learn_one over the rows learns
        loop = pickle.loads(MODELS[Estimator])
        for row, target in zip(X.itertuples(index=False), y):
            loop.learn_one(dict(zip(X.columns, row)), target)
        np.testing.assert_array_equal(loop.engine_.network.theta, model.engine_.network.theta)
        np.testing.assert_array_equal(loop.engine_.network.hidden, model.engine_.network.hidden)


ARRAY_VALUES = st.one_of(st.floats(-1e6, 1e6), st.just(math.nan), st.just(math.inf))


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@settings(SETTINGS, max_examples=40)
@given(
    n_columns=st.sampled_from([2, 3]),
    values=st.lists(ARRAY_VALUES, min_size=6, max_size=6),
    targets=st.lists(
        st.one_of(st.floats(-10, 10), st.just(math.nan), st.sampled_from([0, 1, 2])),
        min_size=2, max_size=2,
    ),
)
def test_sklearn_arrays(Estimator, n_columns, values, targets):
    rng = np.random.default_rng(0)
    fitted = Estimator(hidden_size=3, seed=0, max_iter=1)
    fitted.fit(rng.normal(size=(12, 3)), np.arange(12) % 3)
    X = np.array(values[: 2 * n_columns], dtype=float).reshape(2, n_columns)
    y = np.array(targets)
    if run_or_refuse(fitted, lambda: fitted.partial_fit(X, y)):
        regressor = isinstance(fitted, RTRLRegressor)
        assert np.isfinite(fitted.predict(X) if regressor else fitted.predict_proba(X)).all()
    run_or_refuse(fitted, lambda: fitted.fit(X, y))


# ---------------------------------------------------------------- the forecaster


def trained_forecaster():
    model = RTRLForecaster(hidden_size=3, seasonality=2, seed=0)
    for t, (x, y) in enumerate(random_stream(12, 2)):
        model.learn_one(y, {**x, "when": datetime.datetime(2024, 1, 1 + t)})
    return pickle.dumps(model)


FORECASTER = trained_forecaster()
# what learn_one's x and forecast's xs may be: dicts of any values (values that are not real
# numbers are ignored by the forecaster), or anything else
EXOGENOUS = st.one_of(st.none(), DICTS, DICTS.map(lambda x: {**x, "when": datetime.date.today()}),
                      st.sampled_from([[1.0], "x", 3.0, (("f0", 1.0),)]))
TARGETS = st.one_of(VALUES, st.floats(), st.sampled_from([1e308, -1e308, 1e200, 5e-324]))
HORIZONS = st.one_of(st.integers(-2, 5), st.sampled_from([2.0, True, None, "2", 10**9]),
                     st.integers(0, 3).map(np.int64))


def check_forecast(model, horizon, xs):
    """A forecast is `horizon` finite numbers (None before the first target) and changes
    nothing."""
    before = pickle.dumps(model)
    forecasts = model.forecast(horizon, xs)
    assert pickle.dumps(model) == before
    assert len(forecasts) == horizon
    assert all(value is None or math.isfinite(value) for value in forecasts)


@SETTINGS
@given(steps=st.lists(st.tuples(TARGETS, EXOGENOUS), min_size=1, max_size=4),
       horizon=HORIZONS,
       xs=st.one_of(st.none(), st.lists(EXOGENOUS, max_size=4), st.just({"f0": 1.0})))
def test_the_forecaster(steps, horizon, xs):
    model = pickle.loads(FORECASTER)
    for y, x in steps:
        run_or_refuse(model, lambda: model.learn_one(y, x))
        run_or_refuse(model, lambda: check_forecast(model, 2, None))
    run_or_refuse(model, lambda: check_forecast(model, horizon, xs))
    fresh = RTRLForecaster(hidden_size=3, seasonality=2, seed=0)  # and before the first step
    run_or_refuse(fresh, lambda: check_forecast(fresh, horizon, xs))


# ---------------------------------------------------------------- the command line's CSV reader


CELLS = st.one_of(
    st.sampled_from(["", "1", "-2.5", "1e3", "NA", "nan", "inf", "-inf", "1e400", "1e200",
                     "2024-01-31", "2024-01", "31/01/2024", "abc", '"1,5"', '"', "1,000",
                     "\x00", "é", "True", " 7 ", "0x10"]),
    st.floats(allow_nan=True).map(repr),
    st.text(alphabet='ab1,."\n\r;é\x00', max_size=4),
)


@st.composite
def csv_files(draw):
    """The bytes of a CSV file: a header (maybe repeating or lacking the target), rows of any
    cells (maybe too few or too many), maybe not UTF-8 in places."""
    header = draw(st.lists(st.sampled_from(["a", "b", "date"]), unique=True, max_size=3))
    header.insert(draw(st.integers(0, len(header))), "y")
    if draw(st.integers(0, 9)) == 0:  # now and then a header that is wrong
        header = draw(st.sampled_from([[], ["a"], ["y", "y"], ["y", ""], ["y", "", ""]]))
    lines = [",".join(header)]
    cells = st.one_of(CELLS, st.floats(-1e6, 1e6).map(str), st.integers(-99, 99).map(str))
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.sampled_from([len(header)] * 6 + [len(header) + 1, 1]))
        lines.append(",".join(draw(cells) for _ in range(width)))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))
    data = text.encode("utf-8")
    if draw(st.booleans()) and draw(st.booleans()):
        data += b"\n\xff\xfe,1\n"  # not UTF-8
    if draw(st.booleans()) and draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data  # Excel's byte order mark
    return data


def read_all(reader):
    """The rows a reader yields, or the error it stops with."""
    try:
        return [(dict(x), y) for x, y in reader]
    except ValueError as error:
        return str(error)


@settings(SETTINGS, max_examples=200)
@given(data=csv_files(), classification=st.booleans(),
       missing=st.sampled_from(["error", "skip", "ffill", "interpolate"]))
def test_the_csv_reader(tmp_path_factory, data, classification, missing):
    """Any file: a ValueError saying where (or, for the header, what) is wrong, or rows of
    finite numbers within the reader's range; reading again gives the same, and the reader
    itself does not change."""
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_bytes(data)
    if classification and missing == "interpolate":
        missing = "skip"
    try:
        reader = CSVStream(path, "y", classification=classification, missing=missing)
    except ValueError as error:
        assert str(error)
        return
    state = dict(vars(reader))
    first = read_all(reader)
    if isinstance(first, str):
        assert first.startswith(("line ", "after line ")), first
    else:
        for x, y in first:
            assert all(type(v) is float and abs(v) <= LARGEST for v in x.values())
            assert type(y) is str if classification else math.isfinite(y)
    assert vars(reader) == state
    assert read_all(reader) == first
