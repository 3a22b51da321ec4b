"""The `rtrl-river` command: compare gradient estimators on a stream (a bundled one or a CSV
file), and time them.

    rtrl-river compare [--dataset NAME | --csv PATH --target NAME] [--learners ...] [--out DIR]
    rtrl-river forecast [--dataset NAME | --csv PATH --target NAME] [--horizon H] [--out DIR]
    rtrl-river speed [--learners ...] [--hidden-sizes 8 16 32 64 128] [--out DIR]

Every argument is checked before any work starts. Outputs are written to a temporary file in
the output directory and then renamed over the final name, so a symbolic link placed there is
replaced, never written through.
"""

import argparse
import csv
import json
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from .datasets.registry import CLASSIFICATION, REGRESSION, STREAMS, csv_stream, load
from .learners import LEARNERS
from .suite import LastValueForecaster as LastValue

DEFAULT_LEARNERS = ["rtrl", "snap-1", "tbptt", "uoro"]
INTERRUPTED = 130  # the shell's exit status for a process stopped by Ctrl-C (128 + SIGINT)


# ------------------------------------------------------------------ argument types


def _bounded(parse, acceptable, problem):
    """An argparse type: `parse(text)`, rejected with "<text> <problem>" unless acceptable."""

    def convert(text):
        value = parse(text)
        if not acceptable(value):
            raise argparse.ArgumentTypeError(f"{text} {problem}")
        return value

    return convert


