"""What the commands show and write: tables, a progress line, files written whole, and PNGs."""

import os
import sys
import tempfile
from pathlib import Path

INTERRUPTED = 130  # the shell's exit status for a process stopped by Ctrl-C (128 + SIGINT)


def report_interruption(finished, what, describe):
    """After Ctrl-C, on stderr: "interrupted: " and, when nothing in `finished` had finished,
    "no <what> had finished" (False: the command has nothing to show), else `describe()`
    (True: the command shows what it has)."""
    sys.stderr.write("\ninterrupted: ")
    if not finished:
        sys.stderr.write(f"no {what} had finished\n")
        return False
    sys.stderr.write(describe() + "\n")
    return True


def table_lines(header, rows, left=1):
    """A table as lines of text: columns as wide as their widest cell, two spaces apart, a
    rule under the header; the first `left` columns aligned left, the others right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    return ["  ".join(str(cell).ljust(width) if i < left else str(cell).rjust(width)
                      for i, (cell, width) in enumerate(zip(line, widths)))
            for line in [header, ["-" * width for width in widths], *rows]]


def print_table(header, rows, left=1, title=None):
    """Print `table_lines`, after a blank line and `title` when given."""
    if title is not None:
        print(f"\n{title}")
    for line in table_lines(header, rows, left):
        print(line)


class Progress:
    """A one-line progress bar on stderr (a line per update when stderr is not a terminal)."""

    def __init__(self, total, width=30, done=0):
        self.total, self.width, self.done = total, width, done
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


def plot(draw, path):
    """Draw a PNG with matplotlib (`draw(plt, f)`), or say in one line that it is skipped when
    matplotlib (the `plot` extra) is missing. Returns whether the file was written."""
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
