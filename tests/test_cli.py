"""The rtrl-river command: arguments, outputs and errors, on small inputs."""

import csv
import datetime
import json
import os
import signal
import subprocess
import sys

import pytest

from rtrl_river.cli import checks, compare, forecast, main, output, speed, speed_tables


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
    assert [r["model"] for r in rows] == ["mean", "last value", "LinearRegression", "rtrl",
                                          "tbptt-3"]
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
        (["compare", "--steps", "0"], "argument --steps: 0 is not at least 1"),
        (["compare", "--steps", "-5"], "argument --steps: -5 is not at least 1"),
        (["compare", "--steps", "2.5"], "argument --steps: '2.5' is not a whole number"),
        (["compare", "--points", "0"], "argument --points: 0 is not at least 1"),
        (["compare", "--hidden-size", "0"], "argument --hidden-size: 0 is not at least 1"),
        (["compare", "--lr", "-1"], "argument --lr: -1 is not above 0"),
        (["compare", "--lr", "0"], "argument --lr: 0 is not above 0"),
        (["compare", "--lr", "nan"], "argument --lr: nan is not a finite number"),
        (["compare", "--clip-gradient", "-2"], "argument --clip-gradient: -2 is negative"),
        (["compare", "--data-seed", "-1"], "argument --data-seed: -1 is negative"),
        (["speed", "--hidden-sizes", "0"], "argument --hidden-sizes: 0 is not at least 1"),
        (["speed", "--hidden-sizes", "8", "-16"], "argument --hidden-sizes: -16 is not at least 1"),
        (["speed", "--repeats", "0"], "argument --repeats: 0 is not at least 1"),
        (["speed", "--steps", "0"], "argument --steps: 0 is not at least 1"),
        (["speed", "--features", "0"], "argument --features: 0 is not at least 1"),
        (["compare", "--target", "y"], "--target, --task and --drop go with --csv"),
        (["compare", "--task", "classification"], "--target, --task and --drop go with --csv"),
        (["compare", "--csv", "data.csv"], "--csv needs --target NAME"),
        (["forecast", "--horizon", "0"], "argument --horizon: 0 is not at least 1"),
        (["forecast", "--seasonality", "-1"], "argument --seasonality: -1 is negative"),
        (["forecast", "--seasonality", "yearly"],
         "argument --seasonality: 'yearly' is not a whole number"),
        (["forecast", "--dataset", "phishing"], "invalid choice: 'phishing'"),
        (["forecast", "--dataset", "airline-passengers", "--horizon", "72"],
         "--horizon 72 needs more than 144 samples; airline-passengers has 144"),
    ],
)
def test_bad_arguments_are_named(argv, message, capsys, monkeypatch):
    started = []
    monkeypatch.setattr(compare, "run", lambda *a: started.append(a))
    monkeypatch.setattr(speed, "run", lambda *a: started.append(a))
    monkeypatch.setattr(forecast, "run", lambda *a: started.append(a))
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert message in capsys.readouterr().err
    assert not started


@pytest.mark.parametrize(
    "argv, option",
    [
        (["compare", "--hidden-size", "100000"], "--hidden-size 100000"),
        (["compare", "--hidden-size", "3000", "--learners", "snap-1", "rtrl"],
         "--hidden-size 3000"),
        (["speed", "--hidden-sizes", "8", "100000"], "--hidden-sizes 100000"),
    ],
)
def test_a_model_too_big_for_memory_is_refused_before_anything_runs(argv, option, capsys,
                                                                    tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "physical_memory", lambda: 16 * 2**30)
    with pytest.raises(SystemExit) as exit:
        main([*argv, "--out", str(tmp_path / "out")])
    assert exit.value.code == 2
    error = capsys.readouterr().err
    assert option in error and "memory" in error and "16.0 GiB" in error
    assert "rtrl model" in error
    assert not (tmp_path / "out").exists()


def test_memory_estimate_counts_the_influence_matrices():
    # exact RTRL at n=128, 4 inputs: P = 128 * 133 = 17024, two (n+1) x P float64 buffers
    traces = 2 * 129 * 17024 * 8
    assert traces < checks.state_bytes("rtrl", 128, 4) < traces * 1.05
    assert checks.state_bytes("snap-1", 128, 4) < checks.state_bytes("rtrl", 128, 4) / 30
    # the figure a user asking for 100,000 units sees: petabytes
    assert checks.format_bytes(checks.state_bytes("rtrl", 100_000, 7)).endswith("PiB")


