"""The scikit-learn checks the estimators are expected to fail, each with the reason, for
scikit-learn's own mechanism:

    from sklearn.utils.estimator_checks import check_estimator
    from rtrl_river import RTRLRegressor
    from rtrl_river.checks import expected_failed_checks

    model = RTRLRegressor()
    check_estimator(model, expected_failed_checks=expected_failed_checks(model))
"""

ALWAYS = {
    "check_estimator_tags_renamed": (
        "river.base.Estimator, a base class, still defines _more_tags; scikit-learn fails any "
        "class whose MRO defines it, whatever the class itself does"
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

# scikit-learn seeds an estimator in its checks through a parameter named random_state; these
# estimators take River's name, seed, and at seed=None every fit starts from fresh random
# weights, so two fits of the same data differ (an int seed makes them identical)
UNSEEDED = (
    "at seed=None (River's convention) each fit draws fresh initial weights, and scikit-learn "
    "seeds estimators only through a parameter named random_state: two fits differ. With an "
    "int seed they are identical"
)
COMPARES_TWO_FITS = {
    "RTRLRegressor": ("check_fit_idempotent", "check_regressors_int",
                      "check_regressor_data_not_an_array", "check_supervised_y_2d"),
    "RTRLClassifier": ("check_fit_idempotent", "check_classifier_data_not_an_array"),
}


def expected_failed_checks(estimator):
    """{check name: reason} for `estimator` (an RTRLRegressor or RTRLClassifier)."""
    failures = dict(ALWAYS)
    if getattr(estimator, "seed", None) is None:
        for name in COMPARES_TWO_FITS.get(type(estimator).__name__, ()):
            failures[name] = UNSEEDED
    return failures
