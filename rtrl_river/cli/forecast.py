"""`rtrl-river forecast`: River's forecasting protocol for RTRLForecaster, over seeds, next to
the last value and HoltWinters."""

import argparse
import json
import statistics
import time
from pathlib import Path

from . import compare
from .arguments import add_csv_options, add_csv_reading, add_run_options, positive_int, season
from .baselines import baselines
from .output import INTERRUPTED, Progress, print_table, report_interruption, write_file
from .streams import CLASSIFICATION, STREAMS


def add_parser(commands):
    series = {name: s for name, s in STREAMS.items() if s.task != CLASSIFICATION}
    listing = "\n".join(f"  {name:<20} {s.description}" for name, s in series.items())
    parser = commands.add_parser(
        "forecast",
        help="River's forecasting protocol: RTRLForecaster next to the last value and HoltWinters",
        description="River's forecasting protocol (evaluate.iter_evaluate: at each step, forecast "
        "the next\nHORIZON values, then learn the step) of RTRLForecaster over several seeds, "
        "next to the\nlast value and, with --seasonality M, HoltWinters. Prints the MAE averaged "
        "over the\nhorizon and writes it, with the MAE at each step ahead, as JSON. HoltWinters "
        "runs with\nalpha 0.3, beta 0.1, gamma 0.6, additive.",
        epilog=f"series:\n{listing}\n\nyour own data: --csv PATH --target NAME, read as "
        "for compare (see compare --help).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", default=None, choices=list(series), metavar="NAME",
                        help="series to run (default: trump-approval)")
    add_csv_options(parser, "series", "with --csv: the numeric column to forecast")
    parser.add_argument("--drop", nargs="+", default=[], metavar="NAME",
                        help="with --csv: columns to leave out")
    parser.add_argument("--horizon", type=positive_int, default=12, metavar="H",
                        help="steps ahead to forecast (default: 12)")
    parser.add_argument("--seasonality", type=season, default="auto", metavar="M",
                        help="season length in steps, shorter than the series; 0 for none; "
                        "auto (the default, the estimator's) to let RTRLForecaster find it")
    parser.add_argument("--hidden-size", type=positive_int, default=16, metavar="N",
                        help="hidden units (default: 16)")
    parser.add_argument("--seeds", type=positive_int, default=3, metavar="K",
                        help="seeds of RTRLForecaster (default: 3)")
    add_run_options(parser, "series", "the JSON")
    add_csv_reading(parser)
    parser.set_defaults(task=None)
    return parser


def prepare(parser, args):
    args.learners, args.feedback = ["rtrl"], True
    args.dates = True  # a CSV's dates reach the forecaster as dates (see CSVStream)
    rows = compare.prepare(parser, args)
    name, samples = args.stream.name, len(rows)
    if args.stream.task == CLASSIFICATION:
        parser.error(f"{name} is a classification stream; forecast needs a series")
    if samples <= 2 * args.horizon:  # River learns H steps, then needs H more to score one
        parser.error(f"--horizon {args.horizon} needs more than {2 * args.horizon} samples; "
                     f"{name} has {samples}")
    if args.seasonality != "auto" and args.seasonality >= samples:
        parser.error(f"--seasonality {args.seasonality} is not shorter than the series: {name} "
                     f"has {samples} samples, so no season would ever repeat")
    return rows


def _forecasters(args):
    """name -> (seeds, make(seed)): the baselines, then RTRLForecaster over seeds."""
    from .. import RTRLForecaster

    models = {name: ([None], lambda seed, make=make: make())
              for name, make in baselines("forecast", args.stream,
                                          seasonality=args.seasonality if args.seasonality
                                          != "auto" else 0).items()}
    settings = dict(hidden_size=args.hidden_size, seasonality=args.seasonality)
    if args.lr is not None:
        settings["lr"] = args.lr
    models["RTRLForecaster"] = (list(range(args.seeds)),
                                lambda seed: RTRLForecaster(seed=seed, **settings))
    return models


def _forecast_errors(rows, model, horizon):
    """The MAE at each step ahead under River's forecasting protocol."""
    from river import evaluate, metrics

    metric = None
    for *_, metric in evaluate.iter_evaluate(rows, model, metrics.MAE(), horizon):
        pass
    return [m.get() for m in metric.metrics] if metric else [float("nan")] * horizon


def run(args, rows):
    """River's forecasting protocol (evaluate.iter_evaluate: forecast the horizon, then learn
    the step) for RTRLForecaster over seeds and the baselines; MAE per step ahead."""
    results, interrupted = [], False
    try:
        # compile (first run) or load the kernels; the estimators say so when they compile
        _forecast_errors(rows[: 2 * args.horizon + 2],
                         _forecasters(args)["RTRLForecaster"][1](0), args.horizon)
        models = _forecasters(args)
        progress = Progress(sum(len(seeds) for seeds, _ in models.values()))
        for name, (seeds, make) in models.items():
            errors = []
            for seed in seeds:
                start = time.perf_counter()
                per_step = _forecast_errors(rows, make(seed), args.horizon)
                errors.append((per_step, (time.perf_counter() - start) / len(rows) * 1e6))
                progress.update(name + ("" if seed is None else f" seed {seed}"))
            means = [statistics.mean(per_step) for per_step, _ in errors]
            results.append({
                "model": name, "runs": len(errors), "MAE": statistics.mean(means),
                "MAE std": statistics.stdev(means) if len(means) > 1 else 0.0,
                "MAE by step": [statistics.mean(e[0][h] for e in errors)
                                for h in range(args.horizon)],
                "us/sample": statistics.median(us for _, us in errors),
            })
    except KeyboardInterrupt:
        interrupted = True
        if not report_interruption(results, "model", lambda: "finished: " + ", ".join(
                r["model"] for r in results)):
            return INTERRUPTED
    print(f"\n{args.stream.name}: {len(rows)} samples, horizon {args.horizon}, seasonality "
          f"{args.seasonality}; RTRLForecaster hidden size {args.hidden_size}, {args.seeds} "
          "seed(s); MAE averaged over the horizon, mean ± std over seeds")
    table = [[r["model"], f"{r['MAE']:.4f}" + (f" ± {r['MAE std']:.4f}" if r["runs"] > 1 else ""),
              f"{r['MAE by step'][0]:.4f}", f"{r['MAE by step'][-1]:.4f}",
              f"{r['us/sample']:.1f}"] for r in results]
    print_table(["model", "MAE", "MAE at +1", f"MAE at +{args.horizon}", "µs/sample"], table)
    path = Path(args.out) / f"forecast-{args.stream.name}.json"
    write_file(path, lambda f: json.dump({"dataset": args.stream.name, "samples": len(rows),
                                          "horizon": args.horizon, "results": results}, f,
                                         indent=1))
    print(f"\nwrote {path}")
    return INTERRUPTED if interrupted else 0
