"""Saving and loading: a model pickled or dumped with joblib at any point of its stream loads
as a model that continues the stream with the same bits as the original."""

import pickle
import threading

import joblib
import numpy as np
import pandas as pd
import pytest
from river import datasets

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor

from .conftest import random_stream

LOCK = type(threading.RLock())
PARAMS = dict(hidden_size=5, target_feedback=True, seed=0)


def pickled(model, tmp_path):
    return pickle.loads(pickle.dumps(model))


def dumped_with_joblib(model, tmp_path):
    joblib.dump(model, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


def contents(value, path="model"):
    """Every number a model holds, by where it is held: arrays by their bytes, random
    generators by their state. Taken from a copy as it pickles, without per-process caches
    (and without locks, which a model loaded makes afresh)."""
    if isinstance(value, LOCK):
        return {}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return {path: (value.shape, value.tolist())}
        return {path: (value.dtype.str, value.shape, value.tobytes())}
    if isinstance(value, np.random.Generator):
        return {path: value.bit_generator.state}
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        items = vars(value).items()
    else:
        return {path: value}
    found = {}
    for key, item in items:
        found.update(contents(item, f"{path}.{key}"))
    return found


def assert_same_arrays(model, other):
    for name, weights in model.params_.items():
        np.testing.assert_array_equal(weights, other.params_[name])
    np.testing.assert_array_equal(model.hidden_, other.hidden_)
    # and everything else: traces, optimizer moments, the head's statistics, the generator
    assert contents(pickle.loads(pickle.dumps(model))) == contents(
        pickle.loads(pickle.dumps(other)))


@pytest.mark.parametrize("save_and_load", [pickled, dumped_with_joblib])
@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
def test_a_model_saved_mid_stream_continues_it_bit_for_bit(Estimator, save_and_load, tmp_path):
    stream = random_stream(60, 3, seed=4)
    if Estimator is RTRLClassifier:
        stream = [(x, y > 0) for x, y in stream]
    model = Estimator(hidden_size=6, seed=0)
    for x, y in stream[:25]:
        model.learn_one(x, y)
    loaded = save_and_load(model, tmp_path)
    assert_same_arrays(model, loaded)
    predict = "predict_one" if Estimator is RTRLRegressor else "predict_proba_one"
    for x, y in stream[25:]:
        assert getattr(loaded, predict)(x) == getattr(model, predict)(x)
        model.learn_one(x, y)
        loaded.learn_one(x, y)
    assert loaded.t_ == model.t_ == 60
    assert_same_arrays(model, loaded)


@pytest.mark.parametrize("save_and_load", [pickled, dumped_with_joblib])
@pytest.mark.parametrize(("seasonality", "saved_at"), [(12, 50), ("auto", 30)])
def test_a_forecaster_saved_mid_stream_forecasts_and_continues_bit_for_bit(
        save_and_load, seasonality, saved_at, tmp_path):
    # "auto" saved at 30 values: before its season is detected, the candidate seasons' members
    # running, and detected after the load
    series = [y for _, y in datasets.AirlinePassengers()]
    model = RTRLForecaster(hidden_size=6, seasonality=seasonality, seed=0)
    for y in series[:saved_at]:
        model.learn_one(y)
    assert model.period_ == (12 if seasonality == 12 else 0)
    loaded = save_and_load(model, tmp_path)
    assert loaded.forecast(12) == model.forecast(12)
    for y in series[saved_at:]:
        model.learn_one(y)
        loaded.learn_one(y)
    assert loaded.forecast(12) == model.forecast(12)
    assert loaded.period_ == model.period_ == 12 and loaded.weights_ == model.weights_
    assert_same_arrays(model.regressor_, loaded.regressor_)


def test_an_rtrl_pickle_holds_one_influence_matrix_and_resumes_bit_for_bit():
    stream = random_stream(30, 3)
    model = RTRLRegressor(hidden_size=24, target_feedback=True, seed=0)
    for x, y in stream[:15]:
        model.learn_one(x, y)
    influence_bytes = model.engine_.learner_state.matrix.nbytes
    data = pickle.dumps(model)
    assert len(data) < 1.5 * influence_bytes  # one n x P matrix, not the 2 x n x P pair
    resumed = pickle.loads(data)
    np.testing.assert_array_equal(resumed.engine_.learner_state.matrix,
                                  model.engine_.learner_state.matrix)
    for x, y in stream[15:]:
        assert resumed.predict_one(x) == model.predict_one(x)
        model.learn_one(x, y)
        resumed.learn_one(x, y)
    np.testing.assert_array_equal(resumed.engine_.network.theta, model.engine_.network.theta)
    np.testing.assert_array_equal(resumed.engine_.learner_state.matrix,
                                  model.engine_.learner_state.matrix)
    # an unpickled array's dtype is a copy, not numpy's singleton, which pickles differently;
    # so compare both models as they pickle after one round trip each
    assert pickle.dumps(pickle.loads(pickle.dumps(resumed))) == pickle.dumps(
        pickle.loads(pickle.dumps(model))
    )


@pytest.mark.parametrize("estimator", ["regressor", "classifier"])
def test_a_model_on_a_read_only_memory_map_predicts_and_refuses_to_learn(estimator, tmp_path):
    """joblib.load(..., mmap_mode="r") gives read-only arrays: predictions as from the model
    itself (through predict_many's kernel, which writes nothing of the model's), and a clear
    error, with nothing changed, for whatever would write them."""
    import copy

    import joblib

    rng = np.random.default_rng(0)
    rows = [({"a": float(rng.normal()), "b": float(rng.normal())}, float(rng.normal()))
            for _ in range(60)]
    if estimator == "regressor":
        model = RTRLRegressor(hidden_size=4, seed=0)
    else:
        model = RTRLClassifier(hidden_size=4, seed=0)
        rows = [(x, y > 0) for x, y in rows]
    for x, y in rows[:50]:
        model.learn_one(x, y)
    model.predict_one(rows[50][0])  # a forward step kept for the next learn_one, saved with it
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib", mmap_mode="r")
    assert not loaded.engine_.network.theta.flags.writeable
    before = loaded.engine_.network.theta.copy()
    for x, y in rows[50:]:
        if estimator == "regressor":
            assert loaded.predict_one(x) == model.predict_one(x)
        else:
            assert loaded.predict_proba_one(x) == model.predict_proba_one(x)
    x, y = rows[50]
    for attempt in (lambda: loaded.learn_one(x, y), loaded.reset_state,
                    lambda: loaded.learn_many(pd.DataFrame([x]), pd.Series([y]))):
        with pytest.raises(ValueError, match="read-only"):
            attempt()
    np.testing.assert_array_equal(loaded.engine_.network.theta, before)
    writable = copy.deepcopy(loaded)  # the way out the message names
    writable.learn_one(x, y)
    model.learn_one(x, y)
    np.testing.assert_array_equal(writable.engine_.network.theta, model.engine_.network.theta)


@pytest.mark.parametrize("cell", ["elman", "elstm", "lru"])
@pytest.mark.parametrize("learner", ["rtrl", "tbptt"])
def test_pickling_mid_stream_changes_nothing(cell, learner):
    """Saved after a predict_one (its forward step kept for learn_one), a model resumes bit for
    bit: each prediction, the weights and the learner's traces."""
    stream = random_stream(60, 3)
    model = RTRLRegressor(**PARAMS, cell=cell, learner=learner)
    for x, y in stream[:30]:
        model.predict_one(x)
        model.learn_one(x, y)
    restored = pickle.loads(pickle.dumps(model))
    for x, y in stream[30:]:
        assert restored.predict_one(x) == model.predict_one(x)
        model.learn_one(x, y)
        restored.learn_one(x, y)
    for name, value in model.params_.items():
        np.testing.assert_array_equal(value, restored.params_[name])
    for a, b in zip(model.engine_.learner_state.traces(1),
                    restored.engine_.learner_state.traces(1)):
        np.testing.assert_array_equal(a, b)
