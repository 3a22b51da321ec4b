"""What every cell shares, each against its numpy reference (tests/naive.py): exact RTRL ==
BPTT == finite differences, TBPTT's windows, the SnAp alias, learn_many, state and prediction.
What is a cell's own (its blocks and start, its traces, growth) is in its module's tests."""

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.learners import RTRL, TBPTT, SnAp
from rtrl_river.learners.rtrl import DiagonalRTRLState

from . import naive
from .cell_reference import REFERENCES, frozen, gradients_of, perturb, reference_setup
from .conftest import random_stream
from .test_exactness import EXACT, FINITE, as_arrays, relative_error

NAMES = ["f0", "f1", "f2"]
# The cells whose parameters reach their own unit only: exact RTRL at O(n d), SnAp = RTRL
ELEMENT_WISE = ["elstm", "lru"]


@pytest.mark.parametrize("cell", ELEMENT_WISE)
@pytest.mark.parametrize("hidden_size", [1, 4, 9])
def test_rtrl_gradient_equals_bptt_at_every_step(cell, hidden_size):
    stream = random_stream(40, 3, seed=hidden_size)
    gradients, params = reference_setup(frozen(cell, hidden_size=hidden_size), stream)
    xs = as_arrays(stream, NAMES)
    errors = []
    for t in (0, 1, 9, 39):
        bptt = REFERENCES[cell].bptt(params, xs[: t + 1], stream[t][1])
        errors.append(relative_error(gradients[t], naive.flatten(bptt)))
    assert max(errors) < EXACT, errors


@pytest.mark.parametrize("cell", ELEMENT_WISE)
def test_gradient_equals_finite_differences_of_the_unrolled_loss(cell):
    stream = random_stream(20, 2, seed=5)
    gradients, params = reference_setup(frozen(cell, hidden_size=3), stream)
    xs, reference = as_arrays(stream, ["f0", "f1"]), REFERENCES[cell]
    bptt = naive.flatten(reference.bptt(params, xs, stream[-1][1]))
    fd = naive.finite_difference_gradient(params, xs, stream[-1][1], loss=reference.loss)
    assert relative_error(bptt, fd) < FINITE
    assert relative_error(gradients[-1], fd) < FINITE


@pytest.mark.parametrize("cell", ELEMENT_WISE)
def test_dense_reference_rtrl_equals_bptt(cell):
    """The two numpy references, RTRL forward with a dense influence matrix (not the per-unit
    traces the kernels keep) and BPTT backward, agree."""
    stream = random_stream(15, 3, seed=9)
    _, params = reference_setup(frozen(cell, hidden_size=3), stream)
    xs, ys = as_arrays(stream, NAMES), [y for _, y in stream]
    gradients, _ = REFERENCES[cell].online_rtrl(params, xs, ys)
    for t in (0, 5, 14):
        bptt = naive.flatten(REFERENCES[cell].bptt(params, xs[: t + 1], ys[t]))
        assert relative_error(gradients[t], bptt) < EXACT


@pytest.mark.parametrize("cell", ["elman", *ELEMENT_WISE])
def test_tbptt_with_a_long_enough_window_equals_bptt(cell):
    stream = random_stream(25, 3, seed=1)
    gradients, params = reference_setup(frozen(cell, learner=TBPTT(truncation=25)), stream)
    xs = as_arrays(stream, NAMES)
    for t in (0, 7, 24):
        bptt = naive.flatten(REFERENCES[cell].bptt(params, xs[: t + 1], stream[t][1]))
        assert relative_error(gradients[t], bptt) < EXACT


@pytest.mark.parametrize("cell", ["elman", *ELEMENT_WISE])
@pytest.mark.parametrize("truncation", [1, 3, 5])
def test_tbptt_equals_truncated_bptt_across_the_ring_wrap(cell, truncation):
    stream = random_stream(20, 3, seed=2)
    gradients, params = reference_setup(frozen(cell, learner=TBPTT(truncation=truncation)),
                                        stream)
    xs, bptt = as_arrays(stream, NAMES), REFERENCES[cell].bptt
    for t in (truncation - 1, truncation + 1, 2 * truncation + 3, 19):  # before and after
        reference = bptt(params, xs[: t + 1], stream[t][1], truncation=truncation)  # wrapping
        assert relative_error(gradients[t], naive.flatten(reference)) < EXACT
    full = naive.flatten(bptt(params, xs, stream[-1][1]))
    assert relative_error(gradients[-1], full) > 1e-6  # a short window really truncates


@pytest.mark.parametrize("cell", ELEMENT_WISE)
@pytest.mark.parametrize("level", [1, 2])
def test_snap_on_an_element_wise_cell_is_exact_rtrl(cell, level):
    stream = random_stream(30, 3, seed=4)
    snap_model, rtrl_model = frozen(cell, learner=SnAp(level=level)), frozen(cell, learner=RTRL())
    snap, rtrl = gradients_of(snap_model, stream), gradients_of(rtrl_model, stream)
    assert isinstance(snap_model.engine_.learner_state, DiagonalRTRLState)
    for a, b in zip(snap, rtrl):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cell", ELEMENT_WISE)
