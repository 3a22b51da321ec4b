"""The developer speed tables: `python benchmarks/tables.py` (or `python -m benchmarks.tables`
from the repository root) prints medians (µs per step) and ratios. Not part of the package.

Everything runs single-threaded (BLAS too, unless --threads says otherwise) in one process,
so each ratio compares numbers taken under the same conditions. Medians over repeats, because
shared machines are noisy.
"""

import argparse
import statistics
import time

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from rtrl_river.cli.output import print_table
from rtrl_river.cli.speed_tables import (
    learn_many_table,
    learners_table,
    median_us,
    synthetic,
    trace_bytes,
)


def _table(title, header, rows):
    print_table(header, rows, left=0, title=title)



def _per_call_table(title, data, predict, baseline_name, make_baseline, make_rnn, hidden_sizes,
                    repeats, learners=("rtrl", "snap-1")):
    """µs per `predict` + learn_one pair over `data`, for the baseline and the RNN at each n."""

    def run(make):
        def go():
            model = make()
            for x, y in data:
                getattr(model, predict)(x)
                model.learn_one(x, y)

        return go

    # interleaved repeats, so each ratio compares runs under the same load
    runners = {baseline_name: run(make_baseline)}
    for learner in learners:
        for n in hidden_sizes:
            label = f"{learner} n={n}"
            runners[label] = run(lambda n=n, learner=learner: make_rnn(n, learner))
            runners[label]()  # compile and warm up
    times = {label: [] for label in runners}
    for _ in range(repeats):
        for label, go in runners.items():
            times[label].append(median_us(go, len(data), 1))
    baseline = statistics.median(times[baseline_name])
    rows = []
    for label, values in times.items():
        cost = statistics.median(values)
        ratios = [v / b for v, b in zip(values, times[baseline_name])]
        rows.append((label, f"{cost:.1f}", f"{cost / baseline:.2f}",
                     f"{min(ratios):.2f}-{max(ratios):.2f}"))
    _table(f"{predict} + learn_one on {title} ({len(data)} steps), StandardScaler | model",
           ("model", "µs/step", f"x {baseline_name}", "range of ratios"), rows)


def learn_one_table(hidden_sizes, repeats):
    """µs per learn_one on TrumpApproval through StandardScaler, next to River's
    StandardScaler | LinearRegression."""
    from river import datasets, linear_model, preprocessing

    from rtrl_river import RTRLRegressor

    _per_call_table(
        "TrumpApproval", list(datasets.TrumpApproval()), "predict_one", "LinearRegression",
        lambda: preprocessing.StandardScaler() | linear_model.LinearRegression(),
        lambda n, learner: preprocessing.StandardScaler()
        | RTRLRegressor(hidden_size=n, learner=learner, target_feedback=True, seed=0),
        hidden_sizes, repeats,
    )


def classifier_table(hidden_sizes, repeats):
    """µs per predict_proba_one + learn_one on Phishing through StandardScaler, next to
    River's StandardScaler | LogisticRegression."""
    from river import datasets, linear_model, preprocessing

    from rtrl_river import RTRLClassifier

    _per_call_table(
        "Phishing", list(datasets.Phishing()), "predict_proba_one", "LogisticRegression",
        lambda: preprocessing.StandardScaler() | linear_model.LogisticRegression(),
        lambda n, learner: preprocessing.StandardScaler()
        | RTRLClassifier(hidden_size=n, learner=learner, seed=0),
        hidden_sizes, repeats,
    )


@njit(cache=True)
def _triad(x, y, scale):
    for p in range(x.shape[0]):
        x[p] = scale * x[p] + y[p]


def _triad_ns(size, repeats, inner=200):
    """ns per element of x = a x + y over `size` doubles (read two, write one: the least a
    step that touches every parameter's trace can move), in cache, single thread."""
    x, y = np.zeros(size), np.ones(size)
    _triad(x, y, 0.5)
    return median_us(lambda: [_triad(x, y, 0.5) for _ in range(inner)], inner, repeats) * 1e3 / size


