"""Online standardisation of a target stream, as River's TargetStandardScaler, without overflow,
and of dict features, as River's StandardScaler."""

import collections
import math


class RunningStandardizer:
    """Running mean and variance (Welford, ddof=1) and the z-score of the latest value.

    The arithmetic is River's `stats.Var` step for step, so `learn(y)` returns exactly what
    `preprocessing.TargetStandardScaler` feeds its regressor: y standardised with statistics
    that include y (|z| <= (n-1)/sqrt(n), so the first steps cannot produce huge targets), and
    0 while the spread is 0. Values are held divided by 2**exponent, a power of two chosen
    when a value would make the sum of squares overflow: dividing by a power of two is exact,
    so the results are the same bits as without it, and values up to float64's limit
    standardise without overflow.
    """

    # Values are rescaled so that their magnitude stays below this (its square is finite).
    LIMIT = 2.0**500

    def __init__(self):
        self.n = 0
        self.mean = 0.0  # of the values divided by 2**exponent
        self.sum_squares = 0.0  # likewise, divided by 4**exponent
        self.exponent = 0

    def _rescale_for(self, value):
        magnitude = abs(value) * 2.0**-self.exponent
        if magnitude < self.LIMIT:
            return
        shift = math.frexp(magnitude)[1] - 400
        self.exponent += shift
        self.mean = math.ldexp(self.mean, -shift)
        self.sum_squares = math.ldexp(self.sum_squares, -2 * shift)

    def learn(self, value):
        """Add `value`; return its z-score under the statistics that now include it."""
        self._rescale_for(value)
        scaled = math.ldexp(value, -self.exponent)
        mean_old = self.mean
        self.n += 1
        self.mean += (1.0 / self.n) * (scaled - self.mean)
        self.sum_squares += (scaled - mean_old) * (scaled - self.mean)
        return self.standardize(value)

    @property
    def _scaled_std(self):
        return (self.sum_squares / (self.n - 1)) ** 0.5 if self.n > 1 else 0.0

    def standardize(self, value):
        """(value - mean) / std, or 0 while the std is 0."""
        std = self._scaled_std
        if not std:
            return 0.0
        return (math.ldexp(value, -self.exponent) - self.mean) / std

    def unstandardize(self, z):
        """z * std + mean, in the values' own units."""
        return math.ldexp(z * self._scaled_std + self.mean, self.exponent)

    @property
    def std(self):
        return math.ldexp(self._scaled_std, self.exponent)

    @property
    def location(self):
        return math.ldexp(self.mean, self.exponent)


class FeatureStandardizer:
    """Online standardisation of dict features, as River's `preprocessing.StandardScaler`
    (with_std=True, no window) does it, in the same arithmetic.

    The forecaster standardises its exogenous features with it: `river.preprocessing` imports
    most of River, scikit-learn included, where this needs a few lines.
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
