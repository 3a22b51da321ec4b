"""The forecaster's parts: the smoothing bank against plain Python recursions, the combination
against a numpy statement of its rule, the period detector on series with and without a
season, and the forecaster's weights."""

import copy
import datetime
import math

import numpy as np
import pytest

from rtrl_river import RTRLForecaster
from rtrl_river.forecasting import Combination, PeriodDetector, SmoothingBank
from rtrl_river.forecasting.combination import DECAY, LARGEST_ERROR
from rtrl_river.forecasting.smoothing import AUTOREGRESSION, MEAN_REVERSION, MEMBERS


def reference_member(ys, alpha, beta, phi, gamma, period, log, horizon, rate=0.0):
    """One exponential smoothing member in plain Python: its forecasts after each value
    (period 0: a member without a season). With a `rate`, it learns alpha, beta and gamma as
    the bank's docstring says: the derivatives of its state by each carried forward, and Adam
    (0.9, 0.99) on their logits, within +-6."""
    values = [math.log(y) for y in ys] if log else list(ys)
    m = max(period, 1)
    level = trend = None
    season = [0.0] * m
    constants = {"alpha": alpha, "beta": beta, "gamma": gamma}
    # d level, d trend and d season[j] by each constant; Adam's moments
    d_level, d_trend = dict.fromkeys(constants, 0.0), dict.fromkeys(constants, 0.0)
    d_season = [dict.fromkeys(constants, 0.0) for _ in range(m)]
    first, second = dict.fromkeys(constants, 0.0), dict.fromkeys(constants, 0.0)
    out = []
    for t, value in enumerate(values):
        if t < m - 1:
            out.append(None)
            continue
        if t == m - 1:
            level = sum(values[:m]) / m
            trend = 0.0
            if period:
                season = [v - level for v in values[:m]]
        else:
            i = t % m
            a, b, g = constants["alpha"], constants["beta"], constants["gamma"]
            error = value - (level + phi * trend + season[i])
            d_forecast = {c: d_level[c] + phi * d_trend[c] + (d_season[i][c] if period else 0.0)
                          for c in constants}
            level += phi * trend + a * error
            trend = phi * trend + b * error
            if period:
                season[i] += g * error
            if rate:
                for c in constants:
                    d_level[c] = (d_level[c] + phi * d_trend[c] - a * d_forecast[c]
                                  + (error if c == "alpha" else 0.0))
                    d_trend[c] = phi * d_trend[c] - b * d_forecast[c] + (
                        error if c == "beta" else 0.0)
                    if period:
                        d_season[i][c] += -g * d_forecast[c] + (error if c == "gamma" else 0.0)
                steps = t - m + 1
                for c, value_c in constants.items():
                    gradient = -error * d_forecast[c] * value_c * (1 - value_c)
                    first[c] = 0.9 * first[c] + 0.1 * gradient
                    second[c] = 0.99 * second[c] + 0.01 * gradient**2
                    if second[c] == 0.0:  # no gradient yet (the derivatives start at 0)
                        continue
                    step = rate * first[c] / (1 - 0.9**steps) / math.sqrt(
                        second[c] / (1 - 0.99**steps))
                    logit = min(max(math.log(value_c / (1 - value_c)) - step, -6.0), 6.0)
                    constants[c] = 1 / (1 + math.exp(-logit))
        forecasts, damped, power = [], 0.0, 1.0
        for k in range(horizon):
            power *= phi
            damped += power
            f = level + damped * trend + (season[(t + 1 + k) % m] if period else 0.0)
            forecasts.append(math.exp(f) if log else f)
        out.append(forecasts)
    return out


