"""Input values: bad input gets a clear error naming the problem, and the model is left exactly as
it was; one rule for features and targets; real numbers of every kind are accepted."""

import copy
import math
import pickle
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLRegressor

from .conftest import assert_unchanged, random_stream


def state_arrays(model):
    """Every array the model holds, by name, copied."""
    arrays = {"theta": model.engine_.network.theta, "hidden": model.engine_.network.hidden}
    arrays.update({f"learner.{k}": v for k, v in vars(model.engine_.learner_state).items()})
    opt = model.engine_.optimizer_state
    arrays.update(first=opt.first_moment, second=opt.second_moment, step=opt.step)
    arrays.update({f"pending.{k}": v for k, v in model.engine_.pending._asdict().items()})
    return {k: np.array(v, copy=True) for k, v in arrays.items()}


@pytest.fixture
def trained():
    model = RTRLRegressor(hidden_size=4, target_feedback=True, seed=0)
    for x, y in random_stream(25, 3):
        model.learn_one(x, y)
    model.predict_one({"f0": 0.1, "f1": 0.2, "f2": 0.3})  # a pending forward step, too
    return model


BAD_LEARN_ONE = [
    ({"f0": 1.0, "f1": "high", "f2": 0.0}, 1.0, TypeError, "'f1'"),
    ({"f0": 1.0, "f1": None}, 1.0, TypeError, "'f1'"),
    ({"f0": 1.0, "f9": [1.0]}, 1.0, TypeError, "'f9'"),
    ({"f0": math.nan, "f1": 0.0}, 1.0, ValueError, "'f0'"),
    ({"f0": 1.0, "new": math.inf}, 1.0, ValueError, "'new'"),
    ({"f0": 1.0}, None, ValueError, "y is None"),
    ({"f0": 1.0}, math.nan, ValueError, "finite"),
    ({"f0": 1.0}, "up", TypeError, "not a number"),
]


@pytest.mark.parametrize("x, y, error, message", BAD_LEARN_ONE)
def test_rejected_learn_one_changes_nothing(trained, x, y, error, message):
    before, snapshot, t = state_arrays(trained), pickle.dumps(trained), trained.t_
    features = dict(trained.engine_.feature_index)
    with pytest.raises(error, match=message):
        trained.learn_one(x, y)
    after = state_arrays(trained)
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)
    assert trained.t_ == t and trained.engine_.feature_index == features
    assert pickle.dumps(trained) == snapshot


@pytest.mark.parametrize("x, y, error, message", BAD_LEARN_ONE[:5])
def test_rejected_first_learn_one_leaves_the_model_unfitted(x, y, error, message):
    model = RTRLRegressor(seed=0)
    fresh = pickle.dumps(model)
    with pytest.raises(error, match=message):
        model.learn_one(x, y)
    assert pickle.dumps(model) == fresh
    assert not model.__sklearn_is_fitted__()


@pytest.mark.parametrize("x, error", [({"f0": "a"}, TypeError), ({"f0": math.nan}, ValueError)])
def test_predict_one_rejects_bad_values(trained, x, error):
    with pytest.raises(error, match="'f0'"):
        trained.predict_one(x)


def test_rejected_learn_many_changes_nothing(trained):
    before = state_arrays(trained)
    X = pd.DataFrame({"f0": [1.0, np.nan], "f1": [0.0, 1.0]})
    with pytest.raises(ValueError, match="'f0'"):
        trained.learn_many(X, pd.Series([1.0, 2.0]))
    with pytest.raises(TypeError, match="'f1'"):
        trained.learn_many(pd.DataFrame({"f1": ["a", "b"]}), pd.Series([1.0, 2.0]))
    with pytest.raises(ValueError, match="finite"):
        trained.learn_many(pd.DataFrame({"f1": [1.0, 2.0]}), pd.Series([1.0, np.inf]))
    for name, value in state_arrays(trained).items():
        np.testing.assert_array_equal(before[name], value, err_msg=name)


def test_sklearn_path_rejects_a_changed_feature_count():
    rng = np.random.default_rng(0)
    model = RTRLRegressor(hidden_size=3, seed=0).partial_fit(rng.normal(size=(10, 4)),
                                                             rng.normal(size=10))
    before = copy.deepcopy(model.engine_.network.theta)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(rng.normal(size=(10, 3)), rng.normal(size=10))
    with pytest.raises(ValueError, match="features"):
        model.predict(rng.normal(size=(5, 5)))
    np.testing.assert_array_equal(model.engine_.network.theta, before)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"learner": "lstm"}, "learner"),
        ({"optimizer": "adadelta"}, "optimizer"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"clip_gradient": -1.0}, "clip_gradient"),
    ],
)
def test_invalid_parameters_are_named_on_first_learn(params, message):
    model = RTRLRegressor(**params)  # constructing never validates
    with pytest.raises(ValueError, match=message):
        model.learn_one({"a": 1.0}, 1.0)
    assert not model.__sklearn_is_fitted__()


@pytest.mark.parametrize(
    "value, error, message",
    [
        pytest.param(10**400, ValueError, "float64 cannot hold", id="10**400"),
        pytest.param(-(10**400), ValueError, "float64 cannot hold", id="-10**400"),
        pytest.param(Fraction(10**400, 7), ValueError, "float64 cannot hold", id="Fraction"),
        pytest.param(Decimal("sNaN"), ValueError, "float64 cannot hold", id="sNaN"),
        pytest.param(Decimal("1e400"), ValueError, "finite", id="Decimal-1e400"),
        pytest.param(np.complex128(1 + 0j), TypeError, "not a number", id="complex128"),
        pytest.param(np.complex64(2), TypeError, "not a number", id="complex64"),
        pytest.param(1 + 0j, TypeError, "not a number", id="complex"),
        pytest.param("1.0", TypeError, "not a number", id="str"),
    ],
)
def test_one_rule_for_values_and_targets(value, error, message):
    model = RTRLRegressor(hidden_size=3, target_feedback=True, seed=0)
    model.learn_one({"a": 1.0, "b": 2.0}, 1.0)
    snapshot = pickle.dumps(model)
    with pytest.raises(error, match=f"feature 'b'.*{message}"):
        model.learn_one({"a": 1.0, "b": value}, 1.0)
    with pytest.raises(error, match=f"feature 'b'.*{message}"):
        model.predict_one({"a": 1.0, "b": value})
    with pytest.raises(error, match=f"^y .*{message}"):
        model.learn_one({"a": 1.0}, value)
    with pytest.raises(error, match=f"^y .*{message}"):
        model.learn_many(pd.DataFrame({"a": [1.0]}), pd.Series([value], dtype=object))
    assert_unchanged(model, snapshot)


def test_real_numbers_of_every_kind_are_accepted():
    model = RTRLRegressor(hidden_size=3, seed=0)
    x = {"a": True, "b": np.bool_(False), "c": np.float32(0.5), "d": np.int8(3),
         "e": Fraction(1, 3), "f": Decimal("0.25"), "g": 7}
    model.learn_one(x, np.float32(1.0))
    model.learn_one(x, Fraction(1, 2))
    assert model.t_ == 2 and np.isfinite(model.predict_one(x))


def test_complex_frame_columns_are_rejected():
    model = RTRLRegressor(hidden_size=3, seed=0)
    with pytest.raises(TypeError, match="'a'"):
        model.learn_many(pd.DataFrame({"a": np.array([1 + 0j, 2])}), pd.Series([0.0, 1.0]))
    assert not model.__sklearn_is_fitted__()