def floors_table(hidden_sizes, n_features, repeats, learners=("snap-1", "uoro", "tbptt"),
                 budget=0.2):
    """ns per parameter a learn_many step for the O(P) learners (SGD and Adam), against the
    bandwidth floor: one in-cache triad pass over P doubles."""
    from rtrl_river import RTRLRegressor

    rows = []
    for n in hidden_sizes:
        floor = None
        for learner in learners:
            costs = []
            for optimizer in ("sgd", "adam"):
                model = RTRLRegressor(hidden_size=n, learner=learner, optimizer=optimizer, seed=0)
                X, y = synthetic(2, n_features)
                model.learn_many(X, y)  # compile, allocate
                start = time.perf_counter()
                model.learn_many(X, y)
                one = (time.perf_counter() - start) / 2
                n_steps = int(min(2000, max(5, budget / max(one, 1e-6))))
                X, y = synthetic(n_steps, n_features, seed=1)
                us = median_us(lambda: model.learn_many(X, y), n_steps, repeats)
                n_parameters = model.engine_.network.n_parameters
                costs.append((us, us * 1e3 / n_parameters))
            if floor is None:
                floor = _triad_ns(n_parameters, repeats)
            (sgd_us, sgd_ns), (adam_us, adam_ns) = costs
            rows.append((
                learner, n, n_parameters, f"{sgd_us:.1f}", f"{sgd_ns:.2f}", f"{adam_us:.1f}",
                f"{adam_ns:.2f}", f"{floor:.2f}", f"{sgd_ns / floor:.1f}",
            ))
    _table(
        f"O(P) learners against the bandwidth floor: learn_many, {n_features} features, single "
        f"thread, medians of {repeats}; floor = ns per element of one in-cache triad "
        "(x = a x + y) over P doubles",
        ("learner", "n", "P", "SGD µs/step", "SGD ns/param", "Adam µs/step", "Adam ns/param",
         "floor ns", "SGD / floor"),
        rows,
    )


def _run_fresh(code):
    """stdout of `code` run in a fresh interpreter."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout


def _import_seconds(statement, repeats):
    code = (f"import time; start = time.perf_counter(); {statement}; "
            "print(time.perf_counter() - start)")
    return statistics.median(float(_run_fresh(code).split()[-1]) for _ in range(repeats))


# Where numba's CPU target is ready for a first jitted call: loading it imports numba.np's
# array functions, whose BLAS check imports scipy.linalg (the first kernel call does this).
NUMBA_TARGET = ("import numpy, numba, river.base; from numba.core.registry import cpu_target; "
                "cpu_target.target_context.refresh()")
HEAVY_PACKAGES = ("sklearn", "pandas", "scipy")


def _loaded_modules(statement):
    """How many modules of each package in HEAVY_PACKAGES a fresh process has loaded after
    `statement`."""
    code = (f"{statement}; import sys; "
            f"print(*(sum(m.split('.')[0] == p for m in sys.modules) for p in {HEAVY_PACKAGES!r}))")
    return [int(count) for count in _run_fresh(code).split()[-len(HEAVY_PACKAGES):]]


# A fresh process that counts numba's compilations (every function it compiles: the kernels
# and numba's own implementations they use), runs `statement` and prints its wall and CPU
# seconds (the import of numba included) and that count.
COLD_START = """
import time
wall, cpu = time.perf_counter(), time.process_time()
from numba.core import event


class Compilations(event.Listener):
    count = 0

    def on_start(self, event):
        Compilations.count += 1

    def on_end(self, event):
        pass


event.register("numba:compile", Compilations())
{statement}
print(time.perf_counter() - wall, time.process_time() - cpu, Compilations.count)
"""


def _cold_start(statement, repeats):
    """Medians of wall and CPU seconds of `statement` in fresh processes, each with an empty
    numba cache of its own, and how many functions numba compiled (the last run's count)."""
    import os
    import subprocess
    import sys
    import tempfile

    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            output = subprocess.run(
                [sys.executable, "-c", COLD_START.format(statement=statement)],
                env={**os.environ, "NUMBA_CACHE_DIR": cache}, capture_output=True, text=True,
                check=True,
            ).stdout
        wall, cpu, count = output.split()[-3:]
        runs.append((float(wall), float(cpu), int(count)))
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            runs[-1][2])