@pytest.mark.parametrize(("period", "candidates"), [(0, ()), (4, ()), (0, (3, 5)), (4, (3,))])
def test_the_bank_is_each_member_run_alone(period, candidates):
    # the same recursions in another order of operations: equal to rounding (1e-12 relative);
    # a candidate season's members as the seasonal members of a bank of that season
    rng = np.random.default_rng(0)
    ys = list(50 + np.cumsum(rng.normal(size=40)) + 5 * np.sin(np.arange(40)))
    bank = SmoothingBank(period, candidates)
    references = {member[0]: reference_member(ys, *member[1:5], period if member[5] else 0,
                                              member[6], 6, member[7])
                  for member in MEMBERS if member[0] in bank.names}
    for m in candidates:
        references.update({f"{member[0]} (m={m})": reference_member(ys, *member[1:5], m,
                                                                      member[6], 6, member[7])
                           for member in MEMBERS if member[5]})
    seasonal = sum(member[5] for member in MEMBERS)
    assert len(references) == len(bank.names) - 2 == len(MEMBERS) - (
        seasonal if not period else 1) + seasonal * len(candidates)  # main and candidates'
    plain = SmoothingBank(period)  # mean reversion and the autoregression: as without them
    for t, y in enumerate(ys):
        bank.learn_one(y)
        plain.learn_one(y)
        forecasts = bank.forecast(6)
        for name in (MEAN_REVERSION, AUTOREGRESSION):
            assert bank.ready[bank.names.index(name)] == plain.ready[plain.names.index(name)]
            np.testing.assert_array_equal(forecasts[bank.names.index(name)],
                                          plain.forecast(6)[plain.names.index(name)])
        for name, reference in references.items():
            row, expected = bank.names.index(name), reference[t]
            if expected is None:
                assert not bank.ready[row]
            else:
                assert bank.ready[row]
                np.testing.assert_allclose(forecasts[row], expected, rtol=1e-12)


def test_the_seasonal_naive_member_repeats_the_last_season():
    ys = [3.0, 5.0, 2.0, 7.0, 4.0, 6.0, 1.0]
    bank = SmoothingBank(3)
    for y in ys:
        bank.learn_one(y)
    row = bank.names.index("seasonal naive")
    np.testing.assert_allclose(bank.forecast(5)[row], [4.0, 6.0, 1.0, 4.0, 6.0], rtol=1e-12)


def test_mean_reversion_returns_to_the_mean_of_an_ar1_series():
    rng = np.random.default_rng(1)
    y, ys = 0.0, []
    for _ in range(3000):
        y = 10.0 + 0.6 * (y - 10.0) + rng.normal()
        ys.append(y)
    bank = SmoothingBank(0)
    for value in ys:
        bank.learn_one(value)
    forecasts = bank.forecast(30)[bank.names.index("mean reversion")]
    deviation = ys[-1] - np.mean(ys)
    # phi estimated within a few standard errors (1/sqrt(3000)) of 0.6
    assert abs((forecasts[0] - np.mean(ys)) / deviation - 0.6) < 0.06
    assert abs(forecasts[-1] - np.mean(ys)) < 1e-3 * abs(deviation) + 1e-9


def test_log_members_stop_at_the_first_value_that_is_not_positive():
    bank = SmoothingBank(0)
    for y in [3.0, 4.0, 5.0, -1.0, 6.0]:
        bank.learn_one(y)
    log_rows = [i for i, name in enumerate(bank.names) if name.startswith("log")]
    assert log_rows and not bank.ready[log_rows].any()
    assert bank.ready[bank.names.index("last value")]


def reference_scores(made, ys, last, decay, largest):
    """The combination's rule in numpy: scores[k, i] after scoring each value in turn."""
    members, horizons = made.shape[1], made.shape[2]
    scores = np.full((horizons, members), np.nan)
    scale = np.full(horizons, np.nan)
    for t, y in enumerate(ys):
        for k in range(1, horizons + 1):
            if t - k < 0:
                continue
            forecast = made[t - k][:, k - 1]
            if np.isnan(forecast[last]):
                continue
            error = (forecast[last] - y) ** 2
            scale[k - 1] = error if np.isnan(scale[k - 1]) else decay * scale[k - 1] + (
                1 - decay) * error
            divisor = scale[k - 1] if scale[k - 1] > 0 else 1.0
            row = scores[k - 1]
            worst = np.nanmax(row) if not np.isnan(row).all() else 1.0
            for i in range(members):
                if np.isnan(forecast[i]):
                    continue
                relative = min((forecast[i] - y) ** 2 / divisor, largest)
                previous = worst if np.isnan(row[i]) else row[i]
                row[i] = decay * previous + (1 - decay) * relative
    return scores


