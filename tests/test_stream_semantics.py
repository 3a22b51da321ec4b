"""Stream semantics: one stream, whichever way it is fed; pure predictions; reset; features that
come, go, and keep coming."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from rtrl_river import RTRLRegressor
from rtrl_river.engine import MANY_FEATURES, ManyFeaturesWarning

from .conftest import random_stream

PARAMS = dict(hidden_size=5, target_feedback=True, seed=0)


def frame(stream):
    return pd.DataFrame([x for x, _ in stream]), pd.Series([y for _, y in stream])


@pytest.mark.parametrize("cell", ["elman", "elstm", "lru"])
def test_learn_one_learn_many_and_partial_fit_end_identical(cell):
    stream = random_stream(80, 3)
    params = dict(PARAMS, cell=cell)
    one, many, sk = RTRLRegressor(**params), RTRLRegressor(**params), RTRLRegressor(**params)
    for x, y in stream:
        one.learn_one(x, y)
    for chunk in (stream[:30], stream[30:31], stream[31:]):
        many.learn_many(*frame(chunk))
    X, y = frame(stream)
    sk.partial_fit(X.iloc[:50], y.iloc[:50]).partial_fit(X.iloc[50:], y.iloc[50:])
    # The same kernel runs the same operations in the same order: bit-for-bit equal.
    for other in (many, sk):
        for name, value in one.params_.items():
            np.testing.assert_array_equal(value, other.params_[name])
        np.testing.assert_array_equal(one.hidden_, other.hidden_)
        assert other.t_ == one.t_ == 80


def test_predict_one_is_pure_and_its_forward_step_is_reused():
    stream = random_stream(40, 3)
    with_predict, without = RTRLRegressor(**PARAMS), RTRLRegressor(**PARAMS)
    with_predict.learn_one(*stream[0])
    without.learn_one(*stream[0])
    for x, y in stream[1:]:
        theta, hidden = with_predict.engine_.network.theta.copy(), with_predict.hidden_
        influence = np.array(with_predict.engine_.learner_state.matrices)
        with_predict.predict_one(x)
        np.testing.assert_array_equal(with_predict.engine_.network.theta, theta)
        np.testing.assert_array_equal(with_predict.hidden_, hidden)
        matrices = with_predict.engine_.learner_state.matrices
        np.testing.assert_array_equal(np.array(matrices), influence)
        assert with_predict.engine_.pending.valid[0] == 1
        with_predict.learn_one(x, y)
        assert with_predict.engine_.pending.valid[0] == 0  # consumed by learn_one
        without.learn_one(x, y)
    np.testing.assert_array_equal(with_predict.engine_.network.theta, without.engine_.network.theta)


def test_pending_forward_step_is_not_reused_for_another_x():
    stream = random_stream(20, 2)
    a, b = RTRLRegressor(**PARAMS), RTRLRegressor(**PARAMS)
    for x, y in stream:
        a.predict_one({k: v + 1.0 for k, v in x.items()})
        a.learn_one(x, y)
        b.learn_one(x, y)
    np.testing.assert_array_equal(a.params_["W_xh"], b.params_["W_xh"])


def test_state_carries_across_calls_and_reset_forgets_it():
    stream = random_stream(30, 2)
    model = RTRLRegressor(**PARAMS)
    for x, y in stream:
        model.learn_one(x, y)
    x = stream[0][0]
    assert np.abs(model.hidden_).sum() > 0
    weights = model.params_["W_hh"].copy()
    remembered = model.predict_one(x)
    model.reset_state()
    assert not model.hidden_.any()
    assert not any(matrix.any() for matrix in model.engine_.learner_state.matrices)
    np.testing.assert_array_equal(model.params_["W_hh"], weights)
    assert model.predict_one(x) != remembered


def test_sklearn_predict_continues_the_stream_and_restores_it():
    stream = random_stream(50, 3)
    X, y = frame(stream)
    model = RTRLRegressor(hidden_size=5, seed=0).partial_fit(X.iloc[:40], y.iloc[:40])
    hidden = model.hidden_
    chained = model.predict(X.iloc[40:])
    np.testing.assert_array_equal(model.hidden_, hidden)
    # row 0 of the continuation equals predict_one from the current state
    assert chained[0] == pytest.approx(model.predict_one(stream[40][0]), rel=1e-12)
    # later rows differ from row-independent predictions because the state is chained
    independent = model.predict_many(X.iloc[40:]).to_numpy()
    assert chained[0] == pytest.approx(independent[0], rel=1e-12)
    assert not np.allclose(chained[1:], independent[1:])


def test_fit_runs_max_iter_passes_from_fresh_weights():
    stream = random_stream(50, 3)
    X, y = frame(stream)
    model = RTRLRegressor(hidden_size=4, max_iter=3, seed=0).fit(X, y)
    assert model.t_ == 150 and model.n_iter_ == 3
    again = RTRLRegressor(hidden_size=4, max_iter=3, seed=0).fit(X, y)
    np.testing.assert_array_equal(model.params_["W_hh"], again.params_["W_hh"])
    model.fit(X, y)  # refitting starts afresh
    np.testing.assert_array_equal(model.params_["W_hh"], again.params_["W_hh"])


@pytest.mark.parametrize("cell", ["elman", "elstm", "lru"])
def test_features_disappearing_read_as_zero(cell):
    stream = random_stream(20, 3)
    dropped, zeroed = RTRLRegressor(**PARAMS, cell=cell), RTRLRegressor(**PARAMS, cell=cell)
    for t, (x, y) in enumerate(stream):
        if t > 10:
            dropped.learn_one({k: v for k, v in x.items() if k != "f1"}, y)
            zeroed.learn_one({**x, "f1": 0.0}, y)
        else:
            dropped.learn_one(x, y)
            zeroed.learn_one(x, y)
    np.testing.assert_array_equal(dropped.engine_.network.theta, zeroed.engine_.network.theta)
    partial = {k: v for k, v in stream[0][0].items() if k != "f2"}
    assert dropped.predict_one(partial) == dropped.predict_one({**partial, "f2": 0.0})


def test_grid_search_over_a_pipeline_with_time_series_split():
    stream = random_stream(240, 3)
    X, y = frame(stream)
    pipeline = Pipeline([("scale", StandardScaler()), ("rnn", RTRLRegressor(seed=0, max_iter=2))])
    search = GridSearchCV(
        pipeline,
        {"rnn__hidden_size": [2, 6], "rnn__lr": [0.001, 0.02],
         "rnn__predict_change": [True, False]},
        cv=TimeSeriesSplit(n_splits=3),
    ).fit(X, y)
    assert set(search.best_params_) == {"rnn__hidden_size", "rnn__lr", "rnn__predict_change"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    # the target depends on the last three inputs: the tuned model must explain most of it
    assert search.best_score_ > 0.5
    assert search.predict(X.iloc[:5]).shape == (5,)


@pytest.mark.parametrize("learner", ["rtrl", "snap-1", "tbptt", "uoro"])
def test_learn_one_follows_growth_and_unpickling_as_learn_many_does(learner):
    """learn_one keeps its kernel arguments between calls: after a feature appears, after
    unpickling and after fit they must be the model's current arrays, so the stream ends
    bit for bit where learn_many's does."""
    stream = random_stream(60, 3)
    grown = [({**x, "late": 0.5 * y}, y) if t >= 20 else (x, y) for t, (x, y) in enumerate(stream)]
    one = RTRLRegressor(**PARAMS, learner=learner)
    many = RTRLRegressor(**PARAMS, learner=learner)
    for x, y in grown[:40]:
        one.predict_one(x)
        one.learn_one(x, y)
    state = pickle.dumps(one)
    assert b"_calls" not in state
    one = pickle.loads(state)
    for x, y in grown[40:]:
        one.learn_one(x, y)
    for chunk in (grown[:20], grown[20:40], grown[40:]):
        many.learn_many(pd.DataFrame([x for x, _ in chunk]), pd.Series([y for _, y in chunk]))
    for name, value in one.params_.items():
        np.testing.assert_array_equal(value, many.params_[name])
    np.testing.assert_array_equal(one.hidden_, many.hidden_)
    assert one.predict_one(grown[-1][0]) == many.predict_one(grown[-1][0])
    one.fit(*frame(stream[:10]))
    many.fit(*frame(stream[:10]))
    x, y = stream[10]
    one.learn_one(x, y)
    many.learn_many(*frame([(x, y)]))
    for name, value in one.params_.items():
        np.testing.assert_array_equal(value, many.params_[name])


def test_a_model_warns_once_when_its_width_passes_the_threshold():
    model = RTRLRegressor(hidden_size=1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.learn_one({f"x{j}": 1.0 for j in range(MANY_FEATURES - 1)}, 0.0)
    with pytest.warns(ManyFeaturesWarning, match="FeatureHasher") as caught:
        model.learn_one({"a": 1.0, "b": 1.0}, 0.0)
        model.learn_one({"c": 1.0}, 0.0)
        model.learn_many(pd.DataFrame({"d": [1.0], "e": [2.0]}), pd.Series([0.0]))
    assert len(caught) == 1
    assert model.n_features_in_ == MANY_FEATURES + 4  # warned, never truncated
