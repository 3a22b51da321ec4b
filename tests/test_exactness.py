"""The kernels against the numpy reference: RTRL == BPTT == finite differences."""

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor

from . import naive
from .conftest import frozen, random_stream

# Relative error bound for two float64 computations of the same gradient by different
# association orders (RTRL forward, BPTT backward) over tens of steps: roundoff is ~1e-14,
# so 1e-9 leaves five orders of margin while any algebra mistake shows up at 1e-2 or worse.
EXACT = 1e-9
# Central differences with eps=1e-6: truncation ~eps^2 and cancellation ~1e-16/eps ~1e-10 per
# entry, so agreement is checked at 1e-6 relative to the gradient's norm.
FINITE = 1e-6


# The plain Elman regressor of the numerical contract: the network learns y itself, sees no
# fed-back target unless asked, and its output is the prediction.
PLAIN = dict(target_feedback=False, target_scaling=False, predict_change=False)


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


def frozen_model(**kwargs):
    """A model that computes gradients but never moves: SGD at learning rate 0, no clipping."""
    return frozen(RTRLRegressor(optimizer="sgd", clip_gradient=None, seed=3, **{**PLAIN, **kwargs}))


def with_random_weights(model, stream, seed):
    """`model` after learning the stream's first row (so that its inputs have columns), with
    every weight drawn at random (a fresh model's input weights and biases are 0, and its
    hidden state stays 0 until it learns), its state reset."""
    model.learn_one(*stream[0])
    theta = model.engine_.network.theta
    theta[:] = np.random.default_rng(seed).normal(size=theta.shape[0]) / np.sqrt(
        model.hidden_size + 4)
    model.reset_state()
    return model


def as_arrays(stream, names):
    return [np.array([x.get(name, 0.0) for name in names]) for x, _ in stream]


# 43 and 70: rows with full blocks of 32 summed on vectors, a rest in a chain, and units left
# over from the groups of eight (kernels/cells/elman.py)
@pytest.mark.parametrize("hidden_size", [1, 4, 7, 43, 70])
def test_rtrl_gradient_equals_bptt_at_every_step(hidden_size):
    stream = random_stream(40, 3, seed=hidden_size)
    model = with_random_weights(frozen_model(hidden_size=hidden_size), stream, hidden_size)
    xs = as_arrays(stream, ["f0", "f1", "f2"])
    gradients = []
    for x, y in stream:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    params = naive.copy_params(model.params_)
    for t in (0, 1, 9, 39):
        bptt = naive.flatten(naive.bptt_gradient(params, xs[: t + 1], stream[t][1]))
        assert relative_error(gradients[t], bptt) < EXACT


@pytest.mark.parametrize("hidden_size", [16, 32, 43, 128])
def test_hidden_state_equals_the_reference_forward_pass(hidden_size):
    # The same sums in another order (numpy's, against a chain plus blocks of 32 on vectors):
    # roundoff of a few units in the last place of terms of order 1, so 1e-12 has margin.
    stream = random_stream(30, 3, seed=hidden_size)
    model = with_random_weights(frozen_model(hidden_size=hidden_size), stream, hidden_size)
    params = naive.copy_params(model.params_)
    hidden = np.zeros(hidden_size)
    for x, y in stream:
        model.learn_one(x, y)
        hidden = naive.step(params, hidden, np.array([x["f0"], x["f1"], x["f2"]]))
        assert np.max(np.abs(model.engine_.network.hidden - hidden)) < 1e-12
    assert np.all(hidden != 0.0)  # every unit took part


