"""The eLSTM cell against its numpy reference: exact RTRL == BPTT == finite differences,
TBPTT, the SnAp alias, growth, learn_many and pickling."""

import pickle

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.learners import RTRL, TBPTT, SnAp
from rtrl_river.learners.rtrl import DiagonalRTRLState

from . import naive
from .conftest import frozen as frozen_rate, random_stream
from .test_exactness import EXACT, FINITE, PLAIN, as_arrays, relative_error

NAMES = ["f0", "f1", "f2"]


def frozen(**kwargs):
    """A plain eLSTM model that computes gradients but never moves: SGD at rate 0, no
    clipping."""
    settings = dict(cell="elstm", hidden_size=4, optimizer="sgd", clip_gradient=None, seed=3,
                    **PLAIN)
    return frozen_rate(RTRLRegressor(**{**settings, **kwargs}))


def gradients_of(model, stream):
    gradients = []
    for x, y in stream:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    return gradients


def perturb(model, rng, scale=0.5):
    """Move every weight off its start (where W_z, W_f are zero), so every term of the
    gradient is exercised; called after the first step, when every column exists."""
    model.engine_.network.theta[:] += rng.normal(0.0, scale, size=model.engine_.network.theta.shape)


def reference_setup(model, stream, seed=0):
    """Learn the first step (creating every column), then perturb the weights; returns the
    per-step gradients of the rest of the stream, computed from there, and the weights."""
    model.learn_one(*stream[0])
    perturb(model, np.random.default_rng(seed))
    model.reset_state()
    return gradients_of(model, stream), naive.copy_params(model.params_)


def test_params_are_the_elstm_blocks():
    model = frozen(hidden_size=5)
    model.learn_one({"a": 1.0, "b": 2.0}, 0.5)
    shapes = {name: value.shape for name, value in model.params_.items()}
    assert shapes == {"W_z": (5, 2), "W_f": (5, 2), "w_z": (5,), "w_f": (5,), "b_z": (5,),
                      "b_f": (5,), "W_hy": (1, 5), "b_y": (1,)}
    assert model.engine_.network.n_recurrent == 2 * 5 * 2 + 4 * 5
    assert isinstance(model.engine_.learner_state, DiagonalRTRLState)
    # forget gates start between 1/3 and 0.9 (time constants 1.5 to 10)
    f = 1.0 / (1.0 + np.exp(-model.params_["b_f"]))
    assert np.all((f > 1 / 3) & (f < 0.9))


@pytest.mark.parametrize("hidden_size", [1, 4, 7])
def test_rtrl_gradient_equals_bptt_at_every_step(hidden_size):
    stream = random_stream(40, 3, seed=hidden_size)
    gradients, params = reference_setup(frozen(hidden_size=hidden_size), stream)
    xs = as_arrays(stream, NAMES)
    errors = []
    for t in (0, 1, 9, 39):
        bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs[: t + 1], stream[t][1]))
        errors.append(relative_error(gradients[t], bptt))
    assert max(errors) < EXACT, errors


def test_bptt_reference_matches_finite_differences():
    stream = random_stream(12, 2, seed=5)
    gradients, params = reference_setup(frozen(hidden_size=3), stream)
    xs = as_arrays(stream, ["f0", "f1"])
    bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs, stream[-1][1]))
    fd = naive.finite_difference_gradient(params, xs, stream[-1][1], loss=naive.elstm_loss_at)
    assert relative_error(bptt, fd) < FINITE
    assert relative_error(gradients[-1], fd) < FINITE


def test_dense_reference_rtrl_equals_bptt():
    """The two numpy references, RTRL forward with a dense J and BPTT backward, agree."""
    stream = random_stream(15, 3, seed=9)
    _, params = reference_setup(frozen(hidden_size=3), stream)
    xs, ys = as_arrays(stream, NAMES), [y for _, y in stream]
    gradients, _ = naive.elstm_online_rtrl(params, xs, ys)
    for t in (0, 5, 14):
        bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs[: t + 1], ys[t]))
        assert relative_error(gradients[t], bptt) < EXACT


@pytest.mark.parametrize("clip", [None, 0.5])
def test_online_sgd_trajectory_matches_reference(clip):
    stream = random_stream(50, 3, seed=11)
    lr = 0.05
    model = RTRLRegressor(cell="elstm", hidden_size=5, optimizer="sgd", lr=lr,
                          clip_gradient=clip, seed=2, **PLAIN)
    model.learn_one(*stream[0])
    perturb(model, np.random.default_rng(1))
    model.reset_state()
    start = naive.copy_params(model.params_)
    trajectory = []
    for x, y in stream:
        model.learn_one(x, y)
        trajectory.append(naive.flatten(model.params_))
    xs, ys = as_arrays(stream, NAMES), [y for _, y in stream]
    _, reference = naive.elstm_online_rtrl(start, xs, ys, lr=lr, clip=clip)
    errors = [relative_error(a, b) for a, b in zip(trajectory, reference)]
    assert max(errors) < EXACT, max(errors)


