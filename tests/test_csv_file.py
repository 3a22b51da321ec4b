"""Reading a user's CSV file (`--csv`): gaps, local formats, bad data as one line naming where
it is, pipes, and memory that does not grow with the file."""

import subprocess
import sys

import pytest

from rtrl_river.cli import compare, main
from rtrl_river.cli.csv_file import CSVStream


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def _refused_before_the_run(argv, capsys, monkeypatch):
    """The one line a command prints on stderr when it stops with exit status 2."""
    monkeypatch.setattr(compare, "run", lambda *a: pytest.fail("the run started"))
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    return capsys.readouterr().err


# ------------------------------------------------------------------ gaps and local formats


WEEKS = "week,visits\n1,10\n2,\n3,NA\n4,16\n5,\n"


@pytest.mark.parametrize("missing, expected", [
    ("skip", [(1, 10.0), (4, 16.0)]),
    ("ffill", [(1, 10.0), (2, 10.0), (3, 10.0), (4, 16.0), (5, 16.0)]),
    ("interpolate", [(1, 10.0), (2, 12.0), (3, 14.0), (4, 16.0), (5, 16.0)]),
])
def test_empty_target_cells_are_skipped_or_filled_as_missing_says(missing, expected, tmp_path):
    data = _write(tmp_path / "weeks.csv", WEEKS)
    rows = list(CSVStream(data, "visits", missing=missing))
    assert [(x["week"], y) for x, y in rows] == expected


def test_rows_before_the_first_target_are_left_out_when_filling(tmp_path):
    data = _write(tmp_path / "late.csv", "t,y\n1,\n2,5\n3,\n4,9\n")
    for missing in ("ffill", "interpolate"):
        assert [x["t"] for x, _ in CSVStream(data, "y", missing=missing)] == [2, 3, 4]


def test_a_weekly_series_with_missing_weeks_runs_with_missing_interpolate(tmp_path, capsys):
    lines = ["week,visits"] + [f"2024-W{w:02d},{'' if w % 5 == 0 else 100 + w}"
                               for w in range(1, 53)]
    data = _write(tmp_path / "weekly.csv", "\n".join(lines) + "\n")
    argv = ["compare", "--csv", str(data), "--target", "visits", "--drop", "week",
            "--learners", "snap-1", "--seeds", "1", "--points", "2",
            "--out", str(tmp_path / "out")]
    assert main([*argv, "--missing", "interpolate"]) == 0
    assert "weekly: 52 samples, regression" in capsys.readouterr().out
    assert main([*argv, "--missing", "skip"]) == 0
    assert "weekly: 42 samples, regression" in capsys.readouterr().out


def test_an_empty_target_names_the_missing_option_instead_of_classification(tmp_path, capsys,
                                                                            monkeypatch):
    data = _write(tmp_path / "weeks.csv", WEEKS)
    error = _refused_before_the_run(["compare", "--csv", str(data), "--target", "visits"],
                                    capsys, monkeypatch)
    assert "line 3: the target 'visits' is empty; --missing skip, ffill or interpolate" in error
    assert "classification" not in error


def test_a_byte_order_mark_does_not_enter_the_first_column_name(tmp_path):
    data = _write(tmp_path / "excel.csv", "a,y\n1,2\n3,4\n", encoding="utf-8-sig")
    assert data.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(CSVStream(data, "y")) == [({"a": 1.0}, 2.0), ({"a": 3.0}, 4.0)]
    assert list(CSVStream(data, "a", drop=["y"])) == [({}, 1.0), ({}, 3.0)]


def test_semicolons_thousands_and_decimal_commas_are_read_with_options(tmp_path, capsys):
    data = _write(tmp_path / "sales.csv",
                  'date;price;sales\n31/01/2024;"1.234,5";12\n01/02/2024;987,25;"1.001"\n')
    rows = list(CSVStream(data, "sales", sep=";", thousands=".", decimal=",",
                          date_format="%d/%m/%Y"))
    assert [(x["price"], x["date_day"], x["date_month"], y) for x, y in rows] == [
        (1234.5, 31.0, 1.0, 12.0), (987.25, 1.0, 2.0, 1001.0)]
    us = _write(tmp_path / "us.csv", 'day,amount\n01/31/2024,"1,234.5"\n02/01/2024,"2,000"\n')
    rows = list(CSVStream(us, "amount", thousands=",", date_format="%m/%d/%Y"))
    assert [(x["day_month"], x["day_day"], y) for x, y in rows] == [(1.0, 31.0, 1234.5),
                                                                    (2.0, 1.0, 2000.0)]


def test_the_command_takes_the_reading_options(tmp_path, capsys):
    rows = "".join(f"{1 + i % 12:02d}/15/2024;{i},5;{100 + i}\n" for i in range(40))
    data = _write(tmp_path / "shop.csv", "day;price;sales\n" + rows)
    assert main(["compare", "--csv", str(data), "--target", "sales", "--sep", ";",
                 "--decimal", ",", "--date-format", "%m/%d/%Y", "--learners", "snap-1",
                 "--seeds", "1", "--points", "2", "--out", str(tmp_path / "out")]) == 0
    assert "shop: 40 samples, regression" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--sep", ";"], "--sep goes with --csv"),
    (["--missing", "skip"], "--missing goes with --csv"),
    (["--sep", ";;"], "argument --sep: ';;' is not one character"),
])
def test_reading_options_are_checked_as_arguments(argv, message, capsys, monkeypatch):
    monkeypatch.setattr(compare, "run", lambda *a: pytest.fail("the run started"))
    with pytest.raises(SystemExit) as exit:
        main(["compare", *argv])
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


