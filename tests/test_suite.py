"""The quality suite's machinery: baselines, scoring, the table and its best-entry mark."""

import csv
import math

import pytest

from rtrl_river.cli import baselines, scores, suite
from rtrl_river.cli.streams import MEMORY, SERIES, Stream


def test_suite_runs_a_stream_and_marks_the_best_entry(tmp_path):
    results = suite.run_suite(streams=["AirlinePassengers"], learners=["rtrl"], seeds=(0,),
                              jobs=1, progress=False)
    models = {r["model"] for r in results}
    assert models == {"last value", "mean", "linreg 3 lags", "holt-winters", "rtrl"}
    assert all(r["finite"] and math.isfinite(r["score"]) for r in results)
    lines = scores.table(results, suite.MODELS)
    row = next(line for line in lines if line.startswith("AirlinePassengers"))
    assert row.count("*") == 1
    best = min(results, key=lambda r: r["score"])
    assert best["model"] == "holt-winters"  # River's seasonal recipe wins on this series
    path = tmp_path / "suite.csv"
    with open(path, "w", newline="") as f:
        suite.write_csv(results, f)
    assert len(list(csv.DictReader(open(path)))) == len(results)


def test_the_suite_command_prints_its_table_and_writes_csv(tmp_path, capsys):
    from rtrl_river.cli import main

    assert main(["suite", "--streams", "TrumpApproval", "--learners", "rtrl", "--seeds", "1",
                 "--jobs", "1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "TrumpApproval" in out and "*" in out
    rows = list(csv.DictReader(open(tmp_path / "suite.csv")))
    assert {r["model"] for r in rows} == {"last value", "mean", "linreg 3 lags", "rtrl"}


def test_the_suite_command_refuses_unknown_streams_before_any_work(capsys):
    from rtrl_river.cli import main

    with pytest.raises(SystemExit):
        main(["suite", "--streams", "Nowhere"])
    assert "invalid choice" in capsys.readouterr().err


def test_scores_follow_their_definitions():
    """MAE from the second sample, NMSE over the last quarter, log-loss over every sample."""
    series = Stream("s", SERIES, "MAE", None)
    rows = [({}, float(y)) for y in [1, 2, 4, 7]]
    last = baselines.OneStepForecaster(None)
    last.forecaster = type("Never", (), {"forecast": lambda self, horizon: [][0],
                                         "learn_one": lambda self, y: None})()
    assert scores.progressive(series, rows, last)["score"] == pytest.approx((1 + 2 + 3) / 3)
    memory = Stream("m", MEMORY, "NMSE", None)
    rows = [({}, float(y)) for y in [0, 0, 0, 0, 0, 0, 1, -1]]

    class Zero:
        def predict_one(self, x):
            return 0.0

        def learn_one(self, x, y):
            pass

    assert scores.progressive(memory, rows, Zero())["score"] == pytest.approx(1.0)


def test_lagged_targets_see_the_last_three_targets():
    seen = []

    class Recorder:
        def predict_one(self, x):
            return 0.0

        def learn_one(self, x, y):
            seen.append(dict(x))

    model = baselines.LaggedTargets(Recorder(), lags=3)
    for y in [1.0, 2.0, 3.0, 4.0]:
        model.learn_one({"a": 0.0}, y)
    assert seen[-1] == {"a": 0.0, "y-1": 3.0, "y-2": 2.0, "y-3": 1.0}
