"""The forecaster meets the estimators' contract: a bad argument is a clear error naming it, and
a rejected call changes nothing (its components included)."""

import math
import pickle
from decimal import Decimal

import numpy as np
import pytest

from rtrl_river import RTRLForecaster, RTRLRegressor
from rtrl_river._validation import InvalidParameterError
from rtrl_river.learners import TBPTT


def learned(steps=12, **params):
    model = RTRLForecaster(hidden_size=3, seed=0, **params)
    for t in range(steps):
        model.learn_one(float(t % 4), {"u": float(t % 3)})
    return model


def test_a_rejected_exogenous_value_changes_nothing_and_the_stream_goes_on():
    """1e200, -1e200: the second call's statistics overflow. It used to change the feature
    scaler before the regressor refused the NaN it made, and every later call with that
    feature failed."""
    model = RTRLForecaster(hidden_size=3, seed=0)
    model.learn_one(1.0, {"a": 1e200})
    before = pickle.dumps(model)
    with pytest.raises(ValueError, match="feature 'a' is -1e\\+200, too far from its running"):
        model.learn_one(2.0, {"a": -1e200})
    assert pickle.dumps(model) == before
    model.learn_one(2.0, {"a": 1e200})
    model.learn_one(3.0, {"b": 1.0})
    assert model.regressor_.t_ == 3


@pytest.mark.parametrize("xs, error, message", [
    ([{"a": math.nan}, {}], ValueError, "feature 'a' is nan"),
    ([{}, {"a": math.inf}], ValueError, "feature 'a' is inf"),
    ([{"a": Decimal("1e400")}, {}], ValueError, "feature 'a' is Decimal"),
    ([{math.nan: 1.0}, {}], ValueError, "feature name nan"),
    ([[1.0], {}], TypeError, "xs\\[0\\] must be a dict"),
    ({"a": 1.0}, TypeError, "xs must be a list of dicts"),
    ([{}], ValueError, "xs has 1 dicts for a horizon of 2"),
])
def test_the_exogenous_rows_of_a_forecast_are_checked_as_learn_ones(xs, error, message):
    """A NaN in xs was read as 0, where learn_one refuses it."""
    for model in (learned(), RTRLForecaster()):  # started or not
        before = pickle.dumps(model)
        with pytest.raises(error, match=message):
            model.forecast(2, xs=xs)
        assert pickle.dumps(model) == before


def test_a_value_too_far_from_its_mean_to_standardise_is_refused_by_forecast_too():
    model = learned()
    assert all(math.isfinite(value) for value in model.forecast(1, xs=[{"u": 1e300}]))
    with pytest.raises(ValueError, match="feature 'u' is 1.7e\\+308, too far"):
        model.forecast(1, xs=[{"u": 1.7e308}])


@pytest.mark.parametrize("horizon, error, message", [
    (-3, ValueError, "horizon is -3; it must be from 0 to 100,000"),
    (10**9, ValueError, "horizon is 1000000000"),
    (2.0, TypeError, "horizon must be an int, not 2.0"),
    (True, TypeError, "horizon must be an int, not True"),
    (np.bool_(True), TypeError, "horizon must be an int"),
    ("2", TypeError, "horizon must be an int"),
    (None, TypeError, "horizon must be an int"),
])
def test_a_horizon_is_an_int_within_bounds(horizon, error, message):
    """forecast(-3) returned [], forecast(2.0) and forecast(10**9) failed without naming the
    horizon (the latter after trying to take memory for it)."""
    for model in (learned(), RTRLForecaster()):
        with pytest.raises(error, match=message):
            model.forecast(horizon)


def test_integer_horizons_of_every_kind_are_taken():
    model = learned()
    assert model.forecast(0) == []
    assert model.forecast(np.int64(2)) == model.forecast(2)
    assert RTRLForecaster().forecast(np.int32(2)) == [None, None]


@pytest.mark.parametrize("params, name", [
    ({"seasonality": 10**20}, "seasonality"), ({"seasonality": 2.0}, "seasonality"),
    ({"seasonality": -1}, "seasonality"), ({"seasonal_average": 10**20}, "seasonal_average"),
    ({"seasonality": 10**6, "seasonal_average": 100}, "seasonal_average"),
    ({"lr": -1}, "lr"), ({"lr": 1e308}, "lr"), ({"hidden_size": 0}, "hidden_size"),
    ({"cell": "gru"}, "cell"), ({"learner": TBPTT(truncation=0)}, "truncation"),
])
def test_a_bad_parameter_is_named_and_fixing_it_lets_the_stream_start(params, name):
    """seasonality=10**20 was an OverflowError, and lr=-1 then a good lr an AttributeError
    forever: the first call had kept a half-made regressor."""
    model = RTRLForecaster(**{"hidden_size": 3, "seed": 0, **params})
    for _ in range(2):
        with pytest.raises((InvalidParameterError, ValueError), match=name):
            model.learn_one(1.0)
        assert not any(attribute.endswith("_") for attribute in vars(model))
    for key in params:
        setattr(model, key, RTRLForecaster()._get_params()[key])
    model.learn_one(1.0)
    model.learn_one(2.0)
    assert model.regressor_.t_ == 2


def test_a_large_finite_series_with_a_season_is_not_mistaken_for_infinity():
    """The seasonal reference's sum overflowed: y = 1.7e308 was rejected as "y is -inf"."""
    model = RTRLForecaster(hidden_size=3, seasonality=2, seed=0)
    for _ in range(8):
        model.learn_one(1.7e308)
    assert model.season_.reference(1, []) == 1.7e308
    assert all(math.isfinite(value) for value in model.forecast(4))
    before = pickle.dumps(model)
    with pytest.raises(ValueError, match="y is -1.7e\\+308, -inf away from its seasonal"):
        model.learn_one(-1.7e308)  # a difference float64 cannot hold, said as such
    assert pickle.dumps(model) == before


def test_decimal_and_numpy_bool_exogenous_values_are_taken_as_the_regressor_takes_them():
    """They were dropped silently (only numbers.Real was kept)."""
    exotic, plain = (RTRLForecaster(hidden_size=3, seed=0) for _ in range(2))
    for t in range(10):
        exotic.learn_one(float(t), {"d": Decimal(t) / 4, "b": np.bool_(t % 2), "day": "Mon"})
        plain.learn_one(float(t), {"d": t / 4, "b": float(t % 2)})
    assert set(exotic.regressor_.engine_.feature_index) == {"d", "b"}
    assert exotic.forecast(3) == plain.forecast(3)
    regressor = RTRLRegressor(hidden_size=3, seed=0)
    regressor.learn_one({"d": Decimal("0.25"), "b": np.bool_(True)}, 1.0)  # as the regressor


@pytest.mark.parametrize("x", [[1.0], "u", 3.0])
def test_x_that_is_not_a_dict_is_named(x):
    model = learned()
    before = pickle.dumps(model)
    with pytest.raises(TypeError, match="x must be a dict"):
        model.learn_one(1.0, x)
    assert pickle.dumps(model) == before
