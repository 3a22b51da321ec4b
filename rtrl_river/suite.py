"""The quality suite: progressive validation of the estimators at their defaults, beside the
models a River user would pick instead, on real series, memory tasks and exchangeable rows.

    rtrl-river suite [--learners rtrl snap-1 tbptt uoro elstm-64] [--seeds 3] [--out DIR]

Every RTRL entry is `StandardScaler() | RTRLRegressor(learner=..., seed=...)` (or
`RTRLClassifier`): defaults only, the same for every stream.
"""

import collections
import csv
import math
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

SERIES, MEMORY, CLASSES, FORECAST = "series", "memory", "classification", "forecast"
# The RTRL entries: every learner on the default Elman cell, and the eLSTM at the hidden size
# whose learn_one costs about what the Elman default's does (exact RTRL on it is O(n d)).
MODELS = {
    "rtrl": {"learner": "rtrl"},
    "snap-1": {"learner": "snap-1"},
    "snap-2": {"learner": "snap-2"},
    "tbptt": {"learner": "tbptt"},
    "uoro": {"learner": "uoro"},
    "elstm-64": {"cell": "elstm", "hidden_size": 64},
}
LEARNERS = ["rtrl", "snap-1", "tbptt", "uoro", "elstm-64"]


# ------------------------------------------------------------------ streams


def _target_only(dataset):
    """A univariate series whose only feature is a timestamp: the model sees the series
    through its fed-back target alone."""
    return [({}, float(y)) for _, y in dataset]


def _river(name):
    def make(seed):
        from river import datasets

        return list(getattr(datasets, name)())

    return make


def _series(name, drift=False):
    def make(seed):
        from river import datasets
        from river.drift import datasets as drift_datasets

        return _target_only(getattr(drift_datasets if drift else datasets, name)())

    return make


def _delayed_recall(delay):
    def make(seed):
        from .datasets import DelayedRecall

        return list(DelayedRecall(delay=delay, n_steps=20_000, seed=seed, distribution="gaussian"))

    return make


def _narma(seed):
    from .datasets import NARMA10

    return list(NARMA10(n_steps=20_000, seed=seed))


def _mackey_glass(seed):
    from .datasets import MackeyGlass

    return list(MackeyGlass(n_steps=20_000, seed=seed))


def _add_task(lag1, lag2):
    def make(seed):
        from .datasets import AddTask

        return list(AddTask(lag1=lag1, lag2=lag2, n_steps=50_000, seed=seed))

    return make


def _river_series(name, drift=False):
    """A series as River's forecasting protocol takes it: (x, y) with x as it comes."""

    def make(seed):
        from river import datasets
        from river.drift import datasets as drift_datasets

        return list(getattr(drift_datasets if drift else datasets, name)())

    return make


@dataclass(frozen=True)
class Task:
    """A stream and how it is scored: MAE from the second sample (series), NMSE or log-loss
    over the last quarter (memory tasks), log-loss over every sample (classification), MAE
    averaged over the horizon under River's forecasting protocol (forecasts)."""

    name: str
    kind: str
    make: Callable
    metric: str
    synthetic: bool = False
    seasonality: int = 0
    horizon: int = 0

    @property
    def classification(self):
        return self.metric == "log-loss"


