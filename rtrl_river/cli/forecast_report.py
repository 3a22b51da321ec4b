"""What `forecast-suite` prints: per protocol, a table of MASE (series by entry, medians over
seeds, the best of each row marked) with each entry's µs per step, and the summary of each RTRL
entry against the last value, the best River baseline and AutoETS/AutoARIMA."""

import math
import statistics

from .forecast_scores import summary
from .output import table_lines
from .refitted import MODELS as ANCHORS
from .streams import REAL_SERIES

RIVER_BASELINES = ["last value", "seasonal naive", "Holt", "HW add", "HW mul", "SNARIMAX",
                   "LinReg 3 lags"]
EXPLAINED = {
    "one-step": "one step ahead: predict y_t, then learn it, from the second value",
    "river": "River's forecasting protocol, river.evaluate.evaluate(..., horizon=h): the "
             "forecast made before learning y_t scored against y_{t+1}..y_{t+h}",
    "aligned": "aligned: the same forecasts as River's protocol, scored against "
               "y_t..y_{t+h-1}, the values they forecast",
}


def median_runs(results):
    """(protocol, series, entry) -> (median MASE over seeds, median µs per step)."""
    groups = {}
    for r in results:
        groups.setdefault((r["protocol"], r["series"], r["entry"]), []).append(r)
    medians = {}
    for key, runs in groups.items():
        finite = all(math.isfinite(r["MASE"]) for r in runs)
        medians[key] = (statistics.median(r["MASE"] for r in runs) if finite else math.nan,
                        statistics.median(r["us/step"] for r in runs))
    return medians


def _number(value, digits=3):
    if value is None:
        return "-"
    if not math.isfinite(value):
        return "inf" if value > 0 else "nan"
    if abs(value) >= 1e4:
        return f"{value:.2e}"
    return f"{value:.{digits}f}" if abs(value) < 10 else f"{value:.4g}"


def _ratio(value):
    return "-" if not math.isfinite(value) else f"{value:.3f}"


def report_lines(results, series, entries, protocols, seeds, set_name, notes):
    """The report as lines of text."""
    medians = median_runs(results)
    streams = [s for s in REAL_SERIES if s.title in series]
    present = {r["entry"] for r in results}
    lines = [f"forecast-suite: {set_name}, {len(streams)} series; MASE = MAE / MAE of the last "
             f"value under the same protocol (below 1 beats it); RTRL entries: median of "
             f"{seeds} seed(s); * marks the lowest MASE of a row when below 1; '-': not run"]
    lines += [f"  {name} = {expression}" for name, expression in entries.items()]
    for protocol in protocols:
        columns = [c for c in [*RIVER_BASELINES[1:], *ANCHORS, *entries]
                   if c in present and any(k[0] == protocol and k[2] == c for k in medians)]
        last = {r["series"]: r["last value MAE"] for r in results if r["protocol"] == protocol}
        rows = []
        for stream in streams:
            scores = {c: medians.get((protocol, stream.title, c), (None,))[0] for c in columns}
            finite = {c: v for c, v in scores.items() if v is not None and math.isfinite(v)}
            best = min(finite, key=finite.get) if finite else None
            rows.append([stream.title, stream.frequency, stream.seasonality or "-",
                         1 if protocol == "one-step" else stream.horizon,
                         len(series[stream.title]), _number(last.get(stream.title), 4)]
                        + [_number(v) + ("*" if c == best and v < 1 else " ")
                           for c, v in scores.items()])
        speed = ["µs/step (median)", "", "", "", "", ""]
        for c in columns:
            times = [medians[key][1] for key in medians if key[0] == protocol and key[2] == c]
            speed.append(f"{statistics.median(times):.0f} " if times else "- ")
        lines += ["", f"{protocol}: {EXPLAINED[protocol]}"]
        lines += table_lines(["series", "frequency", "m", "h", "n", "last value MAE",
                              *columns], rows + [speed], left=2)
        lines += ["", f"summary, {protocol} ({set_name}): best River = the lowest MASE of "
                  f"{', '.join(c for c in RIVER_BASELINES if c != 'LinReg 3 lags')}"
                  + (", LinReg 3 lags" if protocol == "one-step" else "")
                  + "; anchors = min(AutoETS, AutoARIMA)"]
        mase = {(s, c): v[0] for (p, s, c), v in medians.items() if p == protocol}
        mase.update({(s.title, "last value"): 1.0 for s in streams})
        rtrl = [e for e in entries if any(key[1] == e for key in mase)]
        table = summary(mase, [s.title for s in streams], rtrl, RIVER_BASELINES, ANCHORS)
        summary_rows = []
        for entry, row in table.items():
            n = row["series"]
            summary_rows.append([
                entry, n, f"{row['beats last value']}/{n}", f"{row['within 3% of last value']}/{n}",
                f"{row['beats best River']}/{n}", f"{row['within 5% of best River']}/{n}",
                _ratio(row["median ratio to best River"]), _ratio(row["worst ratio to best River"]),
                f"{row['beats anchors']}/{row['anchored series']}",
                _ratio(row["median ratio to anchors"])])
        lines += table_lines(["entry", "series", "beats last", "<= 1.03 last", "beats River",
                              "<= 1.05 River", "median / River", "worst / River",
                              "beats anchors", "median / anchors"], summary_rows)
    lines += ["", *notes]
    return lines