def _whole_number(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _finite_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    return value


positive_int = _bounded(_whole_number, lambda value: value >= 1, "is not at least 1")
non_negative_int = _bounded(_whole_number, lambda value: value >= 0, "is negative")
positive_float = _bounded(_finite_float, lambda value: value > 0, "is not above 0")
non_negative_float = _bounded(_finite_float, lambda value: value >= 0,
                              "is negative (0 disables clipping)")


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


# ------------------------------------------------------------------ memory


def state_bytes(learner, hidden_size, n_inputs, n_outputs=1):
    """An estimate of the bytes one model holds: its parameters, gradient and optimizer moments,
    and the learner's traces (exact RTRL keeps two (n+1) x P influence buffers)."""
    n = hidden_size
    recurrent = n * (n + n_inputs + 1)  # P: W_hh, W_xh and b_h
    parameters = recurrent + n_outputs * (n + 1)
    label = learner_label(learner)
    if label == "rtrl":
        traces = 2 * (n + 1) * recurrent
    elif label.startswith("snap-") and label != "snap-1":
        traces = n * recurrent  # at most the dense influence matrix
    elif label.startswith("tbptt"):
        window = getattr(learner, "truncation", 16)
        traces = window * (3 * n + n_inputs + n_outputs)
    else:
        traces = 3 * recurrent
    return 8 * (4 * parameters + traces)


def physical_memory():
    """Bytes of RAM on this machine, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def format_bytes(count):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if count < 1024 or unit == "PiB":
            return f"{count:.1f} {unit}" if unit != "B" else f"{count} B"
        count /= 1024


def check_memory(parser, option, learners, hidden_size, n_inputs, n_outputs=1):
    """An argparse error when the largest model would not fit in this machine's memory."""
    available = physical_memory()
    if available is None:
        return
    needed, learner = max((state_bytes(l, hidden_size, n_inputs, n_outputs), learner_label(l))
                          for l in learners)
    if needed > available:
        parser.error(
            f"{option} {hidden_size} needs about {format_bytes(needed)} for one {learner} model "
            f"({n_inputs} inputs; exact RTRL's influence matrices grow as n^2 (n + d)), more "
            f"than this machine's {format_bytes(available)} of memory; choose a smaller size"
        )


# ------------------------------------------------------------------ output files


def check_out_dir(parser, out):
    """An argparse error unless `out` is, or can be made, a writable directory."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        parser.error(f"--out {out} is an existing file; give a directory")
    if path.is_symlink() and not path.exists():
        parser.error(f"--out {out} is a broken symbolic link; give a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        parser.error(f"--out {out}: cannot create the directory ({error.strerror})")
    if not os.access(path, os.W_OK | os.X_OK):
        parser.error(f"--out {out}: the directory is not writable")


def check_output(parser, path):
    """An argparse error when an output's name is taken by a directory."""
    if path.is_dir() and not path.is_symlink():
        parser.error(f"{path} is a directory; move it or choose another --out")


def write_file(path, write, binary=False):
    """Write `path` through a temporary file in the same directory, then rename it over `path`:
    a symbolic link already at `path` is replaced, not followed, and a reader never sees half
    a file. `write(f)` writes the contents."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(f"{path} is a directory")
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(descriptor, mode, **({} if binary else {"newline": ""})) as f:
            write(f)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ progress


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


COMPILING = ("compiling the numba kernels (first run only, about 20 s; later runs load them "
             "from the on-disk cache)...")
COMPILING_UNCACHED = ("compiling the numba kernels (about 20 s; numba has no writable cache "
                      "here, so every run compiles)...")


def kernel_cache():
    """"filled" when numba's on-disk cache already holds the learning loop, "empty" when it does
    not (the kernels will compile), "none" when kernels are not cached at all."""
    import numba

    from .kernels import calls

    if numba.config.DISABLE_JIT:
        return "filled"  # nothing to compile
    cache = getattr(calls.elman_learn, "_cache", None)
    index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
    if index is None:  # numba caches nothing here (or its internals moved)
        return "none"
    return "filled" if os.path.exists(index) else "empty"


class CompileNotice:
    """Says on stderr, once, that kernels are being compiled: at once when the on-disk cache is
    empty, or when preparing one model takes longer than loading from the cache would."""

    def __init__(self, delay=3.0):
        self.delay, self.said, self.timer = delay, False, None
        self.cache = kernel_cache()
        if self.cache != "filled":
            self.say()

    def say(self):
        if not self.said:
            self.said = True
            sys.stderr.write((COMPILING_UNCACHED if self.cache == "none" else COMPILING) + "\n")
            sys.stderr.flush()

    def __enter__(self):
        self.timer = threading.Timer(self.delay, self.say)
        self.timer.daemon = True
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()


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


def _estimator(args):
    from . import RTRLClassifier, RTRLRegressor

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


def prepare_compare(parser, args):
    """Check the arguments that need the stream (its features, classes, output names) and load
    it; everything here happens before the first model runs."""
    if args.csv is not None:
        if args.target is None:
            parser.error("--csv needs --target NAME, the column to predict")
        args.task = args.task or REGRESSION
        if args.dataset is not None:
            parser.error("give either --dataset or --csv, not both")
        try:
            args.stream = csv_stream(args.csv, args.target, drop=args.drop, task=args.task)
            rows = load(args.stream, n_steps=args.steps)
        except (OSError, ValueError) as error:
            parser.error(f"--csv {args.csv}: {error}")
    else:
        if args.target is not None or args.drop or args.task is not None:
            parser.error("--target, --task and --drop go with --csv")
        args.stream = STREAMS[args.dataset or "trump-approval"]
        rows = load(args.stream.name, seed=args.data_seed, n_steps=args.steps)
    if not rows:
        parser.error(f"{args.stream.name} has no samples")
    features = set().union(*(x for x, _ in rows[:1000]))
    classes = len({y for _, y in rows}) if args.stream.task == CLASSIFICATION else 1
    n_inputs = len(features) + (classes if _feedback(args) else 0)
    check_memory(parser, "--hidden-size", args.learners, args.hidden_size, n_inputs, classes)
    check_out_dir(parser, args.out)
    outputs = ((".json",) if args.command == "forecast" else (".csv", ".json", ".png"))
    for suffix in outputs:
        output = Path(args.out) / f"{args.command}-{args.stream.name}{suffix}"
        check_output(parser, output)
        if args.csv is not None and output.exists() and output.samefile(args.csv):
            parser.error(f"--out {args.out}: the outputs would overwrite the input {args.csv}")
    return rows


def compare(args, rows):
    """Progressive validation of each learner (over seeds) and the baselines on one stream."""
    stream = args.stream
    multiclass = stream.task == CLASSIFICATION and len({y for _, y in rows}) > 2
    make_metric = _metrics(stream.task)
    runs = [(name, [None], make) for name, make in _baselines(stream.task, multiclass).items()]
    runs += [
        (learner_label(learner), list(range(args.seeds)),
         lambda seed, learner=learner: _rnn(learner, args, seed))
        for learner in args.learners
    ]
    results, interrupted = [], False
    try:
        # Compile (first run) or load the kernels before anything is timed.
        notice = CompileNotice()
        preparing = Progress(len(runs)) if notice.said else None
        for name, seeds, make in runs:
            with notice:
                _run(rows[:20], make() if seeds == [None] else make(0), make_metric(), 1)
            if preparing is None and notice.said:
                preparing = Progress(len(runs))
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
        sys.stderr.write("\ninterrupted: ")
        if not results:
            sys.stderr.write("no model had finished\n")
            return INTERRUPTED
        finished = ", ".join(f"{r['model']} ({r['runs']} of {len(s)})"
                             for r, (_, s, _) in zip(results, runs))
        sys.stderr.write(f"finished runs: {finished}\n")
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
        key: [statistics.mean(curve[i][key] for curve, _, _ in outcomes) for i in range(len(steps))]
        for key in metrics
    }
    summary["curve"]["step"] = steps
    return summary


def _print_table(stream, rows, results, args):
    metrics = [key for key in results[0]["curve"] if key != "step"]
    settings = _rnn("rtrl", args, 0)[-1]
    print(f"\n{stream.name}: {len(rows)} samples, {stream.task}; RTRL estimators: hidden size "
          f"{args.hidden_size}, {args.optimizer} lr {settings.lr} (W_hh x{settings.recurrent_lr_scale}), "
          f"clip {settings.clip_gradient}, feedback {settings.target_feedback}; {args.seeds} seed(s), mean ± std over seeds")
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
    if _plot(lambda plt, f: _plot_curves(plt, stream, results, f),
             out / f"compare-{stream.name}.png"):
        written += " and .png"
    print(f"\nwrote {out}/compare-{stream.name}{written}")


def _plot(draw, path):
    """Draw a PNG with matplotlib, or say in one line that it is skipped when matplotlib (the
    `plot` extra) is missing. Returns whether the file was written."""
    try:
        import matplotlib
    except ImportError:
        sys.stderr.write(f"matplotlib is not installed, so {path.name} is skipped "
                         "(pip install 'rtrl_river[plot]' adds it)\n")
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    write_file(path, lambda f: draw(plt, f), binary=True)
    return True


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


# ------------------------------------------------------------------ forecast


class SeasonalHoltWinters(LastValue):
    """River's HoltWinters (alpha 0.3, beta 0.1, gamma 0.6, additive), which can forecast once
    it has seen a season; the last value until then."""

    def __init__(self, seasonality):
        from river import time_series

        super().__init__()
        self.seen, self.seasonality = 0, seasonality
        self.model = time_series.HoltWinters(alpha=0.3, beta=0.1, gamma=0.6,
                                             seasonality=seasonality)

    def learn_one(self, y, x=None):
        super().learn_one(y)
        self.model.learn_one(y)
        self.seen += 1

    def forecast(self, horizon, xs=None):
        if self.seen < max(2, self.seasonality):
            return super().forecast(horizon)
        return self.model.forecast(horizon)


def _forecasters(args):
    """name -> (seeds, make(seed)): the baselines, then RTRLForecaster over seeds."""
    from . import RTRLForecaster

    models = {"last value": ([None], lambda seed: LastValue())}
    if args.seasonality:
        models["HoltWinters"] = ([None], lambda seed: SeasonalHoltWinters(args.seasonality))
    settings = dict(hidden_size=args.hidden_size, seasonality=args.seasonality)
    if args.lr is not None:
        settings["lr"] = args.lr
    models["RTRLForecaster"] = (list(range(args.seeds)),
                                lambda seed: RTRLForecaster(seed=seed, **settings))
    return models


def prepare_forecast(parser, args):
    args.learners, args.feedback, args.drop = ["rtrl"], True, getattr(args, "drop", [])
    rows = prepare_compare(parser, args)
    if args.stream.task == CLASSIFICATION:
        parser.error(f"{args.stream.name} is a classification stream; forecast needs a series")
    if len(rows) <= 2 * args.horizon:  # River learns H steps, then needs H more to score one
        parser.error(f"--horizon {args.horizon} needs more than {2 * args.horizon} samples; "
                     f"{args.stream.name} has {len(rows)}")
    return rows


def forecast(args, rows):
    """River's forecasting protocol (evaluate.iter_evaluate: forecast the horizon, then learn
    the step) for RTRLForecaster over seeds and the baselines; MAE per step ahead."""
    import statistics as stats

    results, interrupted = [], False
    try:
        with CompileNotice():
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
            means = [stats.mean(per_step) for per_step, _ in errors]
            results.append({
                "model": name, "runs": len(errors), "MAE": stats.mean(means),
                "MAE std": stats.stdev(means) if len(means) > 1 else 0.0,
                "MAE by step": [stats.mean(e[0][h] for e in errors) for h in range(args.horizon)],
                "us/sample": stats.median(us for _, us in errors),
            })
    except KeyboardInterrupt:
        interrupted = True
        sys.stderr.write("\ninterrupted: ")
        if not results:
            sys.stderr.write("no model had finished\n")
            return INTERRUPTED
        sys.stderr.write(f"finished: {', '.join(r['model'] for r in results)}\n")
    print(f"\n{args.stream.name}: {len(rows)} samples, horizon {args.horizon}, seasonality "
          f"{args.seasonality}; RTRLForecaster hidden size {args.hidden_size}, {args.seeds} "
          "seed(s); MAE averaged over the horizon, mean ± std over seeds")
    header = ["model", "MAE", "MAE at +1", f"MAE at +{args.horizon}", "µs/sample"]
    table = [[r["model"], f"{r['MAE']:.4f}" + (f" ± {r['MAE std']:.4f}" if r["runs"] > 1 else ""),
              f"{r['MAE by step'][0]:.4f}", f"{r['MAE by step'][-1]:.4f}",
              f"{r['us/sample']:.1f}"] for r in results]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *table)]
    for line in [header, ["-" * w for w in widths], *table]:
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(line, widths))))
    path = Path(args.out) / f"forecast-{args.stream.name}.json"
    write_file(path, lambda f: json.dump({"dataset": args.stream.name, "samples": len(rows),
                                          "horizon": args.horizon, "results": results}, f,
                                         indent=1))
    print(f"\nwrote {path}")
    return INTERRUPTED if interrupted else 0


def _forecast_errors(rows, model, horizon):
    """The MAE at each step ahead under River's forecasting protocol."""
    from river import evaluate, metrics

    metric = None
    for *_, metric in evaluate.iter_evaluate(rows, model, metrics.MAE(), horizon):
        pass
    return [m.get() for m in metric.metrics] if metric else [float("nan")] * horizon


