"""`rtrl-river forecast-suite`, the real-series forecasting benchmark: the estimators at their
defaults against what a practitioner would use (the last value, seasonal naive, River's Holt,
HoltWinters and SNARIMAX, LinearRegression on lags, statsforecast's AutoETS and AutoARIMA
refitted as the stream goes), one step ahead, under River's forecasting protocol and aligned,
as MASE against the last value, on the development or the holdout half of the real series."""

import argparse
import csv
import os
import time
from pathlib import Path

from . import refitted
from .arguments import add_out_option, positive_int
from .baselines import baselines
from .checks import check_out_dir, check_output
from .forecast_report import report_lines
from .forecast_scores import PROTOCOLS, horizon_scores, one_step
from .output import INTERRUPTED, Progress, report_interruption, write_file
from .streams import REAL_SERIES

# The RTRL entries at their defaults; an entry that reads m runs on seasonal series only.
ENTRIES = {
    "RTRLForecaster()": "RTRLForecaster()",
    "RTRLForecaster(m)": "RTRLForecaster(seasonality=m)",
    "RTRLRegressor()": "RTRLRegressor()",
}
OUTPUTS = ["forecast-suite.csv", "forecast-suite.txt"]


def add_parser(commands):
    titles = "\n".join(f"  {s.title:<20}{'holdout' if s.holdout else 'development':<13}"
                       f"{s.frequency}, m = {s.seasonality}: {s.description}"
                       for s in REAL_SERIES)
    parser = commands.add_parser(
        "forecast-suite",
        help="the real-series forecasting benchmark: the defaults against River's models and "
        "AutoETS/AutoARIMA",
        description="The estimators at their defaults on real series, beside the last value, "
        "seasonal naive,\nRiver's Holt, HoltWinters (additive and multiplicative) and SNARIMAX, "
        "LinearRegression on\n3 lags, and statsforecast's AutoETS and AutoARIMA refitted every "
        "k steps (when installed:\npip install 'rtrl_river[benchmark]', which also installs "
        "the packages the series come from).\nThree protocols: one step ahead (predict, then "
        "learn), River's forecasting protocol\n(river.evaluate.evaluate at horizon h) and the "
        "aligned score of the same forecasts (the\nforecast made before y_t scored against "
        "y_t..y_{t+h-1}); MASE = MAE / MAE of the last value\nunder the same protocol. Prints "
        "a table and a summary per protocol, writes forecast-suite.csv\nand forecast-suite.txt. "
        "AutoETS/AutoARIMA forecasts are cached in --cache.",
        epilog=f"series (set, frequency, season m):\n{titles}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--holdout", action="store_true",
                        help="run the holdout half of the series (default: the development half)")
    parser.add_argument("--series", nargs="+", default=None, metavar="NAME",
                        choices=[s.title for s in REAL_SERIES],
                        help="run only these series, from either half")
    parser.add_argument("--seeds", type=positive_int, default=3, metavar="K",
                        help="seeds 0..K-1 of every RTRL entry, median reported (default: 3)")
    parser.add_argument("--protocols", nargs="+", default=PROTOCOLS, choices=PROTOCOLS,
                        help="protocols to score (default: all three)")
    parser.add_argument("--entry", action="append", default=[], metavar="NAME=EXPRESSION",
                        help="add an RTRL entry, such as 'wide=RTRLForecaster(hidden_size=32)': "
                        "a Python expression over RTRLForecaster, RTRLRegressor, RTRL, SnAp, "
                        "TBPTT, UORO and m (the series' season; an entry that reads m runs on "
                        "seasonal series only); its seed is set to 0..K-1 unless it sets one. "
                        "Repeat for several")
    parser.add_argument("--no-default-entries", action="store_true",
                        help=f"run only the --entry entries, not {', '.join(ENTRIES.values())}")
    parser.add_argument("--jobs", type=positive_int, default=2, metavar="J",
                        help="worker processes (default: 2)")
    parser.add_argument("--cache", default=None, metavar="DIR",
                        help="where AutoETS/AutoARIMA forecasts are kept between runs "
                        "(default: $XDG_CACHE_HOME/rtrl_river/forecast-suite, "
                        "~/.cache/... without it)")
    add_out_option(parser, ", ".join(OUTPUTS))
    return parser


def reads_season(expression):
    return "m" in compile(expression, "<entry>", "eval").co_names


