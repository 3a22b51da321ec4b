"""The rtrl-river command: arguments, outputs and errors, on small inputs."""

import csv
import json
import subprocess
import sys

import pytest

from rtrl_river.cli import main


def test_compare_writes_table_csv_json_and_png(tmp_path, capsys):
    code = main(["compare", "--dataset", "delayed-recall", "--learners", "rtrl", "tbptt-3",
                 "--seeds", "2", "--steps", "300", "--points", "5", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    for model in ("mean", "last value", "LinearRegression", "rtrl", "tbptt-3"):
        assert model in printed
    assert "±" in printed
    with open(tmp_path / "compare-delayed-recall.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["model"] for r in rows] == ["mean", "last value", "LinearRegression", "rtrl", "tbptt-3"]
    assert {"MAE", "MAE std", "RMSE", "us/sample", "peak KiB"} <= set(rows[0])
    assert all(float(r["MAE"]) >= 0 for r in rows)
    assert [int(r["runs"]) for r in rows] == [1, 1, 1, 2, 2]
    report = json.loads((tmp_path / "compare-delayed-recall.json").read_text())
    assert report["samples"] == 300 and len(report["results"]) == 5
    curve = report["results"][3]["curve"]
    assert curve["step"][-1] == 300 and len(curve["MAE"]) == len(curve["step"])
    assert (tmp_path / "compare-delayed-recall.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_on_a_multiclass_stream_uses_classification_metrics(tmp_path, capsys):
    main(["compare", "--dataset", "image-segments", "--learners", "snap-1", "--seeds", "1",
          "--steps", "150", "--points", "3", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "Accuracy" in printed and "CrossEntropy" in printed and "SoftmaxRegression" in printed


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--dataset", "nope"], "invalid choice: 'nope'"),
        (["compare", "--learners", "lstm"], "unknown learner 'lstm'"),
        (["compare", "--learners", "tbptt-0"], "unknown learner 'tbptt-0'"),
        (["compare", "--seeds", "0"], "at least 1"),
        (["speed", "--learners", "gru"], "invalid choice: 'gru'"),
    ],
)
def test_bad_arguments_are_named(argv, message, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


def test_speed_prints_tables_and_writes_the_plot(tmp_path, capsys):
    code = main(["speed", "--learners", "rtrl", "uoro", "--hidden-sizes", "4", "8", "16",
                 "--repeats", "1", "--steps", "50", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "exponent" in printed and "kernel / W_hh@J" in printed
    timings = json.loads((tmp_path / "speed.json").read_text())
    assert {(t["learner"], t["hidden_size"]) for t in timings} == {
        (learner, n) for learner in ("rtrl", "uoro") for n in (4, 8, 16)
    }
    assert all(t["us_per_step"] > 0 for t in timings)
    assert (tmp_path / "speed.png").read_bytes()[:4] == b"\x89PNG"


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "compare" in capsys.readouterr().out


def test_module_entry_point_has_help_a_newcomer_can_follow():
    result = subprocess.run([sys.executable, "-m", "rtrl_river", "compare", "--help"],
                            capture_output=True, text=True, check=True)
    assert "progressive validation" in result.stdout
    assert "delayed-recall" in result.stdout and "trump-approval" in result.stdout