def startup_table(repeats):
    """Seconds to import the estimators (warm disk cache), and to their first learn_one with a
    warm numba cache, next to the imports they cannot avoid (numpy, numba, river.base, and
    numba's CPU target, which a first kernel call loads) and scikit-learn's base module, which
    they no longer import; then the modules of scikit-learn, pandas and scipy each step has
    loaded; then the first calls with an empty numba cache, which compile the kernels: wall and
    CPU seconds (compilation runs on one thread, so on a machine shared with other jobs the CPU
    seconds are the steadier figure) and the number of functions numba compiled."""
    one = ("from rtrl_river import RTRLRegressor; m = RTRLRegressor(); "
           "m.predict_one({'a': 1.0}); m.learn_one({'a': 1.0}, 1.0)")
    first = one + "; m.predict_one({'a': 2.0}); m.learn_one({'a': 2.0}, 0.5)"
    _import_seconds(first, 1)  # warm the numba cache
    steps = [
        ("import numpy, numba, river.base", "import numpy, numba, river.base"),
        ("... and numba's CPU target", NUMBA_TARGET),
        ("import sklearn.base", "import sklearn.base"),
        ("from rtrl_river import RTRLRegressor", "from rtrl_river import RTRLRegressor"),
        ("... and two predict_one + learn_one", first),
    ]
    _table(f"Start-up, seconds (fresh processes, medians of {repeats})", ("step", "s"),
           [(label, f"{_import_seconds(code, repeats):.2f}") for label, code in steps])
    _table("Modules loaded after each step (fresh processes)", ("step", *HEAVY_PACKAGES),
           [(label, *_loaded_modules(code)) for label, code in steps])
    # the first predict_one has no network to run yet; the second compiles the predict kernel
    cold = [("import, predict_one + learn_one", one), ("... and a second pair", first)]
    rows = []
    for label, code in cold:
        wall, cpu, count = _cold_start(code, repeats)
        rows.append((label, f"{wall:.2f}", f"{cpu:.2f}", count))
    _table(f"First use with an empty numba cache (fresh processes, medians of {repeats})",
           ("step", "wall s", "CPU s", "compiled"), rows)


def _command_seconds(argv, repeats, cwd=None):
    """Median wall seconds of a fresh `python ARGV` process, interpreter start included."""
    import subprocess
    import sys

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], capture_output=True, check=True, cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def commands_table(repeats, source=None):
    """Wall seconds of `rtrl-river --help` and `--version` in fresh processes (what a user
    waits for), next to the interpreter alone and `import rtrl_river`. `source` is a source
    tree to run them from instead of the installed package (for before/after figures)."""
    steps = [
        ("python -c pass", ["-c", "pass"]),
        ("python -c 'import rtrl_river'", ["-c", "import rtrl_river"]),
        ("python -m rtrl_river --version", ["-m", "rtrl_river", "--version"]),
        ("python -m rtrl_river --help", ["-m", "rtrl_river", "--help"]),
        ("python -m rtrl_river compare --help", ["-m", "rtrl_river", "compare", "--help"]),
    ]
    _command_seconds(steps[-1][1], 1, cwd=source)  # warm the disk cache
    _table(f"Command start-up, wall seconds (fresh processes, medians of {repeats})"
           + (f", from {source}" if source else ""), ("command", "s"),
           [(label, f"{_command_seconds(argv, repeats, cwd=source):.3f}")
            for label, argv in steps])


# The forecaster's series: a random walk (no season: the candidate seasons' members run
# throughout), a monthly season and an hourly one with a weekly pattern (the week's members
# beside the day's), each 1,500 steps of learn_one + forecast(1) after 300 of warm-up.
FORECASTER_TIMING = """
import math, statistics, sys, time
if {source!r}:
    sys.path.insert(0, {source!r})
import numpy as np
from river import time_series
from rtrl_river import RTRLForecaster
rng = np.random.default_rng(0)
series = {{
    "random walk": 100 + np.cumsum(rng.normal(size=1800)),
    "monthly season": [100 + 10 * math.sin(2 * math.pi * t / 12) + rng.normal()
                       for t in range(1800)],
    "hourly, day and week": [100 + 10 * math.sin(2 * math.pi * t / 24)
                             - 10 * ((t // 24) % 7 >= 5) + rng.normal() for t in range(1800)],
}}
def us(model, values):
    for y in values[:300]:  # River's HoltWinters forecasts from two seasons on
        model.learn_one(y)
    start = time.perf_counter()
    for y in values[300:]:
        model.learn_one(y)
        model.forecast(1)
    return (time.perf_counter() - start) / (len(values) - 300) * 1e6
row = {{name: us(RTRLForecaster(seed=0), values) for name, values in series.items()}}
row["HoltWinters (monthly)"] = us(time_series.HoltWinters(0.3, 0.1, 0.6, seasonality=12),
                                  series["monthly season"])
print(repr(row))
"""


