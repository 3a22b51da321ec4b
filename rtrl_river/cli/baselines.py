"""The baselines: what a River user would pick instead of an RTRL estimator, for each command
and kind of stream, in one table (`baselines`), with the small wrappers they need."""

import collections

from .streams import FORECAST

# HoltWinters as River's docstring sets it up
HOLT_WINTERS = dict(alpha=0.3, beta=0.1, gamma=0.6)


class LastValueForecaster:
    """Every step ahead is the last value seen."""

    def __init__(self):
        self.last = None

    def learn_one(self, y, x=None):
        self.last = y

    def forecast(self, horizon, xs=None):
        return [self.last] * horizon


class SeasonalHoltWinters(LastValueForecaster):
    """River's HoltWinters (additive unless `multiplicative`), which can forecast once it has
    seen a season; the last value until then."""

    def __init__(self, seasonality, multiplicative=False):
        from river import time_series

        super().__init__()
        self.seen, self.seasonality = 0, seasonality
        self.model = time_series.HoltWinters(**HOLT_WINTERS, seasonality=seasonality,
                                             multiplicative=multiplicative)

    def learn_one(self, y, x=None):
        super().learn_one(y)
        self.model.learn_one(y)
        self.seen += 1

    def forecast(self, horizon, xs=None):
        if self.seen < max(2, self.seasonality):
            return super().forecast(horizon)
        return self.model.forecast(horizon)


class SeasonalNaive(LastValueForecaster):
    """Each step ahead is the value one season before it; the last value until a season has
    been seen."""

    def __init__(self, seasonality):
        super().__init__()
        self.seasonality = seasonality
        self.season = collections.deque(maxlen=seasonality)

    def learn_one(self, y, x=None):
        super().learn_one(y)
        self.season.append(y)

    def forecast(self, horizon, xs=None):
        if len(self.season) < self.seasonality:
            return super().forecast(horizon)
        return [self.season[k % self.seasonality] for k in range(horizon)]


class Guarded(LastValueForecaster):
    """A River forecaster fed the series alone, which forecasts the last value while it
    cannot forecast yet (too few values seen to difference or initialise)."""

    def __init__(self, forecaster):
        super().__init__()
        self.forecaster = forecaster

    def learn_one(self, y, x=None):
        super().learn_one(y)
        self.forecaster.learn_one(y)

    def forecast(self, horizon, xs=None):
        try:
            forecasts = self.forecaster.forecast(horizon)
        except (IndexError, ValueError, ZeroDivisionError):
            return super().forecast(horizon)
        return super().forecast(horizon) if None in forecasts else forecasts


class LaggedTargets:
    """A River regressor that also sees the last `lags` targets as features y-1, y-2, ..."""

    def __init__(self, regressor, lags=3):
        self.regressor = regressor
        self.history = collections.deque(maxlen=lags)

    def _with_lags(self, x):
        return {**x, **{f"y-{k + 1}": y for k, y in enumerate(self.history)}}

    def predict_one(self, x):
        return self.regressor.predict_one(self._with_lags(x))

    def learn_one(self, x, y):
        self.regressor.learn_one(self._with_lags(x), y)
        self.history.appendleft(y)


class OneStepForecaster:
    """A River forecaster as a one-step-ahead regressor; the last value until it can forecast."""

    def __init__(self, forecaster):
        self.forecaster = forecaster
        self.last = None

    def predict_one(self, x):
        try:
            return self.forecaster.forecast(horizon=1)[0]
        except (IndexError, ValueError, ZeroDivisionError):
            return self.last

    def learn_one(self, x, y):
        self.forecaster.learn_one(y)
        self.last = y


class SeriesOnly:
    """A River forecaster fed the series alone: the track datasets' x holds a datetime, which
    SNARIMAX would pass to its linear regression."""

    def __init__(self, forecaster):
        self.forecaster = forecaster

    def learn_one(self, y, x=None):
        self.forecaster.learn_one(y)

    def forecast(self, horizon, xs=None):
        return self.forecaster.forecast(horizon)