def test_out_that_is_an_existing_file_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(compare, "run", lambda *a: pytest.fail("the run started"))
    target = tmp_path / "results.txt"
    target.write_text("keep me")
    for argv in (["compare"], ["speed"]):
        with pytest.raises(SystemExit) as exit:
            main([*argv, "--out", str(target)])
        assert exit.value.code == 2
        assert "is an existing file" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_an_output_name_taken_by_a_directory_is_refused_before_the_run(tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.setattr(compare, "run", lambda *a: pytest.fail("the run started"))
    (tmp_path / "compare-trump-approval.json").mkdir()
    with pytest.raises(SystemExit):
        main(["compare", "--out", str(tmp_path)])
    assert "compare-trump-approval.json is a directory" in capsys.readouterr().err


def test_outputs_replace_planted_symlinks_instead_of_writing_through_them(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    for suffix in ("csv", "json", "png"):
        (out / f"compare-delayed-recall.{suffix}").symlink_to(victim)
    code = main(["compare", "--dataset", "delayed-recall", "--learners", "snap-1", "--seeds", "1",
                 "--steps", "60", "--points", "2", "--out", str(out)])
    assert code == 0
    assert victim.read_text() == "precious"
    for suffix in ("csv", "json", "png"):
        written = out / f"compare-delayed-recall.{suffix}"
        assert not written.is_symlink() and written.stat().st_size > 0
    assert sorted(p.name for p in out.iterdir()) == [  # no temporary files left behind
        "compare-delayed-recall.csv", "compare-delayed-recall.json", "compare-delayed-recall.png"]


def test_write_file_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")

    def failing(f):
        f.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        output.write_file(target, failing)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_version_comes_from_the_package_metadata(capsys):
    from importlib.metadata import version

    import rtrl_river

    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.strip() == f"rtrl-river {version('rtrl_river')}"
    assert rtrl_river.__version__ == version("rtrl_river")


def test_ctrl_c_prints_the_finished_runs_instead_of_a_traceback(tmp_path, capsys, monkeypatch):
    real_run, calls = compare._run, []

    def interrupted_at_the_second_rtrl_seed(rows, model, metric, n_points):
        calls.append(len(rows))
        if len([n for n in calls if n > 20]) == 5:  # 3 baselines, rtrl seed 0, then seed 1
            raise KeyboardInterrupt
        return real_run(rows, model, metric, n_points)

    monkeypatch.setattr(compare, "_run", interrupted_at_the_second_rtrl_seed)
    code = main(["compare", "--dataset", "delayed-recall", "--learners", "rtrl", "uoro",
                 "--seeds", "3", "--steps", "80", "--points", "2", "--out", str(tmp_path)])
    assert code == 130
    captured = capsys.readouterr()
    assert "interrupted" in captured.err and "rtrl (1 of 3)" in captured.err
    table = captured.out
    for model in ("mean", "last value", "LinearRegression", "rtrl"):
        assert model in table
    assert "uoro" not in table
    with open(tmp_path / "compare-delayed-recall.csv") as f:
        rows = list(csv.DictReader(f))
    assert [(r["model"], r["runs"]) for r in rows][-1] == ("rtrl", "1")


@pytest.mark.slow
def test_ctrl_c_in_a_real_process_ends_without_a_traceback(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "rtrl_river", "compare", "--dataset", "delayed-recall",
         "--learners", "rtrl", "--seeds", "50", "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    for line in process.stderr:  # wait until the timed runs have begun
        if "rtrl seed 0" in line:
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    assert "last value" in out and "rtrl" in out


COMPILING = "compiling its numba kernels"  # the estimators' own notice


@pytest.mark.slow
def test_first_run_announces_the_compilation_once_on_stderr(tmp_path):
    """With an empty numba cache the kernels compile (tens of seconds): the estimators say so
    once (the command does not say it a second time), then the command shows its progress
    through it. With the cache filled, nothing is said."""
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    argv = [sys.executable, "-m", "rtrl_river", "compare", "--dataset", "delayed-recall",
            "--learners", "snap-1", "--seeds", "1", "--steps", "30", "--points", "1",
            "--out", str(tmp_path / "out")]
    cold = subprocess.run(argv, env=environment, capture_output=True, text=True, check=True)
    assert cold.stderr.count("compiling") == 1
    assert cold.stderr.index(COMPILING) < cold.stderr.index("prepared snap-1")
    assert any((tmp_path / "cache").rglob("*.nbi"))
    warm = subprocess.run(argv, env=environment, capture_output=True, text=True, check=True)
    assert "compiling" not in warm.stderr and "prepared" not in warm.stderr


@pytest.mark.slow
def test_the_suite_in_two_processes_announces_the_first_compilation_once(tmp_path):
    """The suite compiles its kernels in the main process before its workers start, so they
    load them from the cache instead of each compiling (and announcing) them again."""
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    cold = subprocess.run(
        [sys.executable, "-m", "rtrl_river", "suite", "--streams", "TrumpApproval", "Phishing",
         "--learners", "snap-1", "--seeds", "1", "--jobs", "2", "--out", str(tmp_path)],
        env=environment, capture_output=True, text=True, check=True)
    assert cold.stderr.count("compiling") == 1, cold.stderr


def test_a_compilation_is_seen_and_a_compiled_call_is_not():
    from numba import njit

    from rtrl_river.cli.compiling import CompileWatch

    add_one = njit(lambda x: x + 1)
    watch = CompileWatch()
    with watch:
        pass
    assert not watch.compiled
    with watch:
        add_one(1)
    assert watch.compiled
    again = CompileWatch()
    with again:
        add_one(2)
    assert not again.compiled


def test_ctrl_c_during_speed_prints_the_finished_timings(tmp_path, capsys, monkeypatch):
    def interrupted(sizes, features, repeats, learners, times):
        times["rtrl", sizes[0]] = 12.5
        raise KeyboardInterrupt

    monkeypatch.setattr(speed_tables, "learners_table", interrupted)
    code = main(["speed", "--hidden-sizes", "4", "8", "--out", str(tmp_path)])
    assert code == 130
    captured = capsys.readouterr()
    assert "interrupted" in captured.err and "Traceback" not in captured.err
    assert "rtrl" in captured.out and "n=4" in captured.out and "12.5" in captured.out
    assert list(tmp_path.iterdir()) == []


def test_the_plot_is_skipped_with_a_notice_without_matplotlib(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code = main(["compare", "--dataset", "delayed-recall", "--learners", "snap-1", "--seeds", "1",
                 "--steps", "40", "--points", "2", "--out", str(tmp_path)])
    assert code == 0
    captured = capsys.readouterr()
    notices = [line for line in captured.err.splitlines() if "matplotlib" in line]
    assert len(notices) == 1 and "rtrl_river[plot]" in notices[0]
    assert "wrote" in captured.out and ".png" not in captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "compare-delayed-recall.csv", "compare-delayed-recall.json"]


def test_the_library_and_the_command_import_without_matplotlib():
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import rtrl_river, rtrl_river.cli, rtrl_river.cli.speed_tables, rtrl_river.datasets\n"
            "rtrl_river.RTRLRegressor(seed=0).learn_one({'a': 1.0}, 2.0)\n"
            "print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


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


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_compare_runs_on_a_csv_file_with_a_date_column(tmp_path, capsys):
    data = _write_csv(
        tmp_path / "sales.csv", ["date", "price", "promo", "sales"],
        [(f"2024-{1 + i // 28:02d}-{1 + i % 28:02d}", 10 + (i % 7), "" if i % 5 else 1,
          100 + 3 * (i % 7) + (i % 13)) for i in range(120)],
    )
    code = main(["compare", "--csv", str(data), "--target", "sales", "--learners", "snap-1",
                 "--seeds", "1", "--points", "3", "--out", str(tmp_path / "out")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "sales: 120 samples, regression" in printed and "snap-1" in printed
    report = json.loads((tmp_path / "out" / "compare-sales.json").read_text())
    assert report["samples"] == 120 and report["results"][-1]["model"] == "snap-1"


def test_compare_runs_a_csv_file_as_classification(tmp_path, capsys):
    data = _write_csv(tmp_path / "weather.csv", ["temperature", "pressure", "sky"],
                      [(20 + i % 9, 1000 + i % 7, ["sun", "rain", "fog"][i % 3])
                       for i in range(90)])
    code = main(["compare", "--csv", str(data), "--target", "sky", "--task", "classification",
                 "--learners", "snap-1", "--seeds", "1", "--points", "2",
                 "--out", str(tmp_path / "out")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "weather: 90 samples, classification" in printed
    assert "Accuracy" in printed and "SoftmaxRegression" in printed


def test_csv_rows_become_numeric_features_and_calendar_features(tmp_path):
    from rtrl_river.cli.streams import csv_stream, load

    data = _write_csv(tmp_path / "d.csv", ["when", "a", "b", "y"],
                      [("2024-03-15 13:30:00", "1.5", "", "2"), ("2024-03-16", "-2", "7", "3.5")])
    rows = load(csv_stream(data, "y"))
    assert rows == [
        ({"when_month": 3.0, "when_weekday": 4.0, "when_day": 15.0, "when_hour": 13.0,
          "a": 1.5}, 2.0),
        ({"when_month": 3.0, "when_weekday": 5.0, "when_day": 16.0, "when_hour": 0.0,
          "a": -2.0, "b": 7.0}, 3.5),
    ]
    assert load(csv_stream(data, "y", drop=["when"]))[1] == ({"a": -2.0, "b": 7.0}, 3.5)


@pytest.mark.parametrize(
    "rows, argv, message",
    [
        ([("1", "2")], ["--target", "sales"], "no column named 'sales'; the columns are 'a', 'y'"),
        ([("1", "2"), ("x", "3")], ["--target", "y"],
         "line 3: column 'a' holds 'x', not a finite number like the rows before it"),
        ([("red", "2")], ["--target", "y"],
         "line 2: column 'a' holds 'red', neither a number nor a date; leave it out with --drop a"),
        ([("1", "2"), ("2", "high")], ["--target", "y"],
         "line 3: the target 'y' is 'high', not a finite number (use --task classification"),
        ([("1", "")], ["--target", "y"],
         "line 2: the target 'y' is empty; --missing skip, ffill or interpolate skips or fills"),
        ([("1", "2")], ["--target", "y", "--drop", "b"], "--drop names no column 'b'"),
        ([], ["--target", "y"], "has no samples"),
    ],
)
def test_csv_errors_name_the_line_and_the_column(rows, argv, message, tmp_path, capsys,
                                                 monkeypatch):
    monkeypatch.setattr(compare, "run", lambda *a: pytest.fail("the run started"))
    data = _write_csv(tmp_path / "data.csv", ["a", "y"], rows)
    with pytest.raises(SystemExit) as exit:
        main(["compare", "--csv", str(data), *argv, "--out", str(tmp_path / "out")])
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


def test_a_missing_csv_file_and_csv_with_dataset_are_argument_errors(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--csv", str(tmp_path / "none.csv"), "--target", "y"])
    assert "No such file" in capsys.readouterr().err
    data = _write_csv(tmp_path / "data.csv", ["a", "y"], [("1", "2")])
    with pytest.raises(SystemExit):
        main(["compare", "--csv", str(data), "--target", "y", "--dataset", "phishing"])
    assert "either --dataset or --csv" in capsys.readouterr().err


def test_forecast_runs_rivers_protocol_on_a_csv_file(tmp_path, capsys):
    data = _write_csv(tmp_path / "visits.csv", ["day", "visits"],
                      [(f"2024-01-{1 + i % 28:02d}", 100 + 10 * (i % 7) + i) for i in range(60)])
    code = main(["forecast", "--csv", str(data), "--target", "visits", "--horizon", "3",
                 "--seasonality", "7", "--seeds", "2", "--out", str(tmp_path / "out")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "visits: 60 samples, horizon 3, seasonality 7" in printed
    for model in ("last value", "HoltWinters", "RTRLForecaster"):
        assert model in printed
    report = json.loads((tmp_path / "out" / "forecast-visits.json").read_text())
    assert [r["model"] for r in report["results"]] == ["last value", "HoltWinters",
                                                       "RTRLForecaster"]
    assert all(len(r["MAE by step"]) == 3 and r["MAE"] > 0 for r in report["results"])
    assert report["results"][-1]["runs"] == 2


def test_forecast_finds_the_season_and_reads_the_dates_of_a_csv(tmp_path, capsys, monkeypatch):
    # the estimator's default season, "auto", and each date as a datetime beside its calendar
    # features: the forecaster reads which steps a forecast is for from them
    from rtrl_river import RTRLForecaster

    seen, learn_one = [], RTRLForecaster.learn_one

    def spy(self, y, x=None):
        seen.append(x)
        return learn_one(self, y, x)

    monkeypatch.setattr(RTRLForecaster, "learn_one", spy)
    data = _write_csv(tmp_path / "sales.csv", ["month", "sales"],
                      [(f"{2000 + i // 12}-{1 + i % 12:02d}-01", 100 + 10 * (i % 12) + i)
                       for i in range(40)])
    code = main(["forecast", "--csv", str(data), "--target", "sales", "--horizon", "3",
                 "--seeds", "1", "--out", str(tmp_path / "out")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "sales: 40 samples, horizon 3, seasonality auto" in printed
    assert "HoltWinters" not in printed  # it needs a season given
    assert seen and all(isinstance(x["month"], datetime.datetime) and x["month_month"] >= 1
                        for x in seen)


def test_compare_gives_the_calendar_features_of_a_date_only(tmp_path):
    from rtrl_river.cli.csv_file import CSVStream

    data = _write_csv(tmp_path / "d.csv", ["when", "y"], [("2021-03-04", "1")])
    (x, _), = CSVStream(str(data), "y")
    assert x == {"when_month": 3.0, "when_weekday": 3.0, "when_day": 4.0, "when_hour": 0.0}
    (x, _), = CSVStream(str(data), "y", dates=True)
    assert x["when"] == datetime.datetime(2021, 3, 4)


def test_ctrl_c_during_forecast_prints_the_finished_models(tmp_path, capsys, monkeypatch):
    real, calls = forecast._forecast_errors, []

    def interrupted_at_holt_winters(rows, model, horizon):
        calls.append(model)
        if len(calls) == 3:  # the warm-up, the last value, then HoltWinters
            raise KeyboardInterrupt
        return real(rows, model, horizon)

    monkeypatch.setattr(forecast, "_forecast_errors", interrupted_at_holt_winters)
    code = main(["forecast", "--dataset", "airline-passengers", "--seasonality", "12",
                 "--seeds", "1", "--out", str(tmp_path)])
    assert code == 130
    captured = capsys.readouterr()
    assert "interrupted" in captured.err and "Traceback" not in captured.err
    rows = [line.split("  ")[0] for line in captured.out.splitlines()]
    assert "last value" in rows and "HoltWinters" not in rows and "RTRLForecaster" not in rows
    report = json.loads((tmp_path / "forecast-airline-passengers.json").read_text())
    assert [r["model"] for r in report["results"]] == ["last value"]


def test_a_season_longer_than_the_series_is_refused(capsys, monkeypatch):
    monkeypatch.setattr(forecast, "run", lambda *a: pytest.fail("the run started"))
    with pytest.raises(SystemExit) as exit:
        main(["forecast", "--dataset", "airline-passengers", "--seasonality", "200"])
    assert exit.value.code == 2
    assert ("--seasonality 200 is not shorter than the series: airline-passengers has 144 "
            "samples" in capsys.readouterr().err)


HELP_LOADS = """
import runpy, sys
sys.argv = ["rtrl-river", *{argv!r}]
try:
    runpy.run_module("rtrl_river", run_name="__main__")
except SystemExit:
    pass
print(sorted({{name.split(".")[0] for name in sys.modules}} & {{"numpy", "numba", "river",
                                                            "sklearn", "pandas", "scipy"}}))
"""


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["compare", "--help"],
                                  ["suite", "--help"]])
def test_help_and_version_load_neither_numba_nor_river(argv):
    """What keeps `rtrl-river --help` and `--version` well under half a second (timed by
    python benchmarks/tables.py --tables commands): they import nothing heavy."""
    result = subprocess.run([sys.executable, "-c", HELP_LOADS.format(argv=argv)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_the_command_lists_the_learners_the_estimators_take():
    from rtrl_river.cli import arguments
    from rtrl_river.learners import LEARNERS

    assert arguments.LEARNERS == list(LEARNERS)


def test_the_library_never_imports_the_command_line():
    from pathlib import Path

    import rtrl_river

    package = Path(rtrl_river.__file__).parent
    for path in package.rglob("*.py"):
        if "cli" in path.relative_to(package).parts or path.name == "__main__.py":
            continue
        text = path.read_text()
        assert "from .cli" not in text and "from ..cli" not in text, path
        assert "rtrl_river.cli" not in text and "from . import cli" not in text, path
