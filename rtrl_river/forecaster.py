"""RTRLForecaster: River's forecasting protocol on the recurrent regressor's machinery."""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral

from river.time_series.base import Forecaster

from ._validation import Interval, InvalidParameterError, validate_parameters
from .components import FeatureStandardizer, SeasonalReference
from .heads import RegressionHead
from .inputs import REAL_TYPES, check_real, short_repr, unseen_features
from .regressor import RTRLRegressor

# The longest horizon a forecast takes. Each step holds a few hundred bytes while the forecast
# is made (its row of inputs, as a dict and in the input matrix, and its output and forecast as
# Python floats: 170 bytes a step without xs, 540 with a dict of one feature a step, by
# tracemalloc at hidden_size=16), so a horizon of 100,000 steps takes some tens of MB; a year
# of hourly data is 8,760 steps, a week of minutes 10,080. Without a bound, forecast(10**9) ran
# out of memory instead of saying what was wrong.
LARGEST_HORIZON = 100_000
# The most past values the seasonal reference keeps (seasonality * seasonal_average), each a
# Python float in a deque (about 32 bytes): 10**7 values are some 320 MB, room for a weekly
# season of per-second data averaged over 16 weeks; seasonality=10**20 is refused by name
# (it was an OverflowError from the deque).
LARGEST_HISTORY = 10**7