def test_tbptt_with_a_long_enough_window_equals_bptt():
    stream = random_stream(25, 3, seed=1)
    gradients, params = reference_setup(frozen(learner=TBPTT(truncation=25)), stream)
    xs = as_arrays(stream, NAMES)
    for t in (0, 7, 24):
        bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs[: t + 1], stream[t][1]))
        assert relative_error(gradients[t], bptt) < EXACT


@pytest.mark.parametrize("truncation", [1, 3, 5])
def test_tbptt_equals_truncated_bptt_across_the_ring_wrap(truncation):
    stream = random_stream(20, 3, seed=2)
    gradients, params = reference_setup(frozen(learner=TBPTT(truncation=truncation)), stream)
    xs = as_arrays(stream, NAMES)
    for t in (truncation - 1, truncation + 1, 2 * truncation + 3, 19):
        reference = naive.elstm_bptt_gradient(params, xs[: t + 1], stream[t][1],
                                              truncation=truncation)
        assert relative_error(gradients[t], naive.flatten(reference)) < EXACT
    # a short window really truncates: it differs from the full gradient
    full = naive.flatten(naive.elstm_bptt_gradient(params, xs, stream[-1][1]))
    assert relative_error(gradients[-1], full) > 1e-6


@pytest.mark.parametrize("level", [1, 2])
def test_snap_on_elstm_is_exact_rtrl(level):
    stream = random_stream(30, 3, seed=4)
    snap_model, rtrl_model = frozen(learner=SnAp(level=level)), frozen(learner=RTRL())
    snap, rtrl = gradients_of(snap_model, stream), gradients_of(rtrl_model, stream)
    assert isinstance(snap_model.engine_.learner_state, DiagonalRTRLState)
    for a, b in zip(snap, rtrl):
        np.testing.assert_array_equal(a, b)


def test_uoro_on_elstm_is_rejected_with_the_reason():
    model = RTRLRegressor(cell="elstm", learner="uoro")
    with pytest.raises(ValueError, match="elman cell only.*learner='rtrl'"):
        model.learn_one({"a": 1.0}, 1.0)
    assert not model.__sklearn_is_fitted__()


def test_sparse_recurrence_is_rejected_for_elstm():
    model = RTRLRegressor(cell="elstm", recurrent_density=0.5)
    with pytest.raises(ValueError, match="no recurrent weight matrix"):
        model.learn_one({"a": 1.0}, 1.0)
    with pytest.raises(ValueError, match="cell"):
        RTRLRegressor(cell="gru").learn_one({"a": 1.0}, 1.0)


@pytest.mark.parametrize("learner", ["rtrl", "tbptt"])
def test_emerging_feature_gets_exact_zero_traces(learner):
    """A feature first seen at step 10 behaves as if it had been there, at 0, all along."""
    stream = random_stream(30, 2, seed=7)
    late = [({"f0": x["f0"]} if t < 10 else x, y) for t, (x, y) in enumerate(stream)]
    model = frozen(learner=learner if learner == "rtrl" else TBPTT(truncation=30))
    model.learn_one(*late[0])
    perturb(model, np.random.default_rng(2))  # the columns that exist so far
    model.reset_state()
    gradients = gradients_of(model, late)
    # the new columns of W_z, W_f, of their traces and of the optimizer moments were born zero
    params = naive.copy_params(model.params_)
    assert not params["W_z"][:, 1].any() and not params["W_f"][:, 1].any()
    xs = as_arrays(late, ["f0", "f1"])
    for t in (9, 12, 29):
        bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs[: t + 1], late[t][1]))
        g = gradients[t]
        if t < 10:  # before f1 existed the gradient had no entries for it: compare the rest
            new_columns = [1 + 2 * i for i in range(4)] + [8 + 1 + 2 * i for i in range(4)]
            bptt = np.delete(bptt, new_columns)  # column 1 of W_z, then of W_f
        assert relative_error(g, bptt) < EXACT


def test_target_feedback_is_the_previous_target_as_an_input():
    stream = random_stream(20, 2, seed=4)
    model = frozen(hidden_size=3, target_feedback=True)
    gradients = gradients_of(model, stream)
    params = naive.copy_params(model.params_)
    offset = stream[0][1]
    ys = [y for _, y in stream]
    xs = [np.array([x["f0"], x["f1"], (ys[t - 1] - offset) if t else 0.0])
          for t, (x, _) in enumerate(stream)]
    bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs, ys[-1]))
    assert relative_error(gradients[-1], bptt) < EXACT


