"""scikit-learn's estimator checks, with expected failures only where stream semantics demand."""

import warnings

from sklearn.utils.estimator_checks import parametrize_with_checks

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.cells import LRU

EXPECTED_FAILURES = {
    "check_estimator_tags_renamed": (
        "river.base.Estimator, a base class, still defines _more_tags; sklearn fails any class "
        "whose MRO defines it, whatever the class itself does"
    ),
    "check_methods_sample_order_invariance": (
        "predict(X) runs the rows as a continuation of the stream: each row's hidden state "
        "depends on the rows before it, so reordering rows changes predictions"
    ),
    "check_methods_subset_invariance": (
        "predict(X) chains the hidden state over the rows of X, so a row predicted inside a "
        "subset has a different past than inside the whole"
    ),
}


def expected_failures(estimator):
    return EXPECTED_FAILURES


# UORO's gradient is unbiased but noisy, so it runs at a smaller learning rate, as in its
# paper; at the default 0.01 its fit reaches R^2 0.34 on the regression-quality check.
LEARNER_SETTINGS = {
    "rtrl": {}, "snap-1": {}, "snap-2": {}, "tbptt": {}, "uoro": {"lr": 0.003},
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


# The estimators implement scikit-learn's protocol without deriving from its BaseEstimator
# (which would import scikit-learn, scipy and pandas with rtrl_river), and scikit-learn warns
# about that when it collects the checks; the checks themselves are the judge.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Estimator .* does not inherit from `sklearn.base")
    sklearn_checks = parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)


@sklearn_checks
def test_sklearn_check(estimator, check):
    check(estimator)
