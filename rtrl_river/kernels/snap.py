"""SnAp-n: the influence matrix restricted to the entries reachable within n steps."""

from typing import NamedTuple

import numpy as np
from numba import njit

from .cells.elman import elman_blocks, recurrent_matrix, unit_parameter
from .driver import trace_reset, trace_update
from .jit import INLINE, JIT
from .network import copy_into


class SnApTraces(NamedTuple):
    """The kept part of J, stored unit by unit.

    The parameters of unit i are row i of [W_hh | W_xh | b_h] (m = n+d+1 of them). Only the
    units in kept_units[kept_offsets[i]:kept_offsets[i+1]] keep an influence row for them:
    values[r] is the row J[kept_units[r], params of unit i].
    """

    kept_units: np.ndarray  # int64, total kept
    kept_offsets: np.ndarray  # int64, n + 1
    values: np.ndarray  # total kept x m
    scratch: np.ndarray  # (most units kept for one i) x m


@njit(**INLINE)
def snap1_update(W_hh, values, hidden_prev, inputs, hidden, hidden_error, gradient):
    """SnAp-1: unit i keeps only J[i, its own parameters], so J_t = diag(1 - h_t^2)
    (diag(W_hh) J_{t-1} + I_t) row by row, in place, with the gradient written in the same
    pass: the general update's numbers, O(P), no scratch copy. The sum and the scaling stay
    separate operations, as there; a zero weight is skipped (its product with an infinite
    trace would be NaN), by a test outside the loops so that they vectorise."""
    n, d = hidden.shape[0], inputs.shape[0]
    G_hh, G_xh, g_b = elman_blocks(gradient, n, d)
    for i in range(n):
        weight = W_hh[i, i]
        slope = 1.0 - hidden[i] * hidden[i]
        error = hidden_error[i]
        g_hh, g_xh = G_hh[i], G_xh[i]
        if weight != 0.0:
            for j in range(n):
                value = (weight * values[i, j] + hidden_prev[j]) * slope
                values[i, j] = value
                g_hh[j] = error * value
            for j in range(d):
                value = (weight * values[i, n + j] + inputs[j]) * slope
                values[i, n + j] = value
                g_xh[j] = error * value
            value = (weight * values[i, n + d] + 1.0) * slope
        else:
            for j in range(n):
                value = hidden_prev[j] * slope
                values[i, j] = value
                g_hh[j] = error * value
            for j in range(d):
                value = inputs[j] * slope
                values[i, n + j] = value
                g_xh[j] = error * value
            value = slope
        values[i, n + d] = value
        g_b[i] = error * value


@trace_reset(SnApTraces)
@njit(**JIT)
def snap_reset(traces):
    traces.values[:] = 0.0


@trace_update(SnApTraces)
@njit(**JIT)
def snap_update(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """J_t = (diag(1 - h_t^2) (W_hh J_{t-1} + I_t)) restricted to the kept pattern.

    For unit i's parameters only kept rows are read and written, so the cost is the sum over
    units of (kept rows)^2 x m, not n^4; with one kept row per unit (SnAp-1) it is O(P).
    """
    n, d = hidden.shape[0], inputs.shape[0]
    m = n + d + 1
    W_hh = recurrent_matrix(network.theta, n)
    kept, offsets = traces.kept_units, traces.kept_offsets
    values, scratch = traces.values, traces.scratch
    if scratch.shape[0] == 1:  # one kept row per unit, its own (SnAp-1): one fused pass
        snap1_update(W_hh, values, hidden_prev, inputs, hidden, hidden_error, gradient)
        return
    for i in range(n):
        start, stop = offsets[i], offsets[i + 1]
        for a in range(stop - start):
            k = kept[start + a]
            row = scratch[a]
            row[:] = 0.0
            for b in range(stop - start):
                weight = W_hh[k, kept[start + b]]
                if weight != 0.0:
                    source = values[start + b]
                    for j in range(m):
                        row[j] += weight * source[j]
            if k == i:
                for j in range(n):
                    row[j] += hidden_prev[j]
                for j in range(d):
                    row[n + j] += inputs[j]
                row[n + d] += 1.0
            slope = 1.0 - hidden[k] * hidden[k]
            for j in range(m):
                row[j] *= slope
        for j in range(m):
            gradient[unit_parameter(i, j, n, d)] = 0.0
        for a in range(stop - start):
            copy_into(values[start + a], scratch[a])
            weight = hidden_error[kept[start + a]]
            for j in range(m):
                gradient[unit_parameter(i, j, n, d)] += weight * scratch[a, j]
