"""The season of a stream, estimated online from its autocorrelation."""

import collections
import statistics

import numpy as np

# The smallest autocorrelation, of the differenced series, that a season's lag must show; and
# how many seasons the history must hold before a lag counts.
MIN_CORRELATION = 0.3
MIN_SEASONS = 3
WHITE_NOISE_ERRORS = 2.5
# The season a calendar suggests, by the typical interval between timestamps, in seconds:
# (shortest interval, longest, season). A season so suggested is taken from two seasons of
# data on, when its autocorrelation reaches HINTED_CORRELATION.
DAY = 86_400.0
CALENDAR = (
    (80 * DAY, 100 * DAY, 4),  # quarterly: a year
    (27 * DAY, 32 * DAY, 12),  # monthly: a year
    (6.5 * DAY, 7.5 * DAY, 52),  # weekly: a year
    (0.9 * DAY, 1.1 * DAY, 7),  # daily: a week
    (3_000.0, 4_200.0, 24),  # hourly: a day
    (1_500.0, 2_100.0, 48),  # half-hourly: a day
    (750.0, 1_050.0, 96),  # every quarter of an hour: a day
)
HINTED_CORRELATION = 0.2
# The seasons of common calendars (a year of quarters, months or weeks, a week of days, a day
# of hours or half-hours): `shown` says which the series shows at each check.
COMMON = (4, 7, 12, 24, 48, 52)
# The week of a day's season (of hours, half-hours, quarter-hours). Every multiple of a
# season correlates as the season does; the week shows only as a peak among the day's
# multiples (above 6 and 8 days' correlation), a pattern of weekdays the day alone misses.
WEEK_OF_DAY = {24: 168, 48: 336, 96: 672}
LONGEST_WATCHED = max(*COMMON, *(8 * day for day in WEEK_OF_DAY))


