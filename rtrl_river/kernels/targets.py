"""How a target becomes the network's target, and what is fed back, inside the kernels.

`learn_one` hands the raw target to its entry point (`calls.py`), which encodes it here and
writes the fed-back values into the input row before the step: no Python runs between them.

The regressor's state is one float64 array (slots below): the first target, the last one, two
running standardisers (River's Welford arithmetic, bit for bit) and the values fed back. The
classifier's is [previous label's row (-1: none), width of its fed-back block].
"""

import math

import numpy as np
from numba import njit

from .arrays import SQUARED_LOSS
from .jit import EXACT, INLINE

# --- the regressor's target state
# settings, fixed at initialisation (1.0 / 0.0 for booleans)
SCALING, CHANGE, SHARED_LEVEL, FEEDBACK_WIDTH, ROW_FEEDBACK = range(5)
# the stream so far
HAS_OFFSET, TARGET_OFFSET, HAS_LAST, LAST_TARGET = range(5, 9)
# two running standardisers of 4 slots: count, mean and sum of squares of the values divided
# by 2**exponent, exponent
TARGET_SCALER, LEVEL_SCALER = 9, 13
COUNT, MEAN, SUM_SQUARES, EXPONENT = range(4)
STANDARDIZER_SIZE = 4
FEEDBACK = 17  # FEEDBACK_WIDTH values fed back
REGRESSION_STATE_SIZE = FEEDBACK + 2

# --- the classifier's
PREVIOUS_CLASS, CLASS_FEEDBACK_WIDTH = range(2)

# the readout: prediction = SCALE * output + OFFSET + CARRY * previous level; the value fed back
# for a predicted level y is (y - FEEDBACK_OFFSET) * FEEDBACK_GAIN and, when CHANGE_GAIN is not
# 0, the change it predicted, (y - OFFSET - CARRY * previous level) * CHANGE_GAIN, in the next
# column. LEVEL is the last target, the previous level of the first row.
CARRY, OFFSET, SCALE, FEEDBACK_OFFSET, FEEDBACK_GAIN, CHANGE_GAIN, LEVEL = range(7)
READOUT_SIZE = 7

LARGEST = np.finfo(np.float64).max
# standardised values are rescaled so that their magnitude stays below this (its square is finite)
RESCALE_LIMIT = 2.0**500


@njit(**EXACT)
def standardizer_learn(state, at, value):
    """Add `value` to the standardiser at state[at:at+4]; return its z-score under the
    statistics that now include it (River's `stats.Var` step for step, ddof=1).

    Values are held divided by 2**exponent, a power of two chosen when a value would make the
    sum of squares overflow: dividing by a power of two is exact, so the results are the same
    bits as without it, and values up to float64's limit standardise without overflow.
    """
    magnitude = abs(value) * 2.0 ** -state[at + EXPONENT]
    if magnitude >= RESCALE_LIMIT:
        shift = math.frexp(magnitude)[1] - 400
        state[at + EXPONENT] += shift
        state[at + MEAN] = math.ldexp(state[at + MEAN], -shift)
        state[at + SUM_SQUARES] = math.ldexp(state[at + SUM_SQUARES], -2 * shift)
    scaled = math.ldexp(value, -int(state[at + EXPONENT]))
    mean_old = state[at + MEAN]
    state[at + COUNT] += 1.0
    state[at + MEAN] += (1.0 / state[at + COUNT]) * (scaled - state[at + MEAN])
    state[at + SUM_SQUARES] += (scaled - mean_old) * (scaled - state[at + MEAN])
    return standardize(state, at, value)


@njit(**EXACT)
def scaled_std(state, at):
    count = state[at + COUNT]
    return (state[at + SUM_SQUARES] / (count - 1.0)) ** 0.5 if count > 1.0 else 0.0


@njit(**EXACT)
def standardize(state, at, value):
    """(value - mean) / std under the standardiser at state[at:at+4], or 0 while the std is 0."""
    std = scaled_std(state, at)
    if std == 0.0:
        return 0.0
    return (math.ldexp(value, -int(state[at + EXPONENT])) - state[at + MEAN]) / std


@njit(**EXACT)
def standardizer_std(state, at):
    return math.ldexp(scaled_std(state, at), int(state[at + EXPONENT]))


@njit(**EXACT)
def standardizer_location(state, at):
    return math.ldexp(state[at + MEAN], int(state[at + EXPONENT]))


