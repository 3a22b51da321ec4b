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
from .jit import EXACT, INLINE, JIT

# --- the regressor's target state
# settings, fixed at initialisation (1.0 / 0.0 for booleans)
SCALING, CHANGE, SHARED_LEVEL, FEEDBACK_WIDTH, ROW_FEEDBACK = range(5)
# the stream so far
HAS_OFFSET, TARGET_OFFSET, HAS_LAST, LAST_TARGET = range(5, 9)
# two running standardisers of 4 slots: count, mean and sum of squares of the values scaled
# by DOWN, and DOWN, a power of two (1 until a value would make the sum of squares overflow)
TARGET_SCALER, LEVEL_SCALER = 9, 13
COUNT, MEAN, SUM_SQUARES, DOWN = range(4)
STANDARDIZER_SIZE = 4
FEEDBACK = 17  # FEEDBACK_WIDTH values fed back
# 0.5, the exponent of a standard deviation, read at run time: LLVM turns `x ** 0.5` with a
# constant 0.5 into a square root, which rounds differently from libm's pow (Python's and
# River's `** 0.5`) for about one value in a thousand
HALF = 19
# the discounted absolute errors, in the target's own units, of the network's change and of no
# change (the last value): they set how much of the predicted change the readout passes on
NET_LOSS, NAIVE_LOSS = 20, 21
# the standard deviation (in the target's units) the step's target was standardised by
STEP_SCALE = 22
REGRESSION_STATE_SIZE = STEP_SCALE + 1
# The gate: with change prediction, a prediction is the last value plus GATE x the predicted
# change, GATE = 1 / (1 + exp(-GATE_SHARPNESS (naive - net) / naive)) from the two errors
# discounted by GATE_DECAY (about the last hundred steps): 1 while either is unknown, near 1
# when the network does clearly better than the last value, near 0 when it does clearly worse.
# The network learns its own target as before; only what the estimator predicts is gated, so
# that a network that has not learned yet (or cannot) costs little against the last value.
# Absolute errors, not squared: one large move (a flood in a river's flow) would otherwise
# hold the gate open through a hundred small steps where the network does worse (WaterFlow,
# target alone: MAE 1.04 x the last value's gated on squared errors, 1.00 on absolute ones).
GATE_DECAY = 0.99
GATE_SHARPNESS = 10.0

# --- the classifier's
PREVIOUS_CLASS, CLASS_FEEDBACK_WIDTH = range(2)

# the readout: prediction = GATE (SCALE * output + OFFSET) + CARRY * previous level; the value
# fed back for a predicted level y is (y - FEEDBACK_OFFSET) * FEEDBACK_GAIN and, when
# CHANGE_GAIN is not 0, the change it predicted, (y - OFFSET - CARRY * previous level) *
# CHANGE_GAIN, in the next column. LEVEL is the last target, the previous level of the first
# row.
CARRY, OFFSET, SCALE, FEEDBACK_OFFSET, FEEDBACK_GAIN, CHANGE_GAIN, LEVEL, GATE = range(8)
READOUT_SIZE = 8

LARGEST = np.finfo(np.float64).max
# a value at or above RESCALE_LIMIT (after scaling) lowers its standardiser's scale by steps of
# RESCALE_STEP until it is below RESCALED: its square stays finite, with room for a sum of
# 2**224 of them
RESCALE_LIMIT = 2.0**500
RESCALED = 2.0**400
RESCALE_STEP = 2.0**-100


def new_standardizer(state, at):
    """Set up the standardiser at state[at:at+4]: nothing seen, values unscaled."""
    state[at : at + STANDARDIZER_SIZE] = 0.0
    state[at + DOWN] = 1.0


