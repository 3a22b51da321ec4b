"""The two speed tables `rtrl-river speed` prints (the developer tables in benchmarks/ use them
too): µs per step of each learner against the hidden size, and exact RTRL against the BLAS
product it is built on. Medians, because shared machines are noisy.

Two figures need more than the estimators' public API: the memory of a learner's traces and
the bare kernel's time. `trace_bytes` and `_bare_kernel` are the only places in the command
line that read the estimators' internals; they go with the engine when it changes.
"""

import statistics
import time

import numpy as np
from numba import njit

from .output import print_table


def median_us(function, n_steps, repeats):
    """Median over `repeats` runs of function(), in µs per step."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) / n_steps * 1e6)
    return statistics.median(times)


def synthetic(n_steps, n_features, seed=0):
    """A random regression stream as a pandas DataFrame and Series."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_steps, n_features))
    y = np.tanh(X[:, 0] + np.roll(X[:, 1], 3))
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(n_features)]), pd.Series(y)


@njit(cache=True)
def _blas_product(W_hh, influence, out):
    np.dot(W_hh, influence, out)


def _bare_kernel(model, columns, values, targets):
    """The learning loop of `model` over the rows (targets already encoded), called through
    the engine's one kernel call with no Python around it, and the model's current influence
    matrix. Reads the estimator's engine."""
    from ..engine.calls import learn_call

    engine = model.engine_
    inputs = engine.input_matrix(columns, values)
    n_steps = len(targets)
    rates = engine.optimizer_state.learning_rates(n_steps)
    losses = np.empty(n_steps)

    def bare():
        learn_call(engine, inputs, targets, rates, losses)

    return bare, engine.learner_state.matrix


def trace_bytes(state):
    """Bytes of a learner state's arrays, growable ones with their spare room. Reads the
    estimator's internals (its learner state)."""
    from ..growth import GrowableArray

    total = 0
    for value in vars(state).values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, np.ndarray):
                total += item.nbytes
            elif isinstance(item, GrowableArray):
                total += item.buffer.nbytes
    return total


def learn_many_table(hidden_sizes, n_features, n_steps, repeats, threads=1):
    """µs per step of learn_many, of the bare kernel on the same steps, and of the W_hh @ J
    product the exact RTRL step is built on."""
    from .. import RTRLRegressor

    rows = []
    for n in hidden_sizes:
        X, y = synthetic(n_steps, n_features)
        model = RTRLRegressor(hidden_size=n, seed=0)
        model.learn_many(X.iloc[:2], y.iloc[:2])  # compile, allocate
        values = np.ascontiguousarray(X.to_numpy())
        bare, influence = _bare_kernel(model, list(X.columns), values,
                                       y.to_numpy().astype(float))

        # Interleaved, so both see the same machine; the overhead is the median difference.
        pairs = [
            (median_us(lambda: model.learn_many(X, y), n_steps, 1), median_us(bare, n_steps, 1))
            for _ in range(repeats)
        ]
        many = statistics.median(p[0] for p in pairs)
        kernel = statistics.median(p[1] for p in pairs)
        overhead = statistics.median(p[0] - p[1] for p in pairs)
        W_hh = np.ascontiguousarray(model.params_["W_hh"])
        out = np.empty_like(influence)
        _blas_product(W_hh, influence, out)
        inner = 50
        blas = median_us(lambda: [_blas_product(W_hh, influence, out) for _ in range(inner)],
                         inner, repeats)
        rows.append((
            n, influence.shape[1], f"{many:.2f}", f"{kernel:.2f}", f"{overhead:+.2f}",
            f"{blas:.2f}", f"{kernel / blas:.2f}",
        ))
    print_table(
        ("n", "P", "learn_many µs/step", "kernel µs/step", "overhead µs/step",
         "W_hh@J µs", "kernel / W_hh@J"),
        rows, left=0,
        title=f"learn_many of {n_steps} steps, exact RTRL, {n_features} features, {threads} "
        f"BLAS thread(s), medians of {repeats}",
    )


def _learner_rows(learners):
    """(name, extra estimator settings) per row; SnAp-2 also on a 10%-dense W_hh."""
    rows = []
    for name in learners:
        rows.append((name, {}))
        if name == "snap-2":
            rows.append((name, {"recurrent_density": 0.1}))
    return rows


def learners_table(hidden_sizes, n_features, repeats, learners=None, budget=0.2, times=None):
    """µs per step of each learner against hidden size, its fitted growth exponent in n,
    and the memory its traces hold. Fills and returns `times` (a new dict if None), so a
    caller keeps the timings finished before an interruption."""
    from .. import RTRLRegressor
    from .arguments import LEARNERS

    times = {} if times is None else times
    memory = {}
    for name, extra in _learner_rows(learners or LEARNERS):
        label = name + (f" (density {extra['recurrent_density']})" if extra else "")
        for n in hidden_sizes:
            model = RTRLRegressor(hidden_size=n, learner=name, seed=0, **extra)
            X, y = synthetic(1, n_features)
            model.learn_many(X, y)  # compile, allocate
            start = time.perf_counter()
            model.learn_many(X, y)
            one = time.perf_counter() - start
            n_steps = int(min(2000, max(3, budget / max(one, 1e-6))))
            X, y = synthetic(n_steps, n_features)
            times[label, n] = median_us(lambda: model.learn_many(X, y), n_steps, repeats)
            memory[label, n] = trace_bytes(model.engine_.learner_state)
    labels = list(dict.fromkeys(label for label, _ in times))
    rows = []
    for label in labels:
        costs = [times[label, n] for n in hidden_sizes]
        # fitted on the three largest sizes, where the per-call overhead no longer dominates
        top = slice(-3, None)
        slope = (np.polyfit(np.log(hidden_sizes[top]), np.log(costs[top]), 1)[0]
                 if len(hidden_sizes) > 1 else float("nan"))
        rows.append((label, *(f"{c:.1f}" for c in costs), f"{slope:.2f}",
                     f"{memory[label, hidden_sizes[-1]] / 1024:.0f}"))
    print_table(
        ("learner", *(f"n={n}" for n in hidden_sizes), "exponent", "KiB"), rows, left=0,
        title=f"µs per learn_many step by learner and hidden size n ({n_features} features, "
        "single thread); exponent = slope of log time on log n over the three largest n; "
        "memory of the traces at the largest n",
    )
    return times