class RTRLForecaster(Forecaster):
    """Forecasts a series any number of steps ahead from one recurrent state.

    `learn_one(y, x)` is one step of an `RTRLRegressor` (the same kernels, learners, target
    scaling and change prediction) whose input is the exogenous features in x and, fed back,
    its own previous target. `forecast(horizon, xs)` rolls the hidden state forward on copies,
    feeding back its own predictions, and changes nothing: a horizon of any length comes from
    the current state, with no window re-run.

    With `seasonality=m`, the network models the seasonal difference s_t = y_t - r_t from a
    seasonal reference r_t, the mean of y_{t-m}, y_{t-2m}, ..., y_{t-Jm} over the
    J = `seasonal_average` seasons back (those that exist; the first value for the first m
    steps). With J = 1 that is plain seasonal differencing, and with change prediction the
    untrained forecast is "last season's change added to the current level"; averaging J
    seasons keeps one season's noise out of every forecast (on AirlinePassengers at horizon 12,
    J = 1, 2, 3, 4 give MAE 29.3, 28.8, 28.7, 28.8). The network learns corrections to that. A
    season is then one lookup away, where learning it from scratch would take far more than
    the 144 points of a monthly series.

    Exogenous values that are not real numbers (River's time-series datasets carry a datetime,
    `{"month": datetime(...)}`) are ignored; real ones (of any kind the regressor takes: Python
    and numpy numbers and booleans, Fractions, Decimals) are checked as the regressor checks
    them, standardised online (as River's `StandardScaler` does, to the bit) and fed in, in
    `learn_one` and in `forecast`'s `xs` alike. Calendar effects belong in `seasonality` or in
    numeric features the user derives. A call that raises changes nothing.

    Parameters
    ----------
    hidden_size
        Number of hidden units n.
    cell
        "elman", "elstm" or "lru", or a cell object (see `RTRLRegressor`).
    learner
        The gradient estimator, by name or as a `rtrl_river.learners` object.
    optimizer
        "sgd", "adam", "rmsprop" or "adagrad", or a `river.optim` object.
    lr
        Learning rate of an optimizer given by name.
    clip_gradient
        Maximum L2 norm of each step's gradient; None disables clipping.
    recurrent_lr_scale
        W_hh's rate relative to lr (see `RTRLRegressor`).
    target_scaling
        Learn in online-standardised units (see `RTRLRegressor`).
    predict_change
        Predict the change from the previous step (see `RTRLRegressor`).
    seasonality
        The season's length m in steps (12 for monthly data with a yearly cycle); 0 for none.
    seasonal_average
        How many past seasons J the seasonal reference averages (see above); 1 for plain
        seasonal differencing. Unused without `seasonality`.
    seed
        Seed of the weight initialisation; an int makes every run identical.

    Attributes
    ----------
    regressor_ : RTRLRegressor
        The recurrent regressor that learns the (seasonally differenced) series.

    Examples
    --------

    >>> import statistics
    >>> from river import datasets, evaluate, metrics
    >>> from rtrl_river import RTRLForecaster

    >>> model = RTRLForecaster(seasonality=12, seed=42)
    >>> evaluate.evaluate(datasets.AirlinePassengers(), model, metrics.MAE(), horizon=12,
    ...                   agg_func=statistics.mean)
    mean(MAE): 28.649328

    """

    _parameter_constraints = {
        "seasonality": [Interval(Integral, 0, LARGEST_HISTORY, closed="both")],
        "seasonal_average": [Interval(Integral, 1, LARGEST_HISTORY, closed="both")],
    }

    def __init__(
        self,
        hidden_size: int = 16,
        cell: str = "elman",
        learner="rtrl",
        optimizer="adam",
        lr: float = 0.0005,
        clip_gradient: float | None = 5.0,
        recurrent_lr_scale: float = 1.0,
        target_scaling: bool = True,
        predict_change: bool = True,
        seasonality: int = 0,
        seasonal_average: int = 3,
        seed: int | None = None,
    ):
        self.hidden_size = hidden_size
        self.cell = cell
        self.learner = learner
        self.optimizer = optimizer
        self.lr = lr
        self.clip_gradient = clip_gradient
        self.recurrent_lr_scale = recurrent_lr_scale
        self.target_scaling = target_scaling
        self.predict_change = predict_change
        self.seasonality = seasonality
        self.seasonal_average = seasonal_average
        self.seed = seed

    @classmethod
    def _unit_test_params(cls):
        yield {"hidden_size": 4, "seed": 1}
        yield {"hidden_size": 3, "seasonality": 2, "learner": "tbptt", "seed": 2}
        yield {"hidden_size": 8, "cell": "elstm", "predict_change": False, "seed": 3}

    def _components(self):
        """A regressor, a feature standardiser and a seasonal reference for a new stream, every
        parameter checked first (the regressor's against its own constraints)."""
        owner = type(self).__name__
        validate_parameters(self._parameter_constraints, self._get_params(), owner)
        history = self.seasonality * self.seasonal_average
        if history > LARGEST_HISTORY:
            raise InvalidParameterError(
                f"{owner}'s seasonality={self.seasonality!r} times seasonal_average="
                f"{self.seasonal_average!r} keeps {history:,} past values, beyond "
                f"{LARGEST_HISTORY:,}; average fewer seasons")
        regressor = RTRLRegressor(
            hidden_size=self.hidden_size, cell=self.cell, learner=self.learner,
            optimizer=self.optimizer, lr=self.lr, clip_gradient=self.clip_gradient,
            recurrent_lr_scale=self.recurrent_lr_scale,
            target_feedback=True, target_scaling=self.target_scaling,
            predict_change=self.predict_change, seed=self.seed,
        )
        regressor._validate_params()
        season = SeasonalReference(int(self.seasonality), int(self.seasonal_average))
        return regressor, FeatureStandardizer(), season

    @staticmethod
    def _numeric(x, subject):
        """The exogenous values of the dict x that are real numbers, as floats, each checked
        as the regressor checks its features (a datetime or a string is ignored)."""
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

    @staticmethod
    def _checked(standardised, features):
        """`standardised` (x by the running statistics), unless one is beyond float64."""
        for name, value in standardised.items():
            if not math.isfinite(value):
                raise _beyond_standardising(name, features[name])
        return standardised

    def learn_one(self, y: float, x: dict | None = None) -> None:
        """One time step: learn y (seasonally differenced with `seasonality`) from x. A value
        that is rejected changes nothing."""
        started = "regressor_" in self.__dict__
        if started:
            regressor, scaler, season = self.regressor_, self.scaler_, self.season_
        else:  # kept only once the first step is learned
            regressor, scaler, season = self._components()
        features = self._numeric(x, "x")
        RegressionHead.check_target(y)
        y = float(y)
        # every check before anything changes: the statistics x would make, x standardised
        # by them, and the difference from the seasonal reference
        statistics = scaler.updated(features)
        for name, (_, mean, var) in statistics.items():
            if not (math.isfinite(mean) and math.isfinite(var)):
                raise _beyond_standardising(name, features[name])
        standardised = self._checked(scaler.transform_one(features, statistics), features)
        base = season.reference(0, [], current=y)
        difference = y - base
        if not math.isfinite(difference):
            raise ValueError(f"y is {y!r}, {difference} away from its seasonal reference "
                             f"{base!r}: beyond float64's range; rescale the series")
        regressor.learn_one(standardised, difference)
        scaler.update(statistics)
        season.update(y)
        if not started:
            self.regressor_, self.scaler_, self.season_ = regressor, scaler, season

    def forecast(self, horizon: int, xs: list[dict] | None = None) -> list[float | None]:
        """The next `horizon` values from the current state, each step fed the previous
        forecast; changes nothing. A list of None before the first target. `horizon` is an
        int from 0 to 100,000; `xs`, when given, one dict of features a step."""
        if isinstance(horizon, bool) or not isinstance(horizon, Integral):
            raise TypeError(f"horizon must be an int, not {short_repr(horizon)} of type "
                            f"{type(horizon).__name__}")
        if not 0 <= horizon <= LARGEST_HORIZON:
            raise ValueError(f"horizon is {horizon}; it must be from 0 to {LARGEST_HORIZON:,}")
        horizon = int(horizon)
        if xs is not None:
            if isinstance(xs, (str, bytes, Mapping)) or not hasattr(xs, "__len__"):
                raise TypeError(f"xs must be a list of dicts, one a step, not {short_repr(xs)}")
            if len(xs) != horizon:
                raise ValueError(f"xs has {len(xs)} dicts for a horizon of {horizon}")
            xs = [self._numeric(x, f"xs[{k}]") for k, x in enumerate(xs)]
        if "regressor_" not in self.__dict__ or self.season_.first is None:
            return [None] * horizon
        rows = [self._checked(self.scaler_.transform_one(xs[k]), xs[k]) if xs else {}
                for k in range(horizon)]
        differences = self.regressor_.predict_sequence(rows)
        forecasts = []
        for k, difference in enumerate(differences, start=1):
            forecasts.append(difference + self.season_.reference(k, forecasts))
        return [value if math.isfinite(value) else math.copysign(1.7976931348623157e308, value)
                for value in forecasts]


def _beyond_standardising(name, value):
    return ValueError(f"feature {name!r} is {short_repr(value)}, too far from its running mean "
                      "to standardise in float64 (its squares overflow); rescale it")