def test_labels_cannot_be_interpolated(tmp_path, capsys, monkeypatch):
    data = _write(tmp_path / "sky.csv", "t,sky\n1,sun\n2,\n3,rain\n")
    error = _refused_before_the_run(["compare", "--csv", str(data), "--target", "sky", "--task",
                                     "classification", "--missing", "interpolate"],
                                    capsys, monkeypatch)
    assert "a label cannot be interpolated" in error
    assert [y for _, y in CSVStream(data, "sky", classification=True, missing="ffill")] == [
        "sun", "sun", "rain"]


# ------------------------------------------------------------------ bad data: one line


LONG = "x" * 200_000


@pytest.mark.parametrize("text, message", [
    ("a,y\n1,2\n1e308,3\n", "line 3: column 'a' holds 1e+308, beyond ±1e+150"),
    ("a,y\n1,2\n2,-1e200\n", "line 3: column 'y' holds -1e+200, beyond ±1e+150"),
    ("a,y\n1,2\n3\n4,5\n", "line 3: 1 fields, where the header names 2"),
    ("a,y\n1,2\n3,4,5\n", "line 3: 3 fields, where the header names 2"),
    (f"a,y\n{LONG},2\n", "line 2: column 'a' holds 'xxxx"),
    ("a,a,y\n1,2,3\n", "line 1: the header names column 'a' twice (columns 1 and 2)"),
    ("d,d_month,y\n2024-01-31,5,1\n",
     "line 2: column 'd' holds dates, whose calendar feature 'd_month' is also a column's name"),
    ("a;y\n1;2\n", "no column named 'y'; the columns are 'a;y'; if the fields are separated by "
                   "another character, give it with --sep"),
], ids=["huge feature", "huge target", "short row", "long row", "long cell", "duplicate name",
        "calendar name taken", "another separator"])
def test_bad_data_stops_with_one_line_naming_where_it_is(text, message, tmp_path, capsys,
                                                         monkeypatch):
    data = _write(tmp_path / "bad.csv", text)
    error = _refused_before_the_run(["compare", "--csv", str(data), "--target", "y"], capsys,
                                    monkeypatch)
    assert message in error
    assert error.count("\n") == 1 and "usage:" not in error and "Traceback" not in error
    assert len(error) < 400  # a long cell is not printed whole


def test_a_cell_longer_than_the_csv_modules_limit_can_be_dropped(tmp_path):
    data = _write(tmp_path / "notes.csv", f"note,a,y\n{LONG},1,2\nshort,3,4\n")
    assert list(CSVStream(data, "y", drop=["note"])) == [({"a": 1.0}, 2.0), ({"a": 3.0}, 4.0)]


def test_a_file_that_is_not_utf8_is_one_line(tmp_path, capsys, monkeypatch):
    data = tmp_path / "latin.csv"
    data.write_bytes("caf\xe9,y\n1,2\n".encode("latin-1"))
    error = _refused_before_the_run(["compare", "--csv", str(data), "--target", "y"], capsys,
                                    monkeypatch)
    assert "not UTF-8 text" in error and error.count("\n") == 1


# ------------------------------------------------------------------ pipes and memory


def test_a_pipe_given_as_csv_is_read_once(tmp_path):
    rows = "".join(f"{i % 7},{i % 5}\n" for i in range(120))
    result = subprocess.run(
        [sys.executable, "-m", "rtrl_river", "compare", "--csv", "/dev/stdin", "--target", "y",
         "--learners", "snap-1", "--seeds", "1", "--points", "2", "--out", str(tmp_path)],
        input="a,y\n" + rows, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "stdin: 120 samples, regression" in result.stdout


@pytest.mark.slow
def test_compare_streams_a_csv_file_instead_of_holding_its_rows(tmp_path, monkeypatch):
    """The traced peak of a whole `compare` run stays below half of what the file's rows take
    as a list (what the command held before): each model run reads the file again."""
    import tracemalloc

    n_rows = 40_000
    data = tmp_path / "long.csv"
    with open(data, "w") as f:
        f.write("a,b,c,y\n")
        for i in range(n_rows):
            f.write(f"{i % 7},{i % 11}.5,{i % 13},{i % 5}\n")
    main(["compare", "--csv", str(data), "--target", "y", "--learners", "snap-1", "--seeds",
          "1", "--points", "2", "--steps", "50", "--out", str(tmp_path / "warm")])  # imports
    tracemalloc.start()
    try:
        held = list(CSVStream(data, "y"))
        as_a_list = tracemalloc.get_traced_memory()[0]
        del held
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        assert main(["compare", "--csv", str(data), "--target", "y", "--learners", "snap-1",
                     "--seeds", "1", "--points", "2", "--out", str(tmp_path / "out")]) == 0
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert as_a_list > 10 * 2**20
    assert peak < as_a_list / 2, (peak, as_a_list)
