"""How `forecast-suite` scores a model on a real series: one step ahead (predict, then learn),
River's forecasting protocol (`river.evaluate.evaluate` at horizon h, as users run it) and the
aligned score of the very same forecasts, each as MASE against the last value under the same
protocol; the split of the series into halves; and the summary of each RTRL entry."""

import math
import random
import statistics
import time

PROTOCOLS = ["one-step", "river", "aligned"]


def one_step(model, values):
    """Progressive validation from the second value: predict y_t (a forecaster's forecast(1),
    a regressor's predict_one({})), then learn it. The MAE, the last value's MAE on the same
    steps (`reference`), the steps scored and the seconds taken."""
    forecaster = hasattr(model, "forecast")
    total, start = 0.0, time.perf_counter()
    for t, y in enumerate(values):
        if t:
            prediction = model.forecast(1)[0] if forecaster else model.predict_one({})
            total += abs((values[t - 1] if prediction is None else prediction) - y)
        if forecaster:
            model.learn_one(y)
        else:
            model.learn_one({}, y)
    seconds = time.perf_counter() - start
    steps = len(values) - 1
    reference = sum(abs(b - a) for a, b in zip(values, values[1:])) / steps
    return {"MAE": total / steps, "reference": reference, "steps": steps, "seconds": seconds}


class Recorder:
    """A forecaster passed through unchanged, which records every forecast it is asked for
    with the number of values it had learned when asked."""

    def __init__(self, model):
        self.model, self.learned, self.forecasts = model, 0, []

    def learn_one(self, y, x=None):
        self.model.learn_one(y, x)
        self.learned += 1

    def forecast(self, horizon, xs=None):
        forecast = self.model.forecast(horizon, xs)
        self.forecasts.append((self.learned, list(forecast)))
        return forecast


def horizon_scores(model, values, horizon):
    """River's forecasting protocol and the aligned score of the same forecasts.

    River's `evaluate.evaluate` learns h values, then at each step t asks for forecast(h)
    before learning y_t, so the forecast is of y_t..y_{t+h-1}, and scores it against the h
    values after y_t, y_{t+1}..y_{t+h}: one step late. The aligned score takes the forecasts
    River asked for and scores each against y_t..y_{t+h-1}. Both are MAE averaged over the
    horizon, with the last value's MAE under the same protocol as `reference`."""
    import numpy as np
    from river import evaluate, metrics

    recorder = Recorder(model)
    start = time.perf_counter()
    river = evaluate.evaluate([({}, y) for y in values], recorder, metrics.MAE(),
                              horizon=horizon, agg_func=statistics.mean).get()
    seconds = time.perf_counter() - start
    y = np.asarray(values, dtype=float)
    origins = np.array([t for t, _ in recorder.forecasts])
    forecasts = np.array([f for _, f in recorder.forecasts], dtype=float)
    ahead = origins[:, None] + np.arange(horizon)  # y_t..y_{t+h-1}, the aligned targets
    last = y[origins - 1][:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        aligned = float(np.mean(np.abs(forecasts - y[ahead])))
    common = {"steps": len(origins), "seconds": seconds}
    return {"river": {"MAE": river, "reference": float(np.mean(np.abs(last - y[ahead + 1]))),
                      **common},
            "aligned": {"MAE": aligned, "reference": float(np.mean(np.abs(last - y[ahead]))),
                        **common}}


def draw_split(series, seed=24):
    """The titles of the holdout half: seasonal and non-seasonal series each sorted by title
    and shuffled by one random.Random(seed), then dealt alternately to the development and
    holdout halves (the count carried from the first group to the second), so each half
    holds about half of each kind."""
    rng, holdout, dealt = random.Random(seed), set(), 0
    for seasonal in (True, False):
        titles = sorted(s.title for s in series if bool(s.seasonality) == seasonal)
        rng.shuffle(titles)
        for title in titles:
            if dealt % 2:
                holdout.add(title)
            dealt += 1
    return holdout


def _finite(value):
    return value is not None and math.isfinite(value)


def summary(mase, series, entries, river_baselines, anchors):
    """The issue's criteria for each RTRL entry under one protocol: `mase` maps (series,
    entry) to MASE (the last value is 1 by definition). For each entry, over the series it
    ran on: how many beat the last value and how many are within 3% of it; how many beat the
    best River baseline (the lowest MASE among `river_baselines`, the last value included)
    and how many are within 5% of it; the median and worst ratio to that best; and the median
    ratio to the best of the statistical `anchors` (AutoETS, AutoARIMA) where they ran."""
    rows = {}
    for entry in entries:
        scored = [s for s in series if _finite(mase.get((s, entry)))]
        ratios, anchor_ratios = [], []
        for s in scored:
            best = min((mase[s, b] for b in river_baselines if _finite(mase.get((s, b)))),
                       default=1.0)
            ratios.append(mase[s, entry] / best)
            anchor = [mase[s, a] for a in anchors if _finite(mase.get((s, a)))]
            if anchor:
                anchor_ratios.append(mase[s, entry] / min(anchor))
        own = [mase[s, entry] for s in scored]
        rows[entry] = {
            "series": len(scored),
            "beats last value": sum(v < 1 for v in own),
            "within 3% of last value": sum(v <= 1.03 for v in own),
            "beats best River": sum(r < 1 for r in ratios),
            "within 5% of best River": sum(r <= 1.05 for r in ratios),
            "median ratio to best River": statistics.median(ratios) if ratios else math.nan,
            "worst ratio to best River": max(ratios) if ratios else math.nan,
            "beats anchors": sum(r < 1 for r in anchor_ratios),
            "anchored series": len(anchor_ratios),
            "median ratio to anchors": (statistics.median(anchor_ratios) if anchor_ratios
                                        else math.nan),
        }
    return rows
