"""How the quality suite scores a model on a stream, and its table of medians over seeds."""

import collections
import math
import statistics

from .output import table_lines
from .streams import FORECAST, MEMORY, SERIES, SUITE


def forecasting(stream, rows, model):
    """River's forecasting protocol: MAE averaged over the horizon."""
    from river import evaluate, metrics

    score = evaluate.evaluate(rows, model, metrics.MAE(), horizon=stream.horizon,
                              agg_func=statistics.mean).get()
    return {"score": score, "finite": math.isfinite(score), "accuracy": None}


def progressive(stream, rows, model):
    """Predict each sample, then learn it; the stream's score and whether every prediction was
    finite."""
    import numpy as np

    if stream.kind == FORECAST:
        return forecasting(stream, rows, model)
    n = len(rows)
    scored_from = 1 if stream.kind == SERIES else (3 * n) // 4 if stream.kind == MEMORY else 0
    errors, targets, finite, correct, counted = [], [], True, 0, 0
    for i, (x, y) in enumerate(rows):
        if stream.classification:
            probabilities = model.predict_proba_one(x)
            if i >= scored_from and probabilities:
                finite &= all(math.isfinite(p) for p in probabilities.values())
                p = probabilities.get(y, 0.0)
                errors.append(-math.log(min(max(p, 1e-15), 1.0)))
                correct += max(probabilities, key=probabilities.get) == y
                counted += 1
        else:
            prediction = model.predict_one(x)
            if i >= scored_from:
                if prediction is None:
                    prediction = math.nan if stream.kind == MEMORY else None
                if prediction is not None:
                    finite &= math.isfinite(prediction)
                    errors.append(prediction - y)
                    targets.append(y)
        model.learn_one(x, y)
    errors = np.asarray(errors, dtype=float)
    if stream.metric == "MAE":
        score = float(np.mean(np.abs(errors)))
    elif stream.metric == "NMSE":
        score = float(np.mean(errors**2) / np.var(targets))
    else:
        score = float(np.mean(errors))
    return {"score": score, "finite": bool(finite) and math.isfinite(score),
            "accuracy": correct / counted if counted else None}


def weights_finite(model):
    """Whether the RTRL estimator in `model` (a pipeline, an estimator or a forecaster) holds
    finite weights; True for a model without any."""
    import numpy as np

    if hasattr(model, "regressor_"):  # RTRLForecaster
        model = model.regressor_
    estimator = model[-1] if hasattr(model, "steps") else model
    try:
        params = estimator.params_
    except AttributeError:  # a baseline, or an estimator that has not learned
        return True
    return all(bool(np.isfinite(block).all()) for block in params.values())


def summarise(results):
    """Median score over seeds for each (stream, model), with the count of non-finite runs."""
    groups = collections.defaultdict(list)
    for r in results:
        groups[r["task"], r["model"]].append(r)
    summary = {}
    for key, runs in groups.items():
        scores = [r["score"] for r in runs]
        finite = all(math.isfinite(s) for s in scores)
        summary[key] = {
            "median": statistics.median(scores) if finite else math.nan,
            "scores": scores,
            "nonfinite": sum(not r["finite"] for r in runs),
            "us/sample": statistics.median(r["us/sample"] for r in runs),
        }
    return summary


def table(results, entries):
    """The suite's table as lines of text: one row per stream, the best entry marked *.
    `entries` names the RTRL entries, which come after the baselines."""
    summary = summarise(results)
    streams = [s for s in SUITE if any(key[0] == s.title for key in summary)]
    models = list(dict.fromkeys(r["model"] for r in results))
    columns = [m for m in models if m not in entries] + [m for m in models if m in entries]
    lines = []
    for stream in streams:
        cells = {m: summary.get((stream.title, m)) for m in columns}
        scores = {m: c["median"] for m, c in cells.items() if c and math.isfinite(c["median"])}
        best = min(scores, key=scores.get) if scores else None
        row = [stream.title, stream.metric]
        for m in columns:
            c = cells[m]
            if c is None:
                row.append("-")
                continue
            text = _format(c["median"])
            if c["nonfinite"]:
                text += f" ({c['nonfinite']} NaN)"
            row.append(text + ("*" if m == best else " "))
        lines.append(row)
    return table_lines(["stream", "metric", *columns], lines, left=2)


def _format(value):
    if not math.isfinite(value):
        return "nan"
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}" if abs(value) >= 1 else f"{value:.4f}"
    return f"{value:.2e}"