def make_entry(expression, seasonality, seed):
    """The model an entry's expression builds for a series of season m, seeded."""
    from .. import RTRLForecaster, RTRLRegressor, learners

    names = {"RTRLForecaster": RTRLForecaster, "RTRLRegressor": RTRLRegressor,
             "RTRL": learners.RTRL, "SnAp": learners.SnAp, "TBPTT": learners.TBPTT,
             "UORO": learners.UORO, "m": seasonality, "__builtins__": {}}
    model = eval(expression, names)  # the developer's own command line, like python -c
    if getattr(model, "seed", 0) is None:
        model.seed = seed
    return model


def _entries(parser, args):
    entries = {} if args.no_default_entries else dict(ENTRIES)
    for text in args.entry:
        name, equals, expression = text.partition("=")
        name, expression = name.strip(), expression.strip()
        if not equals or not name or not expression:
            parser.error(f"--entry {text!r} is not NAME=EXPRESSION")
        if name in entries or name in ("last value", "seasonal naive", "Holt", "HW add",
                                       "HW mul", "SNARIMAX", "LinReg 3 lags", *refitted.MODELS):
            parser.error(f"--entry {name!r}: that name is taken")
        try:
            model = make_entry(expression, 12, 0)
        except Exception as error:
            parser.error(f"--entry {name!r}: {expression} fails: {error!r}")
        if not (hasattr(model, "forecast") or hasattr(model, "predict_one")):
            parser.error(f"--entry {name!r}: {expression} is neither a forecaster nor a "
                         "regressor")
        entries[name] = expression
    if not entries:
        parser.error("no entries: --no-default-entries needs at least one --entry")
    return entries


def prepare(parser, args):
    """Check the arguments and load the series (naming those whose package is missing)."""
    from .public_series import MissingPackage

    check_out_dir(parser, args.out)
    for name in OUTPUTS:
        check_output(parser, Path(args.out) / name)
    args.entries = _entries(parser, args)
    if args.cache is None:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        args.cache = str(Path(base) / "rtrl_river" / "forecast-suite")
    chosen = [s for s in REAL_SERIES if (s.title in args.series if args.series
                                         else s.holdout == args.holdout)]
    args.set_name = ("chosen series" if args.series else
                     "holdout set" if args.holdout else "development set")
    loaded, notes = {}, []
    for stream in chosen:
        try:
            loaded[stream.title] = [y for _, y in stream.make(0)]
        except MissingPackage as error:
            notes.append(f"skipped {error}")
    if not loaded:
        parser.error("no series could be loaded: " + "; ".join(notes))
    return {"series": loaded, "notes": notes}


# ------------------------------------------------------------------ runs


def run_job(job):
    """One (series, entry, seed) run under the requested protocols; a list of result rows."""
    title, entry, expression, seed, values, protocols, cache = job
    stream = next(s for s in REAL_SERIES if s.title == title)
    m, horizon = stream.seasonality, stream.horizon
    from_cache = None
    if entry in refitted.MODELS:
        table, seconds, from_cache = refitted.forecasts(title, entry, values, m, horizon, cache)

        def make():
            return refitted.Replay(table)
    elif expression is None:
        make = baselines("forecast-suite", stream, positive=min(values) > 0)[entry]
    else:
        def make():
            return make_entry(expression, m, seed)
    scores = {}
    if "one-step" in protocols:
        scores["one-step"] = one_step(make(), values)
    model = make()
    if hasattr(model, "forecast") and {"river", "aligned"} & set(protocols):
        scores.update(horizon_scores(model, values, horizon))
    rows = []
    for protocol, score in scores.items():
        if protocol not in protocols:
            continue
        us = (seconds if from_cache is not None else score["seconds"]) / len(values) * 1e6
        rows.append({"series": title, "entry": entry, "seed": seed, "protocol": protocol,
                     "MAE": score["MAE"], "last value MAE": score["reference"],
                     "MASE": score["MAE"] / score["reference"], "steps": score["steps"],
                     "us/step": us, "cached": from_cache})
    return rows


def jobs_for(series, entries, seeds, protocols, cache, with_statsforecast):
    jobs = []
    for title, values in series.items():
        stream = next(s for s in REAL_SERIES if s.title == title)
        for name in baselines("forecast-suite", stream, positive=min(values) > 0):
            jobs.append((title, name, None, None, values, protocols, cache))
        if with_statsforecast:
            for name in refitted.MODELS:
                if refitted.runs_on(name, stream.seasonality):
                    jobs.append((title, name, None, None, values, protocols, cache))
        for name, expression in entries.items():
            if reads_season(expression) and not stream.seasonality:
                continue
            for seed in seeds:
                jobs.append((title, name, expression, seed, values, protocols, cache))
    # statsforecast first (the slowest when not cached), then the longest series and horizons
    return sorted(jobs, key=lambda job: (job[1] in refitted.MODELS, len(job[4])), reverse=True)


