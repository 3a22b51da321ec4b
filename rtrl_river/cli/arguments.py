"""Argument types and the options several commands share. Building a parser imports neither
numpy nor numba nor River, so `--help` and `--version` answer at once."""

import argparse
import math

from .csv_file import MISSING

# The learner names the estimators take (rtrl_river.learners.LEARNERS), written out so that
# listing them in --help loads no kernels; a test keeps the two equal.
LEARNERS = ["rtrl", "snap-1", "snap-2", "tbptt", "uoro"]
DEFAULT_LEARNERS = ["rtrl", "snap-1", "tbptt", "uoro"]


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


def season(text):
    """A season length in steps (0 for none), or "auto" to have the forecaster find it."""
    return "auto" if text == "auto" else non_negative_int(text)


def character(text):
    """One character, such as a separator; `\\t` or `tab` is a tab."""
    text = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not one character")
    return text


def learner_spec(text):
    """A learner name, or tbptt-K / snap-N for another truncation or level."""
    if text in LEARNERS:
        return text
    family, _, number = text.rpartition("-")
    if family in ("tbptt", "snap") and number.isdigit() and int(number) >= 1:
        from ..learners import TBPTT, SnAp

        return TBPTT(truncation=int(number)) if family == "tbptt" else SnAp(level=int(number))
    raise argparse.ArgumentTypeError(
        f"unknown learner {text!r}; choose from {', '.join(LEARNERS)}, or tbptt-K / snap-N"
    )


def learner_label(learner):
    if isinstance(learner, str):
        return learner
    return f"tbptt-{learner.truncation}" if hasattr(learner, "truncation") else learner.name


def add_csv_options(parser, what, target_help):
    """--csv PATH and --target NAME; `what` is what a named dataset gives (stream, series)."""
    parser.add_argument("--csv", default=None, metavar="PATH",
                        help=f"run on your own CSV file instead of a named {what}")
    parser.add_argument("--target", default=None, metavar="NAME", help=target_help)


# option -> (its value when not given, what it sets in CSVStream)
READING = {"--sep": (",", "sep"), "--thousands": (None, "thousands"), "--decimal": (".", "decimal"),
           "--date-format": (None, "date_format"), "--missing": ("error", "missing")}


def add_csv_reading(parser):
    """How --csv reads a file: what a pandas user would set in read_csv. Each option's default
    is None here, so that one given without --csv can be refused."""
    group = parser.add_argument_group("reading --csv files")
    group.add_argument("--sep", type=character, default=None, metavar="C",
                       help="the character between fields, such as ';' or '\\t' (default: ,)")
    group.add_argument("--thousands", type=character, default=None, metavar="C",
                       help="a thousands separator to remove from numbers, such as ',' for "
                       "1,234.5 (default: none)")
    group.add_argument("--decimal", type=character, default=None, metavar="C",
                       help="the decimal mark, such as ',' for 1234,5 (default: .)")
    group.add_argument("--date-format", default=None, metavar="FORMAT",
                       help="how dates are written, in strptime's codes, such as %%m/%%d/%%Y "
                       "(default: ISO 8601 such as 2024-01-31, or 2024-01)")
    group.add_argument("--missing", default=None, choices=MISSING,
                       help="a row whose target is empty or NA: an error, skipped, the previous "
                       "target (ffill) or on a straight line between the targets around it "
                       "(interpolate); ffill and interpolate skip the rows before the first "
                       "target (default: error)")


def reading_options(parser, args):
    """The CSVStream settings of the --csv reading options; an argparse error for one given
    without --csv."""
    settings = {"drop": args.drop, "dates": getattr(args, "dates", False)}
    for option, (default, name) in READING.items():
        value = getattr(args, name)
        if value is not None and args.csv is None:
            parser.error(f"{option} goes with --csv")
        settings[name] = default if value is None else value
    return settings


def add_run_options(parser, data, outputs):
    """The options `compare` and `forecast` share: the learning rate, how much of the `data`
    (stream or series) to use and its seed, and where the `outputs` go."""
    parser.add_argument("--lr", type=positive_float, default=None,
                        help="learning rate, above 0 (default: the estimator's)")
    parser.add_argument("--steps", type=positive_int, default=None, metavar="N",
                        help=f"use only the first N samples of the {data}")
    parser.add_argument("--data-seed", type=non_negative_int, default=0, metavar="SEED",
                        help=f"seed of a synthetic {data} (default: 0)")
    add_out_option(parser, outputs)


def add_out_option(parser, outputs):
    parser.add_argument("--out", default="rtrl-river-out", metavar="DIR",
                        help=f"directory for {outputs} (default: rtrl-river-out)")
