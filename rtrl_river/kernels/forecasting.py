"""The forecaster's smoothing components and their combination, a step at a time.

The arithmetic of `rtrl_river.forecasting.SmoothingBank` and `Combination`, whose docstrings
say what it computes; here as loops over small arrays, each call a microsecond or two where
the same in numpy took tens (one numpy call costs about a microsecond, and these are dozens
of them on arrays of ten numbers).
"""

import math

import numpy as np
from numba import njit

from .jit import INLINE, JIT

# The slots of a bank's `counters`: the values seen, whether all were positive, the bank's
# season (each member's own is in its constants), and mean reversion's statistics.
T, POSITIVE, FILLED, COUNT, MEAN, SQUARES, PRODUCTS, LAST = range(8)
COUNTERS = 8
LARGEST_LOG = 700.0  # exp of more overflows


@njit(**INLINE)
def member_period(constants, i, width):
    """Member i's season (constants row 4; 0: none), at most `width`, the season arrays'."""
    return min(np.int64(constants[4, i]), width)


# The smoothing constants a member learns (constants rows alpha, beta and gamma), and Adam's
# decay of its first and second moments of their gradients.
LEARNED = (0, 1, 3)
FIRST_DECAY, SECOND_DECAY = 0.9, 0.99
# The constants' logits stay within this, the constants within [0.00247, 0.99753].
LARGEST_LOGIT = 6.0
# Sensitivities beyond this (a recursion that learned its way out of its stable region) start
# again from zero.
LARGEST_SENSITIVITY = 1e100


@njit(**JIT)
def bank_learn(constants, log, level, trend, season, start, counters, sensitivity, moments,
               steps, y):
    """Advance every member of the bank by the value y. constants: rows alpha, beta, phi,
    gamma, the member's season m (0: none) and the rate at which it learns alpha, beta and
    gamma (0: they stay); season (members x M) and start (M x members) with M >= 1 the
    longest of the members' seasons (1 without any). A non-seasonal member starts at the first
    value; a seasonal one at the mean of its first season, with its deviations as seasons.

    A member that learns keeps the derivatives of its level, trend and season terms by each of
    the three constants (sensitivity: members x (2 + M) x 3) and moves the constants' logits
    by Adam (moments: members x 2 x 3; steps: how many steps each has taken) down the
    gradient of its one-step squared error."""
    count = counters[COUNT] + 1.0
    counters[COUNT] = count
    if count > 1.0:
        delta = y - counters[MEAN]
        counters[MEAN] += delta / count
        counters[SQUARES] += delta * (y - counters[MEAN])
        counters[PRODUCTS] += (counters[LAST] - counters[MEAN]) * (y - counters[MEAN])
    else:
        counters[MEAN] = y
    counters[LAST] = y
    if counters[POSITIVE] != 0.0 and not y > 0.0:
        counters[POSITIVE] = 0.0
    logged = math.log(y) if counters[POSITIVE] != 0.0 else 0.0
    members, width = level.shape[0], min(season.shape[1], start.shape[0])
    t = np.int64(counters[T])
    for i in range(members):
        value = logged if log[i] != 0.0 else y
        period = member_period(constants, i, width)
        if period > 0 and t < period:  # the first season: kept, then the start
            start[t, i] = value
            if t == period - 1:
                total = 0.0
                for j in range(period):
                    total += start[j, i]
                level[i] = total / period
                for j in range(period):
                    season[i, j] = start[j, i] - level[i]
            continue
        if period == 0 and t == 0:
            level[i] = value
            continue
        alpha, beta, phi, gamma = constants[0, i], constants[1, i], constants[2, i], constants[3, i]
        column = t % period if period > 0 else 0
        s = season[i, column] if period > 0 else 0.0
        error = value - (level[i] + phi * trend[i] + s)
        level[i] += phi * trend[i] + alpha * error
        trend[i] = phi * trend[i] + beta * error
        if period > 0:
            season[i, column] = s + gamma * error
        if constants[5, i] > 0.0:
            steps[i] += 1.0
            learn_constants(constants, sensitivity, moments, i, column + 2 if period > 0 else 0,
                            error, steps[i])
    counters[T] = t + 1


