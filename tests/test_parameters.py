"""Parameters changed between calls: the mutable ones are checked and honoured at once, the
others (which fix the model's arrays) stop the stream with an error naming them; and a model
saved by the previous release fails to load with a message saying so."""

import ast
import pathlib
import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from river import optim

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor
from rtrl_river._validation import InvalidParameterError
from rtrl_river.cells import LRU

from .conftest import random_stream

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "rtrl_river"

DATA = Path(__file__).parent / "data"
STREAM = random_stream(12, 2, seed=3)


def learned(steps=6, **params):
    model = RTRLRegressor(hidden_size=3, seed=0, **params)
    for x, y in STREAM[:steps]:
        model.learn_one(x, y)
    return model


@pytest.mark.parametrize("estimator", [RTRLRegressor, RTRLClassifier])
def test_the_mutable_parameters_are_rivers_and_exist(estimator):
    model = estimator()
    assert model._mutable_attributes == {"lr", "clip_gradient", "recurrent_lr_scale",
                                         "target_feedback", "max_iter"}
    assert all(hasattr(model, name) for name in model._mutable_attributes)


def test_a_new_learning_rate_takes_the_next_step():
    # SGD's step is lr times the gradient, taken at the same weights in both models: doubling
    # lr doubles the step (exactly: 0.02 is 2 * 0.01 in binary too), up to the rounding of
    # the weights' difference
    same, doubled = learned(optimizer="sgd", lr=0.01), learned(optimizer="sgd", lr=0.01)
    doubled.set_params(lr=0.02)
    before = same.params_["W_hy"].copy()
    np.testing.assert_array_equal(before, doubled.params_["W_hy"])
    x, y = STREAM[6]
    same.learn_one(x, y)
    doubled.learn_one(x, y)
    np.testing.assert_allclose(doubled.params_["W_hy"] - before,
                               2 * (same.params_["W_hy"] - before), rtol=1e-9, atol=1e-15)


def test_river_mutate_reaches_the_model_too():
    model = learned(optimizer="sgd", lr=0.01)
    model.mutate({"lr": 0.5, "recurrent_lr_scale": 0.0})
    assert model.engine_.optimizer_state.schedule.learning_rate == 0.5
    w_hh = model.params_["W_hh"].copy()
    model.learn_one(*STREAM[6])
    np.testing.assert_array_equal(model.params_["W_hh"], w_hh)  # W_hh now steps at rate 0
    with pytest.raises(ValueError, match="hidden_size"):
        model.mutate({"hidden_size": 4})


@pytest.mark.parametrize("name, value", [("clip_gradient", float("nan")),
                                         ("clip_gradient", float("inf")), ("lr", -1.0),
                                         ("recurrent_lr_scale", float("nan")),
                                         ("target_feedback", "yes"),
                                         # values that could only carry the weights past
                                         # float64 (optimizers.LARGEST_RATE)
                                         ("lr", 1e308), ("recurrent_lr_scale", 1e308),
                                         ("clip_gradient", 1e300)])
def test_a_bad_mutable_value_is_rejected_with_nothing_changed(name, value):
    model = learned(optimizer="sgd", lr=0.01)
    snapshot = pickle.dumps(model)
    with pytest.raises(InvalidParameterError, match=name):
        model.set_params(**{name: value})
    assert pickle.dumps(model) == snapshot
    model.learn_one(*STREAM[6])  # and the stream goes on
    model.learn_one(STREAM[7][0], 1e300)  # a large target too: nothing non-finite follows
    assert np.isfinite(model.engine_.network.theta).all()


@pytest.mark.parametrize("params", [
    {"lr": 1e308, "optimizer": "sgd"}, {"optimizer": optim.SGD(1e308)},
    {"optimizer": optim.Adam(optim.schedulers.InverseScaling(1e308))},
    {"recurrent_lr_scale": 1e308}, {"cell": LRU(recurrent_rate=1e308)},
    {"clip_gradient": 1e300},
])
@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
def test_rates_that_could_only_overflow_the_weights_are_refused_at_the_start(Estimator, params):
    """`lr=1e308` with SGD was accepted, and the weights reached inf."""
    model = Estimator(hidden_size=3, seed=0, **params)
    with pytest.raises(InvalidParameterError, match="1000|1e\\+150"):
        model.learn_one({"a": 1.0}, 1)
    assert not model.__sklearn_is_fitted__()


