"""Weights for a set of forecasters at each horizon, from how well each has forecast lately at
that horizon."""

import math

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
# The guard: the combined one-step forecast's discounted squared error against the last
# value's, over about the last 1 / (1 - GUARD_DECAY) steps, r = combined / last; the one-step
# weights are trusted by w = 1 / (1 + exp(-GUARD_SHARPNESS (1 + GUARD_MARGIN - r))) and the
# rest goes to the last value: w = 0.88 where the two tie, 0.98 once the combination's error
# is a tenth below the last value's, 0.12 where it is a fifth above.
GUARD_DECAY = 0.995
GUARD_SHARPNESS = 20.0
GUARD_MARGIN = 0.1


class Combination:
    """Exponentially weighted averaging of forecasters, horizon by horizon.

    `record(forecasts)` keeps each member's forecasts of the next `horizons` values (a members
    x horizons array, NaN where a member made none), made after a value was learned;
    `update(y)` scores, against the value that came, the forecast each member made for it 1,
    2, ..., `horizons` steps earlier. `weights(k, available)` are the weights of the members
    marked available at horizon k (k beyond `horizons` uses the last).

    `names` lists the members, in the rows' order; `last` names the one whose errors scale the
    others' (the last value's).

    A guard keeps the one-step forecast from losing to the last value for long: `record` also
    takes the combined one-step forecast the weights made, `update` scores it and the last
    value's over a longer memory, and `weights` moves one-step weight from the members to the
    last value as far as the combined forecast has done worse than it lately (`trust`;
    GUARD_* above). Members that each forecast well can combine into noise where a series
    switches between calm and wild stretches, each member winning where it is lucky; the last
    value, always among them, then takes over. Only one step ahead: a combination that loses
    to the last value there can still win further ahead (a trend, before the season is found),
    and further ahead the network forecasts only every few steps, too few scores to judge by
    on a short series.
    """

    # the guard's state, as a combination saved before the guard was added starts it
    combined = math.nan
    errors = (0.0, 0.0)

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
        # the guard: the combined one-step forecast made at the last record, and the
        # discounted sums of its squared errors and of the last value's
        self.combined = math.nan
        self.errors = (0.0, 0.0)

    def record(self, forecasts, combined=math.nan):
        """Keep `forecasts` (members x horizons) and the one-step forecast the weights made
        of them (`combined`, for the guard)."""
        self.made[self.position] = forecasts
        self.position = (self.position + 1) % self.horizons
        self.combined = float(combined)

    def update(self, y):
        y = float(y)
        last = float(self.made[(self.position - 1) % self.horizons, self.last, 0])
        if math.isfinite(self.combined) and math.isfinite(last):
            # discounted sums (their ratio weighs the first errors as the later ones); a
            # product, not ** 2, which raises on overflow where this gives inf
            combined, last = self.combined - y, last - y
            self.errors = (GUARD_DECAY * self.errors[0] + combined * combined,
                           GUARD_DECAY * self.errors[1] + last * last)
        combination_update(self.made, self.position, self.scores, self.scale, self.last,
                           self.decay, LARGEST_ERROR, y)

    def carry_over(self, previous, rows):
        """Go on from the combination `previous` for the members it shares with this one
        (`rows`: each of this one's rows to the row of the same member there): their scores
        and the forecasts they made that have not come yet, the last value's scale and the
        guard's state. A member new here starts unscored, with no forecasts made."""
        for row, other in rows.items():
            self.scores[:, row] = previous.scores[:, other]
            self.made[:, row] = previous.made[:, other]
        self.scale[:] = previous.scale
        self.position = previous.position
        self.combined, self.errors = previous.combined, previous.errors

    def trust(self):
        """The share of weight the members keep (the rest goes to the last value): 1 until
        the guard has scored a forecast."""
        combined, last = self.errors
        # nothing scored yet, the combination better by far, or both errors beyond float64
        if math.isnan(combined) or math.isnan(last) or combined <= last * 1e-12:
            return 1.0
        if last <= 0.0 or math.isinf(combined):  # the last value has been exact, or the
            return 0.0  # combination's error alone is beyond float64
        z = GUARD_SHARPNESS * (1.0 + GUARD_MARGIN - combined / last)
        return 1.0 / (1.0 + math.exp(-min(max(z, -700.0), 700.0)))

    def weights(self, horizon, available, guarded=True):
        """A (horizon x members) array: row k - 1 the weights (summing to 1) at horizon k of
        the members where `available` is True, 0 for the others; `guarded`, with the guard's
        share moved to the last value."""
        out = np.empty((horizon, len(self.names)))
        combination_weights(self.scores, available, self.sharpness, out)
        if guarded and horizon:
            trust = self.trust()
            if trust < 1.0:
                out[0] *= trust
                out[0, self.last] += 1.0 - trust
        return out
