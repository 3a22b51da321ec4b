"""The real-series forecasting benchmark's instrument: its protocols on series whose scores are
known by hand, MASE, the cache of the refitted forecasts, the split and the command. None of it
needs statsforecast (a stand-in model is cached instead)."""

import statistics

import numpy as np
import pytest
from river import datasets, evaluate, metrics

from rtrl_river.cli import main, refitted
from rtrl_river.cli.baselines import LastValueForecaster, SeasonalNaive, baselines
from rtrl_river.cli.forecast_scores import draw_split, horizon_scores, one_step, summary
from rtrl_river.cli.forecast_suite import make_entry, reads_season
from rtrl_river.cli.streams import REAL_SERIES


class PerfectRamp(LastValueForecaster):
    """Knows the series is y_t = t: forecasts last + 1, last + 2, ..."""

    def forecast(self, horizon, xs=None):
        return [self.last + k for k in range(1, horizon + 1)]


def test_a_perfect_ramp_forecaster_scores_0_aligned_and_1_under_rivers_protocol():
    scores = horizon_scores(PerfectRamp(), [float(t) for t in range(30)], horizon=3)
    assert scores["aligned"]["MAE"] == 0.0
    # River scores the forecast of y_t..y_{t+2} against y_{t+1}..y_{t+3}: one step late
    assert scores["river"]["MAE"] == pytest.approx(1.0, abs=1e-12)
    # the last value is j + 1 steps behind y_{t+j} aligned, j + 2 under River's protocol
    assert scores["aligned"]["reference"] == pytest.approx(2.0)
    assert scores["river"]["reference"] == pytest.approx(3.0)
    # River learns h values, then forecasts until h values remain: n - 2h forecasts
    assert scores["river"]["steps"] == scores["aligned"]["steps"] == 30 - 2 * 3


def test_rivers_score_is_what_rivers_evaluate_returns():
    rows = [({}, float(y)) for _, y in datasets.AirlinePassengers()]
    values = [y for _, y in rows]
    scores = horizon_scores(SeasonalNaive(12), values, horizon=12)
    direct = evaluate.evaluate(rows, SeasonalNaive(12), metrics.MAE(), horizon=12,
                               agg_func=statistics.mean).get()
    assert scores["river"]["MAE"] == direct
    # and River's last value is the reference the River column divides by
    last = evaluate.evaluate(rows, LastValueForecaster(), metrics.MAE(), horizon=12,
                             agg_func=statistics.mean).get()
    assert scores["river"]["reference"] == pytest.approx(last, rel=1e-12)


def test_one_step_mase_of_the_last_value_is_1_and_a_hand_computed_case():
    values = [1.0, 3.0, 2.0, 5.0, 4.0]
    last = one_step(LastValueForecaster(), values)
    assert last["MAE"] == last["reference"] == pytest.approx((2 + 1 + 3 + 1) / 4)
    assert last["steps"] == 4

    class Mean:  # a regressor: predict_one({}) is the mean so far, 0 before any value
        def __init__(self):
            self.seen = []

        def predict_one(self, x):
            return statistics.mean(self.seen) if self.seen else 0.0

        def learn_one(self, x, y):
            self.seen.append(y)

    mean = one_step(Mean(), values)
    # predictions 1, 2, 2, 2.75 for 3, 2, 5, 4
    assert mean["MAE"] == pytest.approx((2 + 0 + 3 + 1.25) / 4)
    assert mean["MAE"] / mean["reference"] == pytest.approx(6.25 / 7)


class CountingModel:
    """Stands in for a statsforecast model: forecasts the mean of what it was fitted on."""

    fits = 0

    def __init__(self, season_length):
        self.season_length = season_length

    def fit(self, y):
        CountingModel.fits += 1
        self.level = float(np.mean(y))
        return self

    def forward(self, y, h):
        return {"mean": np.full(h, self.level)}


@pytest.fixture
def stand_in_statsforecast(monkeypatch):
    import types

    module = types.SimpleNamespace(AutoETS=CountingModel, AutoARIMA=CountingModel)
    monkeypatch.setitem(__import__("sys").modules, "statsforecast",
                        types.SimpleNamespace(models=module))
    monkeypatch.setitem(__import__("sys").modules, "statsforecast.models", module)
    monkeypatch.setattr(refitted, "version", lambda: "0.0-test")
    monkeypatch.setattr(refitted, "_WARM", [True])
    CountingModel.fits = 0