@njit(**INLINE)
def learn_constants(constants, sensitivity, moments, i, row, error, steps):
    """Member i's step of learning its smoothing constants, after its update by `error` (the
    error of its forecast, made with the constants as they are): the sensitivities carried
    forward by the recursion's derivative, then one Adam step on the logits (`steps`: how
    many it has taken, this one included). row: the season term updated (0: none)."""
    alpha, beta, phi, gamma = constants[0, i], constants[1, i], constants[2, i], constants[3, i]
    finite = True
    for p in range(3):
        base = sensitivity[i, 0, p] + phi * sensitivity[i, 1, p]
        forecast = base + sensitivity[i, row, p] if row > 0 else base
        # d error / d constant = -d forecast; the constant's own term enters its state
        level = base - alpha * forecast + (error if p == 0 else 0.0)
        trend = phi * sensitivity[i, 1, p] - beta * forecast + (error if p == 1 else 0.0)
        if row > 0:
            s = sensitivity[i, row, p] - gamma * forecast + (error if p == 2 else 0.0)
            sensitivity[i, row, p] = s
            finite &= abs(s) < LARGEST_SENSITIVITY
        sensitivity[i, 0, p] = level
        sensitivity[i, 1, p] = trend
        finite &= abs(level) < LARGEST_SENSITIVITY and abs(trend) < LARGEST_SENSITIVITY
        # the gradient of error^2 / 2 by the constant's logit u (d constant / d u = c (1 - c))
        constant = constants[LEARNED[p], i]
        gradient = -error * forecast * constant * (1.0 - constant)
        if not abs(gradient) < math.inf:
            continue
        first = FIRST_DECAY * moments[i, 0, p] + (1.0 - FIRST_DECAY) * gradient
        second = SECOND_DECAY * moments[i, 1, p] + (1.0 - SECOND_DECAY) * gradient * gradient
        if not second < math.inf:
            continue
        moments[i, 0, p], moments[i, 1, p] = first, second
        corrected = math.sqrt(second / (1.0 - SECOND_DECAY ** steps))
        if not corrected > 0.0:
            continue
        step = constants[5, i] * first / (1.0 - FIRST_DECAY ** steps) / corrected
        logit = math.log(constant / (1.0 - constant)) - step
        logit = min(max(logit, -LARGEST_LOGIT), LARGEST_LOGIT)
        constants[LEARNED[p], i] = 1.0 / (1.0 + math.exp(-logit))
    if not finite:
        sensitivity[i] = 0.0


@njit(**JIT)
def bank_ready(constants, log, counters, ready):
    """Which members forecast: a seasonal one after its first season, the others after one
    value (log ones while the series is positive); mean reversion (the last) after three."""
    t = counters[T]
    positive = counters[POSITIVE] != 0.0
    for i in range(log.shape[0]):
        started = t >= max(constants[4, i], 1.0)  # its season, or one value
        ready[i] = started and (log[i] == 0.0 or positive)
    ready[log.shape[0]] = counters[COUNT] >= 3.0


@njit(**JIT)
def bank_forecast(constants, log, level, trend, season, counters, ready, out):
    """Every member's forecasts of the next out.shape[1] values into out (members + 1 rows:
    the bank's, then mean reversion's); a member not ready gives the last value."""
    members, width, horizon = level.shape[0], season.shape[1], out.shape[1]
    t = np.int64(counters[T])
    last = counters[LAST]
    for i in range(members):
        phi = constants[2, i]
        period = member_period(constants, i, width)
        power, damped = 1.0, 0.0
        for k in range(horizon):
            if not ready[i]:
                out[i, k] = last
                continue
            power *= phi
            damped += power
            value = level[i] + damped * trend[i]
            if period > 0:
                value += season[i, (t + k) % period]
            out[i, k] = math.exp(min(value, LARGEST_LOG)) if log[i] != 0.0 else value
    squares = counters[SQUARES]
    phi = counters[PRODUCTS] / squares if squares > 0.0 else 1.0
    if phi != phi:  # both sums beyond float64 (values of 1e155 and more): the last value
        phi = 1.0
    phi = min(max(phi, 0.0), 0.999)
    deviation = last - counters[MEAN]
    for k in range(horizon):
        deviation *= phi
        out[members, k] = counters[MEAN] + deviation if ready[members] else last


