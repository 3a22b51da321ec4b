"""The `rtrl-river` command: compare gradient estimators on a stream, and time them.

    rtrl-river compare [--dataset NAME] [--learners rtrl snap-1 tbptt ...] [--seeds K] [--out DIR]
    rtrl-river speed [--learners ...] [--hidden-sizes 8 16 32 64 128] [--out DIR]
"""

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

from .datasets.registry import CLASSIFICATION, STREAMS, load
from .learners import LEARNERS

DEFAULT_LEARNERS = ["rtrl", "snap-1", "tbptt", "uoro"]


def learner_spec(text):
    """A learner name, or tbptt-K / snap-N for another truncation or level."""
    from .learners import SnAp, TBPTT

    if text in LEARNERS:
        return text
    family, _, number = text.rpartition("-")
    if family in ("tbptt", "snap") and number.isdigit() and int(number) >= 1:
        return TBPTT(truncation=int(number)) if family == "tbptt" else SnAp(level=int(number))
    raise argparse.ArgumentTypeError(
        f"unknown learner {text!r}; choose from {', '.join(LEARNERS)}, or tbptt-K / snap-N"
    )


def learner_label(learner):
    if isinstance(learner, str):
        return learner
    return f"tbptt-{learner.truncation}" if hasattr(learner, "truncation") else learner.name


class Progress:
    """A one-line progress bar on stderr (a line per update when stderr is not a terminal)."""

    def __init__(self, total, width=30):
        self.total, self.width, self.done = total, width, 0
        self.live = sys.stderr.isatty()

    def update(self, label):
        self.done += 1
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"[{bar}] {self.done}/{self.total} {label}"
        if self.live:
            sys.stderr.write("\r" + line[:120].ljust(120))
            if self.done == self.total:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


# ------------------------------------------------------------------ models


def _metrics(task):
    from river import metrics

    if task == CLASSIFICATION:
        return lambda: metrics.Accuracy() + metrics.CrossEntropy()
    return lambda: metrics.MAE() + metrics.RMSE()


def _baselines(task, multiclass):
    from river import dummy, linear_model, preprocessing, stats

    if task == CLASSIFICATION:
        linear = linear_model.SoftmaxRegression if multiclass else linear_model.LogisticRegression
        return {
            "majority": lambda: dummy.PriorClassifier(),
            "last label": lambda: dummy.NoChangeClassifier(),
            linear.__name__: lambda: preprocessing.StandardScaler() | linear(),
        }
    return {
        "mean": lambda: dummy.StatisticRegressor(stats.Mean()),
        "last value": lambda: dummy.StatisticRegressor(stats.Shift(0)),
        "LinearRegression": lambda: preprocessing.StandardScaler() | linear_model.LinearRegression(),
    }


def _rnn(task, learner, args, seed):
    """StandardScaler | the RTRL estimator, with the stream's settings unless overridden."""
    from river import preprocessing

    from . import RTRLClassifier, RTRLRegressor

    estimator = RTRLClassifier if task == CLASSIFICATION else RTRLRegressor
    feedback = args.feedback if args.feedback is not None else task != CLASSIFICATION
    settings = dict(hidden_size=args.hidden_size, learner=learner, optimizer=args.optimizer,
                    target_feedback=feedback, seed=seed)
    settings.update(dict(STREAMS[args.dataset].settings))
    if args.lr is not None:
        settings["lr"] = args.lr
    if args.clip_gradient is not None:
        settings["clip_gradient"] = args.clip_gradient if args.clip_gradient > 0 else None
    return preprocessing.StandardScaler() | estimator(**settings)


