"""Online standardisation of a target stream, as River's TargetStandardScaler, without overflow,
and of dict features, as River's StandardScaler."""

import collections

import numpy as np

from .kernels.targets import (
    COUNT, DOWN, FEEDBACK_WIDTH, HALF, LEVEL_SCALER, MEAN, READOUT_SIZE, REGRESSION_STATE_SIZE,
    SCALING, SHARED_LEVEL, SUM_SQUARES, TARGET_SCALER, encode_and_read_out, new_standardizer,
)


class RunningStandardizer:
    """Running mean and variance (Welford, ddof=1) and the z-score of the latest value.

    The arithmetic is River's `stats.Var` step for step, so `learn(y)` returns exactly what
    `preprocessing.TargetStandardScaler` feeds its regressor: y standardised with statistics
    that include y (|z| <= (n-1)/sqrt(n), so the first steps cannot produce huge targets), and
    0 while the spread is 0. Values are held multiplied by a power of two, lowered when a
    value would make the sum of squares overflow (exact, so the same bits as without it), and
    values up to float64's limit standardise without overflow.

    The regressor keeps its standardisers in its target state, which its kernels update
    (`kernels.targets.encode_and_read_out`, where the arithmetic is). This reads one of them
    (`state`, at `at`); made without a state, it has one of its own, which `learn` advances
    through that same kernel.
    """

    def __init__(self, state=None, at=TARGET_SCALER):
        self.own = state is None
        if self.own:  # a target state that standardises the target itself: no change, no level
            state = np.zeros(REGRESSION_STATE_SIZE)
            state[SCALING] = state[SHARED_LEVEL] = state[FEEDBACK_WIDTH] = 1.0
            new_standardizer(state, TARGET_SCALER)
            new_standardizer(state, LEVEL_SCALER)
            state[HALF] = 0.5
            self._theta, self._readout = np.zeros(1), np.zeros(READOUT_SIZE)
        self.state, self.at = state, at

    def learn(self, value):
        """Add `value`; return its z-score under the statistics that now include it."""
        if not self.own:
            raise TypeError("this standardiser is a view of a model's state; the model learns it")
        return encode_and_read_out(self.state, self._theta, float(value), self.state[:0],
                                   self._readout, 1)

    def _scaled_std(self):
        # Python floats: `** 0.5` is then libm's pow, as in the kernel and in River
        count = float(self.state[self.at + COUNT])
        sum_squares = float(self.state[self.at + SUM_SQUARES])
        return (sum_squares / (count - 1.0)) ** 0.5 if count > 1.0 else 0.0

    def standardize(self, value):
        """(value - mean) / std, or 0 while the std is 0."""
        std = self._scaled_std()
        if not std:
            return 0.0
        return (float(value) * self.state[self.at + DOWN] - self.state[self.at + MEAN]) / std

    @property
    def n(self):
        return int(self.state[self.at + COUNT])

    @property
    def std(self):
        return self._scaled_std() / self.state[self.at + DOWN]

    @property
    def location(self):
        return self.state[self.at + MEAN] / self.state[self.at + DOWN]


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