TASKS = [
    Task("TrumpApproval", SERIES, _river("TrumpApproval"), "MAE"),
    Task("ChickWeights", SERIES, _river("ChickWeights"), "MAE"),
    Task("SP500Stocks", SERIES, _river("SP500Stocks"), "MAE"),
    Task("AirlinePassengers", SERIES, _series("AirlinePassengers"), "MAE", seasonality=12),
    Task("WaterFlow", SERIES, _series("WaterFlow"), "MAE"),
    Task("Bitcoin", SERIES, _series("Bitcoin", drift=True), "MAE"),
    Task("BrentSpotPrice", SERIES, _series("BrentSpotPrice", drift=True), "MAE"),
    Task("AirlinePassengers (drift)", SERIES, _series("AirlinePassengers", drift=True), "MAE",
         seasonality=12),
    Task("delayed recall, lag 5", MEMORY, _delayed_recall(5), "NMSE", synthetic=True),
    Task("delayed recall, lag 10", MEMORY, _delayed_recall(10), "NMSE", synthetic=True),
    Task("NARMA-10", MEMORY, _narma, "NMSE", synthetic=True),
    Task("Mackey-Glass", MEMORY, _mackey_glass, "NMSE", synthetic=True),
    Task("add task (3, 8)", MEMORY, _add_task(3, 8), "log-loss", synthetic=True),
    Task("delayed recall, lag 20", MEMORY, _delayed_recall(20), "NMSE", synthetic=True),
    Task("delayed recall, lag 50", MEMORY, _delayed_recall(50), "NMSE", synthetic=True),
    Task("delayed recall, lag 100", MEMORY, _delayed_recall(100), "NMSE", synthetic=True),
    Task("add task (10, 30)", MEMORY, _add_task(10, 30), "log-loss", synthetic=True),
    Task("AirlinePassengers, h=12", FORECAST, _river_series("AirlinePassengers"), "MAE@h",
         seasonality=12, horizon=12),
    Task("WaterFlow, h=24", FORECAST, _river_series("WaterFlow"), "MAE@h", horizon=24),
    Task("AirlinePassengers (drift), h=12", FORECAST,
         _river_series("AirlinePassengers", drift=True), "MAE@h", seasonality=12, horizon=12),
    Task("Phishing", CLASSES, _river("Phishing"), "log-loss"),
    Task("Bananas", CLASSES, _river("Bananas"), "log-loss"),
    Task("ImageSegments", CLASSES, _river("ImageSegments"), "log-loss"),
]


# ------------------------------------------------------------------ baselines


class LaggedTargets:
    """A River regressor that also sees the last `lags` targets as features y-1, y-2, ..."""

    def __init__(self, regressor, lags=3):
        self.regressor = regressor
        self.history = collections.deque(maxlen=lags)

    def _with_lags(self, x):
        return {**x, **{f"y-{k + 1}": y for k, y in enumerate(self.history)}}

    def predict_one(self, x):
        return self.regressor.predict_one(self._with_lags(x))

    def learn_one(self, x, y):
        self.regressor.learn_one(self._with_lags(x), y)
        self.history.appendleft(y)


class OneStepForecaster:
    """A River forecaster as a one-step-ahead regressor; the last value until it can forecast."""

    def __init__(self, forecaster):
        self.forecaster = forecaster
        self.last = None

    def predict_one(self, x):
        try:
            return self.forecaster.forecast(horizon=1)[0]
        except (IndexError, ValueError, ZeroDivisionError):
            return self.last

    def learn_one(self, x, y):
        self.forecaster.learn_one(y)
        self.last = y


class LastValueForecaster:
    """Every step ahead is the last value seen."""

    def __init__(self):
        self.last = None

    def learn_one(self, y, x=None):
        self.last = y

    def forecast(self, horizon, xs=None):
        return [self.last] * horizon


class SeriesOnly:
    """A River forecaster fed the series alone: the track datasets' x holds a datetime, which
    SNARIMAX would pass to its linear regression."""

    def __init__(self, forecaster):
        self.forecaster = forecaster

    def learn_one(self, y, x=None):
        self.forecaster.learn_one(y)

    def forecast(self, horizon, xs=None):
        return self.forecaster.forecast(horizon)


def baselines(task):
    """What a River user would pick instead, by name."""
    from river import dummy, linear_model, preprocessing, stats, time_series

    if task.kind == FORECAST:
        # River's documented recipes (its HoltWinters and SNARIMAX docstrings), seasonality 12
        return {
            "last value": LastValueForecaster,
            "holt-winters": lambda: time_series.HoltWinters(
                alpha=0.3, beta=0.1, gamma=0.6, seasonality=12, multiplicative=True),
            "snarimax": lambda: SeriesOnly(time_series.SNARIMAX(p=12, d=1, q=12, m=12, sd=1)),
        }

    if task.classification:
        linear = linear_model.SoftmaxRegression if task.name == "ImageSegments" else linear_model.LogisticRegression
        return {
            "majority": lambda: dummy.PriorClassifier(),
            "logistic": lambda: preprocessing.StandardScaler() | linear(),
        }
    models = {
        "last value": lambda: dummy.StatisticRegressor(stats.Shift(0)),
        "mean": lambda: dummy.StatisticRegressor(stats.Mean()),
        "linreg 3 lags": lambda: preprocessing.TargetStandardScaler(LaggedTargets(
            preprocessing.StandardScaler() | linear_model.LinearRegression()
        )),
    }
    if task.seasonality:
        models["holt-winters"] = lambda: OneStepForecaster(time_series.HoltWinters(
            alpha=0.3, beta=0.1, gamma=0.6, seasonality=task.seasonality, multiplicative=True))
    return models