def warm_up(entries):
    """Compile (or load) the RTRL entries' kernels: once in the main process before the workers
    start, so they are compiled once, then in each worker, so that loading them is not timed."""
    values = [float(t % 5) for t in range(30)]
    for expression in entries.values():
        model = make_entry(expression, 4, 0)
        if hasattr(model, "forecast"):
            horizon_scores(model, values, 4)
        else:
            one_step(model, values)


_SINGLE_THREADED = []


def start_worker(entries):
    """A worker's BLAS on one thread (the workers share the cores: more threads would only
    contend, and make µs per step depend on the neighbours), and its kernels loaded before its
    first run is timed."""
    from threadpoolctl import threadpool_limits

    _SINGLE_THREADED.append(threadpool_limits(1))
    warm_up(entries)


def _label(job):
    title, entry, _, seed = job[:4]
    return f"{title}: {entry}" + ("" if seed is None else f" seed {seed}")


def run(args, prepared):
    from concurrent.futures import ProcessPoolExecutor, as_completed

    start = time.perf_counter()
    series, notes = prepared["series"], list(prepared["notes"])
    with_statsforecast = refitted.version() is not None
    if with_statsforecast:
        notes.append(f"statsforecast {refitted.version()}: AutoETS and AutoARIMA refitted on the "
                     f"history every k = max(m, ceil(n / {refitted.FITS})) steps, from max(2m, 10) "
                     "values on (the last value before), run forward over the new values in "
                     "between; AutoARIMA only where m <= "
                     f"{refitted.ARIMA_MAX_SEASON} (a seasonal fit takes minutes beyond); "
                     "statsforecast's ETS has no seasonal model beyond m = 24")
    else:
        notes.append("statsforecast is not installed: AutoETS and AutoARIMA are skipped "
                     "(pip install 'rtrl_river[benchmark]' installs it)")
    work = jobs_for(series, args.entries, list(range(args.seeds)), args.protocols,
                    args.cache, with_statsforecast)
    results, bar, interrupted = [], Progress(len(work)), False
    try:
        warm_up(args.entries)
        if args.jobs == 1:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(1):
                for job in work:
                    results.extend(run_job(job))
                    bar.update(_label(job))
        else:
            with ProcessPoolExecutor(args.jobs, initializer=start_worker,
                                     initargs=(args.entries,)) as pool:
                futures = {pool.submit(run_job, job): job for job in work}
                for future in as_completed(futures):
                    results.extend(future.result())
                    bar.update(_label(futures[future]))
    except KeyboardInterrupt:
        interrupted = True
        if not report_interruption(results, "run", lambda: "the runs finished so far:"):
            return INTERRUPTED
    seconds = time.perf_counter() - start
    cached = sum(1 for r in results if r["cached"]) // max(1, len(args.protocols))
    notes.append(f"{seconds:.0f} s with {args.jobs} worker(s); AutoETS/AutoARIMA runs read "
                 f"from the cache: {cached}")
    lines = report_lines(results, series, args.entries, args.protocols, args.seeds,
                         args.set_name, notes)
    print("\n".join(lines))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / "forecast-suite.csv", lambda f: write_csv(results, f, args.set_name))
    write_file(out / "forecast-suite.txt", lambda f: f.write("\n".join(lines) + "\n"))
    print(f"\nwrote {out}/forecast-suite.csv and forecast-suite.txt")
    return INTERRUPTED if interrupted else 0


def write_csv(results, f, set_name):
    """Every run under every protocol as a row of CSV, into the open text file f."""
    fields = ["set", "protocol", "series", "frequency", "m", "h", "entry", "seed", "MAE",
              "last value MAE", "MASE", "steps", "us/step"]
    writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    streams = {s.title: s for s in REAL_SERIES}
    for r in sorted(results, key=lambda r: (PROTOCOLS.index(r["protocol"]), r["series"],
                                            r["entry"], -1 if r["seed"] is None else r["seed"])):
        stream = streams[r["series"]]
        writer.writerow({**r, "set": set_name, "frequency": stream.frequency,
                         "m": stream.seasonality,
                         "h": 1 if r["protocol"] == "one-step" else stream.horizon})