def forecaster_table(repeats, source=None):
    """µs per learn_one + forecast(1) of RTRLForecaster() at its defaults, next to River's
    HoltWinters in the same fresh process; with `source` (another source tree) the same in
    fresh processes of that tree, interleaved, and the ratio of the two."""
    import ast

    trees = {"installed": None, **({"source": source} if source else {})}
    runs = {tree: [] for tree in trees}
    for _ in range(repeats):
        for tree, path in trees.items():
            runs[tree].append(ast.literal_eval(
                _run_fresh(FORECASTER_TIMING.format(source=path or "")).strip().splitlines()[-1]))
    header = ["series", *(f"µs/step, {tree}" for tree in trees)]
    if source:
        header.append("installed / source")
    rows = []
    for name in runs["installed"][0]:
        medians = [statistics.median(run[name] for run in runs[tree]) for tree in trees]
        rows.append((name, *(f"{m:.1f}" for m in medians),
                     *([f"{medians[0] / medians[1]:.2f}"] if source else [])))
    _table(f"RTRLForecaster() learn_one + forecast(1) (fresh processes, medians of {repeats})"
           + (f"; source: {source}" if source else ""), header, rows)


# (cell, learner) pairs of the cells table: every learner that applies to each cell. On the
# eLSTM, SnAp-1 and SnAp-2 run RTRL's own diagonal trace (the same kernel), and UORO is not
# offered, so its rows are RTRL and TBPTT.
CELL_LEARNERS = [
    ("elman", "rtrl"), ("elman", "snap-1"), ("elman", "snap-2"), ("elman", "tbptt"),
    ("elman", "uoro"), ("elstm", "rtrl"), ("elstm", "tbptt"), ("lru", "rtrl"), ("lru", "tbptt"),
]


def _learn_one_us(model, rows, repeats):
    """Median µs per learn_one over the dict rows (the model is warmed up first)."""

    def go():
        for x, y in rows:
            model.learn_one(x, y)

    return median_us(go, len(rows), repeats)


def _model_bytes(model):
    """Bytes the model holds in arrays: parameters, optimizer moments and the learner's traces."""
    optimizer = model.engine_.optimizer_state
    return (model.engine_.network.theta.nbytes + optimizer.first_moment.nbytes
            + optimizer.second_moment.nbytes + trace_bytes(model.engine_.learner_state))


def cells_table(hidden_sizes, n_features, repeats, budget=0.3, max_step_ms=30.0):
    """µs per learn_one and per learn_many step for each cell and learner against hidden size,
    the fitted growth exponent in n, and the memory each model holds. A (cell, learner) stops
    at the first n whose single step exceeds `max_step_ms` (Elman RTRL, O(n^4))."""
    from rtrl_river import RTRLRegressor

    one, many, memory = {}, {}, {}
    for cell, learner in CELL_LEARNERS:
        for n in hidden_sizes:
            model = RTRLRegressor(hidden_size=n, cell=cell, learner=learner, seed=0)
            X, y = synthetic(2, n_features)
            model.learn_many(X, y)  # compile, allocate
            start = time.perf_counter()
            model.learn_many(X.iloc[:1], y.iloc[:1])
            step = time.perf_counter() - start
            if step * 1e3 > max_step_ms:
                break
            n_steps = int(min(2000, max(5, budget / max(step, 1e-6))))
            X, y = synthetic(n_steps, n_features, seed=1)
            many[cell, learner, n] = median_us(lambda: model.learn_many(X, y), n_steps, repeats)
            rows = [(dict(zip(X.columns, row)), target)
                    for row, target in zip(X.to_numpy().tolist(), y.tolist())]
            one[cell, learner, n] = _learn_one_us(model, rows, repeats)
            memory[cell, learner, n] = _model_bytes(model)
    rows = []
    for cell, learner in CELL_LEARNERS:
        sizes = [n for n in hidden_sizes if (cell, learner, n) in many]
        if not sizes:
            continue
        top = sizes[-3:]  # the largest sizes, where the per-call overhead no longer dominates
        slope = (np.polyfit(np.log(top), np.log([many[cell, learner, n] for n in top]), 1)[0]
                 if len(top) > 1 else float("nan"))
        cells = []
        for n in hidden_sizes:
            key = (cell, learner, n)
            cells.append(f"{one[key]:.1f} / {many[key]:.1f}" if key in many else "-")
        largest = sizes[-1]
        rows.append((cell, learner, *cells, f"{slope:.2f}",
                     f"{memory[cell, learner, largest] / 1024:.0f} (n={largest})"))
    _table(
        f"µs per learn_one / per learn_many step, by cell, learner and hidden size n "
        f"({n_features} features, Adam, single thread, medians of {repeats}); exponent = slope "
        "of log(learn_many time) on log n over the three largest n run; KiB = parameters, "
        "optimizer moments and traces at the largest n run; '-' = a step over "
        f"{max_step_ms:.0f} ms, not run",
        ("cell", "learner", *(f"n={n}" for n in hidden_sizes), "exponent", "KiB"),
        rows,
    )
    return one, many, memory


