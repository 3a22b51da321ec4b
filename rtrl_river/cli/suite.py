"""`rtrl-river suite`, the quality suite: progressive validation of the estimators at their
defaults, beside the models a River user would pick instead, on real series, memory tasks and
exchangeable rows.

Every RTRL entry is `StandardScaler() | RTRLRegressor(learner=..., seed=...)` (or
`RTRLClassifier`, or `RTRLForecaster` told the series' season): defaults only, the same for
every stream.
"""

import csv
import time
from pathlib import Path

from .arguments import add_out_option, positive_int
from .baselines import baselines
from .checks import check_out_dir, check_output
from .output import INTERRUPTED, Progress, report_interruption, write_file
from .scores import progressive, table, weights_finite
from .streams import FORECAST, SUITE, suite_stream

# The RTRL entries: every learner on the default Elman cell, and the eLSTM and the LRU at their
# default sizes, whose steps cost about what the Elman default's does (exact RTRL is O(n d)).
MODELS = {
    "rtrl": {"learner": "rtrl"},
    "snap-1": {"learner": "snap-1"},
    "snap-2": {"learner": "snap-2"},
    "tbptt": {"learner": "tbptt"},
    "uoro": {"learner": "uoro"},
    "elstm-64": {"cell": "elstm", "hidden_size": 64},
    "lru": {"cell": "lru"},
}
LEARNERS = ["rtrl", "snap-1", "tbptt", "uoro", "elstm-64", "lru"]


def add_parser(commands):
    parser = commands.add_parser(
        "suite",
        help="the quality suite: every learner at the defaults beside River's usual models",
        description="Progressive validation at the estimators' defaults (no per-stream "
        "settings) on River's bundled series, memory tasks and classification streams, "
        "3 seeds, beside the last value, the mean, LinearRegression on three lagged targets "
        "in TargetStandardScaler, HoltWinters on seasonal series, LogisticRegression and the "
        "majority class. Prints one table with the best entry of each row marked and writes "
        "suite.csv. A few minutes on two cores.",
    )
    parser.add_argument("--learners", nargs="+", default=LEARNERS, choices=list(MODELS),
                        metavar="ENTRY", help=f"RTRL entries, from {', '.join(MODELS)} "
                        f"(default: {' '.join(LEARNERS)})")
    parser.add_argument("--seeds", type=positive_int, default=3, metavar="K",
                        help="seeds 0..K-1 (default: 3)")
    parser.add_argument("--streams", nargs="+", default=None, metavar="NAME",
                        choices=[s.title for s in SUITE],
                        help="run only these streams, named as in the table (default: all)")
    parser.add_argument("--jobs", type=positive_int, default=2, metavar="J",
                        help="worker processes (default: 2)")
    add_out_option(parser, "suite.csv")
    return parser


def prepare(parser, args):
    check_out_dir(parser, args.out)
    check_output(parser, Path(args.out) / "suite.csv")


def run(args, _=None):
    """The quality suite at the defaults: one table, the best entry of each row marked."""
    results = []
    start = time.perf_counter()
    try:
        run_suite(args.streams, args.learners, range(args.seeds), args.jobs, results=results)
    except KeyboardInterrupt:
        if report_interruption(results, "run", lambda: "the runs finished so far:"):
            print_table(results, args.seeds)
        return INTERRUPTED
    print_table(results, args.seeds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / "suite.csv", lambda f: write_csv(results, f))
    print(f"\nwrote {out}/suite.csv ({time.perf_counter() - start:.0f} s)")
    return 0


# ------------------------------------------------------------------ runs


def rtrl_model(stream, name, seed, **settings):
    """StandardScaler | the estimator of the suite's entry `name`, at its defaults (for a
    forecast, RTRLForecaster told the series' season)."""
    from river import preprocessing

    from .. import RTRLClassifier, RTRLForecaster, RTRLRegressor

    if stream.kind == FORECAST:
        return RTRLForecaster(seed=seed, seasonality=stream.seasonality,
                              **{**MODELS[name], **settings})
    estimator = RTRLClassifier if stream.classification else RTRLRegressor
    return preprocessing.StandardScaler() | estimator(seed=seed, **{**MODELS[name], **settings})


def _model(stream, name, seed, settings):
    if name in MODELS:
        return rtrl_model(stream, name, seed, **settings)
    return baselines("suite", stream, multiclass=stream.multiclass)[name]()


def run_one(job):
    """One (stream, model, seed) run; returns a result row."""
    title, name, seed, settings = job
    stream = suite_stream(title)
    rows = list(stream.make(seed if stream.synthetic else 0))
    model = _model(stream, name, seed, settings)
    start = time.perf_counter()
    outcome = progressive(stream, rows, model)
    outcome["finite"] &= weights_finite(model)
    return {"task": title, "model": name, "seed": seed,
            "us/sample": (time.perf_counter() - start) / len(rows) * 1e6, **outcome}


def jobs_for(streams, learners, seeds, settings):
    jobs = []
    for stream in streams:
        for name in baselines("suite", stream, multiclass=stream.multiclass):
            for seed in (seeds if stream.synthetic else seeds[:1]):
                jobs.append((stream.title, name, seed, {}))
        for learner in learners:
            for seed in seeds:
                jobs.append((stream.title, learner, seed, settings))
    # longest first, so the pool ends together
    return sorted(jobs, key=lambda job: suite_stream(job[0]).synthetic, reverse=True)


def warm_up(streams, learners, settings):
    """Run each RTRL entry on a few rows of each kind of stream in `streams`, so that its
    kernels are compiled (and announced) once, here, and worker processes load them from
    numba's cache instead of each compiling them again."""
    for stream in {(s.kind, s.classification, s.multiclass): s for s in streams}.values():
        for learner in learners:
            rows = [({"a": float(t % 3), "b": float(t % 2)},
                     t % (3 if stream.multiclass else 2) if stream.classification
                     else float(t % 5)) for t in range(6)]
            model = rtrl_model(stream, learner, 0, **settings)
            for x, y in rows:
                if stream.kind == FORECAST:
                    model.learn_one(y)
                    model.forecast(2)
                    continue
                model.predict_proba_one(x) if stream.classification else model.predict_one(x)
                model.learn_one(x, y)


def run_suite(streams=None, learners=LEARNERS, seeds=(0, 1, 2), jobs=2, settings=None,
              progress=True, results=None):
    """Every (stream, model, seed) run, in parallel over `jobs` processes; each finished run is
    appended to `results` (a new list unless given) as it comes. `streams` are titles."""
    from concurrent.futures import ProcessPoolExecutor

    chosen = [s for s in SUITE if streams is None or s.title in streams]
    settings = dict(settings or {})
    work = jobs_for(chosen, list(learners), list(seeds), settings)
    results = [] if results is None else results
    bar = Progress(len(work)) if progress else None
    if jobs > 1:
        warm_up(chosen, list(learners), settings)
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


# ------------------------------------------------------------------ report


def write_csv(results, f):
    """Every run as a row of CSV, into the open text file f."""
    fields = ["task", "model", "seed", "score", "accuracy", "finite", "us/sample"]
    writer = csv.DictWriter(f, fieldnames=fields)
    writer.writeheader()
    for r in results:
        writer.writerow({k: r[k] for k in fields})


def print_table(results, seeds):
    print(f"\nquality suite at the defaults: median over {seeds} seed(s); MAE from the second "
          "sample, NMSE and add-task log-loss over the last quarter, log-loss over every "
          "sample, MAE@h: River's forecasting protocol, MAE averaged over the horizon; * marks "
          "the best entry of each row")
    for line in table(results, MODELS):
        print(line)
