"""The quality suite's machinery: baselines, scoring, the table and its best-entry mark."""

import csv
import math

import pytest

from rtrl_river import suite


def test_suite_runs_a_stream_and_marks_the_best_entry(tmp_path):
    results = suite.run_suite(tasks=["AirlinePassengers"], learners=["rtrl"], seeds=(0,),
                              jobs=1, progress=False)
    models = {r["model"] for r in results}
    assert models == {"last value", "mean", "linreg 3 lags", "holt-winters", "rtrl"}
    assert all(r["finite"] and math.isfinite(r["score"]) for r in results)
    lines = suite.table(results)
    row = next(line for line in lines if line.startswith("AirlinePassengers"))
    assert row.count("*") == 1
    best = min(results, key=lambda r: r["score"])
    assert best["model"] == "holt-winters"  # River's seasonal recipe wins on this series
    path = tmp_path / "suite.csv"
    suite.write_csv(results, path)
    assert len(list(csv.DictReader(open(path)))) == len(results)


def test_scores_follow_their_definitions():
    """MAE from the second sample, NMSE over the last quarter, log-loss over every sample."""
    series = suite.Task("s", suite.SERIES, None, "MAE")
    rows = [({}, float(y)) for y in [1, 2, 4, 7]]
    last = suite.OneStepForecaster(None)
    last.forecaster = type("Never", (), {"forecast": lambda self, horizon: [][0],
                                         "learn_one": lambda self, y: None})()
    assert suite.progressive(series, rows, last)["score"] == pytest.approx((1 + 2 + 3) / 3)
    memory = suite.Task("m", suite.MEMORY, None, "NMSE")
    rows = [({}, float(y)) for y in [0, 0, 0, 0, 0, 0, 1, -1]]

    class Zero:
        def predict_one(self, x):
            return 0.0

        def learn_one(self, x, y):
            pass

    assert suite.progressive(memory, rows, Zero())["score"] == pytest.approx(1.0)


def test_lagged_targets_see_the_last_three_targets():
    seen = []

    class Recorder:
        def predict_one(self, x):
            return 0.0

        def learn_one(self, x, y):
            seen.append(dict(x))

    model = suite.LaggedTargets(Recorder(), lags=3)
    for y in [1.0, 2.0, 3.0, 4.0]:
        model.learn_one({"a": 0.0}, y)
    assert seen[-1] == {"a": 0.0, "y-1": 3.0, "y-2": 2.0, "y-3": 1.0}
