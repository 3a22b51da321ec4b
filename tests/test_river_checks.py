"""River's own estimator checks, for every `_unit_test_params` configuration, with no skips."""

import pytest
from river import checks, optim, preprocessing

from rtrl_river import RTRLClassifier, RTRLRegressor


def _cases():
    for estimator in (RTRLRegressor, RTRLClassifier):
        for params in estimator._unit_test_params():
            model = estimator(**params)
            for check in checks.yield_checks(model):
                yield pytest.param(model, check, id=f"{model!r}-{check.__name__}")
    # Through a scaler too, so tanh is not saturated by raw inputs and state bugs show. Not
    # learn_many == learn_one: StandardScaler.learn_many scales a whole batch with the batch's
    # statistics, a loop of learn_one scales each row with the statistics so far, so the two
    # pipelines see different inputs whatever the final model does.
    pipeline = preprocessing.StandardScaler() | RTRLRegressor(hidden_size=3, target_feedback=True)
    for check in checks.yield_checks(pipeline):
        if check.__name__ != "check_learn_many_matches_learn_one":
            yield pytest.param(pipeline, check, id=f"StandardScaler|RTRLRegressor-{check.__name__}")


@pytest.mark.parametrize("model, check", list(_cases()))
def test_river_check(model, check):
    assert check.__name__ not in model._unit_test_skips()
    check(model.clone())


def test_rivers_shuffle_check_passes_every_time_with_adagrad():
    import random

    from river import datasets
    from river.checks.common import check_shuffle_features_no_impact

    dataset = list(datasets.Phishing().take(200))
    random.seed(0)
    for _ in range(10):  # key orders are drawn anew each run
        check_shuffle_features_no_impact(
            RTRLClassifier(hidden_size=4, optimizer=optim.AdaGrad(0.1)), dataset
        )