def _run(rows, model, metric, n_points):
    """Progressive validation with River; returns the curve, µs per sample and peak memory."""
    from river import evaluate

    step = max(1, len(rows) // n_points)
    curve, peak, probing = [], 0, 0.0
    start = time.perf_counter()
    for checkpoint in evaluate.iter_progressive_val_score(rows, model, metric, step=step):
        probe = time.perf_counter()
        peak = max(peak, model._raw_memory_usage)
        curve.append({"step": checkpoint["Step"],
                      **{name: checkpoint[name].get() for name in metric_names(metric)}})
        probing += time.perf_counter() - probe
    elapsed = time.perf_counter() - start - probing
    return curve, elapsed / len(rows) * 1e6, peak


def metric_names(metric):
    return [type(m).__name__ for m in metric]


def compare(args):
    """Progressive validation of each learner (over seeds) and the baselines on one stream."""
    stream = STREAMS[args.dataset]
    rows = load(args.dataset, seed=args.data_seed, n_steps=args.steps)
    multiclass = stream.task == CLASSIFICATION and len({y for _, y in rows}) > 2
    make_metric = _metrics(stream.task)
    runs = [(name, [None], make) for name, make in _baselines(stream.task, multiclass).items()]
    runs += [
        (learner_label(learner), list(range(args.seeds)), lambda seed, learner=learner: _rnn(stream.task, learner, args, seed))
        for learner in args.learners
    ]
    for _, seeds, make in runs:  # load the compiled kernels before anything is timed
        _run(rows[:20], make() if seeds == [None] else make(0), make_metric(), 1)
    progress = Progress(sum(len(seeds) for _, seeds, _ in runs))
    results = []
    for name, seeds, make in runs:
        outcomes = []
        for seed in seeds:
            model = make() if seed is None else make(seed)
            outcomes.append(_run(rows, model, make_metric(), args.points))
            progress.update(f"{name}" + ("" if seed is None else f" seed {seed}"))
        results.append(_summarise(name, outcomes))
    _print_table(stream, rows, results, args)
    _write_outputs(stream, rows, results, args)
    return results


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
        key: [statistics.mean(curve[i][key] for curve, _, _ in outcomes) for i in range(len(steps))]
        for key in metrics
    }
    summary["curve"]["step"] = steps
    return summary


def _print_table(stream, rows, results, args):
    metrics = [key for key in results[0]["curve"] if key != "step"]
    settings = _rnn(stream.task, "rtrl", args, 0)["RTRLClassifier" if stream.task == CLASSIFICATION else "RTRLRegressor"]
    print(f"\n{stream.name}: {len(rows)} samples, {stream.task}; RTRL estimators: hidden size "
          f"{args.hidden_size}, {args.optimizer} lr {settings.lr}, clip {settings.clip_gradient}, "
          f"feedback {settings.target_feedback}; {args.seeds} seed(s), mean ± std over seeds")
    header = ["model", *metrics, "µs/sample", "peak KiB"]
    table = []
    for result in results:
        cells = [result["model"]]
        for key in metrics:
            spread = f" ± {result[key + ' std']:.4f}" if result["runs"] > 1 else ""
            cells.append(f"{result[key]:.4f}{spread}")
        cells += [f"{result['us/sample']:.1f}", f"{result['peak KiB']:.1f}"]
        table.append(cells)
    widths = [max(len(str(c)) for c in column) for column in zip(header, *table)]
    for line in [header, ["-" * w for w in widths], *table]:
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(line, widths))))