def test_predictions_equal_the_reference_with_vector_blocks():
    # predict_one, predict_many and a 3-class head at 43 units (full blocks of 32 columns in
    # W_hh and in each row of W_hy, a rest of 11, 3 units after the groups of eight), against
    # numpy's forward pass and head; 1e-12 as above.
    stream = random_stream(20, 3, seed=43)
    rows = as_arrays(stream, ["f0", "f1", "f2"])
    model = with_random_weights(frozen_model(hidden_size=43), stream, 43)
    params = naive.copy_params(model.params_)
    hidden = np.zeros(43)
    for (x, y), row in zip(stream, rows):
        expected = naive.output(params, naive.step(params, hidden, row))[0]
        assert model.predict_one(x) == pytest.approx(expected, rel=1e-12, abs=1e-12)
        model.learn_one(x, y)
        hidden = naive.step(params, hidden, row)
    X = pd.DataFrame(rows, columns=["f0", "f1", "f2"])
    expected = [naive.output(params, naive.step(params, hidden, row))[0] for row in rows]
    np.testing.assert_allclose(model.predict_many(X), expected, rtol=1e-12, atol=1e-12)

    classifier = frozen(RTRLClassifier(hidden_size=43, optimizer="sgd", clip_gradient=None,
                                       target_feedback=False, seed=3))
    labels = ["a", "b", "c"]
    for (x, _), label in zip(stream, labels):  # three output rows
        classifier.learn_one(x, label)
    theta = classifier.engine_.network.theta
    theta[:] = np.random.default_rng(43).normal(size=theta.shape[0]) / np.sqrt(47)
    classifier.reset_state()
    params = naive.copy_params(classifier.params_)
    assert params["W_hy"].shape == (3, 43)
    hidden = np.zeros(43)
    for t, ((x, _), row) in enumerate(zip(stream, rows)):
        scores = naive.output(params, naive.step(params, hidden, row))
        expected = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        got = classifier.predict_proba_one(x)
        np.testing.assert_allclose([got[label] for label in labels], expected, rtol=1e-12,
                                   atol=1e-12)
        classifier.learn_one(x, labels[t % 3])
        hidden = naive.step(params, hidden, row)


def test_bptt_reference_matches_finite_differences():
    stream = random_stream(12, 2, seed=5)
    model = frozen_model(hidden_size=3)
    for x, y in stream:
        model.learn_one(x, y)
    params = naive.copy_params(model.params_)
    xs = as_arrays(stream, ["f0", "f1"])
    bptt = naive.flatten(naive.bptt_gradient(params, xs, stream[-1][1]))
    fd = naive.finite_difference_gradient(params, xs, stream[-1][1])
    assert relative_error(bptt, fd) < FINITE
    # and the kernel's last gradient, through the same 12 steps
    assert relative_error(model.engine_.buffers.gradient, fd) < FINITE


@pytest.mark.parametrize("clip", [None, 0.5])
def test_online_sgd_trajectory_matches_reference(clip):
    stream = random_stream(50, 3, seed=11)
    model = RTRLRegressor(hidden_size=5, optimizer="sgd", lr=0.05, clip_gradient=clip, seed=2,
                          **PLAIN)
    x0, y0 = stream[0]
    model.learn_one(x0, y0)
    # Rebuild the weights before the first step (SGD: theta_0 = theta_1 + lr * clipped g_1).
    g1 = model.engine_.buffers.gradient.copy()
    start = naive.unflatten(naive.flatten(model.params_) + 0.05 * g1,
                            naive.copy_params(model.params_))
    for x, y in stream[1:]:
        model.learn_one(x, y)
    xs = as_arrays(stream, ["f0", "f1", "f2"])
    _, trajectory = naive.online_rtrl(start, xs, [y for _, y in stream], lr=0.05, clip=clip)
    assert relative_error(naive.flatten(model.params_), trajectory[-1]) < EXACT


def test_emerging_feature_gets_exact_zero_influence():
    """A feature first seen at step 10 behaves as if it had been there, at 0, all along."""
    stream = random_stream(30, 2, seed=7)
    late = [({"f0": x["f0"]} if t < 10 else x, y) for t, (x, y) in enumerate(stream)]
    model = frozen_model(hidden_size=4)
    gradients = []
    for x, y in late:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    params = naive.copy_params(model.params_)
    xs = as_arrays(late, ["f0", "f1"])
    for t in (12, 29):
        bptt = naive.flatten(naive.bptt_gradient(params, xs[: t + 1], late[t][1]))
        assert relative_error(gradients[t], bptt) < EXACT


def test_target_feedback_is_the_previous_target_as_an_input():
    stream = random_stream(20, 2, seed=4)
    model = frozen_model(hidden_size=3, target_feedback=True)
    gradients = []
    for x, y in stream:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    params = naive.copy_params(model.params_)
    offset = stream[0][1]
    ys = [y for _, y in stream]
    xs = [np.array([x["f0"], x["f1"], (ys[t - 1] - offset) if t else 0.0])
          for t, (x, _) in enumerate(stream)]
    bptt = naive.flatten(naive.bptt_gradient(params, xs, ys[-1]))
    assert relative_error(gradients[-1], bptt) < EXACT