@pytest.mark.parametrize("clip_gradient", [None, 1e150])
def test_at_the_largest_rates_the_weights_stay_finite(clip_gradient):
    """The bounds' reasoning (optimizers.LARGEST_RATE), tried: targets of 1e100 and 1e150
    and back, at the largest rate, recurrent scale and clip."""
    model = RTRLRegressor(hidden_size=4, optimizer="sgd", lr=1e3, recurrent_lr_scale=1e3,
                          clip_gradient=clip_gradient, target_scaling=False,
                          predict_change=False, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # dropped steps, as they should be
        for t, (x, _) in enumerate(random_stream(300, 2, seed=1)):
            model.learn_one(x, (-1) ** t * (1e150 if t % 7 == 0 else 1e100))
    assert np.isfinite(model.engine_.network.theta).all()
    assert np.isfinite(model.engine_.learner_state.matrix).all()


def test_a_parameter_that_fixes_the_arrays_stops_the_stream_until_set_back():
    model = learned()
    snapshot = pickle.loads(pickle.dumps(model))
    model.set_params(hidden_size=5)
    for call in (lambda: model.learn_one(*STREAM[6]), lambda: model.predict_one(STREAM[6][0])):
        with pytest.raises(ValueError, match="hidden_size was 3 .* and is now 5"):
            call()
    model.set_params(hidden_size=3)
    model.learn_one(*STREAM[6])
    snapshot.learn_one(*STREAM[6])
    np.testing.assert_array_equal(model.params_["W_hh"], snapshot.params_["W_hh"])


@pytest.mark.parametrize("name, value", [("optimizer", "sgd"), ("learner", "tbptt"),
                                         ("cell", "elstm"), ("seed", 1)])
def test_a_parameter_set_mid_stream_that_cannot_apply_is_named_at_the_next_call(name, value):
    """set_params(optimizer=...) after the first learn was silently ignored."""
    model = learned()
    model.set_params(**{name: value})
    with pytest.raises(ValueError, match=f"{name} was .* and is now {value!r}"):
        model.learn_one(*STREAM[6])


def test_fit_honours_every_parameter():
    X, y = np.random.default_rng(0).normal(size=(20, 2)), np.arange(20.0)
    model = RTRLRegressor(hidden_size=3, seed=0, max_iter=1).fit(X, y)
    model.set_params(hidden_size=5, learner="tbptt")
    model.fit(X, y)
    assert model.params_["W_hh"].shape == (5, 5)


def test_the_forecaster_passes_a_new_rate_on():
    model = RTRLForecaster(hidden_size=3, seed=0)
    for y in [1.0, 2.0, 1.5]:
        model.learn_one(y)
    model.regressor_.set_params(lr=0.01)
    assert model.regressor_.engine_.optimizer_state.schedule.learning_rate == 0.01


@pytest.mark.parametrize("name", ["regressor", "classifier"])
def test_a_model_saved_by_the_previous_release_fails_to_load_clearly(name):
    with pytest.raises(ValueError, match="saved by rtrl_river 0.1"):
        pickle.loads((DATA / f"{name}-0.1.0.pkl").read_bytes())


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@pytest.mark.parametrize("lr", [0, 0.0, -0.01, float("nan"), float("inf")])
def test_a_learning_rate_that_cannot_learn_is_rejected(Estimator, lr):
    model = Estimator(lr=lr)
    message = "'lr' parameter of .* must be a float in the range \\(0, 1000.0\\]"
    with pytest.raises(InvalidParameterError, match=message):
        model.learn_one({"a": 1.0}, 1)
    assert not model.__sklearn_is_fitted__()


def test_parameter_checks_do_not_use_private_sklearn_modules():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
                private = [part for part in node.module.split(".") if part.startswith("_")]
                assert not private, f"{path.name} imports the private {node.module}"


@pytest.mark.parametrize("estimator", ["regressor", "classifier"])
def test_target_feedback_turned_off_between_calls_reaches_every_path(estimator):
    """set_params(target_feedback=False) on a model that learned with it: learn_one and
    predict_one stop feeding the target back, as learn_many and predict_many do."""
    rng = np.random.default_rng(1)
    rows = [({"a": float(rng.normal()), "b": float(rng.normal())}, float(rng.normal()))
            for _ in range(40)]
    make = RTRLRegressor if estimator == "regressor" else RTRLClassifier
    if estimator == "classifier":
        rows = [(x, y > 0) for x, y in rows]
    one, many = make(hidden_size=4, seed=0), make(hidden_size=4, seed=0)
    for x, y in rows[:20]:
        one.learn_one(x, y)
        many.learn_one(x, y)
    one.set_params(target_feedback=False)
    many.set_params(target_feedback=False)
    for x, y in rows[20:]:
        if estimator == "regressor":
            assert one.predict_one(x) == many.predict_many(pd.DataFrame([x]))[0]
        else:
            expected = many.predict_proba_many(pd.DataFrame([x])).iloc[0].to_dict()
            assert one.predict_proba_one(x) == expected
        one.learn_one(x, y)
        many.learn_many(pd.DataFrame([x]), pd.Series([y]))
    np.testing.assert_array_equal(one.engine_.network.theta, many.engine_.network.theta)
