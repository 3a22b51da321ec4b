"""River's memory count of a model covers its own arrays, not the compiled kernels it calls."""

import pytest
from river import preprocessing

from rtrl_river import RTRLClassifier, RTRLRegressor


@pytest.mark.parametrize("make", [lambda: RTRLRegressor(seed=0), lambda: RTRLClassifier(seed=0),
                                  lambda: RTRLRegressor(cell="elstm", seed=0)])
def test_cached_kernel_arguments_add_only_their_buffers(make):
    model = preprocessing.StandardScaler() | make()
    for t in range(5):
        x = {"a": float(t), "b": float(t % 2)}
        model.predict_one(x)
        model.learn_one(x, float(t % 3) if isinstance(model[-1], RTRLRegressor) else t % 2 == 0)
    estimator = model[-1]
    assert "_calls" in vars(estimator)
    with_cache = model._raw_memory_usage
    calls = vars(estimator).pop("_calls")
    without = model._raw_memory_usage
    estimator._calls = calls
    # the cache holds tuples of the model's own arrays (counted once either way), one input row,
    # a target and an output: a few KiB. The compiled kernels it calls are megabytes.
    assert 0 <= with_cache - without < 8 * 1024