def cell_ratio_table(n_features, repeats, n_steps=2000, large=256, small=16,
                     lru=64):
    """One run, interleaved: µs per learn_one, and per predict_one + learn_one (a River
    progressive-validation step), of an eLSTM at n=`large` and an LRU at `lru` modes (its
    default) against an Elman at n=`small`, all exact RTRL at the defaults; with the bytes
    each model holds in arrays."""
    from rtrl_river import RTRLRegressor

    X, y = synthetic(n_steps, n_features, seed=2)
    rows = [(dict(zip(X.columns, row)), target)
            for row, target in zip(X.to_numpy().tolist(), y.tolist())]
    models = {}
    for cell, n in (("elman", small), ("elstm", large), ("lru", lru)):
        models[cell] = RTRLRegressor(hidden_size=n, cell=cell, seed=0)
        for x, target in rows[:5]:
            models[cell].predict_one(x)
            models[cell].learn_one(x, target)  # compile, allocate

    def predict_and_learn(model):
        def go():
            for x, target in rows:
                model.predict_one(x)
                model.learn_one(x, target)
        return median_us(go, len(rows), 1)

    learn = {cell: [] for cell in models}
    both = {cell: [] for cell in models}
    for _ in range(repeats):
        for cell, model in models.items():
            learn[cell].append(_learn_one_us(model, rows, 1))
            both[cell].append(predict_and_learn(model))
    learn = {cell: statistics.median(times) for cell, times in learn.items()}
    both = {cell: statistics.median(times) for cell, times in both.items()}
    sizes = {"elman": small, "elstm": large, "lru": lru}
    _table(
        f"learn_one and predict_one + learn_one, exact RTRL, {n_features} features, {n_steps} "
        f"steps x {repeats} interleaved repeats (medians); KiB = parameters, optimizer moments "
        "and traces",
        ("model", "µs/learn_one", "x elman", "µs/predict+learn", "x elman", "KiB"),
        [(f"{cell} n={sizes[cell]}", f"{learn[cell]:.1f}", f"{learn[cell] / learn['elman']:.2f}",
          f"{both[cell]:.1f}", f"{both[cell] / both['elman']:.2f}",
          f"{_model_bytes(models[cell]) / 1024:.1f}")
         for cell in models],
    )
    return learn["elman"], learn["elstm"]


def _traced_extra(function):
    """The peak traced bytes above those traced before, while function() runs; tracemalloc
    must be tracing."""
    import tracemalloc

    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    function()
    return tracemalloc.get_traced_memory()[1] - before


