"""The equal-cost truncation window of the evidence studies: the largest TBPTT window whose
River step (predict_one + learn_one) is no slower than exact RTRL's, timed interleaved."""

import time


def seconds_per_step(model, rows, warm=200):
    """Seconds per predict_one + learn_one over `rows` after the first `warm` (learned only:
    kernels compiled, arrays allocated)."""
    for x, y in rows[:warm]:
        model.learn_one(x, y)
    start = time.perf_counter()
    for x, y in rows[warm:]:
        model.predict_one(x)
        model.learn_one(x, y)
    return (time.perf_counter() - start) / (len(rows) - warm)


def equal_cost_window(seconds, windows, rounds):
    """(window, RTRL's seconds, {window: seconds}): `seconds(None)` times exact RTRL and
    `seconds(k)` TBPTT(k); every arm runs once a round, in turn, and keeps its fastest round,
    so that load from other processes does not favour one arm. The largest window no slower
    than RTRL, else the smallest."""
    timings = {key: [] for key in (None, *windows)}
    for _ in range(rounds):
        for key in timings:
            timings[key].append(seconds(key))
    best = {key: min(values) for key, values in timings.items()}
    rtrl = best.pop(None)
    fitting = [k for k, value in best.items() if value <= rtrl]
    return (max(fitting) if fitting else min(windows)), rtrl, best