@njit(**JIT)
def combination_update(made, position, scores, scale, last, decay, largest, y):
    """Score against y the forecast each member made 1..H steps ago (made: a ring of H
    members x H arrays, position the slot of the next record; NaN: none made)."""
    horizons, members = scores.shape
    for k in range(1, horizons + 1):
        slot = (position - k) % horizons
        reference = made[slot, last, k - 1]
        if reference != reference:
            continue
        error = (reference - y) ** 2
        scale[k - 1] = error if scale[k - 1] != scale[k - 1] else (
            decay * scale[k - 1] + (1.0 - decay) * error)
        divisor = scale[k - 1] if scale[k - 1] > 0.0 else 1.0
        worst = -math.inf
        for i in range(members):
            if scores[k - 1, i] == scores[k - 1, i]:
                worst = max(worst, scores[k - 1, i])
        worst = worst if worst > -math.inf else 1.0
        for i in range(members):
            forecast = made[slot, i, k - 1]
            if forecast != forecast:
                continue
            relative = min((forecast - y) ** 2 / divisor, largest)
            if not relative < math.inf:
                relative = largest
            previous = scores[k - 1, i] if scores[k - 1, i] == scores[k - 1, i] else worst
            scores[k - 1, i] = decay * previous + (1.0 - decay) * relative


@njit(**JIT)
def combination_weights(scores, available, sharpness, out):
    """Row k of out: the weights at horizon k + 1 (horizons beyond the scores' use the last
    row; a horizon with no score, the first row's), exp(-sharpness x score) relative to the
    best among the available members, a member not scored yet at the worst; 0 elsewhere."""
    horizons, members = scores.shape
    for k in range(out.shape[0]):
        row = min(k, horizons - 1)
        scored = False
        for i in range(members):
            if available[i] and scores[row, i] == scores[row, i]:
                scored = True
        if not scored:
            row = 0
        best, worst = math.inf, -math.inf
        for i in range(members):
            value = scores[row, i]
            if available[i] and value == value:
                best = min(best, value)
                worst = max(worst, value)
        total = 0.0
        for i in range(members):
            if not available[i]:
                out[k, i] = 0.0
                continue
            value = scores[row, i] if scores[row, i] == scores[row, i] else worst
            weight = math.exp(-sharpness * (value - best)) if best < math.inf else 1.0
            out[k, i] = weight
            total += weight
        for i in range(members):
            out[k, i] /= total


@njit(**JIT)
def autoregression_learn(weights, inverse, lags, counters, forgetting, y):
    """One step of recursive least squares for an AR(p) on the standardised series (the bank's
    running mean and deviation): weights (p lags, then an intercept), inverse (the inverse of
    their weighted covariance, (p+1) x (p+1)), lags (the last p values, latest first). Call
    after `bank_learn` has counted y. The inverse is kept bounded (its trace at most 1e4), so
    that forgetting without new information cannot make it blow up."""
    p = lags.shape[0]
    count = counters[COUNT]
    if count > p + 1.0 and 0.0 < counters[SQUARES] < math.inf:
        mean = counters[MEAN]
        scale = (counters[SQUARES] / (count - 1.0)) ** 0.5
        size = p + 1
        x = np.empty(size)
        for i in range(p):
            x[i] = (lags[i] - mean) / scale
        x[p] = 1.0
        projected = inverse @ x
        denominator = forgetting + x @ projected
        error = (y - mean) / scale - weights @ x
        trace = 0.0
        for i in range(size):
            weights[i] += projected[i] / denominator * error
            for j in range(size):
                shrunk = inverse[i, j] - projected[i] * projected[j] / denominator
                inverse[i, j] = shrunk / forgetting
            trace += inverse[i, i]
        if trace > 1e4:
            for i in range(size):
                for j in range(size):
                    inverse[i, j] *= 1e4 / trace
    for i in range(p - 1, 0, -1):
        lags[i] = lags[i - 1]
    lags[0] = y


@njit(**JIT)
def autoregression_forecast(weights, lags, counters, out):
    """The AR(p)'s forecasts of the next out.shape[0] values, each fed back as a lag; every
    standardised forecast kept within 10 deviations of the mean."""
    p = lags.shape[0]
    count = counters[COUNT]
    mean = counters[MEAN]
    scale = (counters[SQUARES] / (count - 1.0)) ** 0.5 if count > 1.0 else 0.0
    if not 0.0 < scale < math.inf:  # no spread yet, or one beyond float64: the last value
        for k in range(out.shape[0]):
            out[k] = counters[LAST]
        return
    history = np.empty(p)
    for i in range(p):
        history[i] = (lags[i] - mean) / scale
    for k in range(out.shape[0]):
        z = weights[p]
        for i in range(p):
            z += weights[i] * history[i]
        z = min(max(z, -10.0), 10.0)
        for i in range(p - 1, 0, -1):
            history[i] = history[i - 1]
        history[0] = z
        out[k] = mean + scale * z
