"""`rtrl-river compare`: River progressive validation of each learner, over seeds, next to the
baselines, on a named stream or a CSV file."""

import argparse
import csv
import json
import statistics
import time
from pathlib import Path

from .arguments import (
    DEFAULT_LEARNERS,
    LEARNERS,
    add_csv_options,
    add_csv_reading,
    add_run_options,
    learner_label,
    learner_spec,
    non_negative_float,
    positive_int,
)
from .baselines import baselines
from .checks import check_memory, check_out_dir, check_output
from .compiling import CompileWatch
from .data import open_rows
from .output import INTERRUPTED, Progress, plot, print_table, report_interruption, write_file
from .streams import CLASSIFICATION, REGRESSION, STREAMS

CSV_HELP = """\
your own data: --csv PATH --target NAME reads a CSV file with a header row, row by row in file
order, as a regression stream (--task classification for labels). Numeric columns are
features; a date column (ISO 8601, or YYYY-MM, or --date-format) becomes NAME_month,
NAME_weekday, NAME_day and NAME_hour; an empty or NA cell is a missing feature. Any other text
is an error naming its line and column: --drop such columns."""


def add_parser(commands):
    streams = "\n".join(f"  {name:<20} {s.description}" for name, s in STREAMS.items())
    parser = commands.add_parser(
        "compare",
        help="progressive validation of RTRL and the cheaper estimators next to baselines",
        description="River progressive validation (predict each sample, then learn it) of "
        "each chosen learner\ninside StandardScaler | RTRLRegressor/RTRLClassifier, over "
        "several seeds, next to the usual\nbaselines. Prints a table and writes CSV, JSON "
        "and a learning-curve PNG (the PNG needs\nmatplotlib: the `plot` extra).",
        epilog=f"datasets:\n{streams}\n\n{CSV_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", default=None, choices=list(STREAMS), metavar="NAME",
                        help="stream to run (default: trump-approval; see the list below)")
    add_csv_options(parser, "stream", "with --csv: the numeric column to predict")
    parser.add_argument("--task", default=None, choices=[REGRESSION, CLASSIFICATION],
                        help="with --csv: predict a number (regression, the default) or a "
                        "label (classification)")
    parser.add_argument("--drop", nargs="+", default=[], metavar="NAME",
                        help="with --csv: columns to leave out")
    parser.add_argument("--learners", nargs="+", default=DEFAULT_LEARNERS, type=learner_spec,
                        metavar="LEARNER",
                        help=f"gradient estimators: {', '.join(LEARNERS)}, or tbptt-K "
                        f"(truncation K) and snap-N (level N) "
                        f"(default: {' '.join(DEFAULT_LEARNERS)})")
    parser.add_argument("--hidden-size", type=positive_int, default=16, metavar="N",
                        help="hidden units (default: 16); refused when a model would not fit "
                        "in memory")
    parser.add_argument("--seeds", type=positive_int, default=3, metavar="K",
                        help="seeds per learner; the table shows mean ± std (default: 3)")
    parser.add_argument("--clip-gradient", type=non_negative_float, default=None, metavar="C",
                        help="gradient clipping norm; 0 disables (default: the estimator's)")
    parser.add_argument("--optimizer", default="adam",
                        choices=["sgd", "adam", "rmsprop", "adagrad"])
    parser.add_argument("--feedback", dest="feedback", action="store_true", default=None,
                        help="feed the previous target back as an input (the estimators' "
                        "default)")
    parser.add_argument("--no-feedback", dest="feedback", action="store_false",
                        help="do not feed the previous target back as an input")
    parser.add_argument("--points", type=positive_int, default=50, metavar="N",
                        help="points on the learning curve (default: 50)")
    add_run_options(parser, "stream", "the CSV, JSON and PNG")
    add_csv_reading(parser)
    return parser


