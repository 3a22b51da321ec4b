"""Small online components the forecaster composes (as River's HoltWinters composes its level,
trend and season): a seasonal reference and a standardiser of exogenous features."""

import collections


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
        total, count = 0.0, 0
        for j in range(1, self.seasons + 1):
            back = steps_ahead - j * m  # y_{t+back}, t the last value added
            if back > 0:
                total += forecasts[back - 1]
                count += 1
                continue
            index = len(self.history) - 1 + back  # the history ends at y_t
            if steps_ahead == 0:
                index += 1  # the value being added is not in the history yet
            if index >= 0:
                total += self.history[index]
                count += 1
        if count:
            return total / count
        return current if self.first is None else self.first


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
        counts, means, vars_ = self.counts, self.means, self.vars
        for i, xi in x.items():
            counts[i] += 1
            old_mean = means[i]
            means[i] += (xi - old_mean) / counts[i]
            vars_[i] += ((xi - old_mean) * (xi - means[i]) - vars_[i]) / counts[i]

    def transform_one(self, x):
        """x standardised by the statistics so far: 0 for a feature without spread (or never
        learned); changes nothing."""
        means, vars_ = self.means, self.vars
        result = {}
        for i, xi in x.items():
            v = vars_.get(i, 0.0)
            result[i] = (xi - means.get(i, 0.0)) / v**0.5 if v else 0.0
        return result
