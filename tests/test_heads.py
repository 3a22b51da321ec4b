"""The regressor's head: target scaling against River's TargetStandardScaler, change prediction,
the running statistics, the readout before the first target and at float64's limits."""

import math

import numpy as np
import pytest
from river import preprocessing, stats

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.heads import RunningStandardizer

from .conftest import random_stream
from .test_exactness import PLAIN


def predictions_and_learn(model, stream):
    predictions = []
    for t, (x, y) in enumerate(stream):
        # River's wrapper cannot unscale the inner model's None before the first target
        predictions.append(model.predict_one(x) if t else None)
        model.learn_one(x, y)
    return predictions


@pytest.mark.parametrize("feedback", [False, True])
def test_target_scaling_is_river_target_standard_scaler_wrapping(feedback):
    """Standardising inside equals wrapping the plain regressor in TargetStandardScaler: the
    same network targets (so the same weights, bit for bit) and the same predictions up to
    the last bits of one multiply-add."""
    stream = random_stream(1000, 3, seed=2)  # long enough for a sqrt to differ from pow
    stream = [(x, 50.0 + 20.0 * y) for x, y in stream]  # far from 0 and from unit scale
    inside = RTRLRegressor(hidden_size=4, target_feedback=feedback, target_scaling=True,
                           predict_change=False, seed=1)
    wrapped = preprocessing.TargetStandardScaler(
        RTRLRegressor(hidden_size=4, **{**PLAIN, "target_feedback": feedback}, seed=1))
    ours, river = predictions_and_learn(inside, stream), predictions_and_learn(wrapped, stream)
    np.testing.assert_array_equal(inside.engine_.network.theta,
                                  wrapped.regressor.engine_.network.theta)
    assert inside.predict_one(stream[0][0]) is not None
    np.testing.assert_allclose(ours[1:], river[1:], rtol=1e-12)


def test_predict_change_is_learning_the_difference_and_adding_the_last_target_back():
    """The network learns the difference y_t - y_{t-1}; the prediction adds back the last
    target and the gated predicted change (the gate: how much better than no change the
    network has done lately, kernels/targets.py)."""
    stream = random_stream(80, 3, seed=3)
    change = RTRLRegressor(hidden_size=4, target_feedback=False, target_scaling=False,
                           predict_change=True, seed=5)
    plain = RTRLRegressor(hidden_size=4, **PLAIN, seed=5)
    ours, by_hand, last = [], [], None
    for x, y in stream:
        ours.append(change.predict_one(x))
        if last is not None:
            by_hand.append(last + change.change_gate_ * plain.predict_one(x))
        change.learn_one(x, y)
        plain.learn_one(x, y - (y if last is None else last))  # the first change is 0
        last = y
    np.testing.assert_array_equal(change.engine_.network.theta, plain.engine_.network.theta)
    np.testing.assert_allclose(ours[1:], by_hand, rtol=1e-12)


def test_running_standardizer_matches_river_and_survives_huge_values():
    values = [3.0, 5.0, 4.0, 7.0, 10.0, 12.0, -1.5]
    ours, var = RunningStandardizer(), stats.Var()
    for v in values:
        z = ours.learn(v)
        var.update(v)
        expected = (v - var.mean.get()) / var.get() ** 0.5 if var.get() else 0.0
        assert z == expected  # bit for bit: the same arithmetic
        assert ours.std == var.get() ** 0.5 and ours.location == var.mean.get()
    # River takes the standard deviation as `** 0.5` (libm's pow), not as a square root: the
    # two round differently about once in a thousand values
    many, var = RunningStandardizer(), stats.Var()
    for v in np.random.default_rng(3).normal(5.0, 3.0, 20_000).tolist():
        var.update(v)
        expected = (v - var.mean.get()) / var.get() ** 0.5 if var.get() else 0.0
        assert many.learn(v) == expected
    huge = RunningStandardizer()
    for v in values:
        z = huge.learn(v * 1e300)  # the sum of squares alone would overflow
    assert z == pytest.approx(ours.standardize(-1.5), rel=1e-12)
    assert math.isfinite(huge.std) and huge.std == pytest.approx(ours.std * 1e300, rel=1e-12)


def test_predictions_before_the_first_target_follow_rivers_conventions():
    # a regressor predicts 0.0, as River's do; a classifier {}, as River's do
    assert RTRLRegressor(seed=0).predict_one({"a": 1.0}) == 0.0
    assert RTRLRegressor(seed=0).predict_sequence([{"a": 1.0}] * 3) == [0.0, 0.0, 0.0]
    assert RTRLClassifier(seed=0).predict_proba_one({"a": 1.0}) == {}
    model = RTRLRegressor(seed=0)
    model.learn_one({"a": 1.0}, 7.0)
    assert model.predict_one({"a": 1.0}) == 7.0  # no change predicted yet: the last target


def test_chained_sklearn_predict_feeds_back_its_own_level_and_change():
    """sklearn `predict` chains the rows, feeding each prediction back as the next row's
    previous target (standardised level, and the change it predicted), with the running
    statistics as they are: checked against a numpy forward pass."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 2)), np.cumsum(rng.normal(size=60)) + 30.0
    model = RTRLRegressor(hidden_size=4, seed=0, max_iter=1).fit(X[:50], y[:50])
    p = model.params_
    level_mean, level_std = model.level_scaler_.location, model.level_scaler_.std
    change_mean, change_std = model.target_scaler_.location, model.target_scaler_.std
    h, level = model.hidden_.copy(), y[49]
    feedback = [(y[49] - level_mean) / level_std, (y[49] - y[48] - change_mean) / change_std]
    gate = model.change_gate_
    expected = []
    for row in X[50:]:
        inputs = np.concatenate([row, feedback])
        h = np.tanh(p["W_hh"] @ h + p["W_xh"] @ inputs + p["b_h"])
        change = gate * (change_std * (p["W_hy"] @ h + p["b_y"])[0] + change_mean)
        prediction = level + change
        expected.append(prediction)
        feedback = [(prediction - level_mean) / level_std, (change - change_mean) / change_std]
        level = prediction
    chained = model.predict(X[50:])
    np.testing.assert_allclose(chained, expected, rtol=1e-10)
    np.testing.assert_array_equal(model.predict(X[50:]), chained)  # predict changed nothing


def test_targets_at_the_edge_of_float64_saturate_instead_of_overflowing():
    """Alternating targets near +-1.7e308: their change is beyond float64's range, and so
    would a change added to such a level be. Both saturate; nothing becomes inf or NaN."""
    model = RTRLRegressor(hidden_size=3, seed=0)
    for y in [1.0, 2.0, -1.7e308, 1.7e308, -1.79e308, 1.0, 5.0]:
        model.learn_one({"a": 1.0}, y)
        assert math.isfinite(model.predict_one({"a": 1.0}))
    assert np.isfinite(model.engine_.network.theta).all()