def prepare(parser, args):
    """Check the arguments that need the stream (its features, classes, output names) and open
    it; everything here happens before the first model runs."""
    rows = open_rows(parser, args)
    classes = len(args.labels) if args.stream.task == CLASSIFICATION else 1
    n_inputs = len(args.features) + (classes if _feedback(args) else 0)
    check_memory(parser, "--hidden-size", args.learners, args.hidden_size, n_inputs, classes)
    check_out_dir(parser, args.out)
    outputs = ((".json",) if args.command == "forecast" else (".csv", ".json", ".png"))
    for suffix in outputs:
        output = Path(args.out) / f"{args.command}-{args.stream.name}{suffix}"
        check_output(parser, output)
        if args.csv is not None and output.exists() and output.samefile(args.csv):
            parser.error(f"--out {args.out}: the outputs would overwrite the input {args.csv}")
    return rows


# ------------------------------------------------------------------ models


def _metrics(task):
    from river import metrics

    if task == CLASSIFICATION:
        return lambda: metrics.Accuracy() + metrics.CrossEntropy()
    return lambda: metrics.MAE() + metrics.RMSE()


def _estimator(args):
    from .. import RTRLClassifier, RTRLRegressor

    return RTRLClassifier if args.stream.task == CLASSIFICATION else RTRLRegressor


def _feedback(args):
    """Whether the model is fed its previous target: as asked, else the estimator's default."""
    return args.feedback if args.feedback is not None else _estimator(args)().target_feedback


def _rnn(learner, args, seed):
    """StandardScaler | the RTRL estimator at its defaults, but for the options given."""
    from river import preprocessing

    settings = dict(hidden_size=args.hidden_size, learner=learner, optimizer=args.optimizer,
                    seed=seed)
    if args.feedback is not None:
        settings["target_feedback"] = args.feedback
    if args.lr is not None:
        settings["lr"] = args.lr
    if args.clip_gradient is not None:
        settings["clip_gradient"] = args.clip_gradient if args.clip_gradient > 0 else None
    return preprocessing.StandardScaler() | _estimator(args)(**settings)


