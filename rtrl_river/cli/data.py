"""The stream `compare` and `forecast` run on: a named one (`--dataset`), held as a list, or a
CSV file (`--csv`), streamed: read once through to check it, then once per model run."""

import itertools
import time

from .arguments import reading_options
from .checks import data_error
from .streams import CLASSIFICATION, REGRESSION, STREAMS, csv_stream, load

SURVEYED_FEATURES = 1000  # the rows whose feature names size the memory check


class Rows:
    """The first `n_steps` rows of a stream as a sequence that is read again on each pass, so
    a file is streamed, never held. `len` is the count the first pass found; `rows[:k]` is a
    list of the first k; `reading_seconds` adds up the time spent reading rows."""

    def __init__(self, stream, n_steps=None):
        self.stream, self.n_steps = stream, n_steps
        self.length, self.features, self.labels = 0, set(), set()
        self.reading_seconds = 0.0

    def survey(self):
        """Read every row once: raise on the first bad one, count them, and collect the
        feature names of the first rows and every label."""
        for index, (x, y) in enumerate(self):
            if index < SURVEYED_FEATURES:
                self.features.update(x)
            if self.stream.classification:
                self.labels.add(y)
            self.length = index + 1
        return self

    def __iter__(self):
        rows = itertools.islice(self.stream.make(0), self.n_steps)
        while True:
            start = time.perf_counter()
            row = next(rows, None)
            self.reading_seconds += time.perf_counter() - start
            if row is None:
                return
            yield row

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.start not in (None, 0) or index.step:
            raise TypeError("only rows[:k] is offered")
        return list(itertools.islice(self.stream.make(0), min(index.stop, self.length)))


def open_rows(parser, args):
    """Set `args.stream` from --dataset or --csv and return its rows: a list, or `Rows` for a
    file. Every row is read once here, so that a bad one stops the command before any model
    runs: argument errors as argparse errors, data errors as one line. Also sets
    `args.features` and `args.labels` (feature names of the first rows, the labels)."""
    settings = reading_options(parser, args)
    if args.csv is not None:
        if args.target is None:
            parser.error("--csv needs --target NAME, the column to predict")
        args.task = args.task or REGRESSION
        if args.dataset is not None:
            parser.error("give either --dataset or --csv, not both")
        try:
            args.stream = csv_stream(args.csv, args.target, task=args.task, **settings)
            rows = Rows(args.stream, args.steps).survey()
        except (OSError, ValueError) as error:
            data_error(parser, f"--csv {args.csv}: {error}")
        args.features, args.labels = rows.features, rows.labels
    else:
        if args.target is not None or args.drop or args.task is not None:
            parser.error("--target, --task and --drop go with --csv")
        args.stream = STREAMS[args.dataset or "trump-approval"]
        rows = load(args.stream.name, seed=args.data_seed, n_steps=args.steps)
        args.features = set().union(*(x for x, _ in rows[:SURVEYED_FEATURES]))
        args.labels = ({y for _, y in rows} if args.stream.task == CLASSIFICATION else set())
    if not rows:
        data_error(parser, f"{args.stream.name} has no samples")
    return rows