def baselines(command, stream, multiclass=False, seasonality=0, positive=False):
    """name -> make() of each baseline of `command` ("compare", "forecast", "suite" or
    "forecast-suite") on `stream`; `multiclass` for a classification stream of more than two
    classes, `seasonality` for `forecast`, which takes it as an option, `positive` for a series
    whose values are all above 0 (multiplicative seasons need it)."""
    from river import dummy, linear_model, preprocessing, stats, time_series

    def linreg_on_lags():
        return preprocessing.TargetStandardScaler(LaggedTargets(
            preprocessing.StandardScaler() | linear_model.LinearRegression()))

    def scaled(model):
        return lambda: preprocessing.StandardScaler() | model()

    def mean():
        return dummy.StatisticRegressor(stats.Mean())

    def last_value():
        return dummy.StatisticRegressor(stats.Shift(0))

    linear = linear_model.SoftmaxRegression if multiclass else linear_model.LogisticRegression

    if command == "forecast":
        models = {"last value": LastValueForecaster}
        if seasonality:
            models["HoltWinters"] = lambda: SeasonalHoltWinters(seasonality)
        return models
    if command == "forecast-suite":
        return forecast_suite_baselines(stream, positive, linreg_on_lags)
    if command == "compare":
        if stream.classification:
            return {"majority": dummy.PriorClassifier, "last label": dummy.NoChangeClassifier,
                    linear.__name__: scaled(linear)}
        return {"mean": mean, "last value": last_value,
                "LinearRegression": scaled(linear_model.LinearRegression)}

    # the quality suite: River's documented recipes (its HoltWinters and SNARIMAX docstrings)
    if stream.kind == FORECAST:
        return {
            "last value": LastValueForecaster,
            "holt-winters": lambda: time_series.HoltWinters(
                **HOLT_WINTERS, seasonality=12, multiplicative=True),
            "snarimax": lambda: SeriesOnly(time_series.SNARIMAX(p=12, d=1, q=12, m=12, sd=1)),
        }
    if stream.classification:
        return {"majority": dummy.PriorClassifier, "logistic": scaled(linear)}
    models = {
        "last value": last_value,
        "mean": mean,
        "linreg 3 lags": linreg_on_lags,
    }
    if stream.seasonality:
        models["holt-winters"] = lambda: OneStepForecaster(time_series.HoltWinters(
            **HOLT_WINTERS, seasonality=stream.seasonality, multiplicative=True))
    return models


def forecast_suite_baselines(stream, positive, linreg_on_lags):
    """The forecasting benchmark's River baselines on a real series of season m (0: none): the
    last value, seasonal naive and HoltWinters (River's docstring constants; multiplicative only
    on a positive series) given the true m, Holt, SNARIMAX, and LinearRegression on 3 lags (a
    one-step regressor)."""
    from river import linear_model, optim, preprocessing, time_series

    m = stream.seasonality
    season = dict(m=m, sp=1, sd=1, sq=1) if m else {}

    def snarimax():
        # SGD at 0.001, not LinearRegression's 0.01: at 0.01 its MA terms feed its own errors
        # back until it diverges (BrentSpotPrice: MASE 1e11)
        regressor = preprocessing.StandardScaler() | linear_model.LinearRegression(
            optimizer=optim.SGD(0.001))
        return Guarded(time_series.SNARIMAX(p=2, d=1, q=1, regressor=regressor, **season))

    models = {"last value": LastValueForecaster}
    if m:
        models["seasonal naive"] = lambda: SeasonalNaive(m)
    models["Holt"] = lambda: Guarded(time_series.HoltWinters(alpha=0.3, beta=0.1))
    if m:
        models["HW add"] = lambda: SeasonalHoltWinters(m)
        if positive:
            models["HW mul"] = lambda: SeasonalHoltWinters(m, multiplicative=True)
    models["SNARIMAX"] = snarimax
    models["LinReg 3 lags"] = linreg_on_lags
    return models