# ------------------------------------------------------------------ speed


def prepare_speed(parser, args):
    check_memory(parser, "--hidden-sizes", args.learners, max(args.hidden_sizes),
                 args.features + 1)
    check_out_dir(parser, args.out)
    for name in ("speed.png", "speed.json"):
        check_output(parser, Path(args.out) / name)


def speed(args, _=None):
    """µs per step of each learner against hidden size, and exact RTRL against BLAS."""
    from threadpoolctl import threadpool_limits

    from .benchmark import learn_many_table, learners_table

    sizes = sorted(set(args.hidden_sizes))
    times = {}
    try:
        CompileNotice()  # says so up front when the cache is empty; the timings follow
        with threadpool_limits(1):
            learners_table(sizes, args.features, args.repeats, learners=args.learners,
                           times=times)
            if "rtrl" in args.learners:
                learn_many_table([n for n in sizes if n >= 16] or sizes, args.features,
                                 args.steps, args.repeats)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted: ")
        if not times:
            sys.stderr.write("no timing had finished\n")
            return INTERRUPTED
        sys.stderr.write("timings finished so far (µs per step):\n")
        for (label, n), us in times.items():
            print(f"{label:>20}  n={n:<4} {us:10.1f}")
        return INTERRUPTED
    out = Path(args.out)
    if _plot(lambda plt, f: _plot_speed(plt, times, sizes, f), out / "speed.png"):
        written = "speed.png and speed.json"
    else:
        written = "speed.json"
    write_file(out / "speed.json", lambda f: json.dump(
        [{"learner": label, "hidden_size": n, "us_per_step": us}
         for (label, n), us in times.items()], f, indent=1))
    print(f"\nwrote {out}/{written}")
    return 0


