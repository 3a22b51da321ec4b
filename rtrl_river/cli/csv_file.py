"""A CSV file as a stream of (x, y), read row by row in file order: a pass holds one row (and,
with `missing="interpolate"`, the rows of one gap), whatever the file's size.

Numeric columns are features. A date column becomes calendar features (month, weekday, day of
the month, hour), so a model can learn a season from it. An empty cell is a missing feature.
Anything else is a ValueError naming the line and the column.
"""

import csv
import math
import os
import shutil
import stat
import tempfile
from datetime import datetime

CALENDAR = ("month", "weekday", "day", "hour")
NUMBER, DATE = "number", "date"  # what a column holds, from its first non-missing cell
MISSING = ("error", "skip", "ffill", "interpolate")
# pandas' default missing-value markers: a cell holding one of them is missing, like an empty one
MISSING_MARKERS = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
})
# Beyond this a value's square overflows float64 (about 1.8e308) once it is standardised or
# scored: River's StandardScaler and squared-error metrics would return inf or raise.
LARGEST = 1e150
# Python's csv module refuses a field over 131,072 characters; a long text column can then be
# neither read nor left out with --drop. The limit here only bounds one row.
FIELD_LIMIT = 2**31 - 1


def parse_date(text, date_format=None):
    """A datetime from `text` in `date_format` (strptime's codes, such as `%m/%d/%Y`), else
    from ISO 8601 (`2024-01-31`, `2024-01-31 12:00:00+01:00`) or `2024-01`; None when the text
    is not a date."""
    if date_format:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            pass
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


