"""A CSV file as a stream of (x, y), read in file order with River's `iter_csv`.

Numeric columns are features. A date column becomes calendar features (month, weekday, day
of the month, hour), so a model can learn a season from it. An empty cell is a missing
feature. Anything else is a ValueError naming the line and the column.
"""

import csv
import math
from datetime import datetime

from river import stream

CALENDAR = ("month", "weekday", "day", "hour")


def parse_date(text):
    """A datetime from ISO 8601 text (`2024-01-31`, `2024-01-31 12:00:00+01:00`) or `2024-01`,
    or None when the text is not a date."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in ("%Y-%m", "%Y/%m/%d", "%Y/%m"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    return None


def calendar_features(name, moment):
    return {
        f"{name}_month": float(moment.month),
        f"{name}_weekday": float(moment.weekday()),
        f"{name}_day": float(moment.day),
        f"{name}_hour": float(moment.hour),
    }


def _number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value


class CSVStream:
    """The rows of a CSV file with a header, as (x, y) pairs.

    Parameters
    ----------
    path
        The file; its first line names the columns.
    target
        The column to predict. For regression every row must hold a finite number there; for
        classification any non-empty text is a label.
    drop
        Columns to leave out.
    classification
        Read the target as a class label instead of a number.
    """

    def __init__(self, path, target, drop=(), classification=False):
        self.path = path
        self.target = target
        self.drop = tuple(drop)
        self.classification = classification
        self.columns = self._header()

    def _header(self):
        with open(self.path, newline="") as f:
            header = next(csv.reader(f), None)
        if not header:
            raise ValueError("the file is empty; the first line must name the columns")
        if self.target not in header:
            raise ValueError(f"no column named {self.target!r}; the columns are "
                             f"{', '.join(map(repr, header))}")
        unknown = [name for name in self.drop if name not in header]
        if unknown:
            raise ValueError(f"--drop names no column {', '.join(map(repr, unknown))}")
        if self.target in self.drop:
            raise ValueError(f"the target {self.target!r} cannot be dropped")
        return header

    def __iter__(self):
        kinds = {}  # column -> "number" or "date", from its first non-empty value
        rows = stream.iter_csv(self.path, target=self.target, drop=list(self.drop))
        for line, (raw, target) in enumerate(rows, start=2):
            y = self._label(line, target) if self.classification else self._value(line, target)
            x = {}
            for name, text in raw.items():
                if text is None or text.strip() == "":
                    continue  # a missing feature reads as 0
                text = text.strip()
                kind = kinds.get(name)
                if kind != "date":
                    value = _number(text)
                    if value is not None and math.isfinite(value):
                        kinds[name] = "number"
                        x[name] = value
                        continue
                    if kind == "number" or value is not None:
                        raise ValueError(f"line {line}: column {name!r} holds {text!r}, not a "
                                         "finite number like the rows before it")
                moment = parse_date(text)
                if moment is None:
                    raise ValueError(
                        f"line {line}: column {name!r} holds {text!r}, neither a number nor a "
                        f"date; leave it out with --drop {name}"
                    )
                kinds[name] = "date"
                x.update(calendar_features(name, moment))
            yield x, y

    def _value(self, line, text):
        y = _number(text) if text not in (None, "") else None
        if y is None or not math.isfinite(y):
            raise ValueError(f"line {line}: the target {self.target!r} is {text!r}, not a finite "
                             "number (use --task classification for labels)")
        return y

    def _label(self, line, text):
        if text is None or text.strip() == "":
            raise ValueError(f"line {line}: the target {self.target!r} is empty")
        return text.strip()
