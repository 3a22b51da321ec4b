"""The regression head: squared loss on the target, standardised online and as a change from
the last value if asked, and the running standardisers that do it."""

import math

import numpy as np

from ..inputs import check_real
from ..kernels.arrays import SQUARED_LOSS
from ..kernels.targets import (
    CHANGE,
    COUNT,
    DOWN,
    FEEDBACK,
    FEEDBACK_WIDTH,
    GATE,
    HALF,
    HAS_LAST,
    HAS_OFFSET,
    LAST_TARGET,
    LEVEL_SCALER,
    MEAN,
    NAIVE_LOSS,
    NET_LOSS,
    READOUT_SIZE,
    REGRESSION_STATE_SIZE,
    ROW_FEEDBACK,
    SCALING,
    SHARED_LEVEL,
    STANDARDIZER_SIZE,
    SUM_SQUARES,
    TARGET_OFFSET,
    TARGET_SCALER,
    encode_and_read_out,
    encode_regression_targets,
    note_losses,
)
from .base import Head


def regression_state(scaling, change, feedback_width, row_feedback):
    """The regressor's target state (the slots of `kernels/targets.py`), nothing seen yet.

    With both scaling and change, the level fed back has statistics of its own; otherwise it
    shares those of the target."""
    state = np.zeros(REGRESSION_STATE_SIZE)
    state[SCALING] = scaling
    state[CHANGE] = change
    state[SHARED_LEVEL] = not (scaling and change)
    state[FEEDBACK_WIDTH] = feedback_width
    state[ROW_FEEDBACK] = row_feedback
    for at in (TARGET_SCALER, LEVEL_SCALER):
        state[at : at + STANDARDIZER_SIZE] = 0.0
        state[at + DOWN] = 1.0
    # read by the kernels at run time (see HALF in kernels/targets.py)
    state[HALF] = 0.5
    state[NET_LOSS] = state[NAIVE_LOSS] = np.nan  # nothing learned yet: the gate is open
    return state


class RegressionHead(Head):
    """Squared loss 0.5 (zhat - z)^2 on the network's target z: y itself, or with
    `predict_change` the change y_t - y_{t-1}, standardised online with `target_scaling` (as
    River's TargetStandardScaler does). The previous target is fed back (and with change
    prediction the previous change too), so the network starts from "the change continues"
    rather than having to learn a difference of two inputs."""

    kind = SQUARED_LOSS
    initial_outputs = 1

    def __init__(self, target_scaling, predict_change, target_feedback):
        super().__init__()
        self.target_scaling = bool(target_scaling)
        self.predict_change = bool(predict_change)
        width = self.feedback_width()
        self.state = regression_state(self.target_scaling, self.predict_change, width,
                                      width if target_feedback else 0)

    def feedback_width(self):
        return 2 if self.predict_change else 1

    def set_feedback_block(self, width):
        self.state[ROW_FEEDBACK] = width

    @classmethod
    def check_target(cls, y):
        if y is None:
            raise ValueError("y is None; a regressor needs a numeric target")
        if type(y) is not float or not math.isfinite(y):  # plain floats go fast
            check_real(y, "y")

    @classmethod
    def check_targets(cls, y):
        values = np.asarray(y)
        if values.dtype.kind not in "biuf":  # objects or strings: find and name the bad one
            return super().check_targets(values)
        values = values.astype(np.float64).reshape(-1)
        if not np.isfinite(values).all():
            raise ValueError("y has a NaN or infinite value; targets must be finite")
        return values

    def raw_target(self, y, n_outputs):
        return float(y)

    def encode(self, raw, theta, n_outputs):
        """The network's target for each step and the values fed back at each step, with the
        readout updated (`kernels.targets.encode_and_read_out`)."""
        values = np.asarray(raw, dtype=np.float64).reshape(-1)
        targets = np.empty(len(values))
        feedback = np.empty((len(values), self.feedback_width()))
        self.scales = np.empty(len(values))  # read by note_losses, after those steps
        encode_regression_targets(self.state, theta, values, targets, feedback, self.readout,
                                  self.scales)
        return targets, feedback

    def write_feedback(self, block):
        block[:] = self.state[FEEDBACK : FEEDBACK + len(block)]

    def note_losses(self, losses):
        note_losses(self.state, losses, self.scales, self.readout)
        del self.scales

    def reset_feedback(self, theta):
        # Until the next target arrives, the fed-back values are 0 (the running mean, no
        # change) and predictions start from the running mean.
        state = self.state
        state[HAS_LAST] = 0.0
        state[FEEDBACK : FEEDBACK + self.feedback_width()] = 0.0
        encode_and_read_out(state, theta, 0.0, state[:0], self.readout, 0)

    # what the state holds, by name
    @property
    def last_target(self):
        """The last target learned, None at the start of a sequence."""
        return float(self.state[LAST_TARGET]) if self.state[HAS_LAST] else None

    @property
    def target_offset(self):
        """The stream's first target, None before it."""
        return float(self.state[TARGET_OFFSET]) if self.state[HAS_OFFSET] else None

    @property
    def gate(self):
        """The share of the predicted change passed on (`kernels.targets.gate`)."""
        return float(self.readout[GATE])

    @property
    def target_scaler(self):
        """The running standardiser of the network's target (with target scaling)."""
        return RunningStandardizer(self.state, TARGET_SCALER) if self.target_scaling else None

    @property
    def level_scaler(self):
        """The running standardiser of the target's level, which is fed back."""
        if not self.target_scaling:
            return None
        shared = self.state[SHARED_LEVEL]
        return RunningStandardizer(self.state, TARGET_SCALER if shared else LEVEL_SCALER)


class RunningStandardizer:
    """Running mean and variance (Welford, ddof=1) and the z-score of the latest value.

    The arithmetic is River's `stats.Var` step for step, so `learn(y)` returns exactly what
    `preprocessing.TargetStandardScaler` feeds its regressor: y standardised with statistics
    that include y (|z| <= (n-1)/sqrt(n), so the first steps cannot produce huge targets), and
    0 while the spread is 0. Values are held multiplied by a power of two, lowered when a
    value would make the sum of squares overflow (exact, so the same bits as without it), and
    values up to float64's limit standardise without overflow.

    The regression head keeps its standardisers in its state, which its kernels update
    (`kernels.targets.encode_and_read_out`, where the arithmetic is). This reads one of them
    (`state`, at `at`); made without a state, it has one of its own (a head's state that
    standardises the target itself: no change, no level), which `learn` advances through
    that same kernel.
    """

    def __init__(self, state=None, at=TARGET_SCALER):
        self.own = state is None
        if self.own:
            state = regression_state(scaling=True, change=False, feedback_width=1,
                                     row_feedback=0)
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
