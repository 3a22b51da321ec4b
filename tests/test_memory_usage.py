"""River's memory count of a model covers its own arrays, not what its per-call cache holds."""

import copy
import pickle

import pytest
from river import preprocessing

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.engine.calls import ONE_STEP_CALLS as _ONE_STEP_CALLS


def learned(make):
    model = preprocessing.StandardScaler() | make()
    for t in range(5):
        x = {"a": float(t), "b": float(t % 2)}
        model.predict_one(x)
        y = float(t % 3) if isinstance(model[-1], RTRLRegressor) else t % 2 == 0
        model.learn_one(x, y)
    return model


MODELS = [lambda: RTRLRegressor(seed=0), lambda: RTRLClassifier(seed=0),
          lambda: RTRLRegressor(cell="elstm", seed=0), lambda: RTRLRegressor(cell="lru", seed=0),
          lambda: RTRLRegressor(learner="snap-1", seed=0)]


@pytest.mark.parametrize("make", MODELS)
def test_the_per_call_cache_adds_nothing_to_rivers_count(make):
    # The cache holds views of the model's arrays (which River's walk would count again) and
    # the compiled kernels (megabytes of shared code); it lives outside the model.
    model = learned(make)
    estimator = model[-1]
    estimator.engine_.forget_calls()
    without = model._raw_memory_usage
    model.predict_one({"a": 1.0, "b": 0.0})  # pure: only builds the cache
    assert id(estimator.engine_) in _ONE_STEP_CALLS
    assert model._raw_memory_usage == without


def test_the_cache_goes_with_the_model_and_never_travels():
    model = learned(MODELS[0])[-1]
    key = id(model.engine_)
    assert key in _ONE_STEP_CALLS
    clone = copy.deepcopy(model)
    restored = pickle.loads(pickle.dumps(model))
    assert id(clone.engine_) not in _ONE_STEP_CALLS
    assert id(restored.engine_) not in _ONE_STEP_CALLS
    x = {"a": 1.0}
    assert clone.predict_one(x) == restored.predict_one(x) == model.predict_one(x)
    del model
    import gc

    gc.collect()
    assert key not in _ONE_STEP_CALLS
