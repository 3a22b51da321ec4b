"""SnAp, TBPTT and UORO against the numpy reference, and against RTRL where they must agree."""

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.learners import RTRL, TBPTT, SnAp

from . import naive
from .conftest import frozen, random_stream
from .test_exactness import EXACT, PLAIN, as_arrays, relative_error

NAMES = ["f0", "f1", "f2"]


def gradients_of(learner, stream, **kwargs):
    """Per-step gradients of a model that never moves (SGD at lr 0, no clipping)."""
    params = dict(hidden_size=4, optimizer="sgd", clip_gradient=None, seed=3, **PLAIN)
    model = frozen(RTRLRegressor(learner=learner, **{**params, **kwargs}))
    gradients = []
    for x, y in stream:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    return model, gradients


def test_snap2_on_a_dense_cell_equals_rtrl():
    stream = random_stream(30, 3, seed=4)
    _, snap = gradients_of(SnAp(level=2), stream)
    _, rtrl = gradients_of(RTRL(), stream)
    for a, b in zip(snap, rtrl):
        assert relative_error(a, b) < EXACT


def test_snap1_equals_rtrl_when_w_hh_is_diagonal():
    stream = random_stream(30, 3, seed=5)
    models = {}
    for learner in (SnAp(level=1), RTRL()):
        model = frozen(RTRLRegressor(learner=learner, hidden_size=4, optimizer="sgd",
                                     clip_gradient=None, seed=3, **PLAIN))
        model.learn_one(*stream[0])  # h_1 and J_1 do not depend on W_hh (h_0 = 0, J_0 = 0)
        W = model.params_["W_hh"]
        W[:] = np.diag(np.diag(W) + 0.5)
        gradients = []
        for x, y in stream[1:]:
            model.learn_one(x, y)
            gradients.append(model.engine_.buffers.gradient.copy())
        models[learner.name] = gradients
    for a, b in zip(models["snap-1"], models["rtrl"]):
        assert relative_error(a, b) < EXACT
    # and the diagonal really matters: on a dense cell SnAp-1 differs from RTRL
    _, snap = gradients_of(SnAp(level=1), stream)
    _, rtrl = gradients_of(RTRL(), stream)
    assert relative_error(snap[-1], rtrl[-1]) > 1e-3


@pytest.mark.parametrize("level, density", [(1, 1.0), (1, 0.4), (2, 0.3), (3, 0.2)])
def test_snap_equals_the_masked_reference(level, density):
    stream = random_stream(25, 3, seed=6)
    model, gradients = gradients_of(SnAp(level=level), stream, hidden_size=6,
                                    recurrent_density=density)
    params, xs = naive.copy_params(model.params_), as_arrays(stream, NAMES)
    support = model.engine_.network.recurrent_support
    mask = naive.snap_mask(support, level, len(NAMES))
    recurrent_mask = support.astype(float) if density < 1 else None
    reference, _ = naive.online_rtrl(params, xs, [y for _, y in stream],
                                     influence_mask=mask, recurrent_mask=recurrent_mask)
    for a, b in zip(gradients, reference):
        assert relative_error(a, b) < EXACT
    if density < 1:
        assert not params["W_hh"][~support].any()  # masked weights are exactly zero


def test_masked_recurrent_weights_stay_zero_while_learning():
    model = RTRLRegressor(hidden_size=6, recurrent_density=0.3, seed=0)
    for x, y in random_stream(200, 3):
        model.learn_one(x, y)
    support = model.engine_.network.recurrent_support
    assert not support.all() and support.any()
    assert not model.params_["W_hh"][~support].any()
    assert model.params_["W_hh"][support].all()


def test_snap2_on_a_sparse_cell_keeps_fewer_entries():
    dense = RTRLRegressor(hidden_size=16, learner="snap-2", seed=0)
    sparse = RTRLRegressor(hidden_size=16, learner="snap-2", recurrent_density=0.1, seed=0)
    for model in (dense, sparse):
        model.learn_one({"a": 1.0}, 1.0)
    assert sparse.engine_.learner_state.values.size < dense.engine_.learner_state.values.size / 3


def test_uoro_is_an_unbiased_estimate_of_the_influence_matrix():
    """The mean of s~ theta~^T over independent sign sequences tends to RTRL's J_t.

    With N = 4000 draws, every entry of the mean must lie within 5 standard errors of J_t;
    for the 3 x 18 entries that fails by chance with probability ~3e-5 (and the seeds are
    fixed). The same statistic must reject J_t = 0, so the test has power.
    """
    stream = random_stream(6, 2, seed=7)
    X = pd.DataFrame([x for x, _ in stream])
    y = pd.Series([y for _, y in stream])
    # plain targets: the running target statistics, which reset_state keeps, must not make
    # the inputs of one draw differ from the next
    settings = dict(hidden_size=3, optimizer="sgd", clip_gradient=None, seed=0, **PLAIN)
    rtrl = frozen(RTRLRegressor(learner="rtrl", **settings))
    rtrl.learn_many(X, y)
    exact = rtrl.engine_.learner_state.matrix.copy()
    uoro = frozen(RTRLRegressor(learner="uoro", **settings))
    uoro.learn_many(X, y)
    draws = []
    for seed in range(4000):
        uoro.reset_state()
        uoro.engine_.learner_state.rng = np.random.default_rng(seed)
        uoro.learn_many(X, y)
        state = uoro.engine_.learner_state
        draws.append(np.outer(state.state_tangent, state.parameter_tangent))
    draws = np.array(draws)
    mean = draws.mean(axis=0)
    standard_error = draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    assert np.all(np.abs(mean - exact) <= 5 * standard_error + 1e-12)
    assert np.max(np.abs(mean) / (standard_error + 1e-12)) > 5


@pytest.mark.parametrize("learner", ["snap-1", "snap-2", "tbptt", "uoro"])
@pytest.mark.parametrize("estimator", [RTRLRegressor, RTRLClassifier])
def test_learn_many_is_a_learn_one_loop_for_every_learner(learner, estimator):
    rng = np.random.default_rng(0)
    stream = random_stream(40, 3)
    if estimator is RTRLClassifier:
        stream = [(x, bool(y > 0)) for x, y in stream]
    one = estimator(hidden_size=4, learner=learner, target_feedback=True, seed=rng.integers(99))
    many = one.clone()
    for x, y in stream:
        one.learn_one(x, y)
    many.learn_many(pd.DataFrame([x for x, _ in stream]), pd.Series([y for _, y in stream]))
    np.testing.assert_array_equal(one.engine_.network.theta, many.engine_.network.theta)


@pytest.mark.parametrize("learner", ["snap-1", "snap-2", "tbptt", "uoro"])
def test_new_features_grow_every_learners_traces(learner):
    stream = random_stream(30, 3, seed=8)
    late = [({"f0": x["f0"]} if t < 10 else x, y) for t, (x, y) in enumerate(stream)]
    model = RTRLRegressor(hidden_size=4, learner=learner, seed=0)
    for x, y in late:
        model.learn_one(x, y)
    # three features, then the two fed-back columns (previous target and previous change)
    network = model.engine_.network
    assert network.n_inputs == 3 + 2 and np.isfinite(network.theta).all()


@pytest.mark.parametrize("learner, message", [(SnAp(level=0), "level"),
                                              (TBPTT(truncation=0), "truncation")])
def test_bad_learner_hyperparameters_are_named(learner, message):
    model = RTRLRegressor(learner=learner)
    with pytest.raises(ValueError, match=message):
        model.learn_one({"a": 1.0}, 1.0)
    assert not model.__sklearn_is_fitted__()