def _shown(text, limit=40):
    """`text` for an error message: quoted, and cut when long."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


class CSVStream:
    """The rows of a CSV file with a header, as (x, y) pairs.

    Parameters
    ----------
    path
        The file; its first line names the columns. A UTF-8 byte order mark (Excel's "CSV
        UTF-8") is dropped. A pipe, such as /dev/stdin, is read once into a temporary file.
    target
        The column to predict. For regression it must hold a finite number; for classification
        any text is a label.
    drop
        Columns to leave out.
    classification
        Read the target as a class label instead of a number.
    sep
        The character between fields.
    thousands, decimal
        The thousands separator to remove from numbers (None: none) and the decimal mark.
    date_format
        The format of dates (strptime's codes, such as `%m/%d/%Y`), tried before ISO 8601.
    missing
        What a row whose target is missing (empty, or a marker such as NA) does: "error", "skip"
        (the row is left out), "ffill" (the previous target) or "interpolate" (a straight line
        between the targets around the gap; the last target after the last one). With "ffill"
        and "interpolate", the rows before the first target are left out.
    dates
        Also keep each date, as a datetime under its column's name, beside its calendar
        features: `RTRLForecaster` reads the dates it is given (which steps a forecast is for,
        and the calendar's season), and ignores other values that are not numbers.
    """

    def __init__(self, path, target, drop=(), classification=False, sep=",", thousands=None,
                 decimal=".", date_format=None, missing="error", dates=False):
        if missing not in MISSING:
            raise ValueError(f"missing={missing!r} is not one of {', '.join(MISSING)}")
        if classification and missing == "interpolate":
            raise ValueError("--missing interpolate needs a numeric target; a label cannot be "
                             "interpolated (use skip or ffill)")
        if thousands is not None and thousands == decimal:
            raise ValueError(f"the thousands separator and the decimal mark are both {decimal!r}")
        self.path = path
        self.target = target
        self.drop = tuple(drop)
        self.classification = classification
        self.sep, self.thousands, self.decimal = sep, thousands, decimal
        self.date_format = date_format
        self.missing = missing
        self.dates = dates
        self._spooled = None
        if not _is_regular_file(path):
            self._spooled = _spool(path)
        self.columns = self._header()

    @property
    def readable_path(self):
        """Where the rows are read from: the file, or the copy of a pipe."""
        return self._spooled.name if self._spooled is not None else self.path

    def _open(self):
        return open(self.readable_path, newline="", encoding="utf-8-sig")

    def _reader(self, f):
        csv.field_size_limit(FIELD_LIMIT)
        return csv.reader(f, delimiter=self.sep)

    def _header(self):
        with self._open() as f:
            reader = self._reader(f)
            header = self._next(reader)
        if not header:
            raise ValueError("the file is empty; the first line must name the columns")
        seen = {}
        for position, name in enumerate(header, start=1):
            if name in seen:
                raise ValueError(f"line 1: the header names column {name!r} twice (columns "
                                 f"{seen[name]} and {position}); rename one")
            seen[name] = position
        if self.target not in header:
            hint = ("" if len(header) > 1 or self.sep != "," else
                    "; if the fields are separated by another character, give it with --sep")
            raise ValueError(f"no column named {self.target!r}; the columns are "
                             f"{', '.join(map(repr, header))}{hint}")
        unknown = [name for name in self.drop if name not in header]
        if unknown:
            raise ValueError(f"--drop names no column {', '.join(map(repr, unknown))}")
        if self.target in self.drop:
            raise ValueError(f"the target {self.target!r} cannot be dropped")
        return header

    def _next(self, reader):
        """The next record of `reader`, None at the end; a malformed one or text that is not
        UTF-8 is a ValueError naming the line."""
        try:
            return next(reader, None)
        except csv.Error as error:
            raise ValueError(f"line {reader.line_num + 1}: {error}") from None
        except UnicodeDecodeError as error:
            raise ValueError(f"after line {reader.line_num}: the file is not UTF-8 text "
                             f"({error.reason}); save it as UTF-8 (Excel: CSV UTF-8)") from None

    def __iter__(self):
        rows = self._rows()
        if self.missing == "interpolate":
            yield from _interpolated(rows)
            return
        last = None
        for x, y in rows:
            if y is None:  # "skip", or "ffill" before the first target
                if self.missing == "skip" or last is None:
                    continue
                y = last
            last = y
            yield x, y

    def _rows(self):
        """(x, y) for each row, y None where the target is missing (an error with
        missing="error")."""
        target = self.columns.index(self.target)
        used = [(position, name) for position, name in enumerate(self.columns)
                if name != self.target and name not in self.drop]
        names = {name for _, name in used}
        kinds = {}  # column -> NUMBER or DATE, from its first non-empty value
        number = self._number
        with self._open() as f:
            reader = self._reader(f)
            self._next(reader)  # the header
            while (record := self._next(reader)) is not None:
                line = reader.line_num
                if len(record) != len(self.columns):
                    if not record:
                        continue  # a blank line
                    raise ValueError(f"line {line}: {len(record)} fields, where the header "
                                     f"names {len(self.columns)}")
                x = {}
                for position, name in used:
                    text = record[position].strip()
                    if text in MISSING_MARKERS:
                        continue  # a missing feature reads as 0
                    if kinds.get(name) is not DATE:
                        value = number(text)
                        # finite and within range (a NaN fails both comparisons)
                        if value is not None and -LARGEST <= value <= LARGEST:
                            kinds[name] = NUMBER
                            x[name] = value
                            continue
                    self._date_or_error(line, name, text, kinds, names, x)
                yield x, self._target(line, record[target].strip())

    def _date_or_error(self, line, name, text, kinds, names, x):
        """A cell that is not a number within range: its calendar features into `x` if it is
        a date in a date column, else a ValueError saying what it is."""
        if kinds.get(name) is not DATE:
            value = self._number(text)
            if value is not None:
                self._in_range(line, name, value)
            if kinds.get(name) is NUMBER or value is not None:
                raise ValueError(f"line {line}: column {name!r} holds {_shown(text)}, not a "
                                 "finite number like the rows before it")
        moment = parse_date(text, self.date_format)
        if moment is None:
            raise ValueError(
                f"line {line}: column {name!r} holds {_shown(text)}, neither a number nor a "
                f"date; leave it out with --drop {name}"
                + ("" if self.date_format else
                   " (or give the layout of its dates with --date-format)"))
        if name not in kinds:
            self._check_calendar_names(line, name, names)
        kinds[name] = DATE
        x.update(calendar_features(name, moment))
        if self.dates:
            x[name] = moment

    def _number(self, text):
        """The number `text` holds, None if it holds none."""
        if self.thousands is not None:
            text = text.replace(self.thousands, "")
        if self.decimal != ".":
            text = text.replace(self.decimal, ".")
        try:
            return float(text)
        except ValueError:
            return None

    def _in_range(self, line, name, value):
        if math.isfinite(value) and abs(value) > LARGEST:
            raise ValueError(f"line {line}: column {name!r} holds {value:g}, beyond ±{LARGEST:g}, "
                             "where squares overflow float64 (standardising and squared errors "
                             "fail); rescale the column")
        return value

    def _check_calendar_names(self, line, name, names):
        """A date column's calendar features must not take another column's name."""
        for clash in calendar_features(name, datetime(2000, 1, 1)):
            if clash in names:
                raise ValueError(f"line {line}: column {name!r} holds dates, whose calendar "
                                 f"feature {clash!r} is also a column's name; rename that "
                                 f"column or leave one out with --drop")

    def _target(self, line, text):
        """The target of a row, None when it is missing and `missing` allows that."""
        if text in MISSING_MARKERS:
            if self.missing == "error":
                raise ValueError(f"line {line}: the target {self.target!r} is "
                                 f"{'empty' if not text else repr(text)}; --missing skip, ffill "
                                 "or interpolate skips or fills such rows")
            return None
        if self.classification:
            return text
        value = self._number(text)
        if value is None or not math.isfinite(value):
            raise ValueError(f"line {line}: the target {self.target!r} is {_shown(text)}, not a "
                             "finite number (use --task classification for labels)")
        return self._in_range(line, self.target, value)


def _interpolated(rows):
    """`rows` (x, y) with each missing y on a straight line between the targets around it (the
    last target after the last one); the rows before the first target are left out. Holds the
    rows of one gap at a time."""
    last, gap = None, []
    for x, y in rows:
        if y is None:
            if last is not None:
                gap.append(x)
            continue
        for k, gap_x in enumerate(gap, start=1):
            yield gap_x, last + (y - last) * k / (len(gap) + 1)
        gap.clear()
        last = y
        yield x, y
    for gap_x in gap:
        yield gap_x, last


def _is_regular_file(path):
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # opening it says what is wrong


def _spool(path):
    """A temporary copy of a pipe or a device (such as /dev/stdin), read once and deleted with
    the stream: reading a pipe a second time would find it drained."""
    spooled = tempfile.NamedTemporaryFile(prefix="rtrl-river-", suffix=".csv")
    try:
        with open(path, "rb") as f:
            shutil.copyfileobj(f, spooled)
        spooled.flush()
    except BaseException:
        spooled.close()
        raise
    return spooled
