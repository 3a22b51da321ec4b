"""The classifier's labels: a label that cannot name a class (it equals nothing, not even
itself) is refused wherever it hides, and many labels are warned about as many features are."""

import math
import pickle
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier
from rtrl_river.engine import MANY_FEATURES, ManyFeaturesWarning


def started():
    model = RTRLClassifier(hidden_size=3, seed=0)
    model.learn_one({"u": 1.0}, "a")
    return model


@pytest.mark.parametrize("make_label", [
    lambda: (1, float("nan")),  # a new NaN each time: (1, nan) equal only when the same NaN
    lambda: ("x", (2, (float("nan"),))),
    lambda: frozenset({float("nan"), 1}),
    lambda: (np.float64("nan"), None),
    lambda: pd.NA,
    lambda: (1, pd.NA),
    lambda: pd.NaT,
    lambda: np.datetime64("NaT"),
    lambda: Decimal("NaN"),
])
def test_a_label_that_equals_nothing_is_refused_wherever_it_hides(make_label):
    """A NaN inside a tuple escaped the NaN check and became a new class each time; pandas' NA
    was taken as a class."""
    model = started()
    snapshot = pickle.dumps(model)
    for _ in range(3):
        with pytest.raises(ValueError, match="NaN or a missing value"):
            model.learn_one({"u": 1.0}, make_label())
        with pytest.raises(ValueError, match="NaN or a missing value"):
            model.learn_many(pd.DataFrame({"u": [1.0]}), pd.Series([make_label()], dtype=object))
    assert pickle.dumps(model) == snapshot
    assert list(model.classes_) == ["a"]


@pytest.mark.parametrize("label", [(1, None), (None,), ("a", (None, 2)), frozenset({None}),
                                   (1.5, Decimal("2.5")), np.datetime64("2024-01-01")])
def test_labels_that_equal_themselves_are_taken(label):
    model = started()
    for _ in range(2):
        model.learn_one({"u": 1.0}, label)
    assert len(model.classes_) == 2 and model.classes_[1] == label


def test_a_thousand_labels_are_warned_about_once_as_a_thousand_features_are():
    """At 1,000 labels (1,002 inputs: a fed-back column each) there was no warning, where
    1,000 features gave one; each new label costs a growth of the traces."""
    model = RTRLClassifier(hidden_size=2, seed=0)
    model.learn_one({"u": 1.0, "v": 0.0}, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for label in range(1, MANY_FEATURES - 3):
            model.learn_one({"u": 1.0}, label)
    with pytest.warns(ManyFeaturesWarning, match="2 features and 998 fed-back classes") as caught:
        for label in range(MANY_FEATURES - 3, MANY_FEATURES + 3):
            model.learn_one({"u": 1.0}, label)
        model.learn_many(pd.DataFrame({"w": [1.0]}), pd.Series(["late"]))
    assert len(caught) == 1
    assert caught[0].filename == __file__  # the user's call, however deep the growth
    assert len(model.classes_) == MANY_FEATURES + 4


def test_without_feedback_labels_add_no_input_and_no_warning():
    model = RTRLClassifier(hidden_size=2, target_feedback=False, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for label in range(MANY_FEATURES + 2):
            model.learn_one({"u": 1.0}, label)
    assert model.engine_.network.n_inputs == 1
    assert math.isclose(sum(model.predict_proba_one({"u": 1.0}).values()), 1.0)