def _run(rows, model, metric, n_points):
    """Progressive validation with River; returns the curve, µs per sample (reading a streamed
    file left out) and peak memory."""
    from river import evaluate

    step = max(1, len(rows) // n_points)
    curve, peak, probing = [], 0, 0.0
    reading = getattr(rows, "reading_seconds", 0.0)
    start = time.perf_counter()
    for checkpoint in evaluate.iter_progressive_val_score(rows, model, metric, step=step):
        probe = time.perf_counter()
        peak = max(peak, model._raw_memory_usage)
        curve.append({"step": checkpoint["Step"],
                      **{name: checkpoint[name].get() for name in metric_names(metric)}})
        probing += time.perf_counter() - probe
    elapsed = time.perf_counter() - start - probing
    elapsed -= getattr(rows, "reading_seconds", 0.0) - reading
    return curve, elapsed / len(rows) * 1e6, peak


def metric_names(metric):
    return [type(m).__name__ for m in metric]


def run(args, rows):
    """Progressive validation of each learner (over seeds) and the baselines on one stream."""
    stream = args.stream
    multiclass = stream.task == CLASSIFICATION and len(args.labels) > 2
    make_metric = _metrics(stream.task)
    runs = [(name, [None], make)
            for name, make in baselines("compare", stream, multiclass).items()]
    runs += [
        (learner_label(learner), list(range(args.seeds)),
         lambda seed, learner=learner: _rnn(learner, args, seed))
        for learner in args.learners
    ]
    results, interrupted = [], False
    try:
        # Compile (first run) or load the kernels before anything is timed. The estimators say
        # once that they compile; a progress line per model follows while they do.
        watch, preparing = CompileWatch(), None
        for index, (name, seeds, make) in enumerate(runs):
            with watch:
                _run(rows[:20], make() if seeds == [None] else make(0), make_metric(), 1)
            if preparing is None and watch.compiled:
                preparing = Progress(len(runs), done=index)
            if preparing is not None:
                preparing.update(f"prepared {name}")
        progress = Progress(sum(len(seeds) for _, seeds, _ in runs))
        for name, seeds, make in runs:
            outcomes = []
            try:
                for seed in seeds:
                    model = make() if seed is None else make(seed)
                    outcomes.append(_run(rows, model, make_metric(), args.points))
                    progress.update(f"{name}" + ("" if seed is None else f" seed {seed}"))
            finally:
                if outcomes:
                    results.append(_summarise(name, outcomes))
    except KeyboardInterrupt:
        interrupted = True
        if not report_interruption(results, "model", lambda: "finished runs: " + ", ".join(
                f"{r['model']} ({r['runs']} of {len(s)})" for r, (_, s, _) in zip(results, runs))):
            return INTERRUPTED
    _print_table(stream, rows, results, args)
    _write_outputs(stream, rows, results, args)
    return INTERRUPTED if interrupted else 0


def _summarise(name, outcomes):
    finals = [curve[-1] for curve, _, _ in outcomes]
    metrics = [key for key in finals[0] if key != "step"]
    summary = {"model": name, "runs": len(outcomes)}
    for key in metrics:
        values = [final[key] for final in finals]
        summary[key] = statistics.mean(values)
        summary[f"{key} std"] = statistics.stdev(values) if len(values) > 1 else 0.0
    summary["us/sample"] = statistics.median(us for _, us, _ in outcomes)
    summary["peak KiB"] = max(peak for _, _, peak in outcomes) / 1024
    steps = [point["step"] for point in outcomes[0][0]]
    summary["curve"] = {
        key: [statistics.mean(curve[i][key] for curve, _, _ in outcomes)
              for i in range(len(steps))]
        for key in metrics
    }
    summary["curve"]["step"] = steps
    return summary


def _print_table(stream, rows, results, args):
    metrics = [key for key in results[0]["curve"] if key != "step"]
    settings = _rnn("rtrl", args, 0)[-1]
    print(f"\n{stream.name}: {len(rows)} samples, {stream.task}; RTRL estimators: hidden size "
          f"{args.hidden_size}, {args.optimizer} lr {settings.lr} "
          f"(W_hh x{settings.recurrent_lr_scale}), clip {settings.clip_gradient}, feedback "
          f"{settings.target_feedback}; {args.seeds} seed(s), mean ± std over seeds")
    table = []
    for result in results:
        cells = [result["model"]]
        for key in metrics:
            spread = f" ± {result[key + ' std']:.4f}" if result["runs"] > 1 else ""
            cells.append(f"{result[key]:.4f}{spread}")
        cells += [f"{result['us/sample']:.1f}", f"{result['peak KiB']:.1f}"]
        table.append(cells)
    print_table(["model", *metrics, "µs/sample", "peak KiB"], table)


def _write_outputs(stream, rows, results, args):
    out = Path(args.out)
    fields = [key for key in results[0] if key != "curve"]

    def table(f):
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for result in results:
            writer.writerow({key: result[key] for key in fields})

    def report(f):
        json.dump({"dataset": stream.name, "samples": len(rows), "hidden_size": args.hidden_size,
                   "seeds": args.seeds, "results": results}, f, indent=1)

    write_file(out / f"compare-{stream.name}.csv", table)
    write_file(out / f"compare-{stream.name}.json", report)
    written = ".csv, .json"
    if plot(lambda plt, f: _plot_curves(plt, stream, results, f),
            out / f"compare-{stream.name}.png"):
        written += " and .png"
    print(f"\nwrote {out}/compare-{stream.name}{written}")


def _plot_curves(plt, stream, results, f):
    names = [key for key in results[0]["curve"] if key != "step"]
    # cross-entropy for classifiers, MAE for regressors
    metric = names[-1] if stream.task == CLASSIFICATION else names[0]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for result in results:
        ax.plot(result["curve"]["step"], result["curve"][metric], label=result["model"],
                linestyle="--" if result["runs"] == 1 else "-")
    ax.set_xlabel("samples")
    ax.set_ylabel(f"progressive {metric}")
    ax.set_yscale("log")
    ax.set_title(f"{stream.name}: progressive validation")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(f, format="png", dpi=110)
    plt.close(fig)
