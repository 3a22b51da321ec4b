"""`rtrl-river speed`: µs per step of each learner against the hidden size, and exact RTRL
against the BLAS product it is built on, single thread."""

import json
from pathlib import Path

from .arguments import LEARNERS, add_out_option, positive_int
from .checks import check_memory, check_out_dir, check_output
from .output import INTERRUPTED, plot, report_interruption, write_file


def add_parser(commands):
    parser = commands.add_parser(
        "speed",
        help="µs per step of each learner against hidden size, single thread",
        description="Time each learner's learn_many step against the hidden size (single "
        "thread, medians), fit the growth exponent, and compare exact RTRL with the BLAS "
        "product W_hh @ J it is built on. Writes a log-log PNG (with the `plot` extra) and "
        "the timings as JSON.",
    )
    parser.add_argument("--learners", nargs="+", default=list(LEARNERS), choices=LEARNERS,
                        metavar="LEARNER", help=f"any of {', '.join(LEARNERS)} (default: all)")
    parser.add_argument("--hidden-sizes", type=positive_int, nargs="+",
                        default=[8, 16, 32, 64, 128], metavar="N",
                        help="hidden sizes to time (default: 8 16 32 64 128)")
    parser.add_argument("--features", type=positive_int, default=4, metavar="D",
                        help="inputs of the synthetic stream (default: 4)")
    parser.add_argument("--steps", type=positive_int, default=1000, metavar="N",
                        help="rows per learn_many call in the RTRL-vs-BLAS table (default: 1000)")
    parser.add_argument("--repeats", type=positive_int, default=5, metavar="R",
                        help="timings per figure; the table shows the median (default: 5)")
    add_out_option(parser, "the PNG and JSON")
    return parser


def prepare(parser, args):
    check_memory(parser, "--hidden-sizes", args.learners, max(args.hidden_sizes),
                 args.features + 1)
    check_out_dir(parser, args.out)
    for name in ("speed.png", "speed.json"):
        check_output(parser, Path(args.out) / name)


def run(args, _=None):
    """µs per step of each learner against hidden size, and exact RTRL against BLAS."""
    from threadpoolctl import threadpool_limits

    from . import speed_tables

    sizes = sorted(set(args.hidden_sizes))
    times = {}
    try:
        # the estimators say so when they compile their kernels (first run); timings follow
        with threadpool_limits(1):
            speed_tables.learners_table(sizes, args.features, args.repeats,
                                        learners=args.learners, times=times)
            if "rtrl" in args.learners:
                speed_tables.learn_many_table([n for n in sizes if n >= 16] or sizes,
                                              args.features, args.steps, args.repeats)
    except KeyboardInterrupt:
        if report_interruption(times, "timing", lambda: "timings finished so far (µs per step):"):
            for (label, n), us in times.items():
                print(f"{label:>20}  n={n:<4} {us:10.1f}")
        return INTERRUPTED
    out = Path(args.out)
    if plot(lambda plt, f: _plot_speed(plt, times, sizes, f), out / "speed.png"):
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