def growth_table(hidden_sizes, n_features):
    """Peak memory of learn_one calls that bring new feature names, exact RTRL, against the
    size of its two influence matrices: the first names (zero traces), one more name (in the
    reserved room), more names than the room has left, and the previous path on the same
    arrays (the grown copy built beside the old block, then its aligned copy, the old block
    held meanwhile, as that learn_one did). numpy reports its allocations to tracemalloc."""
    import tracemalloc

    from rtrl_river import RTRLRegressor
    from rtrl_river.kernels.arrays import aligned

    X, y = synthetic(8, n_features)
    rows = [(dict(zip(X.columns, row)), target)
            for row, target in zip(X.to_numpy().tolist(), y.tolist())]
    warm = RTRLRegressor(hidden_size=3, seed=0)  # load the kernels before tracing
    for t, (x, target) in enumerate(rows):
        warm.learn_one({**x, **{f"new{t}-{j}": 1.0 for j in range(t * 3)}}, target)
    mib = 2.0**20
    table = []

    def traced(case, model, function):
        state = model.engine_.learner_state
        held = sum(storage.buffer.nbytes for storage in state.storage)
        extra = _traced_extra(function)
        traces = sum(matrix.nbytes for matrix in state.matrices)
        table.append((model.hidden_size, case, f"{traces / mib:.1f}", f"{held / mib:.1f}",
                      f"{extra / mib:.2f}", f"{(held + extra) / traces:.2f}"))

    for n in hidden_sizes:
        tracemalloc.start()
        try:
            model = RTRLRegressor(hidden_size=n, seed=0)
            model._initialize()  # its arrays, before any name
            x, target = rows[0]
            traced("first names, zero traces", model, lambda: model.learn_one(x, target))
            for x, target in rows[1:3]:
                model.learn_one(x, target)
            x, target = rows[3]
            traced("no new name", model, lambda: model.learn_one(x, target))
            # the previous path, on the 2 x n x P block it held
            state, net = model.engine_.learner_state, model.engine_.network
            block = np.stack(state.matrices)
            position = len(model.feature_index_)
            extra = _traced_extra(lambda: aligned(net.insert_input_columns(block, position, 1)))
            size = block.nbytes
            table.append((n, "one new name, built anew (previous path)", f"{size / mib:.1f}",
                          f"{size / mib:.1f}", f"{extra / mib:.2f}",
                          f"{(size + extra) / size:.2f}"))
            block = None  # let the old block go before the next steps are traced
            x, target = rows[4]
            traced("one new name, in the room", model,
                   lambda: model.learn_one({**x, "late": 1.0}, target))
            storage = state.storage[0]
            left = (storage.capacity - storage.size) // (n * net.recurrent_per_input)
            names = {f"later{j}": 1.0 for j in range(left + 1)}
            x, target = rows[5]
            traced(f"{left + 1} new names, past the room", model,
                   lambda: model.learn_one({**x, **names}, target))
        finally:
            tracemalloc.stop()
    _table(
        f"Memory of a learn_one that brings new feature names, exact RTRL, {n_features} "
        "features and the fed-back target. traces = the two (n+1) x P influence buffers after the "
        "step; held = their buffers before it, with their spare room; extra = tracemalloc's "
        "peak during the step above what was held; x = (held + extra) / traces",
        ("n", "step", "traces MiB", "held MiB", "extra MiB", "x traces"),
        table,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python benchmarks/tables.py",
        description="Print speed tables (medians, µs per step) for rtrl_river.",
    )
    parser.add_argument("--hidden-sizes", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--features", type=int, default=4, help="inputs of the synthetic stream")
    parser.add_argument("--steps", type=int, default=1000, help="rows per learn_many call")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads (exact RTRL's W_hh @ J); every other kernel runs on one")
    parser.add_argument(
        "--tables", nargs="+", default=["learn_one", "classifier", "learn_many"],
        choices=["learn_one", "classifier", "learn_many", "learners", "cells", "cell_ratio",
                 "floors", "startup", "commands", "growth", "forecaster"],
        help="which tables to print (learners: every gradient estimator against n; cells: "
        "both cells and every learner that applies against n; cell_ratio: an eLSTM at n=256 "
        "and an LRU at 64 modes against an Elman at n=16; floors: the O(P) learners in ns per "
        "parameter against a bandwidth floor; startup: import and first-call seconds, warm "
        "and with an empty numba cache; commands: seconds of rtrl-river --help and --version; "
        "growth: peak memory of a step that brings new feature names, exact RTRL, against its "
        "traces; forecaster: RTRLForecaster() a step on three series, next to HoltWinters)",
    )
    parser.add_argument("--source", default=None, metavar="DIR",
                        help="commands and forecaster tables: run them from this source tree "
                        "too (forecaster: beside the installed package, with the ratio)")
    args = parser.parse_args(argv)
    with threadpool_limits(args.threads):
        if "learn_one" in args.tables:
            learn_one_table(args.hidden_sizes, args.repeats)
        if "classifier" in args.tables:
            classifier_table(args.hidden_sizes, args.repeats)
        if "learn_many" in args.tables:
            learn_many_table(args.hidden_sizes, args.features, args.steps, args.repeats,
                             args.threads)
        if "learners" in args.tables:
            learners_table(args.hidden_sizes, args.features, args.repeats)
        if "cells" in args.tables:
            cells_table(args.hidden_sizes, args.features, args.repeats)
        if "cell_ratio" in args.tables:
            cell_ratio_table(args.features, args.repeats)
        if "floors" in args.tables:
            floors_table(args.hidden_sizes, args.features, args.repeats)
        if "growth" in args.tables:
            growth_table(args.hidden_sizes, args.features)
    if "startup" in args.tables:
        startup_table(args.repeats)
    if "commands" in args.tables:
        commands_table(args.repeats, args.source)
    if "forecaster" in args.tables:
        forecaster_table(args.repeats, args.source)


if __name__ == "__main__":
    main()