def test_the_combination_scores_each_horizon_as_its_rule_says():
    rng = np.random.default_rng(2)
    horizons, members, steps = 5, 3, 40
    made = rng.normal(size=(steps, members, horizons))
    made[rng.random(size=made.shape) < 0.2] = np.nan
    made[:, 0, :] = rng.normal(size=(steps, horizons))  # the reference member always forecasts
    made[10, 1, :] = 1e6  # a wild forecast, whose error counts at LARGEST_ERROR
    ys = rng.normal(size=steps)
    combination = Combination(["last value", "b", "c"], horizons)
    for t, y in enumerate(ys):
        if t:
            combination.update(y)
        combination.record(made[t])
    expected = reference_scores(made, list(ys), 0, DECAY, LARGEST_ERROR)
    np.testing.assert_allclose(combination.scores, expected, rtol=1e-12, equal_nan=True)


def test_weights_favour_the_member_that_forecasts_best_at_each_horizon():
    combination = Combination(["last value", "early", "late"], 3)
    rng = np.random.default_rng(3)
    for t in range(200):
        y = float(t)
        if t:
            combination.update(y)
        truth = np.arange(t + 1, t + 4, dtype=float)
        combination.record(np.vstack([
            np.full(3, y),  # the last value
            truth + rng.normal(scale=[0.01, 5.0, 5.0]),  # right at horizon 1 only
            truth + rng.normal(scale=[5.0, 0.01, 0.01]),  # right beyond it
        ]))
    weights = combination.weights(4, np.ones(3, dtype=bool))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-12)
    assert weights[0].argmax() == 1 and weights[1].argmax() == 2 and weights[2].argmax() == 2
    np.testing.assert_array_equal(weights[3], weights[2])  # beyond the horizons: the last
    weights = combination.weights(2, np.array([True, True, False]))
    # without "late", the last value (off by 2) beats "early" (off by 5) two steps ahead
    assert weights[1, 2] == 0.0 and weights[1, 0] > weights[1, 1]


@pytest.mark.parametrize("foresight, combined_noise, low, high",
                         [(False, 2.0, 0.0, 0.01), (True, 0.3, 0.99, 1.0)])
def test_the_guard_moves_one_step_weight_to_the_last_value_as_far_as_the_combination_lost(
        foresight, combined_noise, low, high):
    """The guard's share, against a numpy statement of its rule: discounted sums of the squared
    errors of the combined one-step forecast and of the last value, their ratio through the
    logistic; only the one-step weights move."""
    from rtrl_river.forecasting.combination import GUARD_DECAY, GUARD_MARGIN, GUARD_SHARPNESS

    rng = np.random.default_rng(7)
    ys = np.cumsum(rng.normal(size=300))
    combination = Combination(["last value", "b"], 3)
    # the combined forecast made after y_t, of y_t+1: worse than the last value, or better
    centre = np.append(ys[1:], ys[-1]) if foresight else ys
    combined = centre + rng.normal(scale=combined_noise, size=len(ys))
    for t, y in enumerate(ys):
        if t:
            combination.update(y)
        combination.record(np.vstack([np.full(3, y), np.full(3, y + 0.5)]), combined[t])
    discount = GUARD_DECAY ** np.arange(len(ys) - 2, -1, -1)
    ratio = (discount @ (combined[:-1] - ys[1:]) ** 2) / (discount @ (ys[:-1] - ys[1:]) ** 2)
    expected = 1.0 / (1.0 + math.exp(-GUARD_SHARPNESS * (1.0 + GUARD_MARGIN - ratio)))
    assert math.isclose(combination.trust(), expected, rel_tol=1e-9)
    assert low <= expected <= high
    available = np.ones(2, dtype=bool)
    guarded, free = combination.weights(3, available), combination.weights(3, available, False)
    np.testing.assert_allclose(guarded[0], expected * free[0] + [1.0 - expected, 0.0],
                               rtol=1e-12)
    np.testing.assert_array_equal(guarded[1:], free[1:])
    np.testing.assert_allclose(guarded.sum(axis=1), 1.0, rtol=1e-12)


def test_the_guard_takes_no_share_before_it_has_scored_and_bears_overflow():
    combination = Combination(["last value", "b"], 2)
    assert combination.trust() == 1.0
    for t in range(6):  # the last value off by 2e300, the combination exact: squares overflow
        y = 1e300 * (-1) ** t
        if t:
            combination.update(y)
        combination.record(np.array([[-y, -y], [y, y]]), -y)
    assert combination.trust() == 1.0  # both errors beyond float64: no evidence either way
    combination.errors = (math.inf, 1.0)
    assert combination.trust() == 0.0
    combination.errors = (1.0, 0.0)  # the last value exact, the combination not
    assert combination.trust() == 0.0