def rtrl_model(task, name, seed, **settings):
    """StandardScaler | the estimator of the suite's entry `name`, at its defaults (for a
    forecast, RTRLForecaster told the series' season)."""
    from river import preprocessing

    from . import RTRLClassifier, RTRLForecaster, RTRLRegressor

    if task.kind == FORECAST:
        return RTRLForecaster(seed=seed, seasonality=task.seasonality,
                              **{**MODELS[name], **settings})

    estimator = RTRLClassifier if task.classification else RTRLRegressor
    return preprocessing.StandardScaler() | estimator(seed=seed, **{**MODELS[name], **settings})


# ------------------------------------------------------------------ scoring


def forecasting(task, rows, model):
    """River's forecasting protocol: MAE averaged over the horizon."""
    from river import evaluate, metrics

    score = evaluate.evaluate(rows, model, metrics.MAE(), horizon=task.horizon,
                              agg_func=statistics.mean).get()
    return {"score": score, "finite": math.isfinite(score), "accuracy": None}


def progressive(task, rows, model):
    """Predict each sample, then learn it; the task's score and whether every prediction was
    finite."""
    if task.kind == FORECAST:
        return forecasting(task, rows, model)
    n = len(rows)
    scored_from = 1 if task.kind == SERIES else (3 * n) // 4 if task.kind == MEMORY else 0
    errors, targets, finite, correct, counted = [], [], True, 0, 0
    for i, (x, y) in enumerate(rows):
        if task.classification:
            probabilities = model.predict_proba_one(x)
            if i >= scored_from and probabilities:
                finite &= all(math.isfinite(p) for p in probabilities.values())
                p = probabilities.get(y, 0.0)
                errors.append(-math.log(min(max(p, 1e-15), 1.0)))
                correct += max(probabilities, key=probabilities.get) == y
                counted += 1
        else:
            prediction = model.predict_one(x)
            if i >= scored_from:
                if prediction is None:
                    prediction = math.nan if task.kind == MEMORY else None
                if prediction is not None:
                    finite &= math.isfinite(prediction)
                    errors.append(prediction - y)
                    targets.append(y)
        model.learn_one(x, y)
    errors = np.asarray(errors, dtype=float)
    if task.metric == "MAE":
        score = float(np.mean(np.abs(errors)))
    elif task.metric == "NMSE":
        score = float(np.mean(errors**2) / np.var(targets))
    else:
        score = float(np.mean(errors))
    return {"score": score, "finite": bool(finite) and math.isfinite(score),
            "accuracy": correct / counted if counted else None}


def weights_finite(model):
    if hasattr(model, "regressor_"):  # RTRLForecaster
        model = model.regressor_
    estimator = model[-1] if hasattr(model, "steps") else model
    try:
        params = estimator.params_
    except AttributeError:  # a baseline, or a model that never learned
        return True
    return all(bool(np.isfinite(block).all()) for block in params.values())


def run_one(job):
    """One (task, model, seed) run; returns a result row."""
    task_name, model_name, seed, settings = job
    task = next(t for t in TASKS if t.name == task_name)
    rows = task.make(seed if task.synthetic else 0)
    if model_name in MODELS:
        model = rtrl_model(task, model_name, seed, **settings)
    else:
        model = baselines(task)[model_name]()
    start = time.perf_counter()
    outcome = progressive(task, rows, model)
    outcome["finite"] &= weights_finite(model)
    return {"task": task_name, "model": model_name, "seed": seed,
            "us/sample": (time.perf_counter() - start) / len(rows) * 1e6, **outcome}


def jobs_for(tasks, learners, seeds, settings):
    jobs = []
    for task in tasks:
        for name in baselines(task):
            for seed in (seeds if task.synthetic else seeds[:1]):
                jobs.append((task.name, name, seed, {}))
        for learner in learners:
            for seed in seeds:
                jobs.append((task.name, learner, seed, settings))
    # longest first, so the pool ends together
    return sorted(jobs, key=lambda job: next(t for t in TASKS if t.name == job[0]).synthetic,
                  reverse=True)


