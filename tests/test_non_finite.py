"""No NaN or infinity ever reaches the weights: the gradient's norm never overflows, a non-finite
gradient or trace skips its update and resets the traces (warned once), and extreme inputs and
targets leave the weights finite and learning."""

import math
import warnings

import numpy as np
import pytest
from river import preprocessing

from rtrl_river import RTRLRegressor
from rtrl_river.datasets import DelayedRecall
from rtrl_river.kernels.network import clip_norm

from .conftest import random_stream


def test_clip_norm_never_overflows_and_refuses_non_finite_gradients():
    gradient = np.array([3e200, -4e200, 0.0])
    assert clip_norm(gradient, 5.0)
    np.testing.assert_allclose(gradient, [3.0, -4.0, 0.0], rtol=1e-14)
    for bad in (np.nan, np.inf):
        gradient = np.array([1.0, bad])
        assert not clip_norm(gradient, 5.0)
        assert gradient[0] == 1.0  # untouched
    assert not clip_norm(np.array([1e200, 1e200]), 0.0)  # no clipping asked: refused, not applied
    small = np.array([0.3, 0.4])
    assert clip_norm(small, 5.0) and small.tolist() == [0.3, 0.4]


def test_a_non_finite_trace_skips_the_update_resets_the_traces_and_warns_once():
    stream = random_stream(10, 2, seed=1)
    model = RTRLRegressor(hidden_size=3, seed=0)
    for x, y in stream[:5]:
        model.learn_one(x, y)
    theta = model.engine_.network.theta.copy()
    for matrix in model.engine_.learner_state.matrices:
        matrix[:] = np.inf  # as if the trace had overflowed
    with pytest.warns(RuntimeWarning, match="NaN or an infinity"):
        model.learn_one(*stream[5])
    np.testing.assert_array_equal(model.engine_.network.theta, theta)
    assert model.n_skipped_updates_ == 1
    assert all(np.all(matrix == 0.0) for matrix in model.engine_.learner_state.matrices)
    for matrix in model.engine_.learner_state.matrices:
        matrix[:] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per model: no second warning
        model.learn_one(*stream[6])
    assert model.n_skipped_updates_ == 2
    model.learn_one(*stream[7])  # and learning goes on
    assert not np.array_equal(model.engine_.network.theta, theta)
    assert np.isfinite(model.engine_.network.theta).all()


@pytest.mark.filterwarnings("ignore:RTRLRegressor. a gradient with a NaN:RuntimeWarning")
@pytest.mark.parametrize("learner", ["rtrl", "snap-1", "tbptt", "uoro"])
@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_extreme_inputs_and_targets_leave_weights_finite_and_learning(learner, scale):
    rng = np.random.default_rng(0)
    model = RTRLRegressor(hidden_size=4, learner=learner, seed=0)
    for t in range(60):
        x = {"a": float(rng.normal() * scale), "b": float(rng.normal())}
        model.learn_one(x, float(rng.normal() * scale))
        prediction = model.predict_one(x)
        assert math.isfinite(prediction)
    assert np.isfinite(model.engine_.network.theta).all()
    before = model.engine_.network.theta.copy()
    for t in range(20):  # ordinary data afterwards still moves the weights
        model.learn_one({"a": 0.1, "b": 0.2}, float(rng.normal()))
    assert np.isfinite(model.engine_.network.theta).all()
    assert not np.array_equal(model.engine_.network.theta, before)


def test_uoro_stays_finite_where_its_tangents_used_to_overflow():
    """UORO at the old defaults (lr 0.01, clip 1) on Gaussian delayed recall, lag 5, seed 4:
    its tangents grew geometrically until they overflowed and NaN reached the weights. Its
    estimate is now kept bounded; the run stays finite and learns something."""
    model = preprocessing.StandardScaler() | RTRLRegressor(
        learner="uoro", lr=0.01, clip_gradient=1.0, target_feedback=False, target_scaling=False,
        predict_change=False, seed=4)
    stream = list(DelayedRecall(delay=5, n_steps=20_000, seed=4, distribution="gaussian"))
    for x, y in stream:
        prediction = model.predict_one(x)
        assert prediction is None or math.isfinite(prediction)
        model.learn_one(x, y)
    estimator = model["RTRLRegressor"]
    assert np.isfinite(estimator.engine_.network.theta).all()
    state = estimator.engine_.learner_state
    assert np.isfinite(state.state_tangent).all() and np.isfinite(state.parameter_tangent).all()
