"""Exponential smoothing forecasters, online, O(1) a step and all at once on arrays: the
components the forecaster weighs beside its recurrent network."""

import numpy as np

from ..kernels.forecasting import (
    COUNT,
    COUNTERS,
    FILLED,
    LAST,
    MEAN,
    POSITIVE,
    PRODUCTS,
    SQUARES,
    T,
    autoregression_forecast,
    autoregression_learn,
    bank_forecast,
    bank_learn,
    bank_ready,
)

# How fast a member that learns its smoothing constants learns them: Adam's step on their
# logits. Over the seasonal series of the forecast suite (members alone, seasons
# given, one step ahead), 0.02-0.05 gave the same within 3% on most; 0.05 learned a drifting
# season fastest (elnino 0.62 to 0.39 of the last value's error, taylor 1.37 to 0.45) and 0.1
# wandered (sunspots, taylor).
LEARNING_RATE = 0.05
# Each member: (name, alpha, beta, phi, gamma, seasonal, on log y, the rate at which it learns
# alpha, beta and gamma: 0 for constants that stay). Additive exponential
# smoothing in error-correction form (Hyndman et al.'s ETS(A, Ad, A)); with a season of m
# steps the seasonal members run, else the non-seasonal log one. Constants spread so that the
# combination can pick: fast and slow levels and trends, damped (phi < 1) so that a trend does
# not run away over a long horizon. alpha = 1 is the last value; alpha = 0 and gamma = 1 with
# a season is the seasonal naive forecast (the level stays at the first season's mean, and
# each season term becomes the value one season back less that mean). Holt-Winters on y
# learns its constants from this start, as ES-RNN learns its smoothing: a series of steady
# seasons wants its season terms slow, one whose seasons drift (a temperature's day through
# the year) fast, and no one set of constants serves both. Holt-Winters on log y keeps its
# constants: learned for the next step, they cost further ahead (AirlinePassengers h = 12:
# 18.4 with these members; 20.0 with both learning; 18.7 with learning copies of both
# beside them, near-duplicates that split the weight). It runs twice, its season renewed
# slowly and fast (gamma 0.6, River's HoltWinters docstring's): a multiplicative season whose
# shape grows with its level (AirlinePassengers) wants the fast one, which learning did not
# reach from the slow start on 144 values (h = 12: 18.4 to 16.5).
MEMBERS = (
    ("last value", 1.0, 0.0, 1.0, 0.0, False, False, 0.0),
    ("smoothing", 0.3, 0.0, 1.0, 0.0, False, False, 0.0),
    ("damped trend", 0.5, 0.05, 0.98, 0.0, False, False, 0.0),
    ("fast damped trend", 0.9, 0.2, 0.9, 0.0, False, False, 0.0),
    ("slow damped trend", 0.2, 0.02, 0.98, 0.0, False, False, 0.0),
    ("log damped trend", 0.5, 0.05, 0.98, 0.0, False, True, 0.0),
    ("seasonal naive", 0.0, 0.0, 1.0, 1.0, True, False, 0.0),
    ("holt-winters", 0.3, 0.02, 0.98, 0.2, True, False, LEARNING_RATE),
    ("log holt-winters", 0.3, 0.02, 0.98, 0.2, True, True, 0.0),
    ("fast log holt-winters", 0.3, 0.02, 0.98, 0.6, True, True, 0.0),
)
MEMBER_NAMES = {member[0] for member in MEMBERS}
MEAN_REVERSION = "mean reversion"
AUTOREGRESSION = "autoregression"
# the autoregression's order, and the weight each older step keeps in its least squares
AR_ORDER = 6
AR_FORGETTING = 0.998