class PeriodDetector:
    """The length m of a stream's season, re-estimated as the stream grows; 0 while none shows.

    Keeps the last `window` values. Every so often (each time the history has grown by a
    sixteenth, and at least every `window` // 16 values) it takes the autocorrelation of the
    first differences (differencing removes a trend, which would make every lag look alike)
    by FFT, and picks the lag m >= 2 whose autocorrelation is a local peak of at least
    MIN_CORRELATION and beyond 2.5 standard errors of white noise (2.5 / sqrt(n)), seen over
    at least MIN_SEASONS seasons. Each qualifying peak is scored by the autocorrelation at its
    multiples too, and the shortest within 85% of the best score wins, so that a multiple of
    the season (whose own peak may come out as high) does not win over the season itself.
    `period` takes a new estimate once two checks in a row have agreed on it (at once, for
    the season the calendar suggests).

    Timestamps, when the stream has them (`learn_one(y, when)`, in seconds), suggest a season
    from the calendar: the year of a monthly or quarterly series, the week of a daily one, the
    day of an hourly one (CALENDAR). The suggested season is taken from two seasons of data on,
    when the autocorrelation there reaches HINTED_CORRELATION, before any other lag is tried.

    Parameters
    ----------
    window
        How many recent values the estimate looks at; seasons up to window / MIN_SEASONS.
    max_period
        The longest season considered.

    Examples
    --------

    >>> import math
    >>> from rtrl_river.forecasting import PeriodDetector
    >>> detector = PeriodDetector()
    >>> for t in range(120):
    ...     detector.learn_one(10 + t / 10 + 3 * math.sin(2 * math.pi * t / 12))
    >>> detector.period
    12

    """

    # as a detector saved before they were kept starts
    correlation = np.zeros(0)
    shown = frozenset()
    longest = 0

    def __init__(self, window: int = 2048, max_period: int = 512):
        self.window = window
        self.max_period = max_period
        self.history = collections.deque(maxlen=window)
        self.period = 0
        self.candidate = 0
        self.seen = 0
        self.next_check = 2 * MIN_SEASONS + 2
        self.hint = 0
        self.intervals = []
        self.when = None
        self.correlation = np.zeros(0)  # of the changes, at lags 0, 1, ..., at the last check
        self.shown = frozenset()  # the seasons of COMMON and WEEK_OF_DAY shown at the last check
        self.longest = 0  # the longest season the last check could find

    def learn_one(self, y, when=None):
        if when is not None:
            self._note_time(when)
        self.history.append(float(y))
        self.seen += 1
        if self.seen >= self.next_check:
            # a new estimate is taken once two checks in a row agree on it, so that a noisy
            # peak does not make the season flip back and forth
            estimate = self.estimate()
            if estimate == self.candidate or (estimate and estimate == self.hint):
                self.period = estimate
            self.candidate = estimate
            self.next_check = self.seen + max(4, min(len(self.history), self.window) // 16)

    def _note_time(self, when):
        if self.when is not None and len(self.intervals) < 16 and when > self.when:
            self.intervals.append(when - self.when)
            typical = statistics.median(self.intervals)
            self.hint = next((period for shortest, longest, period in CALENDAR
                              if shortest <= typical <= longest), 0)
            if self.hint:  # look as soon as two of its seasons are in
                self.next_check = min(self.next_check, 2 * self.hint + 1)
        self.when = when

    def shows(self, period):
        """Whether the changes correlated, at the last check, by HINTED_CORRELATION or more
        at lag `period` or a lag either side (`period` up to LONGEST_WATCHED, or to the
        longest season that can be detected): the least sign of a season of that length."""
        return (period + 1 < len(self.correlation)
                and self.correlation[period - 1 : period + 2].max() >= HINTED_CORRELATION)

    def unjudged(self, seasons, period):
        """Those of `seasons` (other than `period`) this detector has not ruled out: all of
        them while `period` is 0 (none detected); else those longer than a third of the
        history at the last check, and the latest estimate (which becomes `period` at the
        next check that agrees). A monthly series may show a quarter's season before it holds
        three years."""
        return tuple(m for m in seasons if m != period and (
            not period or m > self.longest or m == self.candidate))

    @staticmethod
    def _spans(values, period):
        """Whether the changes of `values` over k = max(1, period // 8) steps correlate by
        HINTED_CORRELATION or more at lag `period` or a lag either side. Over one step a long,
        smooth season (the year of weekly data) drowns in the week-to-week noise (gasoline:
        0.04-0.07 at lag 52 over 120-800 weeks); over 6 steps it shows (0.21-0.36)."""
        k = max(1, period // 8)
        changes = values[k:] - values[:-k]
        if len(changes) < period + 2:
            return False
        changes = changes - changes.mean()
        largest = np.abs(changes).max()
        if not 0.0 < largest < np.inf:
            return False
        changes = changes / largest
        total = changes @ changes
        return max(changes[lag:] @ changes[:-lag] for lag in (period - 1, period, period + 1)
                   ) >= HINTED_CORRELATION * total

    def _peaks(self, period, others):
        """Whether `period` shows and correlates above each of the lags `others`."""
        def at(lag):
            return self.correlation[lag - 1 : lag + 2].max()
        return (self.shows(period) and max(others) + 1 < len(self.correlation)
                and all(at(period) > at(other) for other in others))

    def estimate(self):
        """The season of the history as it stands (0: none)."""
        values = np.asarray(self.history)
        changes = np.diff(values)
        n = len(changes)
        longest = min(self.max_period, n // MIN_SEASONS)
        self.correlation, self.shown, self.longest = np.zeros(0), frozenset(), longest
        if n < 3 or not np.isfinite(changes).all():
            return 0
        changes = changes - changes.mean()
        largest = np.abs(changes).max()
        if not 0.0 < largest < np.inf:
            return 0
        changes = changes / largest  # the correlation is the same, and its squares are finite
        power = np.abs(np.fft.rfft(changes, 2 * n)) ** 2
        correlation = np.fft.irfft(power)[: min(max(longest, self.hint, LONGEST_WATCHED) + 2, n)]
        if correlation[0] <= 0:
            return 0
        # the usual (biased) estimate: a lag k sums n - k products over n, which shrinks long
        # lags a little and so favours a season over its multiples
        correlation = correlation / correlation[0]
        self.correlation = correlation
        self.shown = frozenset([*(m for m in COMMON if self._spans(values, m)),
                                *(week for day, week in WEEK_OF_DAY.items()
                                  if self._peaks(week, (6 * day, 8 * day)))])
        if max(longest, min(self.hint, n // 2)) < 2:
            return 0
        hint = self.hint
        if 2 <= hint <= min(self.max_period, n // 2) and hint + 1 < len(correlation) and (
                correlation[hint - 1 : hint + 2].max() >= HINTED_CORRELATION):
            return hint
        if longest < 2:
            return 0
        # 2.5 standard errors of white noise: at 3 a short series showed its season later
        # (uk-gas, 108 quarters: at its 24th value, at 2.5 its 20th), at 2 a yearly series
        # without one showed a cycle that is not there (nile, 100 values)
        threshold = max(MIN_CORRELATION, WHITE_NOISE_ERRORS / np.sqrt(n))
        lags = np.arange(2, longest + 1)
        peaks = lags[(correlation[lags] >= threshold)
                     & (correlation[lags] >= correlation[lags - 1])
                     & (correlation[lags] >= correlation[lags + 1])]
        if len(peaks) == 0:
            return 0
        # a season's multiples peak too: score each candidate by its peaks at m, 2m, 3m, ...
        # (each within a lag either way), and take the shortest close to the best, so that a
        # multiple of the season, whose own peak may come out higher, does not win over it
        # (a peak whose multiples correlate negatively on average is no season)
        scores = np.array([np.mean([correlation[max(k * m - 1, 0) : k * m + 2].max()
                                    for k in range(1, longest // m + 1)]) for m in peaks])
        if not scores.max() > 0.0:
            return 0
        return int(peaks[scores >= 0.85 * scores.max()][0])
