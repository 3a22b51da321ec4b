"""Weights for a set of forecasters at each horizon, from how well each has forecast lately at
that horizon."""

import numpy as np

from ..kernels.forecasting import combination_update, combination_weights

# A member's score at horizon k is its discounted squared error of the forecasts made k steps
# before each value, over the last value's at that horizon (DECAY: about the last
# 1 / (1 - DECAY) forecasts count); its weight is exp(-SHARPNESS x score), relative to the
# best. A member not scored yet counts at the worst score of its horizon.
DECAY = 0.97
SHARPNESS = 20.0
# one forecast's error counts for at most this many times the last value's, so that one wild
# forecast does not silence a member for ever
LARGEST_ERROR = 100.0


class Combination:
    """Exponentially weighted averaging of forecasters, horizon by horizon.

    `record(forecasts)` keeps each member's forecasts of the next `horizons` values (a members
    x horizons array, NaN where a member made none), made after a value was learned;
    `update(y)` scores, against the value that came, the forecast each member made for it 1,
    2, ..., `horizons` steps earlier. `weights(k, available)` are the weights of the members
    marked available at horizon k (k beyond `horizons` uses the last).

    `names` lists the members, in the rows' order; `last` names the one whose errors scale the
    others' (the last value's).
    """

    def __init__(self, names, horizons, last="last value", decay=DECAY, sharpness=SHARPNESS):
        self.names = list(names)
        self.horizons = horizons
        self.decay, self.sharpness = decay, sharpness
        self.last = self.names.index(last)
        size = len(self.names)
        self.scores = np.full((horizons, size), np.nan)
        self.scale = np.full(horizons, np.nan)
        self.made = np.full((horizons, size, horizons), np.nan)  # ring of recorded forecasts
        self.position = 0  # the slot the next record goes to

    def record(self, forecasts):
        self.made[self.position] = forecasts
        self.position = (self.position + 1) % self.horizons

    def update(self, y):
        combination_update(self.made, self.position, self.scores, self.scale, self.last,
                           self.decay, LARGEST_ERROR, float(y))

    def weights(self, horizon, available):
        """A (horizon x members) array: row k - 1 the weights (summing to 1) at horizon k of
        the members where `available` is True, 0 for the others."""
        out = np.empty((horizon, len(self.names)))
        combination_weights(self.scores, available, self.sharpness, out)
        return out
