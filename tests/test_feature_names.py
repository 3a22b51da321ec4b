"""Features by name: names must be distinct and not NaN, a dict's key order and a frame's column
order do not change the model."""

import pickle

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor

from .conftest import assert_unchanged


def test_duplicate_column_names_are_rejected():
    model = RTRLRegressor(hidden_size=3, target_feedback=True, seed=0)
    model.learn_one({"z": 1.0}, 0.0)
    snapshot = pickle.dumps(model)
    frame = pd.DataFrame(np.ones((3, 2)), columns=["a", "a"])
    with pytest.raises(ValueError, match="\\['a'\\] appear more than once"):
        model.learn_many(frame, pd.Series([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="more than once"):
        model.predict_many(frame)
    assert_unchanged(model, snapshot)
    model.learn_one({"b": 1.0}, 0.0)
    assert model.engine_.feature_index == {"z": 0, "b": 1}


def test_duplicate_column_names_are_rejected_by_sklearn_methods():
    model = RTRLRegressor(hidden_size=3, seed=0)
    frame = pd.DataFrame(np.ones((3, 2)), columns=["a", "a"])
    with pytest.raises(ValueError):  # scikit-learn's own check ("Expected unique column names")
        model.partial_fit(frame, [0.0, 1.0, 2.0])
    assert not model.__sklearn_is_fitted__() and not hasattr(model, "n_features_in_")


def test_nan_feature_names_are_rejected():
    model = RTRLRegressor(hidden_size=3, seed=0)
    model.learn_one({"a": 1.0}, 0.0)
    snapshot = pickle.dumps(model)
    for _ in range(3):
        with pytest.raises(ValueError, match="NaN"):
            model.learn_one({float("nan"): 1.0}, 0.0)
    with pytest.raises(ValueError, match="NaN"):
        model.learn_many(pd.DataFrame({float("nan"): [1.0]}), pd.Series([0.0]))
    assert_unchanged(model, snapshot)
    assert model.n_features_in_ == 1


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
def test_shuffled_keys_give_the_same_model(Estimator):
    rng = np.random.default_rng(0)
    names = [f"f{j}" for j in range(6)]
    models = []
    for order_seed in range(3):
        order = np.random.default_rng(order_seed).permutation(names)
        model = Estimator(hidden_size=3, seed=0)
        for step in range(5):
            x = {name: float(value) for name, value in zip(names, rng.normal(size=6))}
            model.learn_one({name: x[name] for name in order}, step % 2)
        rng = np.random.default_rng(0)
        models.append(model)
    first = pickle.dumps(models[0])
    assert all(pickle.dumps(model) == first for model in models[1:])


def test_sklearn_frames_keep_their_column_order():
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(8, 3)), columns=["c", "a", "b"])
    model = RTRLRegressor(hidden_size=3, seed=0, max_iter=1).fit(frame, np.arange(8.0))
    assert list(model.feature_names_in_) == ["c", "a", "b"]
    assert np.isfinite(model.predict(frame)).all()
