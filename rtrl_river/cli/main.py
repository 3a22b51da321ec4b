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
import signal
import sys
import threading

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


class Interrupts:
    """While active, Ctrl-C raises KeyboardInterrupt as Python's own handler does, except while
    numba compiles (or loads a compiled kernel), when it waits until numba is done.

    numba compiles by calling Python back from inside LLVM; a KeyboardInterrupt raised in such
    a callback cannot propagate (Python prints it as "Exception ignored", with a traceback)
    and numba fails later with an error of its own ("no compiled object yet" when it caches
    the kernel); raised between llvmlite's calls, it can leave an object freed twice at exit.
    So a Ctrl-C while this thread holds numba's compiler lock is kept until the lock is let
    go, and raised there. A second Ctrl-C meanwhile raises at once. An error after a Ctrl-C
    is taken for the Ctrl-C. numba is not imported here: --help and --version never load it.
    """

    def __init__(self):
        self.received = self.waiting = False
        self.listener = None

    def __enter__(self):
        self.previous = signal.getsignal(signal.SIGINT)
        # not where SIGINT is ignored, nor outside the main thread (which alone gets signals)
        self.active = (self.previous is signal.default_int_handler
                       and threading.current_thread() is threading.main_thread())
        if self.active:
            signal.signal(signal.SIGINT, self._handle)
        return self

    @staticmethod
    def _compiling():
        compiler_lock = sys.modules.get("numba.core.compiler_lock")
        return compiler_lock is not None and compiler_lock.global_compiler_lock.is_locked()

    def _handle(self, signum, frame):
        self.received = True
        if not self.waiting and self._compiling():
            self.waiting = True
            self._listen()
            return
        signal.default_int_handler(signum, frame)

    def _listen(self):
        """Raise the Ctrl-C kept when numba lets its compiler lock go."""
        if self.listener is not None:
            return
        from numba.core import event

        interrupts = self

        class Released(event.Listener):
            def on_start(self, _):
                pass

            def on_end(self, _):
                if interrupts.waiting and not interrupts._compiling():
                    interrupts.waiting = False
                    raise KeyboardInterrupt

        self.listener = Released()
        event.register("numba:compiler_lock", self.listener)

    def __exit__(self, *exc):
        if self.active:
            signal.signal(signal.SIGINT, self.previous)
        if self.listener is not None:
            from numba.core import event

            event.unregister("numba:compiler_lock", self.listener)


def main(argv=None):
    interrupts = Interrupts()
    try:
        with interrupts:
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help()
                return 2
            command = args.command_module
            prepared = command.prepare(args.command_parser, args)
            return command.run(args, prepared)
    except KeyboardInterrupt:
        pass
    except Exception:
        if not interrupts.received:
            raise
    sys.stderr.write("\ninterrupted before any result was ready\n")
    return INTERRUPTED