@njit(**EXACT)
def encode_and_read_out(state, theta, y, feedback, readout, learn):
    """With learn=1: the network's target for the target y, after writing the values fed back
    at this step (those of the previous target) into `feedback` (length 0: not wanted). Then
    (learn=0: only) the readout of the next predictions, from the target state.

    The network learns y itself, or with CHANGE the change y_t - y_{t-1} (0 on the first step);
    with SCALING that quantity is standardised online as River's TargetStandardScaler does: its
    z-score under statistics that include it, kept by Welford's update as River's `stats.Var`
    does it, step for step (ddof=1). The fed-back values are the previous target, standardised
    by the running statistics of y (centred on the first target without scaling), and with
    CHANGE the network's previous target (the change).

    A standardiser holds its values multiplied by DOWN, a power of two lowered when a value
    would make the sum of squares overflow: a product with (or a division by) a power of two is
    exact, so the results are the same bits as without it, and values up to float64's limit
    standardise without overflow.

    One function, compiled without fast-math flags (inlined into a fast-math caller, this
    arithmetic would take its flags), with no helpers: each function numba compiles costs a
    cold start a tenth of a second or so.
    """
    scaling = state[SCALING] != 0.0
    shared = state[SHARED_LEVEL] != 0.0
    level = TARGET_SCALER if shared else LEVEL_SCALER
    target = y
    if learn:
        if state[HAS_OFFSET] == 0.0:
            state[HAS_OFFSET] = 1.0
            state[TARGET_OFFSET] = y
            if not scaling and state[CHANGE] == 0.0:
                # plain mode: the output bias (theta's last entry) starts at the first target,
                # so a series far from zero does not spend thousands of steps walking it there
                theta[theta.shape[0] - 1] = y
        for j in range(feedback.shape[0]):
            feedback[j] = state[FEEDBACK + j]
        if state[CHANGE] != 0.0:  # saturated: two targets near 1e308 can differ by more
            change = y - (state[LAST_TARGET] if state[HAS_LAST] != 0.0 else y)
            target = change if change <= LARGEST else LARGEST
            target = target if target >= -LARGEST else -LARGEST
        quantity = target
        state[STEP_SCALE] = 1.0
        state[FEEDBACK] = y - state[TARGET_OFFSET]
        # the change (or y) into the target's standardiser, y into the level's unless shared;
        # then z-scores under the statistics that include them
        for k in range(2 if scaling else 0):
            at = TARGET_SCALER if k == 0 else LEVEL_SCALER
            value = quantity if k == 0 else y
            if k == 0 or not shared:
                magnitude = abs(value) * state[at + DOWN]
                if magnitude >= RESCALE_LIMIT:
                    while magnitude >= RESCALED:  # at most seven times, near float64's limit
                        magnitude *= RESCALE_STEP
                        state[at + DOWN] *= RESCALE_STEP
                        state[at + MEAN] *= RESCALE_STEP
                        state[at + SUM_SQUARES] *= RESCALE_STEP * RESCALE_STEP
                scaled = value * state[at + DOWN]
                mean_old = state[at + MEAN]
                state[at + COUNT] += 1.0
                state[at + MEAN] += (1.0 / state[at + COUNT]) * (scaled - state[at + MEAN])
                state[at + SUM_SQUARES] += (scaled - mean_old) * (scaled - state[at + MEAN])
            at = TARGET_SCALER if k == 0 else level
            count = state[at + COUNT]
            std = (state[at + SUM_SQUARES] / (count - 1.0)) ** state[HALF] if count > 1.0 else 0.0
            z = (value * state[at + DOWN] - state[at + MEAN]) / std if std != 0.0 else 0.0
            if k == 0:
                target = z
                state[STEP_SCALE] = std / state[at + DOWN]
            else:
                state[FEEDBACK] = z
        if state[FEEDBACK_WIDTH] > 1.0:
            state[FEEDBACK + 1] = target
        if state[CHANGE] != 0.0:  # no change's error: the change itself
            loss = abs(quantity)
            previous = state[NAIVE_LOSS]
            state[NAIVE_LOSS] = loss if previous != previous else (
                GATE_DECAY * previous + (1.0 - GATE_DECAY) * loss)
        state[HAS_LAST] = 1.0
        state[LAST_TARGET] = y

    for j in range(readout.shape[0]):
        readout[j] = 0.0
    readout[SCALE] = readout[FEEDBACK_GAIN] = readout[CHANGE_GAIN] = 1.0
    readout[FEEDBACK_OFFSET] = state[TARGET_OFFSET]
    if state[CHANGE] != 0.0:
        readout[CARRY] = 1.0
        if state[HAS_LAST] != 0.0:
            readout[LEVEL] = state[LAST_TARGET]
        elif scaling:
            readout[LEVEL] = state[level + MEAN] / state[level + DOWN]
        else:
            readout[LEVEL] = state[TARGET_OFFSET]
    for k in range(2 if scaling else 0):
        at = TARGET_SCALER if k == 0 else level
        count = state[at + COUNT]
        std = (state[at + SUM_SQUARES] / (count - 1.0)) ** state[HALF] if count > 1.0 else 0.0
        std /= state[at + DOWN]
        location = state[at + MEAN] / state[at + DOWN]
        if k == 0:
            readout[OFFSET] = location
            readout[SCALE] = std
            readout[CHANGE_GAIN] = 1.0 / std if std != 0.0 else 0.0
        else:
            readout[FEEDBACK_OFFSET] = location
            readout[FEEDBACK_GAIN] = 1.0 / std if std != 0.0 else 0.0
    if state[FEEDBACK_WIDTH] == 1.0:
        readout[CHANGE_GAIN] = 0.0
    readout[GATE] = gate(state)
    return target