class SmoothingBank:
    """The smoothing members for a season of `period` steps (0: none), run together on arrays
    (the kernels are in `rtrl_river/kernels/forecasting.py`).

    With e_t = y_t minus a member's one-step forecast,

        level  <- level + phi * trend + alpha * e
        trend  <- phi * trend + beta * e
        season <- season + gamma * e        (the season of step t)

    and forecasts level + (phi + ... + phi^k) trend + season (a seasonal member's). A
    member that learns its constants (see MEMBERS) also keeps the derivatives of its level,
    trend and season terms by alpha, beta and gamma, carried forward through the recursion
    above (forward-mode, exact for constants held fixed), and after each step moves the
    constants' logits by Adam (LEARNING_RATE) down the gradient of its squared one-step
    error (on log y for a log member), its logits within +-6 (the constants within 0.00247 and
    0.99753). The gradient is of the error in the series' units: beyond about 1e77 its square
    overflows and below about 1e-80 it vanishes, and the constants then stay where they are. A
    non-seasonal member starts at the first value, a seasonal one at the mean of the first
    season with that season's deviations from it as its season terms; the trend at 0; a
    member is ready once started. Log members run on
    log y and forecast exp of it; they stop (never ready again) at the first value that is not
    positive. Beside them, "mean reversion": an AR(1) around the running mean, mean + phi^k
    (y_t - mean) with phi the lag-1 autocorrelation so far clipped to [0, 0.999] (a random walk
    or a trend gives phi near 1, the last value), for series that return to a level, which
    the others, random-walk-like at short horizons, miss; and "autoregression": an AR(6) on
    the standardised series fitted by recursive least squares (each older step weighted 0.998
    less), for cycles that are not seasons (animal populations, sunspots), its forecasts fed
    back as lags and kept within ten deviations of the mean.

    The seasonal members also run for each season of `candidates`, named "holt-winters (m=12)"
    and so on: without a season of its own, the forecaster gives the bank those of common
    calendars, so that a season is weighed before it is detected; with a day's season, the
    week's. Mean reversion and the autoregression stay the last two of `names`.
    """

    def __init__(self, period, candidates=()):
        chosen = [(member, period if member[5] else 0) for member in MEMBERS
                  if member[5] == bool(period) or (not member[5] and not (period and member[6]))]
        self.names = [member[0] for member, _ in chosen]
        self.candidates = tuple(int(m) for m in candidates)
        for m in self.candidates:
            seasonal = [member for member in MEMBERS if member[5]]
            chosen += [(member, m) for member in seasonal]
            self.names += [f"{member[0]} (m={m})" for member in seasonal]
        # the season of each of `names` that is a candidate's (0 for the others)
        self.candidate_period = np.array([0 if name in MEMBER_NAMES else m
                                          for name, (_, m) in zip(self.names, chosen)] + [0, 0])
        self.names += [MEAN_REVERSION, AUTOREGRESSION]
        self.period = period
        # rows alpha, beta, phi, gamma, the member's season (0: none) and its learning rate
        self.constants = np.array([[float(member[k]) for member, _ in chosen]
                                   for k in (1, 2, 3, 4)] + [[float(m) for _, m in chosen]]
                                  + [[float(member[7]) for member, _ in chosen]])
        self.log = np.array([float(member[6]) for member, _ in chosen])
        size, columns = len(chosen), max(period, *self.candidates, 1)
        self.level = np.zeros(size)
        self.trend = np.zeros(size)
        self.season = np.zeros((size, columns))
        self.start = np.zeros((columns, size))
        # a learning member's derivatives of its level, trend and season terms by alpha, beta
        # and gamma, and Adam's moments of their gradients
        self.sensitivity = np.zeros((size, columns + 2, 3))
        self.moments = np.zeros((size, 2, 3))
        self.steps = np.zeros(size)  # the learning steps each has taken
        self.counters = np.zeros(COUNTERS)
        self.counters[POSITIVE] = 1.0
        self.counters[FILLED] = max(period, 1)
        # which of `names` forecast: the smoothing members once started (log ones while the
        # series is positive), mean reversion from its third value, the autoregression from
        # three times its order
        self.ready = np.zeros(len(self.names), dtype=bool)
        self.ar_weights = np.zeros(AR_ORDER + 1)
        self.ar_inverse = np.eye(AR_ORDER + 1)
        self.ar_lags = np.zeros(AR_ORDER)

    def __setstate__(self, state):
        if "candidates" not in state:  # saved before candidate seasons: constants row 4 was
            seasonal = state["constants"][4] != 0.0  # 1.0 for a member with the bank's season
            state["constants"][4] = np.where(seasonal, state["season"].shape[1], 0.0)
            state.update(candidates=(), candidate_period=np.zeros(len(state["names"]), int))
        if "sensitivity" not in state:  # saved before members learned their constants: they
            size, columns = state["season"].shape  # keep them
            state["constants"] = np.vstack([state["constants"], np.zeros(size)])
            state.update(sensitivity=np.zeros((size, columns + 2, 3)),
                         moments=np.zeros((size, 2, 3)))
        if "steps" not in state:
            state["steps"] = np.zeros(len(state["level"]))
        self.__dict__.update(state)

    def keys(self):
        """Each member's row by what it computes: (its name without the candidate season, its
        season)."""
        seasons = [int(m) for m in self.constants[4]] + [0, 0]
        return {(name.split(" (m=")[0], m): row
                for row, (name, m) in enumerate(zip(self.names, seasons))}

    def carry_over(self, previous):
        """Take from the bank `previous` (another season's, fed the whole series) what it
        shares with this one. A bank started for a new season is fed only the recent values;
        these would otherwise forget the rest: the running mean, variance and lag-1 products,
        the last value, whether every value was positive, and the autoregression; and each
        smoothing member that ran there with the same season (a candidate season's members
        when that season is detected, a season's when it becomes a candidate again, those
        without a season) goes on from its state there, learned constants and all."""
        kept = [COUNT, MEAN, SQUARES, PRODUCTS, LAST, POSITIVE]
        self.counters[kept] = previous.counters[kept]
        self.ar_weights[:] = previous.ar_weights
        self.ar_inverse[:] = previous.ar_inverse
        self.ar_lags[:] = previous.ar_lags
        now, before = int(self.counters[T]), int(previous.counters[T])
        theirs = previous.keys()
        for (name, period), row in self.keys().items():
            other = theirs.get((name, period))
            if other is None or row >= len(self.level) or min(now, before) < max(period, 1):
                continue  # not in both, not a smoothing member, or in its first season
            self.level[row], self.trend[row] = previous.level[other], previous.trend[other]
            self.constants[:, row] = previous.constants[:, other]
            self.moments[row], self.steps[row] = previous.moments[other], previous.steps[other]
            self.sensitivity[row, :2] = previous.sensitivity[other, :2]
            if period:  # the term of each coming step, in this bank's columns
                columns = (np.arange(period) + before - now) % period
                self.season[row, :period] = previous.season[other, columns]
                self.sensitivity[row, 2 : 2 + period] = previous.sensitivity[other, 2 + columns]
        bank_ready(self.constants, self.log, self.counters, self.ready[:-1])
        self.ready[-1] = self.counters[COUNT] >= 3 * AR_ORDER

    def learn_one(self, y):
        bank_learn(self.constants, self.log, self.level, self.trend, self.season, self.start,
                   self.counters, self.sensitivity, self.moments, self.steps, float(y))
        autoregression_learn(self.ar_weights, self.ar_inverse, self.ar_lags, self.counters,
                             AR_FORGETTING, float(y))
        bank_ready(self.constants, self.log, self.counters, self.ready[:-1])
        self.ready[-1] = self.counters[COUNT] >= 3 * AR_ORDER

    def forecast(self, horizon):
        """A (members x horizon) array of every member's forecasts (rows of members that are
        not ready hold the last value)."""
        out = np.empty((len(self.names), horizon))
        bank_forecast(self.constants, self.log, self.level, self.trend, self.season,
                      self.counters, self.ready[:-1], out[:-1])
        if self.ready[-1]:
            autoregression_forecast(self.ar_weights, self.ar_lags, self.counters, out[-1])
        else:
            out[-1] = self.counters[LAST]
        return out
