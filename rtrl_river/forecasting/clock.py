"""How many steps ahead a time is, for a stream whose timestamps come at a regular interval."""

import collections
import datetime

# How many recent intervals the clock keeps, and how far (relative to their mean) each may be
# from it for the stream to count as regular: calendar months (28 to 31 days, mean 30.4) are
# within 8%; business days (1 day, and 3 over a weekend) are not.
INTERVALS = 64
TOLERANCE = 0.1
# How far from a whole number of intervals a time may be and still be read as that many steps
# (two calendar months are 59 to 62 days: 1.94 to 2.04 mean months).
ROUNDING = 0.25


def timestamp(x):
    """Seconds since the epoch of the first datetime or date among x's values, or None (a
    naive datetime is read as UTC, a date as its midnight)."""
    for value in (x or {}).values():
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            return value.timestamp()
        if isinstance(value, datetime.date):
            return (value.toordinal() - 719_163) * 86_400.0  # 719_163: 1970-01-01
    return None


class Clock:
    """The timestamps of the steps learned: the last one, and the recent intervals between
    them. `steps_ahead(when)` says how many steps after the last learned one `when` is, when
    the stream is regular (every recent interval within 10% of their mean) and `when` is
    within a quarter of an interval of a whole number of them; else None.

    >>> clock = Clock()
    >>> for day in range(1, 13):
    ...     clock.learn_one(datetime.date(2024, day, 1))
    >>> clock.steps_ahead(datetime.date(2025, 2, 1))
    2
    >>> clock.steps_ahead(datetime.date(2025, 1, 15)) is None
    True
    """

    def __init__(self):
        self.last = None
        self.intervals = collections.deque(maxlen=INTERVALS)

    @staticmethod
    def _seconds(when):
        if when is None or isinstance(when, (int, float)):
            return when
        return timestamp({"when": when})

    def learn_one(self, when):
        """Note the time of a step learned (a datetime, a date, seconds, or None: untimed)."""
        when = self._seconds(when)
        if when is None:
            return
        if self.last is not None:
            if when > self.last:
                self.intervals.append(when - self.last)
            else:  # out of order or repeated: not a regular stream
                self.intervals.append(0.0)
        self.last = when

    def steps_ahead(self, when):
        when = self._seconds(when)
        if when is None or self.last is None or len(self.intervals) < 2:
            return None
        mean = sum(self.intervals) / len(self.intervals)
        if mean <= 0 or any(abs(interval / mean - 1.0) > TOLERANCE
                            for interval in self.intervals):
            return None
        ratio = (when - self.last) / mean
        steps = round(ratio)
        if steps < 1 or abs(ratio - steps) > ROUNDING:
            return None
        return steps