@njit(**EXACT)
def encode_regression_target(state, theta, y, feedback):
    """The network's target for the target y, after writing the values fed back at this step
    (those of the previous target) into `feedback` (length 0: not wanted).

    The network learns y itself, or with CHANGE the change y_t - y_{t-1} (0 on the first step);
    with SCALING that quantity is standardised online, as River's TargetStandardScaler does.
    The fed-back values are the previous target, standardised by the running statistics of y
    (centred on the first target without scaling), and with CHANGE the network's previous
    target (the change).
    """
    if state[HAS_OFFSET] == 0.0:
        state[HAS_OFFSET] = 1.0
        state[TARGET_OFFSET] = y
        if state[SCALING] == 0.0 and state[CHANGE] == 0.0:
            # plain mode: the output bias (theta's last entry) starts at the first target, so a
            # series far from zero does not spend thousands of steps walking the bias there
            theta[theta.shape[0] - 1] = y
    width = int(state[FEEDBACK_WIDTH])
    for j in range(feedback.shape[0]):
        feedback[j] = state[FEEDBACK + j]
    quantity = y
    if state[CHANGE] != 0.0:  # saturated: two targets near 1e308 can differ by more
        change = y - (state[LAST_TARGET] if state[HAS_LAST] != 0.0 else y)
        quantity = min(max(change, -LARGEST), LARGEST)
    if state[SCALING] != 0.0:
        target = standardizer_learn(state, TARGET_SCALER, quantity)
        if state[SHARED_LEVEL] == 0.0:
            standardizer_learn(state, LEVEL_SCALER, y)
        level = TARGET_SCALER if state[SHARED_LEVEL] != 0.0 else LEVEL_SCALER
        state[FEEDBACK] = standardize(state, level, y)
    else:
        target = quantity
        state[FEEDBACK] = y - state[TARGET_OFFSET]
    if width > 1:
        state[FEEDBACK + 1] = target
    state[HAS_LAST] = 1.0
    state[LAST_TARGET] = y
    return target


@njit(**EXACT)
def update_readout(state, readout):
    """The readout of the regressor's next predictions, from its target state."""
    for j in range(readout.shape[0]):
        readout[j] = 0.0
    readout[SCALE] = readout[FEEDBACK_GAIN] = readout[CHANGE_GAIN] = 1.0
    readout[FEEDBACK_OFFSET] = state[TARGET_OFFSET]
    scaling = state[SCALING] != 0.0
    level = TARGET_SCALER if state[SHARED_LEVEL] != 0.0 else LEVEL_SCALER
    if state[CHANGE] != 0.0:
        readout[CARRY] = 1.0
        if state[HAS_LAST] != 0.0:
            readout[LEVEL] = state[LAST_TARGET]
        elif scaling:
            readout[LEVEL] = standardizer_location(state, level)
        else:
            readout[LEVEL] = state[TARGET_OFFSET]
    if scaling:
        readout[OFFSET] = standardizer_location(state, TARGET_SCALER)
        readout[SCALE] = standardizer_std(state, TARGET_SCALER)
        readout[FEEDBACK_OFFSET] = standardizer_location(state, level)
        std = standardizer_std(state, level)
        readout[FEEDBACK_GAIN] = 1.0 / std if std != 0.0 else 0.0
        readout[CHANGE_GAIN] = 1.0 / readout[SCALE] if readout[SCALE] != 0.0 else 0.0
    if state[FEEDBACK_WIDTH] == 1.0:
        readout[CHANGE_GAIN] = 0.0


@njit(**EXACT)
def encode_regression_targets(state, theta, values, targets, feedback, readout):
    """`encode_regression_target` for each value in turn (feedback: one row per value), then
    the readout updated."""
    for t in range(values.shape[0]):
        targets[t] = encode_regression_target(state, theta, values[t], feedback[t])
    update_readout(state, readout)


@njit(**INLINE)
def row_feedback(head, state, row):
    """The block at the end of `row` that takes the fed-back values (empty without feedback)."""
    width = int(state[ROW_FEEDBACK] if head == SQUARED_LOSS else state[CLASS_FEEDBACK_WIDTH])
    return row[row.shape[0] - width :]


@njit(**INLINE)
def write_feedback(head, state, row):
    """Write the values fed back at this step into the end of `row`, changing nothing else."""
    block = row_feedback(head, state, row)
    if head == SQUARED_LOSS:
        for j in range(block.shape[0]):
            block[j] = state[FEEDBACK + j]
    else:
        for j in range(block.shape[0]):
            block[j] = 0.0
        previous = int(state[PREVIOUS_CLASS])
        if block.shape[0] > 0 and previous >= 0:
            block[previous] = 1.0


@njit(**INLINE)
def encode_one(head, state, theta, targets, row, readout):
    """learn_one's encoding, in the kernel: targets[0] holds the raw target (the regressor's
    value, the classifier's row in the head) and becomes the network's target; the values fed
    back at this step are written into the end of `row`."""
    if head == SQUARED_LOSS:
        targets[0] = encode_regression_target(
            state, theta, targets[0], row_feedback(head, state, row))
        update_readout(state, readout)
    else:
        write_feedback(head, state, row)
        state[PREVIOUS_CLASS] = targets[0]