@pytest.mark.parametrize("learner", ["rtrl", "snap-1", "tbptt"])
@pytest.mark.parametrize("estimator", [RTRLRegressor, RTRLClassifier])
def test_learn_many_is_a_learn_one_loop(learner, estimator):
    stream = random_stream(40, 3)
    if estimator is RTRLClassifier:
        stream = [(x, bool(y > 0)) for x, y in stream]
    one = estimator(cell="elstm", hidden_size=4, learner=learner, target_feedback=True, seed=5)
    many = one.clone()
    for x, y in stream:
        one.learn_one(x, y)
    many.learn_many(pd.DataFrame([x for x, _ in stream]), pd.Series([y for _, y in stream]))
    np.testing.assert_array_equal(one.engine_.network.theta, many.engine_.network.theta)
    np.testing.assert_array_equal(one.hidden_, many.hidden_)


@pytest.mark.parametrize("learner", ["rtrl", "tbptt"])
def test_pickling_mid_stream_resumes_bit_identically(learner):
    stream = random_stream(60, 3)
    model = RTRLRegressor(cell="elstm", hidden_size=5, learner=learner, target_feedback=True,
                          seed=0)
    for x, y in stream[:30]:
        model.learn_one(x, y)
    restored = pickle.loads(pickle.dumps(model))
    for x, y in stream[30:]:
        model.learn_one(x, y)
        restored.learn_one(x, y)
    np.testing.assert_array_equal(model.engine_.network.theta, restored.engine_.network.theta)
    np.testing.assert_array_equal(model.engine_.learner_state.traces(1)[0],
                                  restored.engine_.learner_state.traces(1)[0])
    assert restored.predict_one(stream[0][0]) == model.predict_one(stream[0][0])


def test_reset_state_forgets_the_cell_state_and_traces():
    model = RTRLRegressor(cell="elstm", hidden_size=4, seed=0)
    for x, y in random_stream(30, 2):
        model.learn_one(x, y)
    assert model.hidden_.any() and model.engine_.learner_state.influence.any()
    model.reset_state()
    assert not model.hidden_.any() and not model.engine_.learner_state.influence.any()


def test_classifier_learns_on_elstm():
    """The class is the sign of the previous input: the eLSTM classifier must beat chance (0.5)
    by far more than noise (one standard error over 1000 steps is 0.016), so gradients reach
    the zero-born output rows and input columns and the state carries the past."""
    rng = np.random.default_rng(0)
    signs = rng.choice([-1.0, 1.0], size=3000)
    model = RTRLClassifier(cell="elstm", hidden_size=16, seed=0)
    correct = []
    for t in range(3000):
        x, y = {"s": signs[t]}, bool(signs[t - 1] > 0) if t >= 1 else False
        correct.append(model.predict_one(x) == y)
        model.learn_one(x, y)
    assert np.mean(correct[-1000:]) > 0.6


def test_predictions_between_predict_one_and_learn_one_change_nothing():
    """predict_one keeps its forward step (and the eLSTM's gates) for learn_one; a predict_many
    in between runs other forward steps, so learn_one must not reuse stale gates."""
    stream = random_stream(40, 3)
    X = pd.DataFrame([x for x, _ in stream[:5]])
    busy, quiet = (RTRLRegressor(cell="elstm", hidden_size=4, seed=0) for _ in range(2))
    for x, y in stream:
        busy.predict_one(x)
        busy.predict_many(X)
        busy.learn_one(x, y)
        busy.predict_one(x)  # a forward step for x that learn_one of the next x must not use
        quiet.learn_one(x, y)
    np.testing.assert_array_equal(busy.engine_.network.theta, quiet.engine_.network.theta)
    np.testing.assert_array_equal(busy.engine_.learner_state.influence,
                                  quiet.engine_.learner_state.influence)


def test_cells_speed_tables_cover_every_cell_and_learner(capsys):
    """The benchmark's cell tables run (tiny sizes; a speed claim is never a unit test) and
    report the memory each holds: the eLSTM's exact traces are one number per parameter."""
    from benchmarks.tables import CELL_LEARNERS, cell_ratio_table, cells_table

    one, many, memory = cells_table([2, 4], 2, repeats=1, budget=0.001)
    assert set(many) == {(cell, learner, n) for cell, learner in CELL_LEARNERS for n in (2, 4)}
    assert all(value > 0 for value in [*one.values(), *many.values()])
    # n=4, d=2 features + the fed-back target and change, Adam: theta and two moments, plus the
    # trace vector (P = 2nd + 4n = 48 numbers)
    P, head = 2 * 4 * (2 + 2) + 4 * 4, 4 + 1
    assert memory["elstm", "rtrl", 4] == 8 * (3 * (P + head) + P)
    elman, elstm = cell_ratio_table(2, repeats=1, n_steps=20, large=8, small=2)
    assert elman > 0 and elstm > 0
    assert "elstm n=8" in capsys.readouterr().out