def _plot_speed(plt, times, sizes, f):
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for label in dict.fromkeys(label for label, _ in times):
        ax.loglog(sizes, [times[label, n] for n in sizes], marker="o", label=label)
    ax.set_xlabel("hidden size n")
    ax.set_ylabel("µs per step (single thread)")
    ax.set_title("cost per step against hidden size")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(f, format="png", dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------ parser


def _version():
    from . import __version__

    return __version__


def _add_compare(commands):
    streams = "\n".join(f"  {name:<20} {s.description}" for name, s in STREAMS.items())
    parser = commands.add_parser(
        "compare",
        help="progressive validation of RTRL and the cheaper estimators next to baselines",
        description="River progressive validation (predict each sample, then learn it) of "
        "each chosen learner\ninside StandardScaler | RTRLRegressor/RTRLClassifier, over "
        "several seeds, next to the usual\nbaselines. Prints a table and writes CSV, JSON "
        "and a learning-curve PNG (the PNG needs\nmatplotlib: the `plot` extra).",
        epilog=f"datasets:\n{streams}\n\nyour own data: --csv PATH --target NAME reads a CSV "
        "file with a header row through River's\nstream.iter_csv, in file order, as a "
        "regression stream (--task classification for\nlabels). Numeric columns are "
        "features; a date column (ISO 8601, or YYYY-MM) becomes\nNAME_month, NAME_weekday, "
        "NAME_day and NAME_hour; an empty cell is a missing feature.\nAny other text is an "
        "error naming its line and column: --drop such columns.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", default=None, choices=list(STREAMS), metavar="NAME",
                        help="stream to run (default: trump-approval; see the list below)")
    parser.add_argument("--csv", default=None, metavar="PATH",
                        help="run on your own CSV file instead of a named stream")
    parser.add_argument("--target", default=None, metavar="NAME",
                        help="with --csv: the numeric column to predict")
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
    _add_run_options(parser, "stream", "the CSV, JSON and PNG")
    parser.set_defaults(prepare=prepare_compare, run=compare, command_parser=parser)


def _add_run_options(parser, data, outputs):
    """The options `compare` and `forecast` share: the learning rate, how much of the `data`
    (stream or series) to use and its seed, and where the `outputs` go."""
    parser.add_argument("--lr", type=positive_float, default=None,
                        help="learning rate, above 0 (default: the estimator's)")
    parser.add_argument("--steps", type=positive_int, default=None, metavar="N",
                        help=f"use only the first N samples of the {data}")
    parser.add_argument("--data-seed", type=non_negative_int, default=0, metavar="SEED",
                        help=f"seed of a synthetic {data} (default: 0)")
    parser.add_argument("--out", default="rtrl-river-out", metavar="DIR",
                        help=f"directory for {outputs} (default: rtrl-river-out)")


def _add_forecast(commands):
    streams = "\n".join(f"  {name:<20} {s.description}" for name, s in STREAMS.items()
                        if s.task != CLASSIFICATION)
    parser = commands.add_parser(
        "forecast",
        help="River's forecasting protocol: RTRLForecaster next to the last value and HoltWinters",
        description="River's forecasting protocol (evaluate.iter_evaluate: at each step, forecast "
        "the next\nHORIZON values, then learn the step) of RTRLForecaster over several seeds, "
        "next to the\nlast value and, with --seasonality, HoltWinters. Prints the MAE averaged "
        "over the\nhorizon and writes it, with the MAE at each step ahead, as JSON. HoltWinters "
        "runs with\nalpha 0.3, beta 0.1, gamma 0.6, additive.",
        epilog=f"series:\n{streams}\n\nyour own data: --csv PATH --target NAME, read as "
        "for compare (see compare --help).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", default=None, choices=[n for n, s in STREAMS.items()
                                                            if s.task != CLASSIFICATION],
                        metavar="NAME", help="series to run (default: trump-approval)")
    parser.add_argument("--csv", default=None, metavar="PATH",
                        help="run on your own CSV file instead of a named series")
    parser.add_argument("--target", default=None, metavar="NAME",
                        help="with --csv: the numeric column to forecast")
    parser.add_argument("--drop", nargs="+", default=[], metavar="NAME",
                        help="with --csv: columns to leave out")
    parser.add_argument("--horizon", type=positive_int, default=12, metavar="H",
                        help="steps ahead to forecast (default: 12)")
    parser.add_argument("--seasonality", type=non_negative_int, default=0, metavar="M",
                        help="season length in steps, 0 for none (default: 0)")
    parser.add_argument("--hidden-size", type=positive_int, default=16, metavar="N",
                        help="hidden units (default: 16)")
    parser.add_argument("--seeds", type=positive_int, default=3, metavar="K",
                        help="seeds of RTRLForecaster (default: 3)")
    _add_run_options(parser, "series", "the JSON")
    parser.set_defaults(prepare=prepare_forecast, run=forecast, command_parser=parser, task=None)


def _add_speed(commands):
    parser = commands.add_parser(
        "speed",
        help="µs per step of each learner against hidden size, single thread",
        description="Time each learner's learn_many step against the hidden size (single "
        "thread, medians), fit the growth exponent, and compare exact RTRL with the BLAS "
        "product W_hh @ J it is built on. Writes a log-log PNG (with the `plot` extra) and "
        "the timings as JSON.",
    )
    parser.add_argument("--learners", nargs="+", default=list(LEARNERS),
                        choices=list(LEARNERS), metavar="LEARNER",
                        help=f"any of {', '.join(LEARNERS)} (default: all)")
    parser.add_argument("--hidden-sizes", type=positive_int, nargs="+",
                        default=[8, 16, 32, 64, 128], metavar="N",
                        help="hidden sizes to time (default: 8 16 32 64 128)")
    parser.add_argument("--features", type=positive_int, default=4, metavar="D",
                        help="inputs of the synthetic stream (default: 4)")
    parser.add_argument("--steps", type=positive_int, default=1000, metavar="N",
                        help="rows per learn_many call in the RTRL-vs-BLAS table (default: 1000)")
    parser.add_argument("--repeats", type=positive_int, default=5, metavar="R",
                        help="timings per figure; the table shows the median (default: 5)")
    parser.add_argument("--out", default="rtrl-river-out", metavar="DIR",
                        help="directory for the PNG and JSON (default: rtrl-river-out)")
    parser.set_defaults(prepare=prepare_speed, run=speed, command_parser=parser)


# ------------------------------------------------------------------ suite


def prepare_suite(parser, args):
    check_out_dir(parser, args.out)
    check_output(parser, Path(args.out) / "suite.csv")


def suite(args, _=None):
    """The quality suite at the defaults: one table, the best entry of each row marked."""
    from . import suite as quality

    results = []
    start = time.perf_counter()
    try:
        CompileNotice()
        quality.run_suite(args.streams, args.learners, range(args.seeds), args.jobs,
                          results=results)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted: ")
        if not results:
            sys.stderr.write("no run had finished\n")
            return INTERRUPTED
        sys.stderr.write("the runs finished so far:\n")
        quality.print_table(results, args.seeds)
        return INTERRUPTED
    quality.print_table(results, args.seeds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / "suite.csv", lambda f: quality.write_csv(results, f))
    print(f"\nwrote {out}/suite.csv ({time.perf_counter() - start:.0f} s)")
    return 0


def _add_suite(commands):
    from . import suite as quality

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
    quality.add_arguments(parser)
    parser.set_defaults(prepare=prepare_suite, run=suite, command_parser=parser)


# Each command adds its parser; `prepare(parser, args)` checks what needs more than one argument
# (and may load data), `run(args, prepared)` does the work and returns the exit status.
COMMANDS = [_add_compare, _add_forecast, _add_speed, _add_suite]


def build_parser():
    parser = argparse.ArgumentParser(
        prog="rtrl-river",
        description="Online recurrent networks trained by exact RTRL: compare gradient "
        "estimators on a stream (compare), forecast a series (forecast) and time them (speed).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", title="commands")
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        prepared = args.prepare(args.command_parser, args)
        return args.run(args, prepared)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted before any result was ready\n")
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
