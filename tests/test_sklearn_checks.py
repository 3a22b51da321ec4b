"""scikit-learn's estimator checks, with expected failures only where stream semantics demand."""

import pytest
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.cells import LRU
from rtrl_river.checks import ALWAYS, expected_failed_checks

# UORO's gradient is unbiased but noisy, so it runs at a smaller learning rate, as in its
# paper; at the default 0.0005 (settling from 8 times that) its fit falls to R^2 -0.1 on the
# regression-quality check, and at 0.003 it hovers near the check's 0.5.
LEARNER_SETTINGS = {
    "rtrl": {}, "snap-1": {}, "snap-2": {}, "tbptt": {}, "uoro": {"lr": 0.001},
}
ESTIMATORS = [
    estimator(seed=0, learner=learner, **settings)
    for estimator in (RTRLRegressor, RTRLClassifier)
    for learner, settings in LEARNER_SETTINGS.items()
] + [
    estimator(seed=0, cell=cell, learner=learner)
    for estimator in (RTRLRegressor, RTRLClassifier)
    # The LRU's default modes remember 33 to 1000 steps, so its read-out of the current row
    # alone is blurred by the past: R^2 0.48 on the memoryless regression check (which asks
    # for 0.5); with modes from 0.5 (two steps) it reaches 0.88, as the Elman cell's 0.85.
    for cell in ("elstm", LRU(r_min=0.5))
    for learner in ("rtrl", "tbptt")
]


sklearn_checks = parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)


@sklearn_checks
def test_sklearn_check(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [RTRLRegressor, RTRLClassifier])
def test_check_estimator_as_users_call_it_passes_at_the_defaults(estimator):
    """The defaults, seed=None included: only the declared checks may fail, and every other
    check ran and passed (or was skipped by scikit-learn itself)."""
    model = estimator()
    results = check_estimator(model, expected_failed_checks=expected_failed_checks(model),
                              on_fail=None, on_skip=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert failed == []
    xfailed = {r["check_name"] for r in results if r["status"] == "xfail"}
    assert set(ALWAYS) <= xfailed <= set(expected_failed_checks(model))
    assert sum(r["status"] == "passed" for r in results) > 40
