"""Online standardisation of a target stream, as River's TargetStandardScaler, without overflow,
and of dict features, as River's StandardScaler."""

import collections

import numpy as np

from .kernels.targets import (
    COUNT, STANDARDIZER_SIZE, standardize, standardizer_learn, standardizer_location,
    standardizer_std,
)


class RunningStandardizer:
    """Running mean and variance (Welford, ddof=1) and the z-score of the latest value.

    The arithmetic is River's `stats.Var` step for step, so `learn(y)` returns exactly what
    `preprocessing.TargetStandardScaler` feeds its regressor: y standardised with statistics
    that include y (|z| <= (n-1)/sqrt(n), so the first steps cannot produce huge targets), and
    0 while the spread is 0. Values are held divided by a power of two chosen when a value
    would make the sum of squares overflow (exact, so the same bits as without it), and values
    up to float64's limit standardise without overflow.

    A view of four slots of a float64 array, `state[at:at + 4]` (its own when none is given):
    the regressor keeps its standardisers in its target state, which its kernels update
    (`kernels/targets.py`, where the arithmetic is).
    """

    def __init__(self, state=None, at=0):
        self.state = np.zeros(STANDARDIZER_SIZE) if state is None else state
        self.at = at

    def learn(self, value):
        """Add `value`; return its z-score under the statistics that now include it."""
        return standardizer_learn(self.state, self.at, float(value))

    def standardize(self, value):
        """(value - mean) / std, or 0 while the std is 0."""
        return standardize(self.state, self.at, float(value))

    @property
    def n(self):
        return int(self.state[self.at + COUNT])

    @property
    def std(self):
        return standardizer_std(self.state, self.at)

    @property
    def location(self):
        return standardizer_location(self.state, self.at)


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
