"""Forecasts for the dates in xs: with regular timestamps, an xs that starts k steps after the
last value learned gets the forecasts of steps k, k + 1, ... ahead."""

import datetime

import pytest

from rtrl_river import RTRLForecaster


def months(start_year, count):
    return [datetime.date(start_year + k // 12, 1 + k % 12, 1) for k in range(count)]


def learned(dates):
    model = RTRLForecaster(hidden_size=3, seed=0)
    for k, day in enumerate(dates):
        model.learn_one(100.0 + k + 5.0 * (k % 12 in (5, 6, 7)), {"month": day})
    return model


def test_xs_dated_two_months_on_gets_the_forecasts_from_two_steps_ahead():
    dates = months(2000, 40)
    model = learned(dates)
    later = months(2000, 46)[40:]  # the 5 months after the last learned
    undated = model.forecast(6)
    assert model.forecast(5, xs=[{"month": day} for day in later[1:]]) == undated[1:]
    assert model.forecast(5, xs=[{"month": day} for day in later[:5]]) == undated[:5]
    assert model.forecast(3, xs=[{"month": later[3]}] * 3) == undated[3:6]


def test_river_evaluate_on_a_dated_series_scores_the_steps_that_were_forecast():
    """River's evaluate.evaluate asks for forecast(h, xs) before learning y_t, with xs the
    features of y_{t+1}..y_{t+h}: the forecasts are of those."""
    from river.evaluate.forecasting import _iter_with_horizon

    dates = months(2000, 30)
    stream = [({"month": day}, 100.0 + k) for k, day in enumerate(dates)]
    model = learned([])
    steps = list(_iter_with_horizon(stream[:20], horizon=3))
    for x, y, _, _ in steps[:-1]:
        model.learn_one(y, x)
    # learned up to y_15; River asks with the dates of y_17, y_18, y_19
    x_horizon = steps[-1][2]
    assert [x["month"] for x in x_horizon] == dates[17:20]
    assert model.forecast(3, xs=list(x_horizon)) == model.forecast(4)[1:]


@pytest.mark.parametrize("dates, asked", [
    # business days: intervals of 1 and 3 days are not a regular clock
    ([datetime.date(2024, 1, 1) + datetime.timedelta(days=d) for d in range(60)
      if (datetime.date(2024, 1, 1) + datetime.timedelta(days=d)).weekday() < 5],
     datetime.date(2024, 3, 5)),
    (months(2000, 30), datetime.date(2002, 7, 15)),  # between two steps
    (months(2000, 30), datetime.date(2002, 6, 1)),  # the last step itself
    (months(2000, 30), datetime.date(1999, 1, 1)),  # before the stream
])
def test_dates_that_do_not_say_how_far_ahead_leave_the_forecast_as_it_is(dates, asked):
    model = learned(dates)
    assert model.forecast(2, xs=[{"month": asked}] * 2) == model.forecast(2)


def test_an_undated_stream_ignores_dates_in_xs():
    model = RTRLForecaster(hidden_size=3, seed=0)
    for k in range(30):
        model.learn_one(float(k % 5))
    assert model.forecast(2, xs=[{"month": datetime.date(2030, 1, 1)}] * 2) == model.forecast(2)


def test_a_dated_xs_too_far_ahead_is_named():
    start = datetime.datetime(2020, 1, 1)
    model = RTRLForecaster(hidden_size=3, seed=0)
    for k in range(30):
        model.learn_one(float(k % 5), {"hour": start + datetime.timedelta(hours=k)})
    far = start + datetime.timedelta(hours=29 + 100_001)
    with pytest.raises(ValueError, match="xs\\[0\\] is 100,001 steps after the last value"):
        model.forecast(1, xs=[{"hour": far}])
    assert len(model.forecast(2, xs=[{"hour": far - datetime.timedelta(hours=99_000)}] * 2)) == 2
