"""scikit-learn's estimator protocol: the estimators are `sklearn.base.BaseEstimator`s with
`RegressorMixin` / `ClassifierMixin`, and River's parameter names, text and cloning agree with
scikit-learn's."""

import pickle

import numpy as np
import pytest
import sklearn
from river import optim, preprocessing
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.components import FeatureStandardizer
from rtrl_river.learners import TBPTT, SnAp

from .conftest import assert_unchanged

ESTIMATORS = (RTRLRegressor, RTRLClassifier)


def configurations():
    for estimator in ESTIMATORS:
        yield estimator()
        for params in estimator._unit_test_params():
            yield estimator(**params)
        # long enough to wrap, with objects among the values
        yield estimator(cell="elstm", hidden_size=3, learner=TBPTT(truncation=4), lr=0.1,
                        optimizer=optim.Adam(optim.schedulers.InverseScaling(0.01)),
                        clip_gradient=None, target_feedback=False, max_iter=3, seed=7)
        yield estimator(hidden_size=12, learner=SnAp(level=2), lr=0.01, max_iter=2, seed=1,
                        optimizer=optim.RMSProp(0.01), recurrent_density=0.3)
        yield estimator(lr=float("nan"), seed=123456789, max_iter=987654321, hidden_size=4)


@pytest.mark.parametrize("model", list(configurations()), ids=repr)
def test_text_and_parameter_names_agree_between_river_and_scikit_learn(model):
    assert repr(model) == repr(clone(model))
    assert str(model) == type(model).__name__  # River's
    assert model.get_params().keys() == model._get_params().keys()  # River's names too


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_set_params_sets_returns_and_rejects_as_scikit_learn(estimator):
    model = estimator()
    assert model.set_params() is model
    assert model.set_params(hidden_size=3, seed=2) is model
    assert (model.hidden_size, model.seed) == (3, 2)
    names = estimator._get_param_names()
    message = (f"Invalid parameter 'bogus' for estimator {estimator.__name__}. "
               f"Valid parameters are: {names!r}.")
    with pytest.raises(ValueError) as error:
        model.set_params(bogus=1)
    assert str(error.value) == message


def test_nested_parameters_reach_a_parameter_that_has_them():
    class Holder(RTRLRegressor):
        def __init__(self, hidden_size=16, inner=None):
            super().__init__(hidden_size=hidden_size)
            self.inner = inner

    model = Holder(inner=StandardScaler())
    assert model.get_params()["inner__with_mean"] is True
    model.set_params(inner__with_mean=False)
    assert model.inner.with_mean is False


@pytest.mark.parametrize("estimator, mixin", [(RTRLRegressor, RegressorMixin),
                                              (RTRLClassifier, ClassifierMixin)])
def test_they_are_scikit_learn_estimators_with_finite_inputs_and_a_required_target(estimator,
                                                                                    mixin):
    model = estimator()
    assert isinstance(model, BaseEstimator) and isinstance(model, mixin)
    tags = get_tags(model)
    assert not tags.input_tags.allow_nan and tags.target_tags.required
    assert is_regressor(model) == (estimator is RTRLRegressor)
    assert is_classifier(model) == (estimator is RTRLClassifier)


def test_score_is_r2_and_accuracy():
    rng = np.random.default_rng(0)
    X, weights = rng.normal(size=(40, 3)), rng.uniform(size=40)
    y = X[:, 0] + 0.1 * rng.normal(size=40)
    labels = (y > 0).astype(int)
    regressor = RTRLRegressor(hidden_size=4, max_iter=2, seed=0).fit(X, y)
    classifier = RTRLClassifier(hidden_size=4, max_iter=2, seed=0).fit(X, labels)
    for weight in (None, weights):
        # predict restores the state, so a second predict gives the same rows
        assert regressor.score(X, y, weight) == r2_score(y, regressor.predict(X),
                                                         sample_weight=weight)
        assert classifier.score(X, labels, sample_weight=weight) == accuracy_score(
            labels, classifier.predict(X), sample_weight=weight)


@pytest.mark.parametrize("model", [m for m in configurations() if m.lr == m.lr], ids=repr)
def test_clones_keep_parameters_and_drop_the_state(model):
    model = clone(model)
    model.learn_one({"a": 1.0}, 1 if isinstance(model, RTRLClassifier) else 1.0)
    for copy in (clone(model), model.clone()):
        assert repr(copy) == repr(model)
        assert not copy._is_initialized()
        assert copy.get_params(deep=False).keys() == model.get_params(deep=False).keys()


def test_metadata_routing_requests_land_on_the_estimator_and_are_honoured():
    rng = np.random.default_rng(1)
    X, weights = rng.normal(size=(30, 3)), rng.uniform(size=30)
    labels = (X[:, 0] > 0).astype(int)
    assert set(RTRLRegressor().get_metadata_routing().score.requests) == {"sample_weight"}
    assert set(RTRLClassifier().get_metadata_routing().partial_fit.requests) == {"classes"}
    with sklearn.config_context(enable_metadata_routing=True):
        model = RTRLClassifier(hidden_size=3, max_iter=1, seed=0)
        assert model.set_score_request(sample_weight=True) is model
        assert model.set_partial_fit_request(classes=True) is model
        routing = clone(model).get_metadata_routing()
        assert routing.score.requests == {"sample_weight": True}
        assert routing.partial_fit.requests == {"classes": True}
        pipeline = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), model)
        scores = cross_validate(pipeline, X, labels, cv=3, params={"sample_weight": weights},
                                error_score="raise")["test_score"]
        assert np.isfinite(scores).all()
        with pytest.raises(TypeError, match="Unexpected args"):
            model.set_score_request(bogus=True)
    assert pickle.loads(pickle.dumps(model))._metadata_request.score.requests == {
        "sample_weight": True}


def test_the_html_display_is_scikit_learns_and_follows_its_setting():
    model = RTRLRegressor(hidden_size=3, seed=5)
    html = model._repr_html_()
    assert "RTRLRegressor" in html and "hidden_size" in html
    assert model._repr_mimebundle_()["text/plain"] == repr(model)
    with sklearn.config_context(display="text"):
        assert not hasattr(model, "_repr_html_")
        assert "text/html" not in model._repr_mimebundle_()
    assert "RTRLRegressor" in (preprocessing.StandardScaler() | model)._repr_html_()


def test_the_feature_standardizer_is_rivers_standard_scaler_to_the_bit():
    rng = np.random.default_rng(2)
    ours, rivers = FeatureStandardizer(), preprocessing.StandardScaler()
    for t in range(300):
        x = {name: float(rng.normal(3.0, 10.0)) for name in "abc" if rng.uniform() < 0.8}
        if t % 7 == 0:
            x["n"] = int(rng.integers(-5, 5))
        if t % 50 == 0:
            x["constant"] = 2.0
        probe = {**x, "never": 1.5}
        assert ours.transform_one(probe) == rivers.transform_one(probe)
        ours.learn_one(x)
        rivers.learn_one(x)
        assert ours.transform_one(x) == rivers.transform_one(x)


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
def test_a_failed_fit_keeps_the_previous_fit(Estimator):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), np.arange(12) % 2
    model = Estimator(hidden_size=3, seed=0, max_iter=2).fit(X, y)
    snapshot = pickle.dumps(model)
    bad = X.copy()
    bad[5, 1] = np.nan
    with pytest.raises(ValueError):
        model.fit(bad, y)
    with pytest.raises(ValueError):
        model.fit(X[:, :2], y[:5])
    assert_unchanged(model, snapshot)
    refitted = Estimator(**model.get_params()).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), refitted.predict(X))