def test_a_new_season_keeps_what_the_components_learned_of_the_whole_series():
    """When the detector finds a season, the smoothing components start again from the recent
    values, but the running statistics and the autoregression carry the whole series: they
    equal a bank's fed every value."""
    from rtrl_river.kernels.forecasting import COUNT, MEAN, SQUARES

    rng = np.random.default_rng(8)
    # the season begins at step 150: it is found long after the values the components replay
    ys = [10 + 3 * (t >= 150) * math.sin(2 * math.pi * t / 5) + rng.normal() for t in range(400)]
    model, whole = RTRLForecaster(seed=0), SmoothingBank(0)
    for y in ys:
        model.learn_one(y)
        whole.learn_one(y)
    assert model.period_ == 5
    bank = model.components_
    assert bank.counters[COUNT] == len(ys)  # a bank fed only the replayed values counts fewer
    np.testing.assert_array_equal(bank.counters[[COUNT, MEAN, SQUARES]],
                                  whole.counters[[COUNT, MEAN, SQUARES]])
    np.testing.assert_array_equal(bank.ar_weights, whole.ar_weights)
    np.testing.assert_array_equal(bank.ar_inverse, whole.ar_inverse)


def test_the_detector_finds_a_season_and_not_one_where_there_is_none():
    rng = np.random.default_rng(4)
    seasonal, walk = PeriodDetector(), PeriodDetector()
    for t in range(200):
        seasonal.learn_one(20 + 0.1 * t + 4 * math.sin(2 * math.pi * t / 7) + rng.normal())
        walk.learn_one(float(np.sum(rng.normal(size=1))) + (walk.history[-1] if t else 0.0))
    assert seasonal.period == 7
    assert walk.period == 0


