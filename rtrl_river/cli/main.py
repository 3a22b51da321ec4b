"""The `rtrl-river` command: its parser, and how a command runs.

    rtrl-river compare [--dataset NAME | --csv PATH --target NAME] [--learners ...] [--out DIR]
    rtrl-river forecast [--dataset NAME | --csv PATH --target NAME] [--horizon H] [--out DIR]
    rtrl-river speed [--learners ...] [--hidden-sizes 8 16 32 64 128] [--out DIR]
    rtrl-river suite [--learners rtrl snap-1 tbptt uoro elstm-64] [--seeds 3] [--out DIR]
    rtrl-river forecast-suite [--holdout] [--series NAME ...] [--entry NAME=EXPRESSION ...]

Every argument is checked before any work starts. Outputs are written to a temporary file in
the output directory and then renamed over the final name, so a symbolic link placed there is
replaced, never written through.
"""

import argparse
import importlib
import sys

from .output import INTERRUPTED

# One module per command, each with `add_parser(commands)`, `prepare(parser, args)` (checks
# what needs more than one argument, and may load data) and `run(args, prepared)` (does the
# work and returns the exit status).
COMMANDS = ["compare", "forecast", "speed", "suite", "forecast-suite"]


def _version():
    from .. import __version__

    return __version__


def build_parser():
    parser = argparse.ArgumentParser(
        prog="rtrl-river",
        description="Online recurrent networks trained by exact RTRL: compare gradient "
        "estimators on a stream (compare), forecast a series (forecast), time them (speed), "
        "and run the quality suite (suite) and the real-series forecasting benchmark "
        "(forecast-suite).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", title="commands")
    for name in COMMANDS:
        command = importlib.import_module(f"{__package__}.{name.replace('-', '_')}")
        command_parser = command.add_parser(commands)
        command_parser.set_defaults(command_module=command, command_parser=command_parser)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    command = args.command_module
    try:
        prepared = command.prepare(args.command_parser, args)
        return command.run(args, prepared)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted before any result was ready\n")
        return INTERRUPTED