def test_uoro_and_sparsity_are_rejected_with_the_reason(cell):
    model = RTRLRegressor(cell=cell, learner="uoro")
    with pytest.raises(ValueError, match=f"elman cell only; on the {cell} cell.*learner='rtrl'"):
        model.learn_one({"a": 1.0}, 1.0)
    assert not model.__sklearn_is_fitted__()
    with pytest.raises(ValueError, match="no recurrent weight matrix"):
        RTRLRegressor(cell=cell, recurrent_density=0.5).learn_one({"a": 1.0}, 1.0)


@pytest.mark.parametrize("cell", ELEMENT_WISE)
@pytest.mark.parametrize("learner", ["rtrl", "snap-1", "tbptt"])
@pytest.mark.parametrize("estimator", [RTRLRegressor, RTRLClassifier])
def test_learn_many_is_a_learn_one_loop(cell, learner, estimator):
    stream = random_stream(40, 3)
    if estimator is RTRLClassifier:
        stream = [(x, bool(y > 0)) for x, y in stream]
    one = estimator(cell=cell, hidden_size=4, learner=learner, target_feedback=True, seed=5)
    many = one.clone()
    for x, y in stream:
        one.learn_one(x, y)
    many.learn_many(pd.DataFrame([x for x, _ in stream]), pd.Series([y for _, y in stream]))
    np.testing.assert_array_equal(one.engine_.network.theta, many.engine_.network.theta)
    np.testing.assert_array_equal(one.hidden_, many.hidden_)


@pytest.mark.parametrize("cell", ELEMENT_WISE)
def test_reset_state_forgets_the_state_and_traces(cell):
    model = RTRLRegressor(cell=cell, hidden_size=4, seed=0)
    for x, y in random_stream(30, 2):
        model.learn_one(x, y)
    assert model.hidden_.any() and model.engine_.learner_state.influence.any()
    model.reset_state()
    assert not model.hidden_.any() and not model.engine_.learner_state.influence.any()


@pytest.mark.parametrize("cell", ELEMENT_WISE)
def test_predictions_between_predict_one_and_learn_one_change_nothing(cell):
    """predict_one keeps its forward step (the eLSTM's gates, the LRU's B x_t) for learn_one;
    a predict_many in between runs other forward steps, so learn_one must not reuse them."""
    stream = random_stream(40, 3)
    X = pd.DataFrame([x for x, _ in stream[:5]])
    busy, quiet = (RTRLRegressor(cell=cell, hidden_size=4, seed=0) for _ in range(2))
    for x, y in stream:
        busy.predict_one(x)
        busy.predict_many(X)
        busy.learn_one(x, y)
        busy.predict_one(x)  # a forward step for x that learn_one of the next x must not use
        quiet.learn_one(x, y)
    np.testing.assert_array_equal(busy.engine_.network.theta, quiet.engine_.network.theta)
    np.testing.assert_array_equal(busy.engine_.learner_state.influence,
                                  quiet.engine_.learner_state.influence)


@pytest.mark.parametrize("cell, lag, hidden_size", [("elstm", 1, 16), ("lru", 2, 8)])
def test_the_classifier_learns_a_past_sign(cell, lag, hidden_size):
    """The class is the sign of the input `lag` steps back: the classifier must beat chance
    (0.5) by far more than noise (one standard error over 1000 steps is 0.016), so gradients
    reach the zero-born input columns and the state carries the past."""
    rng = np.random.default_rng(0)
    signs = rng.choice([-1.0, 1.0], size=3000)
    model = RTRLClassifier(cell=cell, hidden_size=hidden_size, seed=0)
    correct = []
    for t in range(3000):
        x, y = {"s": signs[t]}, bool(signs[t - lag] > 0) if t >= lag else False
        correct.append(model.predict_one(x) == y)
        model.learn_one(x, y)
    assert np.mean(correct[-1000:]) > 0.6


@pytest.mark.parametrize("cell", ["elman", *ELEMENT_WISE])
@pytest.mark.parametrize("learner", ["rtrl", "tbptt"])
def test_a_feature_first_seen_mid_stream_gets_exact_zero_traces(cell, learner):
    """At rate 0, a model that meets f1 at step 10 has BPTT's gradient with f1 there all
    along, reading 0 (before step 10, without the entries of f1's columns): the new columns of
    the input blocks, of their traces and of the optimizer moments are born zero."""
    stream = random_stream(30, 2, seed=7)
    late = [({"f0": x["f0"]} if t < 10 else x, y) for t, (x, y) in enumerate(stream)]
    model = frozen(cell, learner=RTRL() if learner == "rtrl" else TBPTT(truncation=30))
    model.learn_one(*late[0])
    perturb(model, np.random.default_rng(2))  # the columns that exist so far
    model.reset_state()
    gradients = gradients_of(model, late)
    params = naive.copy_params(model.params_)
    blocks = model.engine_.network.cell.input_blocks
    assert not any(params[block][:, 1].any() for block in blocks)
    xs = as_arrays(late, ["f0", "f1"])
    for t in (9, 12, 29):
        bptt = REFERENCES[cell].bptt(params, xs[: t + 1], late[t][1])
        if t < 10:  # before f1 existed the gradient had no entries for it
            bptt = {name: np.delete(value, 1, axis=1) if name in blocks else value
                    for name, value in bptt.items()}
        assert relative_error(gradients[t], naive.flatten(bptt)) < EXACT
