"""statsforecast's AutoETS and AutoARIMA as a practitioner runs them on a stream: refitted on the
history so far every k steps, the last fit applied to the values that came since
(statsforecast's `forward`: new data, the same parameters) between refits; and their forecasts
cached on disk, so a re-run that changes only the RTRL entries does not fit them again.

statsforecast is an optional benchmark dependency (the `benchmark` extra), never a library one.
"""

import hashlib
import math
import re
import time
import warnings
from pathlib import Path

MODELS = ["AutoETS", "AutoARIMA"]
FITS = 16  # refits over a series: k = max(m, ceil(n / FITS)) steps apart
# A seasonal ARIMA at m = 48 took 6 minutes to fit on 300 half-hours here, and each `forward`
# about a second: AutoARIMA runs on series with no season or one of at most 12 steps.
# (statsforecast's ETS has no seasonal model beyond m = 24: there AutoETS picks a
# non-seasonal one, as it does for any user.)
ARIMA_MAX_SEASON = 12


def version():
    """statsforecast's version, or None when it is not installed."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        return version("statsforecast")
    except PackageNotFoundError:
        return None


def runs_on(name, seasonality):
    return name == "AutoETS" or seasonality <= ARIMA_MAX_SEASON


def refit_every(n, seasonality):
    return max(seasonality, math.ceil(n / FITS), 1)


class Refitted:
    """statsforecast's `name` ("AutoETS" or "AutoARIMA", season m) as a River forecaster: the
    last value until it has seen max(2m, 10) values, then fitted on the whole history every
    `every` steps; each forecast comes from the last fit run forward over the whole history. A
    fit that fails keeps the one before."""

    def __init__(self, name, seasonality, every):
        self.name, self.seasonality, self.every = name, seasonality, every
        self.history, self.fitted, self.tried_at = [], None, None

    def learn_one(self, y, x=None):
        self.history.append(float(y))

    def _fit(self, y):
        from statsforecast import models

        self.tried_at = len(y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                self.fitted = getattr(models, self.name)(
                    season_length=max(self.seasonality, 1)).fit(y)
            except Exception:  # statsforecast raises several kinds on short or flat series
                pass

    def forecast(self, horizon, xs=None):
        import numpy as np

        n = len(self.history)
        last = [self.history[-1]] * horizon if n else [None] * horizon
        y = np.asarray(self.history)
        if n >= max(2 * self.seasonality, 10) and (
                self.tried_at is None or n - self.tried_at >= self.every):
            self._fit(y)
        if self.fitted is None:
            return last
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                mean = self.fitted.forward(y, h=horizon)["mean"]
            except Exception:
                return last
        return [float(v) if math.isfinite(v) else fallback for v, fallback in zip(mean, last)]


_WARM = []


def _warm_up():
    """Import statsforecast and compile (or load) its kernels once per process, so that the
    µs per step of the first series timed is not the compiler's."""
    if _WARM:
        return
    import numpy as np

    values = 10 + np.sin(np.arange(40.0)) + np.arange(40.0) / 10
    for name in MODELS:
        model = Refitted(name, 4, 1)
        for y in values:
            model.learn_one(y)
        model.forecast(2)
    _WARM.append(True)


class Replay:
    """A forecaster that replays forecasts computed before: row t of `forecasts` is what was
    forecast after learning t values."""

    def __init__(self, forecasts):
        self.forecasts, self.learned = forecasts, 0

    def learn_one(self, y, x=None):
        self.learned += 1

    def forecast(self, horizon, xs=None):
        return [float(v) for v in self.forecasts[self.learned, :horizon]]


def cache_path(cache, title, name, values, horizon, every):
    """The cache file of `name`'s forecasts on a series: named by the series, the model, the
    horizon, k, statsforecast's version and a digest of the values."""
    import numpy as np

    digest = hashlib.sha256(np.asarray(values, dtype=float).tobytes()).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{title}-{name}-h{horizon}-k{every}-"
                                          f"statsforecast{version()}-{digest}")
    return Path(cache) / f"{safe}.npz"


def forecasts(title, name, values, seasonality, horizon, cache=None):
    """`name`'s forecasts on the series (an n x horizon array: row t after learning t values,
    row 0 empty) and the seconds they took, from the cache when it holds them; also whether
    they came from the cache."""
    import numpy as np

    from .output import write_file

    every = refit_every(len(values), seasonality)
    path = cache_path(cache, title, name, values, horizon, every) if cache else None
    if path is not None and path.exists():
        with np.load(path) as stored:
            return stored["forecasts"], float(stored["seconds"]), True
    _warm_up()
    model = Refitted(name, seasonality, every)
    table = np.full((len(values), horizon), np.nan)
    start = time.perf_counter()
    for t, y in enumerate(values):
        if t:
            table[t] = model.forecast(horizon)
        model.learn_one(y)
    seconds = time.perf_counter() - start
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, lambda f: np.savez(f, forecasts=table, seconds=seconds), binary=True)
    return table, seconds, False
