"""RTRLForecaster: River's forecasting protocol on the recurrent regressor's machinery, weighed
against exponential smoothing components by their recent accuracy."""

from __future__ import annotations

import collections
import math
from collections.abc import Mapping
from numbers import Integral

import numpy as np
from river.time_series.base import Forecaster

from ._validation import Interval, InvalidParameterError, StrOptions, validate_parameters
from .components import FeatureStandardizer
from .forecasting import Combination, PeriodDetector, SeasonalNetwork, SmoothingBank
from .forecasting.clock import Clock, timestamp
from .forecasting.period import COMMON, WEEK_OF_DAY
from .heads import RegressionHead
from .inputs import beyond_standardising, checked_standardised, numeric_features, short_repr
from .regressor import RTRLRegressor

# How many recent steps are kept to start a network and components afresh when the season
# changes (at least this many, and eight seasons).
REPLAYED = 64
NETWORK = "network"
# The horizons at which the members are scored (beyond, the weights of the last); the network
# forecasts that far every HORIZONS // NETWORK_EVERY steps (one step ahead at the others),
# since its forecast costs a forward step a horizon.
HORIZONS = 48
NETWORK_EVERY = 4
SEASONAL = ("seasonal naive", "holt-winters", "log holt-winters", "fast log holt-winters")
# The seasons whose seasonal members run while none is detected (with seasonality="auto"):
# those of common calendars. Detection takes three seasons (two with timestamps); until then
# these members, weighed by their forecasts, carry the season where the series shows it.
CANDIDATES = COMMON
# A candidate season's members also open where one of them, ready, has forecast one step
# ahead with less than this share of the discounted squared error of the best member that is
# not a candidate's (their scores' ratio): a season that shows in the forecasts before the
# correlation says so (the week of half-hourly demand, before its lag peaks above six and eight
# days'), and not a multiple of the season, which forecasts as the season does. A lucky start
# does not reach it: a member not ready forecasts the last value, so its score starts there.
PROVEN = 0.5
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
    """Forecasts a series any number of steps ahead: a recurrent network, weighed against
    exponential smoothing components by how well each has forecast lately.

    The network is an `RTRLRegressor` (the same kernels, learners, target scaling and change
    prediction) whose input is the exogenous features in x and, fed back, its own previous
    target. With a season of m steps it models the seasonal difference s_t = y_t - r_t from a
    seasonal reference r_t, the mean of y_{t-m}, y_{t-2m}, ..., y_{t-Jm} over the
    J = `seasonal_average` seasons back (those that exist). With change prediction its
    untrained forecast is then "last season's change added to the current level", and it
    learns corrections to that: a season is one lookup away, where learning it from scratch
    would take far more than the 144 points of a monthly series. `forecast(horizon, xs)` rolls
    its hidden state forward on copies, feeding back its own predictions, and changes nothing.

    With `smoothing` (the default), simple forecasters run beside it, each O(1) a step: the
    last value, simple and damped-trend exponential smoothing, a mean-reverting AR(1), and
    with a season the seasonal naive forecast and additive Holt-Winters, on y and on log y for
    a positive series. Holt-Winters on y learns its smoothing constants online, from the
    gradient of its one-step error carried forward exactly as RTRL carries the network's (a
    drifting season wants its terms renewed fast, a steady one slow); on log y it keeps
    them, steadier further ahead, and runs twice, its season renewed slowly and fast. Each
    one-step forecast is scored against the value that comes
    (discounted squared error, relative to the last value's), and forecasts are the average
    of every member's, weighted by exp(-20 x score) (`rtrl_river.forecasting.Combination`):
    within a few dozen steps the weight goes to what has worked on this series, and the
    forecaster is rarely far behind the best of its members. One step ahead a guard keeps
    it from losing to the last value for long: where the weighted forecast has done worse than
    the last value over the last 200 or so steps, the last value takes a share of the weight
    to match. `smoothing=False` forecasts with the network alone.

    The season is `seasonality` when given; with "auto" (the default) it is estimated from
    the series (`rtrl_river.forecasting.PeriodDetector`: the autocorrelation of the changes,
    over at least three seasons, or two for the season that timestamps in x suggest: the
    year of monthly or quarterly data, the week of daily data, the day of hourly data). When
    the estimate changes, the seasonal components start again from the last few seasons of
    the series (a component that ran before goes on as it was), and the network does too
    once the season has shown itself (the best seasonal component's score below the best
    of those without a season). Until a season is detected, the seasonal
    components also run for each season of a common calendar (4, 7, 12, 24, 48 and 52
    steps: "holt-winters (m=12)" and so on), each weighed like the others but only while
    the changes of the series (over m // 8 steps for a long season, so that a smooth year of
    weekly data shows through week-to-week noise) correlate at that lag by 0.2 or more, or
    while one of them has forecast one step ahead with less than half the squared error of
    the best of the other components: a
    monthly series gets its year's seasonal forecasts after one or two years, where
    detection takes three. A season so detected goes on with its components as they ran,
    scores and all; the longer ones the detector cannot rule out yet (a monthly series may
    show a quarter's season before it holds three years) run on unweighed. With a day's
    season (24, 48 or 96 steps, declared or detected) the week's seasonal components run
    too, weighed where the week's lag correlates above six and eight days' (or its
    components forecast so).

    Dates say which steps a forecast is for. When the values learned carry timestamps at a
    regular interval (a datetime or date among x's values; calendar months count as regular,
    business days do not) and xs[0] is dated k > 1 intervals after the last value learned,
    `forecast(h, xs)` gives the values of steps k to k + h - 1 ahead. River's
    `evaluate.evaluate` is such a caller: it asks for the forecast before learning y_t, with
    the features of y_{t+1}..y_{t+h}, and scores it against those values; a forecaster that
    ignores the dates (River's HoltWinters) is scored one step late there.

    Exogenous values that are not real numbers (River's time-series datasets carry a datetime,
    `{"month": datetime(...)}`) are ignored, but for the dates above; real ones (of
    any kind the regressor takes: Python and numpy numbers and booleans, Fractions, Decimals)
    are checked as the regressor checks them, standardised online (as River's
    `StandardScaler` does, to the bit) and fed in, in `learn_one` and in `forecast`'s `xs`
    alike. Calendar effects belong in `seasonality` or in numeric features the user derives.
    A call that raises changes nothing. Unlike the regressor, the forecaster takes no lock:
    one stream is fed from one thread.

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
        The season's length m in steps (12 for monthly data with a yearly cycle); 0 for none;
        "auto" to estimate it from the series.
    seasonal_average
        How many past seasons J the seasonal reference averages (see above); 1 for plain
        seasonal differencing. Unused without `seasonality`.
    smoothing
        Weigh the network against the smoothing components (see above); False: the network
        alone.
    seed
        Seed of the weight initialisation; an int makes every run identical.

    Attributes
    ----------
    regressor_ : RTRLRegressor
        The recurrent regressor that learns the (seasonally differenced) series.
    period_ : int
        The season of the smoothing components (0: none); the network's is
        `network_.period`.
    weights_ : dict
        Each member's weight in the next one-step forecast, the guard's share included
        ("network" is the recurrent network).

    Examples
    --------

    >>> import statistics
    >>> from river import datasets, evaluate, metrics
    >>> from rtrl_river import RTRLForecaster

    >>> model = RTRLForecaster(seasonality=12, seed=42)
    >>> evaluate.evaluate(datasets.AirlinePassengers(), model, metrics.MAE(), horizon=12,
    ...                   agg_func=statistics.mean)
    mean(MAE): 16.200934

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
        seasonality: int | str = "auto",
        seasonal_average: int = 3,
        smoothing: bool = True,
        seed: int | None = None,
    ):
        # each parameter stored as given, the convention River's and scikit-learn's clone and
        # get_params rely on (the regressor's are stored by RTRLEstimator.__init__, which a
        # River Forecaster does not inherit; its network is a regressor built from these)
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
        self.smoothing = smoothing
        self.seed = seed

    _parameter_constraints = {
        "seasonality": [StrOptions({"auto"}),
                        Interval(Integral, 0, LARGEST_HISTORY, closed="both")],
        "seasonal_average": [Interval(Integral, 1, LARGEST_HISTORY, closed="both")],
        "smoothing": ["boolean"],
    }

    @classmethod
    def _unit_test_params(cls):
        yield {"hidden_size": 4, "seed": 1}
        yield {"hidden_size": 3, "seasonality": 2, "learner": "tbptt", "seed": 2}
        yield {"hidden_size": 8, "cell": "elstm", "predict_change": False, "seed": 3}
        yield {"hidden_size": 3, "seasonality": 0, "smoothing": False, "seed": 4}

    def _regressor(self):
        """A new recurrent regressor, of the forecaster's parameters."""
        return RTRLRegressor(
            hidden_size=self.hidden_size, cell=self.cell, learner=self.learner,
            optimizer=self.optimizer, lr=self.lr, clip_gradient=self.clip_gradient,
            recurrent_lr_scale=self.recurrent_lr_scale,
            target_feedback=True, target_scaling=self.target_scaling,
            predict_change=self.predict_change, seed=self.seed,
        )

    def _check_parameters(self):
        """Every parameter checked (the regressor's against its own constraints) before the
        first step keeps anything."""
        owner = type(self).__name__
        validate_parameters(self._parameter_constraints, self._get_params(), owner)
        longest = (PeriodDetector().max_period if self.seasonality == "auto"
                   else self.seasonality)
        history = longest * self.seasonal_average
        if history > LARGEST_HISTORY:
            raise InvalidParameterError(
                f"{owner}'s seasonality={self.seasonality!r} (seasons up to {longest:,} "
                f"steps) times seasonal_average={self.seasonal_average!r} keeps {history:,} "
                f"past values, beyond {LARGEST_HISTORY:,}; average fewer seasons")
        self._regressor()._validate_params()

    def _initialize(self):
        seasonality = self.seasonality
        self.scaler_ = FeatureStandardizer()
        # the season's estimate, and with any season the correlations that open a candidate
        # season's members to the weights
        self.detector_ = PeriodDetector()
        self.clock_ = Clock()
        self.recent_ = collections.deque(maxlen=REPLAYED)
        self.last_ = None
        self.t_ = 0
        period = 0 if seasonality == "auto" else int(seasonality)
        self._start(period)
        self._start_network(period)

    def _start(self, period):
        """Smoothing components for a season of `period` and their combination with the
        network; a member the components had before goes on as it was, the others start
        from the recent steps."""
        self.period_ = period
        self.recent_ = collections.deque(self.recent_, maxlen=max(REPLAYED, 8 * period))
        if not self.smoothing:
            self.components_ = self.combination_ = None
            return
        previous_bank = getattr(self, "components_", None)
        self.components_ = SmoothingBank(period, self._candidates(period))
        for y, _ in self.recent_:
            self.components_.learn_one(y)
        previous = getattr(self, "combination_", None)
        self.combination_ = Combination([*self.components_.names, NETWORK], HORIZONS)
        if previous_bank is not None:
            # each member that ran before (a candidate season's members as the season's own)
            # goes on from its state and scores there, as does the network
            self.components_.carry_over(previous_bank)
            theirs = previous_bank.keys()
            rows = {row: theirs[key] for key, row in self.components_.keys().items()
                    if key in theirs}
            rows[len(self.components_.names)] = len(previous_bank.names)
            self.combination_.carry_over(previous, rows)

    def _candidates(self, period):
        """The candidate seasons of a bank for a season of `period`: with "auto", those of
        common calendars the detector has not ruled out (all of them while no season is
        detected); the week of a day's season."""
        unjudged = (self.detector_.unjudged(CANDIDATES, period) if self.seasonality == "auto"
                    else ())
        return unjudged + tuple(m for m in [WEEK_OF_DAY.get(period)] if m)

    def _start_network(self, period):
        """A network for a season of `period`, fed the recent steps."""
        self.network_ = SeasonalNetwork(self._regressor(), period, int(self.seasonal_average))
        for y, features in self.recent_:
            self.network_.learn_one(y, features)

    def _season_proven(self):
        """Whether the components' season has shown itself: the network takes a detected
        season only once the best of its seasonal components has forecast one step ahead
        better than the best of the components without a season (a spurious peak of the
        autocorrelation then costs the components, not the network's learning; the candidate
        seasons' components count on neither side)."""
        if self.period_ == 0:
            return True
        if self.components_ is None:
            return False
        bank = self.components_
        own = bank.candidate_period == 0  # a candidate season's members are neither
        scores = self.combination_.scores[0, :-1][own]
        seasonal = np.array([name in SEASONAL for name in bank.names])[own]
        if np.isnan(scores[seasonal]).all() or np.isnan(scores[~seasonal]).all():
            return False
        return np.nanmin(scores[seasonal]) < np.nanmin(scores[~seasonal])

    @property
    def regressor_(self):
        return self.network_.regressor

    @property
    def season_(self):
        """The network's seasonal reference."""
        return self.network_.season

    @property
    def weights_(self):
        """Each member's weight in the next one-step forecast."""
        if self.combination_ is None:
            return {NETWORK: 1.0}
        weights = self.combination_.weights(1, self._available())[0]
        return dict(zip(self.combination_.names, weights.tolist()))

    def _available(self, keep=False):
        """Which members the weights may choose: those ready, the network, and a candidate
        season's members only while the series shows that season (`PeriodDetector.shown`).
        `keep` (learning, not forecasting) keeps the gate's rows for the next calls."""
        available = np.append(self.components_.ready, True)
        if self.components_.candidates:
            available[:-1] &= self._opened(keep)
        return available

    def _opened(self, keep):
        """Which of the components' rows the season gate leaves open: all but those of the
        candidate seasons the detector does not show and whose members have not forecast
        well either (their best one-step score, at the detector's last check, PROVEN times
        the best other member's or more), and once a season is detected, all but the week of
        a day's (the others run unweighed until the detector rules them out, in case it moves
        to one: a monthly series may show a quarter before a year). Kept (with `keep`) until
        the detector's next check or new components: two numpy operations a candidate,
        twice a step, were a fifth of a step's time."""
        shown = self.detector_.shown if self.detector_ is not None else frozenset()
        gate = self.__dict__.get("_gate")
        if gate is None or gate[0] is not shown or gate[1] is not self.components_:
            bank = self.components_
            week = WEEK_OF_DAY.get(self.period_)
            one_step = self.combination_.scores[0, :-1]
            best = np.nanmin(one_step[(bank.candidate_period == 0) & bank.ready],
                             initial=np.inf)
            bar = PROVEN * best if best < np.inf else -np.inf  # none scored: no evidence
            hidden = [m for m in bank.candidates if (self.period_ and m != week) or (
                m not in shown and not np.nanmin(
                    one_step[(bank.candidate_period == m) & bank.ready], initial=np.inf) < bar)]
            gate = (shown, bank, ~np.isin(bank.candidate_period, hidden))
            if keep:
                self._gate = gate
        return gate[2]

    def learn_one(self, y: float, x: dict | None = None) -> None:
        """One time step: score every member's forecasts of y, then learn y from x. A value
        that is rejected changes nothing."""
        started = "network_" in self.__dict__
        if not started:
            self._check_parameters()
        features = numeric_features(x, "x")
        RegressionHead.check_target(y)
        y = float(y)
        # every check before anything changes: the statistics x would make, x standardised
        # by them, and the difference from the network's seasonal reference
        scaler = self.scaler_ if started else FeatureStandardizer()
        statistics = scaler.updated(features)
        for name, (_, mean, var) in statistics.items():
            if not (math.isfinite(mean) and math.isfinite(var)):
                raise beyond_standardising(name, features[name])
        scaled = checked_standardised(scaler.transform_one(features, statistics), features)
        if started:
            base = self.network_.season.reference(0, [], current=y)
            if not math.isfinite(y - base):
                raise ValueError(f"y is {y!r}, {y - base} away from its seasonal reference "
                                 f"{base!r}: beyond float64's range; rescale the series")
        else:  # the first step: a network that cannot start (a learner's own check) keeps
            before = dict(self.__dict__)  # nothing
            try:
                self._initialize()
                self._learn(y, x, scaled, statistics)
            except BaseException:
                self.__dict__.clear()
                self.__dict__.update(before)
                raise
            return
        self._learn(y, x, scaled, statistics)

    def _learn(self, y, x, scaled, statistics):
        self.scaler_.update(statistics)
        if self.combination_ is not None and self.last_ is not None:
            self.combination_.update(y)
        self.network_.learn_one(y, scaled)
        if self.components_ is not None:
            self.components_.learn_one(y)
        self.recent_.append((y, scaled))
        self.clock_.learn_one(timestamp(x))
        self.last_ = y
        self.t_ += 1
        if self.detector_ is not None:
            self.detector_.learn_one(y, timestamp(x))
        if self.seasonality == "auto" and self.detector_ is not None:
            if self.detector_.period != self.period_:
                self._start(self.detector_.period)
            elif (self.period_ and self.components_ is not None
                  and self.components_.candidates != self._candidates(self.period_)):
                self._start(self.period_)  # the candidates the detector has now judged go
            if self.network_.period != self.period_ and self._season_proven():
                self._start_network(self.period_)
        if self.combination_ is not None:
            self._record()

    def _record(self):
        """Every member's forecasts of the next HORIZONS values, for the combination to score
        when they come (the network's beyond one step only every HORIZONS // NETWORK_EVERY
        steps; the features of future steps unknown, it forecasts them as absent)."""
        forecasts = np.full((len(self.combination_.names), HORIZONS), np.nan)
        forecasts[:-1] = self.components_.forecast(HORIZONS)
        if self.t_ % (HORIZONS // NETWORK_EVERY) == 1:
            forecasts[-1] = self.network_.forecast([{}] * HORIZONS)
        else:
            forecasts[-1, 0] = self.network_.forecast_one({})
        # and the one-step forecast the members' weights make, for the combination's guard
        weights = self.combination_.weights(1, self._available(keep=True), guarded=False)[0]
        self.combination_.record(forecasts, float(weights @ forecasts[:, 0]))

    def forecast(self, horizon: int, xs: list[dict] | None = None) -> list[float | None]:
        """The next `horizon` values: the network's (each step fed its previous forecast) and
        the components', averaged step by step with the weights of that horizon; changes
        nothing. A list of None before the first target. `horizon` is an int from 0 to
        100,000; `xs`, when given, one dict of features a step.

        When the steps learned carry timestamps at a regular interval and xs[0] carries one
        k > 1 intervals after the last, the forecasts are of the steps xs are for: k, ..., k +
        horizon - 1 ahead (the first k - 1 forecast and dropped, their features unknown)."""
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
            numeric = [numeric_features(x, f"xs[{k}]") for k, x in enumerate(xs)]
            when = timestamp(xs[0]) if horizon else None
            xs = numeric
        if "network_" not in self.__dict__ or self.last_ is None:
            return [None] * horizon
        rows = ([checked_standardised(self.scaler_.transform_one(x), x) for x in xs] if xs
                else [{}] * horizon)
        ahead = self.clock_.steps_ahead(when) if xs else None
        skipped = ahead - 1 if ahead is not None and horizon else 0
        if skipped + horizon > LARGEST_HORIZON:
            raise ValueError(f"xs[0] is {ahead:,} steps after the last value learned, by its "
                             f"time: {skipped + horizon:,} steps in all, beyond "
                             f"{LARGEST_HORIZON:,}")
        rows = [{}] * skipped + rows
        steps = skipped + horizon
        network = np.array(self.network_.forecast(rows))
        if self.combination_ is None:
            combined = network
        else:
            forecasts = np.vstack([self.components_.forecast(steps), network])
            weights = self.combination_.weights(steps, self._available())
            combined = np.einsum("km,mk->k", weights, forecasts)
        combined = combined[skipped:]
        return [value if math.isfinite(value) else math.copysign(1.7976931348623157e308, value)
                for value in combined.tolist()]