@njit(**EXACT)
def gate(state):
    """The share of the predicted change the readout passes on (see GATE_DECAY): 1 without
    change prediction or while either loss is unknown."""
    net, naive = state[NET_LOSS], state[NAIVE_LOSS]
    if state[CHANGE] == 0.0 or net != net or naive != naive or not naive > 0.0:
        return 1.0
    return 1.0 / (1.0 + math.exp(-GATE_SHARPNESS * (naive - net) / naive))


@njit(**EXACT)
def note_losses(state, losses, scales, readout):
    """After learning steps whose losses (the network's, 0.5 (zhat - z)^2 in its standardised
    target's units) are `losses` and whose targets were standardised by `scales`: the
    discounted mean absolute error in the target's own units, and the readout's gate from it
    (a non-finite loss, a dropped step, is left out)."""
    if state[CHANGE] == 0.0:
        return
    for t in range(losses.shape[0]):
        loss = (2.0 * losses[t]) ** 0.5 * scales[t]
        if not abs(loss) < math.inf:
            continue
        previous = state[NET_LOSS]
        state[NET_LOSS] = loss if previous != previous else (
            GATE_DECAY * previous + (1.0 - GATE_DECAY) * loss)
    readout[GATE] = gate(state)


@njit(**JIT)
def encode_regression_targets(state, theta, values, targets, feedback, readout, scales):
    """`encode_and_read_out` for each value in turn (feedback: one row per value), with the
    scale each target was standardised by into `scales`."""
    for t in range(values.shape[0]):
        targets[t] = encode_and_read_out(state, theta, values[t], feedback[t], readout, 1)
        scales[t] = state[STEP_SCALE]


@njit(**JIT)
def write_feedback(head, state, row):
    """Write the values fed back at this step into the block at the end of `row` (empty
    without feedback), changing nothing else."""
    width = np.int64(state[ROW_FEEDBACK] if head == SQUARED_LOSS else state[CLASS_FEEDBACK_WIDTH])
    start = row.shape[0] - width
    if head == SQUARED_LOSS:
        for j in range(width):
            row[start + j] = state[FEEDBACK + j]
    else:
        for j in range(width):
            row[start + j] = 0.0
        previous = np.int64(state[PREVIOUS_CLASS])
        if width > 0 and previous >= 0:
            row[start + previous] = 1.0


@njit(**INLINE)
def encode_one(head, state, theta, targets, row, readout):
    """learn_one's encoding, in the kernel: targets[0] holds the raw target (the regressor's
    value, the classifier's row in the head) and becomes the network's target; the values fed
    back at this step are written into the block at the end of `row`."""
    if head == SQUARED_LOSS:
        width = np.int64(state[ROW_FEEDBACK])
        targets[0] = encode_and_read_out(state, theta, targets[0], row[row.shape[0] - width :],
                                         readout, 1)
    else:
        write_feedback(head, state, row)
        state[PREVIOUS_CLASS] = targets[0]
