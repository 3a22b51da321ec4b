"""`recurrent_lr_scale`: the Elman cell's W_hh steps at lr times the scale, everything else at
lr."""

import numpy as np
import pytest

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor

ROWS = [({"a": 0.3, "b": -1.2}, 0.5), ({"a": -0.7, "b": 0.4}, -0.2), ({"a": 1.1, "b": 0.9}, 0.8),
        ({"a": 0.1, "b": 0.3}, 0.1)]


def ulps(weights):
    """Two roundings of the largest weight: how far a difference of updated weights may be off."""
    return 4 * np.finfo(float).eps * np.abs(weights).max()


def learned(scale, optimizer, **settings):
    model = RTRLRegressor(hidden_size=5, optimizer=optimizer, lr=0.01, seed=3,
                          recurrent_lr_scale=scale, **settings)
    for x, y in ROWS:
        model.learn_one(x, y)
    return model


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop", "adagrad"])
def test_w_hh_moves_by_the_scaled_rate(optimizer):
    # The first three steps leave W_hh alone (the first target only starts the target's
    # scale; then h_0 = 0, and h_1 = 0 while the new input columns' weights are 0, give it no
    # gradient), so both models enter the fourth step with identical weights and moments.
    # That step: W_hh's change is the scale
    # times the unscaled change (the moments do not depend on the rate) and every other block
    # moves alike. The changes are differences of nearby weights: each is off by at most the
    # rounding of the weights it came from (`ulps`), and relatively by 1e-9 beyond that.
    full = RTRLRegressor(hidden_size=5, optimizer=optimizer, lr=0.01, seed=3)
    quarter = RTRLRegressor(hidden_size=5, optimizer=optimizer, lr=0.01, seed=3,
                            recurrent_lr_scale=0.25)
    for row in ROWS[:3]:
        full.learn_one(*row)
        quarter.learn_one(*row)
    np.testing.assert_array_equal(full.engine_.network.theta, quarter.engine_.network.theta)
    w0 = full.params_["W_hh"].copy()
    full.learn_one(*ROWS[3])
    quarter.learn_one(*ROWS[3])
    step_full = full.params_["W_hh"] - w0
    step_quarter = quarter.params_["W_hh"] - w0
    assert np.abs(step_full).min() > 0
    np.testing.assert_allclose(step_quarter, 0.25 * step_full, rtol=1e-9, atol=ulps(w0))
    for name in ("W_xh", "b_h", "W_hy", "b_y"):
        np.testing.assert_array_equal(quarter.params_[name], full.params_[name])


def test_scale_zero_keeps_w_hh_and_learns_the_rest():
    model = learned(0.0, "adam")
    fresh = RTRLRegressor(hidden_size=5, seed=3)
    fresh._initialize()
    np.testing.assert_array_equal(model.params_["W_hh"], fresh.params_["W_hh"])
    assert np.abs(model.params_["W_hy"] - fresh.params_["W_hy"]).max() > 0


def test_scale_one_is_the_unscaled_update():
    a, b = learned(1.0, "adam"), learned(1.0, "adam")
    np.testing.assert_array_equal(a.engine_.network.theta, b.engine_.network.theta)
    c = learned(0.5, "adam")
    assert not np.array_equal(a.params_["W_hh"], c.params_["W_hh"])
    np.testing.assert_array_equal(a.params_["b_y"].shape, c.params_["b_y"].shape)


def test_no_effect_on_the_elstm():
    a = learned(1.0, "adam", cell="elstm")
    b = learned(0.25, "adam", cell="elstm")
    np.testing.assert_array_equal(a.engine_.network.theta, b.engine_.network.theta)


def test_defaults():
    assert RTRLClassifier().recurrent_lr_scale == 0.25
    assert RTRLRegressor().recurrent_lr_scale == 1.0
    assert RTRLForecaster().recurrent_lr_scale == 1.0


def test_forecaster_passes_it_on():
    model = RTRLForecaster(hidden_size=3, recurrent_lr_scale=0.0, seed=1)
    for y in [1.0, 2.0, 1.5, 3.0, 2.5]:
        model.learn_one(y)
    assert model.regressor_.recurrent_lr_scale == 0.0


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.5"])
def test_rejected_values_name_the_parameter(bad):
    model = RTRLRegressor(recurrent_lr_scale=bad)
    with pytest.raises(ValueError, match="recurrent_lr_scale"):
        model.learn_one({"a": 1.0}, 1.0)
    assert not hasattr(model, "network_")


@pytest.mark.parametrize("hidden_size, expected",
                         [(4, 0.25), (16, 0.25), (32, 0.125), (64, 0.0625)])
def test_past_16_units_w_hh_slows_as_16_over_n(hidden_size, expected):
    model = RTRLClassifier(hidden_size=hidden_size, seed=0)
    model.learn_one({"a": 1.0}, True)
    assert model.engine_.optimizer_state.recurrent_scale == expected
    assert model.engine_.optimizer_state.recurrent_end == hidden_size**2


def test_the_width_factor_reaches_the_kernel():
    # hidden 32: W_hh steps at lr * scale * 16/32. A model at scale 2.0 therefore takes the
    # unscaled step, one at scale 1.0 half of it (tolerances as above).
    models = {scale: RTRLRegressor(hidden_size=32, optimizer="sgd", lr=0.01, seed=3,
                                   recurrent_lr_scale=scale) for scale in (1.0, 2.0)}
    for row in ROWS[:3]:
        for model in models.values():
            model.learn_one(*row)
    np.testing.assert_array_equal(models[1.0].engine_.network.theta,
                                  models[2.0].engine_.network.theta)
    w0 = models[1.0].params_["W_hh"].copy()
    for model in models.values():
        model.learn_one(*ROWS[3])
    half = models[1.0].params_["W_hh"] - w0
    whole = models[2.0].params_["W_hh"] - w0
    assert np.abs(whole).min() > 0
    np.testing.assert_allclose(half, 0.5 * whole, rtol=1e-9, atol=ulps(w0))