def run_suite(tasks=None, learners=LEARNERS, seeds=(0, 1, 2), jobs=2, settings=None,
              progress=True, results=None):
    """Every (task, model, seed) run, in parallel over `jobs` processes; each finished run is
    appended to `results` (a new list unless given) as it comes."""
    tasks = [t for t in TASKS if tasks is None or t.name in tasks]
    work = jobs_for(tasks, list(learners), list(seeds), dict(settings or {}))
    results = [] if results is None else results
    bar = _progress(len(work)) if progress else None
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for result in pool.map(run_one, work):
                results.append(result)
                if bar:
                    bar.update(f"{result['task']}: {result['model']} seed {result['seed']}")
    else:
        for job in work:
            results.append(run_one(job))
            if bar:
                bar.update(f"{job[0]}: {job[1]} seed {job[2]}")
    return results


def _progress(total):
    from .cli import Progress

    return Progress(total)


# ------------------------------------------------------------------ report


def summarise(results):
    """Median score over seeds for each (task, model), with the count of non-finite runs."""
    groups = collections.defaultdict(list)
    for r in results:
        groups[r["task"], r["model"]].append(r)
    summary = {}
    for key, runs in groups.items():
        scores = [r["score"] for r in runs]
        summary[key] = {
            "median": statistics.median(scores) if all(math.isfinite(s) for s in scores) else math.nan,
            "scores": scores,
            "nonfinite": sum(not r["finite"] for r in runs),
            "us/sample": statistics.median(r["us/sample"] for r in runs),
        }
    return summary


def table(results):
    """The suite's table as lines of text: one row per stream, the best entry marked *."""
    summary = summarise(results)
    tasks = [t for t in TASKS if any(key[0] == t.name for key in summary)]
    models = list(dict.fromkeys(r["model"] for r in results))
    baseline_names = [m for m in models if m not in MODELS]
    learner_names = [m for m in models if m in MODELS]
    columns = baseline_names + learner_names
    header = ["stream", "metric", *columns]
    lines = []
    for task in tasks:
        cells = {m: summary.get((task.name, m)) for m in columns}
        scores = {m: c["median"] for m, c in cells.items() if c and math.isfinite(c["median"])}
        best = min(scores, key=scores.get) if scores else None
        row = [task.name, task.metric]
        for m in columns:
            c = cells[m]
            if c is None:
                row.append("-")
                continue
            text = _format(c["median"])
            if c["nonfinite"]:
                text += f" ({c['nonfinite']} NaN)"
            row.append(text + ("*" if m == best else " "))
        lines.append(row)
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    out = []
    for i, row in enumerate([header, ["-" * w for w in widths], *lines]):
        out.append("  ".join(str(c).ljust(w) if j < 2 else str(c).rjust(w)
                             for j, (c, w) in enumerate(zip(row, widths))))
    return out


def _format(value):
    if not math.isfinite(value):
        return "nan"
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}" if abs(value) >= 1 else f"{value:.4f}"
    return f"{value:.2e}"


def write_csv(results, f):
    """Every run as a row of CSV, into the open text file f."""
    fields = ["task", "model", "seed", "score", "accuracy", "finite", "us/sample"]
    writer = csv.DictWriter(f, fieldnames=fields)
    writer.writeheader()
    for r in results:
        writer.writerow({k: r[k] for k in fields})


def add_arguments(parser):
    """The suite's options, on `parser` (the `rtrl-river suite` subcommand's)."""
    from .cli import positive_int

    parser.add_argument("--learners", nargs="+", default=LEARNERS, choices=list(MODELS),
                        metavar="ENTRY", help=f"RTRL entries, from {', '.join(MODELS)} "
                        f"(default: {' '.join(LEARNERS)})")
    parser.add_argument("--seeds", type=positive_int, default=3, metavar="K",
                        help="seeds 0..K-1 (default: 3)")
    parser.add_argument("--streams", nargs="+", default=None, metavar="NAME",
                        choices=[t.name for t in TASKS],
                        help="run only these streams, named as in the table (default: all)")
    parser.add_argument("--jobs", type=positive_int, default=2, metavar="J",
                        help="worker processes (default: 2)")
    parser.add_argument("--out", default="rtrl-river-out", metavar="DIR",
                        help="directory for suite.csv (default: rtrl-river-out)")
    return parser


def print_table(results, seeds):
    print(f"\nquality suite at the defaults: median over {seeds} seed(s); MAE from the second "
          "sample, NMSE and add-task log-loss over the last quarter, log-loss over every "
          "sample, MAE@h: River's forecasting protocol, MAE averaged over the horizon; * marks "
          "the best entry of each row")
    for line in table(results):
        print(line)


if __name__ == "__main__":
    from .cli import main

    sys.exit(main(["suite", *sys.argv[1:]]))