def test_refitted_forecasts_are_cached_by_series_horizon_k_and_version(tmp_path, monkeypatch,
                                                                       stand_in_statsforecast):
    values = [float(t % 7) for t in range(100)]
    table, _, cached = refitted.forecasts("s", "AutoETS", values, 0, 4, cache=tmp_path)
    assert not cached and CountingModel.fits > 0
    # refitted every k = ceil(100 / FITS) = 7 steps from the 10th value on
    assert CountingModel.fits == len(range(10, 100, 7))
    assert np.isnan(table[0]).all() and (table[1] == values[0]).all()  # last value at first
    assert table[10][0] == pytest.approx(np.mean(values[:10]))
    fits = CountingModel.fits
    again, _, cached = refitted.forecasts("s", "AutoETS", values, 0, 4, cache=tmp_path)
    assert cached and CountingModel.fits == fits
    np.testing.assert_array_equal(again, table)
    # another horizon, version or series is another file
    refitted.forecasts("s", "AutoETS", values, 0, 5, cache=tmp_path)
    refitted.forecasts("s", "AutoETS", values[:-1] + [9.0], 0, 4, cache=tmp_path)
    monkeypatch.setattr(refitted, "version", lambda: "0.1-test")
    refitted.forecasts("s", "AutoETS", values, 0, 4, cache=tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 4
    replay = refitted.Replay(table)
    for y in values[:10]:
        replay.learn_one(y)
    assert replay.forecast(2) == list(table[10, :2])


def test_the_split_is_the_recorded_draw_and_halves_the_kinds():
    holdout = {s.title for s in REAL_SERIES if s.holdout}
    assert draw_split(REAL_SERIES, seed=24) == holdout
    assert draw_split(REAL_SERIES, seed=25) != holdout  # the seed matters
    development = [s for s in REAL_SERIES if not s.holdout]
    assert abs(len(development) - len(holdout)) <= 1
    for half in (development, [s for s in REAL_SERIES if s.holdout]):
        seasonal = sum(bool(s.seasonality) for s in half)
        assert 0 < seasonal < len(half)


def test_the_real_series_are_described_and_span_the_frequencies():
    assert len({s.title for s in REAL_SERIES}) == len(REAL_SERIES)
    assert sum(not s.source.startswith("river.") for s in REAL_SERIES) >= 14
    assert {4, 7, 12, 24, 48} <= {s.seasonality for s in REAL_SERIES}
    for s in REAL_SERIES:
        assert s.source and s.licence and s.frequency and s.description
        assert s.horizon == s.seasonality if s.seasonality else 4 <= s.horizon <= 12


@pytest.mark.parametrize("stream", REAL_SERIES, ids=lambda s: s.title)
def test_every_real_series_loads_with_its_length(stream):
    from rtrl_river.cli.public_series import MissingPackage

    try:
        values = [y for _, y in stream.make(0)]
    except MissingPackage as error:
        pytest.skip(str(error))
    assert 60 <= len(values) <= 10_000
    assert len(values) > 2 * stream.horizon  # River's protocol scores at least one forecast


def test_baselines_follow_the_season_and_the_sign():
    seasonal = next(s for s in REAL_SERIES if s.seasonality == 12)
    plain = next(s for s in REAL_SERIES if not s.seasonality)
    assert "HW mul" in baselines("forecast-suite", seasonal, positive=True)
    assert "HW mul" not in baselines("forecast-suite", seasonal, positive=False)
    assert not {"seasonal naive", "HW add"} & set(baselines("forecast-suite", plain))


def test_entries_read_the_season_and_take_the_seed():
    assert reads_season("RTRLForecaster(seasonality=m)")
    assert not reads_season("RTRLForecaster(hidden_size=32)")
    model = make_entry("RTRLForecaster(seasonality=m, hidden_size=4)", 7, seed=2)
    assert (model.seasonality, model.hidden_size, model.seed) == (7, 4, 2)
    assert make_entry("RTRLRegressor(seed=5)", 0, seed=2).seed == 5


def test_summary_counts_the_criteria():
    mase = {("a", "rtrl"): 0.9, ("a", "Holt"): 0.8, ("a", "AutoETS"): 0.95,
            ("b", "rtrl"): 1.02, ("b", "Holt"): 1.1, ("b", "last value"): 1.0,
            ("a", "last value"): 1.0}
    row = summary(mase, ["a", "b"], ["rtrl"], ["last value", "Holt"], ["AutoETS"])["rtrl"]
    assert (row["beats last value"], row["within 3% of last value"]) == (1, 2)
    assert (row["beats best River"], row["within 5% of best River"]) == (0, 1)
    assert row["worst ratio to best River"] == pytest.approx(0.9 / 0.8)
    assert row["median ratio to best River"] == pytest.approx((0.9 / 0.8 + 1.02) / 2)
    assert (row["beats anchors"], row["anchored series"]) == (1, 1)


def test_the_command_runs_without_statsforecast(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(refitted, "version", lambda: None)
    status = main(["forecast-suite", "--series", "uk-coal-employ", "--seeds", "1",
                   "--jobs", "1", "--no-default-entries", "--entry",
                   "small=RTRLForecaster(hidden_size=4)", "--out", str(tmp_path),
                   "--cache", str(tmp_path / "cache")])
    assert status == 0
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith("series ")]
    assert len(headers) == 3 and not any("AutoETS" in line for line in headers)
    assert "statsforecast is not installed" in out
    for protocol in ("one-step:", "river:", "aligned:"):
        assert protocol in out
    rows = (tmp_path / "forecast-suite.csv").read_text().splitlines()
    assert rows[0].startswith("set,protocol,series")
    assert any(",small,0," in row for row in rows)
    assert (tmp_path / "forecast-suite.txt").read_text().strip() in out


@pytest.mark.parametrize("entry, message", [
    ("nothing", "is not NAME=EXPRESSION"),
    ("Holt=RTRLForecaster()", "that name is taken"),
    ("x=RTRLForecaster(hidden_size=)", "fails"),
    ("x=3", "neither a forecaster nor a regressor"),
])
def test_bad_entries_are_named(entry, message, capsys):
    with pytest.raises(SystemExit):
        main(["forecast-suite", "--series", "nile", "--entry", entry])
    assert message in capsys.readouterr().err
