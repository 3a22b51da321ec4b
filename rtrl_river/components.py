"""Small online components the forecaster composes (as River's HoltWinters composes its level,
trend and season): a seasonal reference and a standardiser of exogenous features."""

import collections
import math


class SeasonalReference:
    """The seasonal reference r_t of a series: the mean of y_{t-m}, y_{t-2m}, ..., y_{t-Jm}
    over the J = `seasons` seasons back that exist (the series' first value before one season
    has passed), where m is `seasonality`; 0 for m = 0.

    `update(y)` adds a value; `reference(k, forecasts)` is r of the step k ahead of the last
    value added (k = 0: the step about to be added, whose value is `current`), taking values
    beyond the history from `forecasts`, the forecast's own values for steps 1..k-1.
    """

    def __init__(self, seasonality, seasons):
        self.seasonality = seasonality
        self.seasons = seasons
        self.history = collections.deque(maxlen=max(seasonality * seasons, 1))
        self.first = None

    def update(self, y):
        if self.first is None:
            self.first = y
        self.history.append(y)

    def reference(self, steps_ahead, forecasts, current=None):
        m = self.seasonality
        if not m:
            return 0.0
        values = []
        for j in range(1, self.seasons + 1):
            back = steps_ahead - j * m  # y_{t+back}, t the last value added
            if back > 0:
                values.append(forecasts[back - 1])
                continue
            index = len(self.history) - 1 + back  # the history ends at y_t
            if steps_ahead == 0:
                index += 1  # the value being added is not in the history yet
            if index >= 0:
                values.append(self.history[index])
        if not values:
            return current if self.first is None else self.first
        total = 0.0
        for value in values:
            total += value
        if math.isinf(total):  # finite values whose sum overflows (near 1.8e308): their mean
            return sum(value / len(values) for value in values)  # does not
        return total / len(values)


class FeatureStandardizer:
    """Online standardisation of dict features, as River's `preprocessing.StandardScaler`
    (with_std=True, no window) does it, in the same arithmetic.

    The forecaster standardises its exogenous features with it: `river.preprocessing` imports
    most of River, where this needs a few lines.
    """

    def __init__(self):
        self.counts = collections.Counter()
        self.means = collections.defaultdict(float)
        self.vars = collections.defaultdict(float)

    def learn_one(self, x):
        self.update(self.updated(x))

    def updated(self, x):
        """The statistics of x's features once x is learned, {name: (count, mean, variance)},
        for `update` or `transform_one`; changes nothing."""
        statistics = {}
        for i, xi in x.items():
            count = self.counts[i] + 1
            old_mean = self.means.get(i, 0.0)
            mean = old_mean + (xi - old_mean) / count
            var = self.vars.get(i, 0.0)
            var += ((xi - old_mean) * (xi - mean) - var) / count
            statistics[i] = (count, mean, var)
        return statistics

    def update(self, statistics):
        """Keep statistics made by `updated`."""
        for i, (count, mean, var) in statistics.items():
            self.counts[i], self.means[i], self.vars[i] = count, mean, var

    def transform_one(self, x, statistics=None):
        """x standardised by the statistics so far (or by `statistics`, from `updated`, where
        they name a feature): 0 for a feature without spread (or never learned); changes
        nothing."""
        statistics = statistics or {}
        means, vars_ = self.means, self.vars
        result = {}
        for i, xi in x.items():
            if i in statistics:
                _, mean, v = statistics[i]
            else:
                mean, v = means.get(i, 0.0), vars_.get(i, 0.0)
            result[i] = (xi - mean) / v**0.5 if v else 0.0
        return result