def test_timestamps_suggest_the_season_after_two_of_them():
    rng = np.random.default_rng(5)
    hinted, blind = PeriodDetector(), PeriodDetector()
    found = {}
    for t in range(40):
        when = datetime.datetime(2000 + t // 12, 1 + t % 12, 1, tzinfo=datetime.timezone.utc)
        y = 100 + t + 10 * math.sin(2 * math.pi * t / 12) + rng.normal()
        hinted.learn_one(y, when.timestamp())
        blind.learn_one(y)
        for name, detector in (("hinted", hinted), ("blind", blind)):
            if detector.period == 12:
                found.setdefault(name, t)
    assert found["hinted"] < 30  # two years and a check or two
    assert "blind" not in found  # three seasons are needed without the calendar


def test_the_forecasters_weights_sum_to_one_and_follow_the_series():
    model = RTRLForecaster(seed=0)
    for t in range(150):
        model.learn_one(5.0 + 3.0 * math.sin(2 * math.pi * t / 6))
    weights = model.weights_
    assert math.isclose(sum(weights.values()), 1.0, rel_tol=1e-12)
    assert model.period_ == 6
    periodic = sum(weights[name] for name in ("seasonal naive", "holt-winters", "log holt-winters",
                                              "fast log holt-winters", "autoregression",
                                              "network"))
    assert periodic > 0.9  # a pure season: the seasonal members, the seasonal network and the
    # autoregression (a sine is an AR(2))
    forecasts = model.forecast(6)
    truth = [5.0 + 3.0 * math.sin(2 * math.pi * t / 6) for t in range(150, 156)]
    np.testing.assert_allclose(forecasts, truth, atol=0.3)


def test_the_autoregression_learns_a_cycle_that_is_not_a_season():
    # an AR(2) with complex roots: a damped cycle of about 9.5 steps, kept going by noise
    rng = np.random.default_rng(6)
    ys = [0.0, 0.0]
    for _ in range(600):
        ys.append(1.3 * ys[-1] - 0.8 * ys[-2] + rng.normal())
    bank = SmoothingBank(0)
    row = bank.names.index("autoregression")
    errors = {"autoregression": [], "last value": []}
    for t, y in enumerate(ys):
        if t > 300:
            forecasts = bank.forecast(1)[:, 0]
            for name in errors:
                errors[name].append((forecasts[bank.names.index(name)] - y) ** 2)
        bank.learn_one(y)
    # the one-step error of the true AR(2) is the noise's variance, 1; the last value's about
    # 2 (1 - rho_1) var(y) = 4.3 here
    assert np.mean(errors["autoregression"]) < 1.2
    assert np.mean(errors["last value"]) > 3.0
    assert bank.ready[row]


def test_a_common_season_is_weighed_before_it_is_detected():
    # 30 monthly values: two and a half years, short of the three seasons detection needs
    rng = np.random.default_rng(8)
    ys = [100 + 20 * math.sin(2 * math.pi * t / 12) + rng.normal() for t in range(42)]
    model = RTRLForecaster(seed=0)
    for y in ys[:30]:
        model.learn_one(y)
    assert model.period_ == 0 and 12 in model.detector_.shown
    weights = model.weights_
    assert sum(w for name, w in weights.items() if name.endswith("(m=12)")) > 0.9
    forecasts = np.array(model.forecast(12))
    assert np.abs(forecasts - ys[30:]).mean() < 0.25 * np.abs(ys[29] - np.array(ys[30:])).mean()


def test_a_candidate_season_the_series_does_not_show_gets_no_weight():
    rng = np.random.default_rng(9)
    model = RTRLForecaster(seed=0)
    for y in 100 + np.cumsum(rng.normal(size=300)):
        model.learn_one(y)
        if model.t_ % 25 == 0:
            weights = model.weights_
            for m in model.components_.candidates:
                if m not in model.detector_.shown:
                    assert all(w == 0.0 for name, w in weights.items()
                               if name.endswith(f"(m={m})"))
    assert model.period_ == 0
    assert not model.detector_.shown.intersection(model.components_.candidates)


def test_a_candidate_season_opens_where_its_members_have_forecast_well():
    # beside the correlation, the members' own forecasts: a ready member scored below half the
    # best other member's score opens its season at the detector's next check; at 0.6 of it,
    # or not ready (it forecasts the last value meanwhile), it does not
    from rtrl_river.forecaster import PROVEN

    rng = np.random.default_rng(9)
    model = RTRLForecaster(seed=0)
    for y in 100 + np.cumsum(rng.normal(size=40)):
        model.learn_one(y)
    bank, scores = model.components_, model.combination_.scores
    assert model.period_ == 0 and not model.detector_.shown.intersection({4, 52})
    four, year = bank.candidate_period == 4, bank.candidate_period == 52
    best = np.nanmin(scores[0, :-1][(bank.candidate_period == 0) & bank.ready])
    assert bank.ready[four].all() and not bank.ready[year].any()

    def weights_after(share):
        scores[:, np.flatnonzero(four | year)] = share * best
        model.__dict__.pop("_gate", None)  # as at the detector's next check
        weights = model.weights_
        return ([w for name, w in weights.items() if name.endswith("(m=4)")],
                [w for name, w in weights.items() if name.endswith("(m=52)")])

    four_weights, year_weights = weights_after(0.9 * PROVEN)
    assert min(four_weights) > 0.0 and max(year_weights) == 0.0
    four_weights, year_weights = weights_after(1.2 * PROVEN)
    assert max(four_weights) == 0.0 and max(year_weights) == 0.0
    scores[:, np.flatnonzero(bank.candidate_period == 0)] = np.nan  # no other member scored:
    four_weights, _ = weights_after(0.1 * PROVEN)  # nothing to compare with, no evidence
    assert max(four_weights) == 0.0


def test_a_detected_candidate_season_keeps_its_members_and_scores():
    # the season's members go on from the candidate's state (which saw every value) with its
    # scores; the longer common seasons the detector cannot judge yet keep running, unweighed
    rng = np.random.default_rng(10)
    model = RTRLForecaster(seed=0)
    for t in range(80):
        before, bank = model.__dict__.get("combination_"), model.__dict__.get("components_")
        model.learn_one(100 + 20 * math.sin(2 * math.pi * t / 12) + rng.normal())
        if model.period_:
            break
    assert model.period_ == 12 and model.detector_.longest < 24
    assert model.components_.candidates == (24, 48, 52)
    after, forecasts = model.combination_, model.components_.forecast(30)
    for name in ("seasonal naive", "holt-winters", "log holt-winters"):
        row, theirs = after.names.index(name), before.names.index(f"{name} (m=12)")
        np.testing.assert_array_equal(after.scores[:, row], before.scores[:, theirs])
        np.testing.assert_array_equal(forecasts[row], bank.forecast(30)[theirs])
    assert all(w == 0.0 for name, w in model.weights_.items() if "(m=" in name)
    # the network takes the season once the season's own components forecast better than
    # those without one; the candidates' (24 forecasts as 12 does) count on neither side
    bank, scores = model.components_, after.scores
    own = bank.candidate_period == 0
    seasonal = np.array([name in ("seasonal naive", "holt-winters", "log holt-winters",
                                  "fast log holt-winters") for name in bank.names])
    scores[0, :-1][own & seasonal], scores[0, :-1][own & ~seasonal] = 0.3, 0.5
    scores[0, :-1][~own] = 0.1
    assert model._season_proven()
    scores[0, :-1][own & seasonal] = 0.6
    assert not model._season_proven()


def test_a_season_found_before_its_multiple_hands_over_to_it():
    # a monthly pattern with a quarterly part: the detector takes 4 before it holds three
    # years, then 12; the year's members, run unweighed meanwhile, go on with their scores
    rng = np.random.default_rng(11)
    pattern = rng.normal(size=4)[np.arange(12) % 4] * 6 + rng.normal(size=12) * 4
    model = RTRLForecaster(seed=0)
    periods = []
    for t in range(60):
        before, bank = model.__dict__.get("combination_"), model.__dict__.get("components_")
        model.learn_one(100 + pattern[t % 12] + rng.normal())
        periods.append(model.period_)
        if model.period_ == 4:
            assert 12 in model.components_.candidates
            assert all(w == 0.0 for name, w in model.weights_.items() if "(m=" in name)
        if model.period_ == 12:
            break
    assert 4 in periods and periods[-1] == 12
    after = model.combination_
    for name in ("holt-winters", "log holt-winters"):
        row, theirs = after.names.index(name), before.names.index(f"{name} (m=12)")
        assert np.isfinite(after.scores[0, row])
        np.testing.assert_array_equal(after.scores[:, row], before.scores[:, theirs])
        np.testing.assert_array_equal(model.components_.forecast(5)[row],
                                      bank.forecast(5)[theirs])


def test_candidates_the_detector_has_judged_leave_and_nothing_else_changes():
    rng = np.random.default_rng(10)
    model = RTRLForecaster(seed=0)
    ys = [100 + 20 * math.sin(2 * math.pi * t / 12) + rng.normal() for t in range(120)]
    dropped = 0
    for y in ys:
        bank, combination = model.__dict__.get("components_"), model.__dict__.get("combination_")
        kept = bank.candidates if bank is not None else ()
        model.learn_one(y)
        if model.period_ == 12 and bank.period == 12 and model.components_.candidates != kept:
            dropped += 1
            assert 24 in kept and 24 not in model.components_.candidates
            new = model.combination_
            for row, name in enumerate(new.names):  # every member shared goes on as it was
                theirs = combination.names.index(name)
                np.testing.assert_array_equal(new.scores[:, row], combination.scores[:, theirs])
                latest = (new.position - 1) % new.horizons  # recorded by the new one only
                np.testing.assert_array_equal(np.delete(new.made[:, row], latest, axis=0),
                                              np.delete(combination.made[:, theirs], latest,
                                                        axis=0))
                if name != "network":
                    np.testing.assert_array_equal(model.components_.forecast(12)[row],
                                                  bank.forecast(12)[theirs])
    assert dropped >= 1 and 24 not in model.components_.candidates


def test_a_carried_member_goes_on_learning_as_it_would_have():
    # a bank fed only the recent values, then given the whole-series bank's members, learns on
    # exactly as that bank does: state, constants, Adam's moments and step count carried
    rng = np.random.default_rng(5)
    ys = [100 + 10 * math.sin(2 * math.pi * t / 12) * (1 + t / 300) + rng.normal()
          for t in range(340)]
    whole, recent = SmoothingBank(12), SmoothingBank(12)
    for t, y in enumerate(ys[:300]):
        whole.learn_one(y)
        if t >= 300 - 64:
            recent.learn_one(y)
    recent.carry_over(whole)
    row = whole.names.index("holt-winters")
    assert whole.constants[5, row] > 0.0 and whole.steps[row] > recent.counters[0]
    for y in ys[300:]:
        whole.learn_one(y)
        recent.learn_one(y)
        np.testing.assert_array_equal(recent.forecast(12)[:-2], whole.forecast(12)[:-2])
    np.testing.assert_array_equal(recent.constants, whole.constants)


def test_a_combination_carried_over_scores_the_forecasts_made_before():
    # halfway, a new combination takes over from `first`: "b" is dropped, "c" is new and
    # "a" goes on; "a" and the last value then score as in a combination never replaced,
    # the forecasts they made before the change (up to 4 steps ahead) scored when they come
    rng = np.random.default_rng(3)
    names = ["last value", "a", "b"]
    whole, first = Combination(names, 4), Combination(names, 4)
    second = None
    for t in range(30):
        y, forecasts, new = rng.normal(), rng.normal(size=(3, 4)), rng.normal(size=4)
        if t == 15:
            second = Combination(["last value", "c", "a"], 4)
            second.carry_over(first, {0: 0, 2: 1})
        for combination in (whole, first) if second is None else (whole, second):
            combination.update(y)
        whole.record(forecasts)
        if second is None:
            first.record(forecasts)
        else:
            second.record(np.vstack([forecasts[0], new, forecasts[1]]))
    np.testing.assert_array_equal(second.scores[:, [0, 2]], whole.scores[:, [0, 1]])
    np.testing.assert_array_equal(second.scale, whole.scale)
    assert np.isfinite(second.scores[:, 1]).all()  # "c" scored from its own forecasts


def test_learned_constants_follow_the_derivative_of_the_forecast():
    # the sensitivities the bank carries give d forecast / d (alpha, beta, gamma) of the next
    # one-step forecast; against central differences of the plain recursion with the
    # constants fixed (a rate of 1e-300 moves them by nothing): h = 1e-6 leaves a truncation
    # error of order h^2 and rounding of 1e-16 x |forecast| / h, some 1e-8 here; rtol 1e-5
    rng = np.random.default_rng(2)
    ys = list(50 + np.cumsum(rng.normal(size=45)) + 5 * np.sin(np.arange(45) * 2 * np.pi / 4))
    bank = SmoothingBank(4)
    names = ("holt-winters", "log holt-winters")  # the log one learns here too
    bank.constants[5, [bank.names.index(name) for name in names]] = 1e-300
    for y in ys:
        bank.learn_one(y)
    column = 2 + len(ys) % 4
    for name in names:
        row = bank.names.index(name)
        member = next(member for member in MEMBERS if member[0] == name)
        alpha, beta, phi, gamma = bank.constants[:4, row]
        np.testing.assert_allclose([alpha, beta, gamma], [member[1], member[2], member[4]],
                                   rtol=1e-14)  # unmoved but for the logit's rounding
        sensitivity = bank.sensitivity[row]
        derivative = sensitivity[0] + phi * sensitivity[1] + sensitivity[column]
        h = 1e-6
        for k in range(3):
            def forecast(delta, k=k):
                shifted = [alpha, beta, gamma]
                shifted[k] += delta
                value = reference_member(ys, shifted[0], shifted[1], phi, shifted[2], 4,
                                         member[6], 1)[-1][0]
                return math.log(value) if member[6] else value
            difference = (forecast(h) - forecast(-h)) / (2 * h)
            np.testing.assert_allclose(derivative[k], difference, rtol=1e-5, atol=1e-7)
            assert abs(difference) > 1e-3  # a derivative that would show a wrong one


def test_learned_constants_stay_finite_and_within_their_bounds_on_wild_series():
    for ys in ([1e300, -1e300] * 20, [1e-300, 1e300] * 20,
               list(np.random.default_rng(0).standard_cauchy(200) * 1e10)):
        bank = SmoothingBank(4, (12,))
        for y in ys:
            bank.learn_one(y)
            learned = bank.constants[[0, 1, 3]][:, bank.constants[5] > 0]
            assert np.isfinite(learned).all()
            assert ((learned > 0.0) & (learned < 1.0)).all()
            assert np.isfinite(bank.sensitivity).all() and np.isfinite(bank.moments).all()


def test_a_bank_saved_before_candidate_seasons_loads_and_goes_on():
    rng = np.random.default_rng(11)
    ys = 50 + np.cumsum(rng.normal(size=30)) + 5 * np.sin(np.arange(30))
    bank = SmoothingBank(4)
    bank.constants[5] = 0.0  # then, every member's constants stayed as they were
    for y in ys[:20]:
        bank.learn_one(y)
    # the state as it was saved then: no candidates, constants' row 4 1.0 for a seasonal
    # member, no row 5 (learning rates), sensitivities or moments
    old = copy.deepcopy(bank.__dict__)
    del old["candidates"], old["candidate_period"], old["sensitivity"], old["moments"]
    old["constants"][4] = (old["constants"][4] != 0.0) * 1.0
    old["constants"] = old["constants"][:5]
    loaded = SmoothingBank.__new__(SmoothingBank)
    loaded.__setstate__(old)
    for y in ys[20:]:
        bank.learn_one(y)
        loaded.learn_one(y)
        np.testing.assert_array_equal(loaded.forecast(5), bank.forecast(5))
        np.testing.assert_array_equal(loaded.ready, bank.ready)


def hourly(t, weekend_drop, rng):
    """An hourly series with a daily cycle, and `weekend_drop` lower two days a week."""
    day = 10 * math.sin(2 * math.pi * t / 24)
    return 100 + day - weekend_drop * ((t // 24) % 7 >= 5) + rng.normal()


def test_a_week_of_days_is_weighed_where_weekdays_differ():
    # every multiple of the day correlates as the day does: the week's members are opened
    # only where lag 168 correlates above 144 and 192 (six and eight days)
    rng = np.random.default_rng(12)
    weekly, daily = RTRLForecaster(seasonality=24, seed=0), RTRLForecaster(seasonality=24,
                                                                            seed=0)
    for t in range(24 * 7 * 6):
        weekly.learn_one(hourly(t, 30.0, rng))
        daily.learn_one(hourly(t, 0.0, rng))
    assert weekly.period_ == daily.period_ == 24
    assert weekly.components_.candidates == daily.components_.candidates == (168,)
    assert 168 in weekly.detector_.shown and 168 not in daily.detector_.shown
    week = sum(w for name, w in weekly.weights_.items() if name.endswith("(m=168)"))
    assert week > 0.5
    assert all(w == 0.0 for name, w in daily.weights_.items() if name.endswith("(m=168)"))
    # the forecaster of the week forecasts the next weekday-to-weekend turn where the day
    # alone cannot
    start = 24 * 7 * 6
    truth = [100 + 10 * math.sin(2 * math.pi * t / 24) - 30.0 * ((t // 24) % 7 >= 5)
             for t in range(start, start + 24 * 7)]
    assert np.abs(np.array(weekly.forecast(24 * 7)) - truth).mean() < 5.0


def test_a_peak_whose_multiples_correlate_negatively_is_no_season():
    # this series' 43rd value gave peaks whose scores were all negative, and the detector
    # raised an IndexError from learn_one
    rng = np.random.default_rng(12)
    detector = PeriodDetector()
    for t in range(44):
        detector.learn_one(hourly(t, 30.0, rng))
    assert detector.seen == 44 and detector.candidate == 0  # that check's estimate: none


def test_a_long_smooth_season_shows_over_changes_of_several_steps():
    # a year of weekly values (52.18 weeks) under week-to-week noise: over one step the changes
    # barely correlate at lag 52; over 52 // 8 = 6 steps they do
    rng = np.random.default_rng(13)
    detector = PeriodDetector()
    for t in range(300):
        detector.learn_one(100 + 5 * math.sin(2 * math.pi * t / 52.18) + 2 * rng.normal())
    assert detector.period == 0 and not detector.shows(52)  # one-step changes: nothing
    assert 52 in detector.shown


@pytest.mark.parametrize("scale", [1e200, 1e300])
def test_a_series_whose_squares_overflow_is_still_forecast_near_its_values(scale):
    # the running sums of squares overflow: mean reversion falls back to the last value
    # (phi = inf / inf was NaN), and the autoregression forecasts the last value (an
    # infinite deviation made its forecasts NaN, and the weights then chose it)
    rng = np.random.default_rng(0)
    ys = scale * (10 + np.cumsum(rng.normal(size=200)) * 0.1)
    model = RTRLForecaster(seed=0)
    for y in ys:
        model.learn_one(float(y))
    bank = model.components_
    forecasts = bank.forecast(3)
    assert np.isfinite(forecasts).all()
    np.testing.assert_allclose(model.forecast(3), ys[-1], rtol=0.05)
