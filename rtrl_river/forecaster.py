"""RTRLForecaster: River's forecasting protocol on the recurrent regressor's machinery."""

from __future__ import annotations

import math
from numbers import Real

from river.time_series.base import Forecaster

from .components import FeatureStandardizer, SeasonalReference
from .heads import RegressionHead
from .inputs import unseen_features
from .regressor import RTRLRegressor


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
    `{"month": datetime(...)}`) are ignored; numeric ones are standardised online (as River's
    `StandardScaler` does, to the bit) and fed in. Calendar effects belong in `seasonality` or
    in numeric features the user derives.

    Parameters
    ----------
    hidden_size
        Number of hidden units n (the LRU's complex modes); None, the default, takes the
        cell's own size: 16 for the Elman cell, 64 for the eLSTM and the LRU, sizes at which a
        step of each costs about the same.
    cell
        "elman", "elstm" or "lru", or a cell object (see `RTRLRegressor`).
    learner
        The gradient estimator, by name or as a `rtrl_river.learners` object.
    optimizer
        "sgd", "adam", "rmsprop" or "adagrad", or a `river.optim` object.
    lr
        Learning rate of an optimizer given by name.
    clip_gradient
        Maximum L2 norm of each step's gradient, per group of parameters (see
        `RTRLRegressor`); None disables clipping.
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
    mean(MAE): 28.655909

    """

    def __init__(
        self,
        hidden_size: int | None = None,
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

    def _initialize(self):
        seasonality = self.seasonality
        if isinstance(seasonality, bool) or not isinstance(seasonality, int) or seasonality < 0:
            raise ValueError(f"seasonality must be an integer >= 0, got {self.seasonality!r}")
        average = self.seasonal_average
        if isinstance(average, bool) or not isinstance(average, int) or average < 1:
            raise ValueError(f"seasonal_average must be an integer >= 1, got {average!r}")
        self.regressor_ = RTRLRegressor(
            hidden_size=self.hidden_size, cell=self.cell, learner=self.learner,
            optimizer=self.optimizer, lr=self.lr, clip_gradient=self.clip_gradient,
            recurrent_lr_scale=self.recurrent_lr_scale,
            target_feedback=True, target_scaling=self.target_scaling,
            predict_change=self.predict_change, seed=self.seed,
        )
        self.scaler_ = FeatureStandardizer()
        self.season_ = SeasonalReference(self.seasonality, self.seasonal_average)

    @staticmethod
    def _numeric(x):
        """The exogenous values that are real numbers (a datetime or a string is ignored)."""
        return {k: v for k, v in (x or {}).items() if isinstance(v, Real)}

    def learn_one(self, y: float, x: dict | None = None) -> None:
        """One time step: learn y (seasonally differenced with `seasonality`) from x."""
        if not hasattr(self, "regressor_"):
            self._initialize()
        features = self._numeric(x)
        RegressionHead.check_target(y)
        unseen_features(features, None)  # every check before anything changes
        y = float(y)
        base = self.season_.reference(0, [], current=y)
        self.scaler_.learn_one(features)
        self.regressor_.learn_one(self.scaler_.transform_one(features), y - base)
        self.season_.update(y)

    def forecast(self, horizon: int, xs: list[dict] | None = None) -> list[float | None]:
        """The next `horizon` values from the current state, each step fed the previous
        forecast; changes nothing. A list of None before the first target."""
        if not hasattr(self, "regressor_") or self.season_.first is None:
            return [None] * horizon
        if xs is not None and len(xs) != horizon:
            raise ValueError(f"xs has {len(xs)} dicts for a horizon of {horizon}")
        rows = [self.scaler_.transform_one(self._numeric(xs[k])) if xs else {}
                for k in range(horizon)]
        differences = self.regressor_.predict_sequence(rows)
        forecasts = []
        for k, difference in enumerate(differences, start=1):
            forecasts.append(difference + self.season_.reference(k, forecasts))
        return [value if math.isfinite(value) else math.copysign(1.7976931348623157e308, value)
                for value in forecasts]
