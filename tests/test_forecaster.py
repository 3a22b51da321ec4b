"""RTRLForecaster: River's forecasting protocol, seasonal differencing, purity, pickling."""

import datetime
import pickle
import statistics

import numpy as np
import pytest
from river import checks, datasets, evaluate, metrics

from rtrl_river import RTRLForecaster


@pytest.mark.parametrize("params", list(RTRLForecaster._unit_test_params()))
def test_river_checks_pass(params):
    model = RTRLForecaster(**params)
    for check in checks.yield_checks(model):
        check(model.clone())


def test_river_evaluate_runs_on_the_track_datasets_as_they_come():
    """River's ForecastingTrack datasets carry a datetime in x: it is ignored, not rejected."""
    for dataset, horizon, seasonality in [(datasets.AirlinePassengers(), 12, 12),
                                          (datasets.WaterFlow(), 24, 0)]:
        score = evaluate.evaluate(dataset, RTRLForecaster(seasonality=seasonality, seed=0),
                                  metrics.MAE(), horizon=horizon, agg_func=statistics.mean)
        assert np.isfinite(score.get())


@pytest.mark.parametrize("smoothing", [True, False])
def test_forecast_changes_nothing(smoothing):
    model = RTRLForecaster(hidden_size=4, smoothing=smoothing, seed=0)
    for t, (x, y) in enumerate(datasets.AirlinePassengers().take(40)):
        model.learn_one(y, x)
    before = pickle.dumps(model)
    first = model.forecast(5)
    assert pickle.dumps(model) == before
    assert model.forecast(5) == first


def test_the_network_alone_forecasts_the_regressors_prediction_first():
    model = RTRLForecaster(hidden_size=4, seasonality=0, smoothing=False, seed=0)
    for t, (x, y) in enumerate(datasets.AirlinePassengers().take(40)):
        model.learn_one(y, x)
    first = model.forecast(5)
    assert first[0] == pytest.approx(model.regressor_.predict_one({}), rel=1e-12)


def seasonal_reference(series, i, m, seasons):
    """The mean of series[i - j*m] over j = 1..seasons where it exists; series[0] if none."""
    back = [series[i - j * m] for j in range(1, seasons + 1) if i - j * m >= 0]
    return sum(back) / len(back) if back else series[0]


@pytest.mark.parametrize("seasons", [1, 2, 3])
def test_seasonal_reference_untrained_forecast_and_learned_series(seasons):
    """The forecast is the network's chained prediction of the differenced series plus the
    seasonal reference, the mean of the values 1..J seasons back (the forecast's own values
    beyond one season); the series learned is y_t minus its reference."""
    m, ys = 4, [10.0, 12.0, 15.0, 11.0, 13.0, 16.0, 18.0, 14.0, 17.0, 19.0, 22.0, 18.0, 21.0]
    model = RTRLForecaster(hidden_size=3, seasonality=m, seasonal_average=seasons,
                           smoothing=False, seed=0)
    for y in ys:
        model.learn_one(y)
    regressor = model.regressor_
    # the network's part of the forecast, isolated: the regressor's own chained prediction of
    # the seasonally differenced series
    differences = regressor.predict_sequence([{}] * 6)
    forecasts = model.forecast(6)
    series = ys + forecasts
    for k in range(1, 7):
        i = len(ys) - 1 + k
        base = seasonal_reference(series, i, m, seasons)
        assert forecasts[k - 1] == pytest.approx(differences[k - 1] + base, rel=1e-12)
    expected = [y - seasonal_reference(ys, i, m, seasons) for i, y in enumerate(ys)]
    assert regressor.last_target_ == pytest.approx(expected[-1], rel=1e-12)


def test_one_season_is_plain_seasonal_differencing():
    """J = 1: y_t + (y_{t+k-m} - y_{t-m}) untrained, as the class docstring says."""
    m, ys = 4, [10.0, 12.0, 15.0, 11.0, 13.0, 16.0, 18.0, 14.0, 17.0]
    model = RTRLForecaster(hidden_size=3, seasonality=m, seasonal_average=1, smoothing=False,
                           seed=0)
    for y in ys:
        model.learn_one(y)
    assert model.regressor_.last_target_ == ys[-1] - ys[-1 - m]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_bad_seasonal_average_is_a_clear_error(bad):
    model = RTRLForecaster(seasonality=4, seasonal_average=bad)
    with pytest.raises(ValueError, match="seasonal_average"):
        model.learn_one(1.0)
    assert not hasattr(model, "regressor_")


def test_numeric_exogenous_features_are_used_and_others_ignored():
    model = RTRLForecaster(hidden_size=3, seed=0)
    for t in range(30):
        model.learn_one(float(t % 5), {"when": datetime.datetime(2020, 1, 1 + t), "u": float(t % 3),
                                       "label": "a"})
    assert set(model.regressor_.engine_.feature_index) == {"u"}
    with_x = model.forecast(3, xs=[{"u": 2.0}, {"u": 0.0}, {"u": 1.0}])
    without = model.forecast(3)
    assert with_x != without
    with pytest.raises(ValueError, match="horizon"):
        model.forecast(3, xs=[{"u": 1.0}])


def test_bad_values_leave_the_forecaster_unchanged():
    model = RTRLForecaster(hidden_size=3, seed=0)
    for t in range(10):
        model.learn_one(float(t), {"u": 1.0})
    before = pickle.dumps(model)
    with pytest.raises(ValueError):
        model.learn_one(float("nan"), {"u": 1.0})
    with pytest.raises(ValueError):
        model.learn_one(1.0, {"u": float("inf")})
    assert pickle.dumps(model) == before


def test_pickling_mid_stream_resumes_bit_identically():
    ys = [y for _, y in datasets.AirlinePassengers()]
    model = RTRLForecaster(seasonality=12, seed=1)
    for y in ys[:70]:
        model.learn_one(y)
    copy = pickle.loads(pickle.dumps(model))
    for y in ys[70:]:
        model.learn_one(y)
        copy.learn_one(y)
    assert model.forecast(12) == copy.forecast(12)
    np.testing.assert_array_equal(model.regressor_.engine_.network.theta,
                                  copy.regressor_.engine_.network.theta)


def test_before_any_target_the_forecast_is_empty_handed():
    assert RTRLForecaster().forecast(3) == [None, None, None]