def _write_outputs(stream, rows, results, args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fields = [key for key in results[0] if key != "curve"]
    with open(out / f"compare-{stream.name}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for result in results:
            writer.writerow({key: result[key] for key in fields})
    with open(out / f"compare-{stream.name}.json", "w") as f:
        json.dump({"dataset": stream.name, "samples": len(rows), "hidden_size": args.hidden_size,
                   "seeds": args.seeds, "results": results}, f, indent=1)
    _plot_curves(stream, results, out / f"compare-{stream.name}.png")
    print(f"\nwrote {out}/compare-{stream.name}.csv, .json and .png")


def _plot_curves(stream, results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------ speed


def speed(args):
    """µs per step of each learner against hidden size, and exact RTRL against BLAS."""
    from threadpoolctl import threadpool_limits

    from .benchmark import learn_many_table, learners_table

    sizes = sorted(args.hidden_sizes)
    with threadpool_limits(1):
        times = learners_table(sizes, args.features, args.repeats, learners=args.learners)
        if "rtrl" in args.learners:
            learn_many_table([n for n in sizes if n >= 16] or sizes, args.features, args.steps,
                             args.repeats)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _plot_speed(times, sizes, out / "speed.png")
    with open(out / "speed.json", "w") as f:
        json.dump([{"learner": label, "hidden_size": n, "us_per_step": us}
                   for (label, n), us in times.items()], f, indent=1)
    print(f"\nwrote {out}/speed.png and speed.json")


def _plot_speed(times, sizes, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for label in dict.fromkeys(label for label, _ in times):
        ax.loglog(sizes, [times[label, n] for n in sizes], marker="o", label=label)
    ax.set_xlabel("hidden size n")
    ax.set_ylabel("µs per step (single thread)")
    ax.set_title("cost per step against hidden size")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------ parser


def build_parser():
    parser = argparse.ArgumentParser(
        prog="rtrl-river",
        description="Online recurrent networks trained by exact RTRL: compare gradient "
        "estimators on a stream (compare) and time them (speed).",
    )
    commands = parser.add_subparsers(dest="command", metavar="{compare,speed}")
    streams = "\n".join(f"  {name:<20} {s.description}" for name, s in STREAMS.items())
    compare_parser = commands.add_parser(
        "compare",
        help="progressive validation of RTRL and the cheaper estimators next to baselines",
        description="River progressive validation (predict each sample, then learn it) of each "
        "chosen learner inside StandardScaler | RTRLRegressor/RTRLClassifier, over several "
        "seeds, next to the usual baselines. Prints a table and writes CSV, JSON and a "
        "learning-curve PNG.",
        epilog=f"datasets:\n{streams}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare_parser.add_argument("--dataset", default="trump-approval", choices=list(STREAMS),
                                metavar="NAME", help="stream to run (default: trump-approval; "
                                "see the list below)")
    compare_parser.add_argument("--learners", nargs="+", default=DEFAULT_LEARNERS,
                                type=learner_spec, metavar="LEARNER",
                                help=f"gradient estimators: {', '.join(LEARNERS)}, or tbptt-K "
                                f"(truncation K) and snap-N (level N) "
                                f"(default: {' '.join(DEFAULT_LEARNERS)})")
    compare_parser.add_argument("--hidden-size", type=int, default=16)
    compare_parser.add_argument("--seeds", type=int, default=3,
                                help="seeds per learner; the table shows mean ± std")
    compare_parser.add_argument("--lr", type=float, default=None,
                                help="learning rate (default: 0.01, or the stream's own "
                                "setting: 0.001 for the synthetic streams)")
    compare_parser.add_argument("--clip-gradient", type=float, default=None,
                                help="gradient clipping norm; 0 disables (default: 1.0, none "
                                "on add-task)")
    compare_parser.add_argument("--optimizer", default="adam",
                                choices=["sgd", "adam", "rmsprop", "adagrad"])
    compare_parser.add_argument("--feedback", dest="feedback", action="store_true", default=None,
                                help="feed the previous target back as an input (the default "
                                "for regression streams)")
    compare_parser.add_argument("--no-feedback", dest="feedback", action="store_false",
                                help="do not feed the previous target back as an input")
    compare_parser.add_argument("--steps", type=int, default=None,
                                help="use only the first STEPS samples of the stream")
    compare_parser.add_argument("--data-seed", type=int, default=0,
                                help="seed of a synthetic stream")
    compare_parser.add_argument("--points", type=int, default=50,
                                help="points on the learning curve")
    compare_parser.add_argument("--out", default="rtrl-river-out",
                                help="directory for the CSV, JSON and PNG")
    compare_parser.set_defaults(run=compare)

    speed_parser = commands.add_parser(
        "speed",
        help="µs per step of each learner against hidden size, single thread",
        description="Time each learner's learn_many step against the hidden size (single "
        "thread, medians), fit the growth exponent, and compare exact RTRL with the BLAS "
        "product W_hh @ J it is built on. Writes a log-log PNG.",
    )
    speed_parser.add_argument("--learners", nargs="+", default=list(LEARNERS),
                              choices=list(LEARNERS), metavar="LEARNER")
    speed_parser.add_argument("--hidden-sizes", type=int, nargs="+", default=[8, 16, 32, 64, 128])
    speed_parser.add_argument("--features", type=int, default=4)
    speed_parser.add_argument("--steps", type=int, default=1000,
                              help="rows per learn_many call in the RTRL-vs-BLAS table")
    speed_parser.add_argument("--repeats", type=int, default=5)
    speed_parser.add_argument("--out", default="rtrl-river-out")
    speed_parser.set_defaults(run=speed)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if getattr(args, "seeds", 1) < 1 or getattr(args, "hidden_size", 1) < 1:
        parser.error("--seeds and --hidden-size must be at least 1")
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
