"""Saving and loading: a model pickled or dumped with joblib at any point of its stream loads
as a model that continues the stream with the same bits as the original."""

import pickle

import joblib
import numpy as np
import pytest
from river import datasets

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor

from .conftest import random_stream


def pickled(model, tmp_path):
    return pickle.loads(pickle.dumps(model))


def dumped_with_joblib(model, tmp_path):
    joblib.dump(model, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


def contents(value, path="model"):
    """Every number a model holds, by where it is held: arrays by their bytes, random
    generators by their state. Taken from a copy as it pickles, without per-process caches."""
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
def test_a_forecaster_saved_mid_stream_forecasts_and_continues_bit_for_bit(save_and_load,
                                                                          tmp_path):
    series = [y for _, y in datasets.AirlinePassengers()]
    model = RTRLForecaster(hidden_size=6, seasonality=12, seed=0)
    for y in series[:50]:
        model.learn_one(y)
    loaded = save_and_load(model, tmp_path)
    assert loaded.forecast(12) == model.forecast(12)
    for y in series[50:]:
        model.learn_one(y)
        loaded.learn_one(y)
    assert loaded.forecast(12) == model.forecast(12)
    assert_same_arrays(model.regressor_, loaded.regressor_)
