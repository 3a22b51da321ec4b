"""Checks made before any work starts: that the largest model fits in memory and that the
outputs can be written; and how a command stops on bad data."""

import os
import sys
from pathlib import Path

from .arguments import learner_label


def data_error(parser, message):
    """Stop with exit status 2 and one line on stderr, without the usage block: the command
    line was fine, the data was not."""
    sys.stderr.write(f"{parser.prog}: error: {message}\n")
    sys.exit(2)


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
    needed, learner = max((state_bytes(each, hidden_size, n_inputs, n_outputs),
                           learner_label(each)) for each in learners)
    if needed > available:
        parser.error(
            f"{option} {hidden_size} needs about {format_bytes(needed)} for one {learner} model "
            f"({n_inputs} inputs; exact RTRL's influence matrices grow as n^2 (n + d)), more "
            f"than this machine's {format_bytes(available)} of memory; choose a smaller size"
        )


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
