"""RTRLClassifier: softmax exactness, class-incremental head, the labels it accepts, memory on the
add task."""

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from river import linear_model, optim, preprocessing

from rtrl_river import RTRLClassifier
from rtrl_river.datasets import AddTask

from . import naive
from .conftest import assert_unchanged, frozen
from .test_exactness import EXACT, FINITE, relative_error


def labelled_stream(n_steps, seed=0, labels=("a", "b", "c")):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_steps, 2))
    codes = (np.roll(X[:, 0], 2) > 0).astype(int) + (X[:, 1] > 1).astype(int)
    return [({"u": float(a), "v": float(b)}, labels[c]) for (a, b), c in zip(X, codes)]


def test_softmax_rtrl_gradient_equals_bptt_and_finite_differences():
    stream = labelled_stream(30, seed=1)
    model = frozen(RTRLClassifier(hidden_size=4, optimizer="sgd", clip_gradient=None,
                                  target_feedback=False, seed=0))
    gradients = []
    for x, y in stream:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    params = naive.copy_params(model.params_)
    xs = [np.array([x["u"], x["v"]]) for x, _ in stream]
    rows = [model.engine_.head.class_index[y] for _, y in stream]
    assert len(model.classes_) == 3
    for t in (20, 29):  # after every class has its row
        bptt = naive.flatten(naive.bptt_gradient(params, xs[: t + 1], rows[t], head="softmax"))
        assert relative_error(gradients[t], bptt) < EXACT
    fd = naive.finite_difference_gradient(params, xs, rows[-1], head="softmax")
    assert relative_error(gradients[-1], fd) < FINITE


def test_probabilities_cover_every_class_and_sum_to_one():
    model = RTRLClassifier(hidden_size=4, seed=0)
    assert model.predict_proba_one({"u": 1.0}) == {}
    for x, y in labelled_stream(50):
        model.learn_one(x, y)
    proba = model.predict_proba_one({"u": 0.3, "v": -1.0})
    assert set(proba) == {"a", "b", "c"}
    assert math.isclose(sum(proba.values()), 1.0, rel_tol=1e-12)
    assert all(0.0 <= p <= 1.0 for p in proba.values())


def test_a_new_class_leaves_the_others_scores_untouched():
    # without feedback: registering "z" below would also make it the fed-back previous label
    model = RTRLClassifier(hidden_size=4, target_feedback=False, seed=0)
    for x, y in labelled_stream(200, labels=("a", "b", "b")):
        model.learn_one(x, y)
    head = model.params_["W_hy"].copy(), model.params_["b_y"].copy()
    x = {"u": 0.5, "v": 0.1}
    before = model.predict_proba_one(x)
    model.engine_.grow_for_targets(["z"])  # add the class without learning from it
    after = model.predict_proba_one(x)
    np.testing.assert_array_equal(model.params_["W_hy"][:2], head[0])
    assert not model.params_["W_hy"][2].any() and model.params_["b_y"][2] == 0.0
    # the old classes keep their odds; the new one enters with score 0
    assert after["a"] / after["b"] == pytest.approx(before["a"] / before["b"], rel=1e-12)


def test_class_incremental_stream_keeps_accuracy_on_the_first_classes():
    """A third class arriving costs the first two little accuracy: over seeds 0-4 the drop
    averaged 0.03-0.04 (single seeds 0.00-0.06), so the mean must stay under 0.05."""
    drops = []
    for seed in range(5):
        rng = np.random.default_rng(seed)

        def sample(labels, rng=rng):
            label = labels[rng.integers(len(labels))]
            centre = {"a": (-2.0, 0.0), "b": (2.0, 0.0), "c": (0.0, 3.0)}[label]
            return {"u": centre[0] + rng.normal(), "v": centre[1] + rng.normal()}, label

        model = RTRLClassifier(hidden_size=8, seed=seed)
        for _ in range(1000):
            model.learn_one(*sample("ab"))
        test = [sample("ab") for _ in range(300)]

        def accuracy(points, model=model):
            return np.mean([model.predict_one(x) == y for x, y in points])

        before = accuracy(test)
        for _ in range(1000):
            model.learn_one(*sample("abc"))
        assert before > 0.9
        drops.append(before - accuracy(test))
        assert accuracy([sample("c") for _ in range(100)]) > 0.8
    assert np.mean(drops) < 0.05


def test_learn_many_splits_at_new_classes_like_a_learn_one_loop():
    stream = labelled_stream(60, seed=3)
    one = RTRLClassifier(hidden_size=3, target_feedback=True, seed=0)
    many = RTRLClassifier(hidden_size=3, target_feedback=True, seed=0)
    for x, y in stream:
        one.learn_one(x, y)
    many.learn_many(pd.DataFrame([x for x, _ in stream]), pd.Series([y for _, y in stream]))
    np.testing.assert_array_equal(one.engine_.network.theta, many.engine_.network.theta)
    assert list(one.classes_) == list(many.classes_)


def test_unhashable_label_is_rejected_and_changes_nothing():
    model = RTRLClassifier(hidden_size=3, seed=0)
    for x, y in labelled_stream(10):
        model.learn_one(x, y)
    snapshot = pickle.dumps(model)
    with pytest.raises(TypeError, match="not hashable"):
        model.learn_one({"u": 1.0}, ["a"])
    with pytest.raises(ValueError, match="None"):
        model.learn_one({"u": 1.0}, None)
    assert pickle.dumps(model) == snapshot


def test_partial_fit_requires_classes_first_then_checks_them():
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    model = RTRLClassifier(hidden_size=3, seed=0)
    with pytest.raises(ValueError, match="classes"):
        model.partial_fit(X, y)
    model.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="classes"):
        model.partial_fit(X, y, classes=[0, 2])
    assert model.predict_proba(X).shape == (4, 2)


def add_task_losses(model, seed):
    """Progressive cross-entropy (predict, then learn) at each of 50,000 add-task steps."""
    losses = []
    for x, y in AddTask(n_steps=50_000, seed=seed):
        losses.append(-math.log(max(model.predict_proba_one(x).get(y, 0.0), 1e-12)))
        model.learn_one(x, y)
    return np.array(losses)


def bayes_losses(seed):
    """The loss of the true probabilities on the same stream: its floor, window by window."""
    x = np.array([x["x"] for x, _ in AddTask(n_steps=50_000, seed=seed)])
    y = np.array([label for _, label in AddTask(n_steps=50_000, seed=seed)])
    t = np.arange(len(x))
    near = np.where(t >= 3, np.roll(x, 3), 0.0)
    far = np.where(t >= 8, np.roll(x, 8), 0.0)
    p = 0.5 + 0.5 * near - 0.25 * far
    return -np.log(np.where(y, p, 1.0 - p))


@pytest.mark.slow
def test_rtrl_learns_both_lags_of_the_add_task():
    """Cross-entropy over the last 5,000 of 50,000 steps, three seeds.

    Floors: 0.662 nats with no memory, 0.519 knowing only lag 3, 0.454 knowing both (the last
    window's own floor varies by about +-0.01 with the seed). RTRL's progressive loss ends at
    0.467-0.478 on seeds 0-2, within 0.021 of each window's floor: it has learned most of lag
    8, which is worth 0.065 nats. The bounds below leave about 0.01 of margin.
    """
    finals, excess = [], []
    for seed in (0, 1, 2):
        model = preprocessing.StandardScaler() | RTRLClassifier(
            hidden_size=32, optimizer=optim.Adam(optim.schedulers.InverseScaling(0.003, power=0.2)),
            clip_gradient=None, seed=seed,
        )
        losses = add_task_losses(model, seed)
        finals.append(losses[-5000:].mean())
        excess.append(finals[-1] - bayes_losses(seed)[-5000:].mean())
    assert np.mean(finals) < 0.48
    assert max(finals) < 0.49
    assert max(excess) < 0.03  # knowing lag 3 only would be ~0.065 above the floor


def test_a_memoryless_model_cannot_go_below_the_no_memory_floor():
    model = preprocessing.StandardScaler() | linear_model.LogisticRegression()
    losses = add_task_losses(model, seed=0)
    assert losses[-5000:].mean() > 0.65


def test_a_rejected_label_is_not_registered_and_nothing_is_written_out_of_bounds():
    model = RTRLClassifier(seed=0, max_iter=1).fit(np.ones((4, 1)), [0, 1, 0, 1])
    for _ in range(2):  # the second call used to run the kernel with class row 2 of 2
        model.learn_one({0: 1.0}, "s")
    assert list(model.classes_) == [0, 1, "s"] and model.classes_.dtype == object
    assert model.engine_.head.class_index == {0: 0, 1: 1, "s": 2}
    assert model.engine_.network.n_outputs == 3
    assert set(model.predict_proba_one({0: 1.0})) == {0, 1, "s"}


def test_no_learning_kernel_runs_with_a_class_row_the_head_lacks():
    model = RTRLClassifier(hidden_size=3, seed=0)
    model.learn_one({"u": 1.0}, "a")
    model.engine_.head.class_index["ghost"] = 1  # an inconsistent model: the head has one row
    snapshot = pickle.dumps(model)
    with pytest.raises(RuntimeError, match="out of range"):
        model.learn_one({"u": 1.0}, "ghost")
    assert_unchanged(model, snapshot)


def test_partial_fit_with_a_new_string_label_after_int_classes():
    X = np.ones((20, 2))
    model = RTRLClassifier(seed=0, max_iter=1).fit(X, [0, 1] * 10)
    model.partial_fit(X[:1], ["cat"])
    model.partial_fit(X[:1], ["cat"])
    assert list(model.classes_) == [0, 1, "cat"]
    assert model.predict(X[:3]).shape == (3,)


def test_string_labels_keep_their_length():
    model = RTRLClassifier(seed=0, max_iter=1).fit(np.ones((4, 1)), ["a", "b", "a", "b"])
    model.learn_one({0: 1.0}, "longer")
    assert list(model.classes_) == ["a", "b", "longer"]


def test_tuple_labels_stay_whole():
    model = RTRLClassifier(hidden_size=3, seed=0)
    for label in [(1, 2), (3, 4), (1, 2), ("a", 5)]:
        model.learn_one({"u": 1.0}, label)
    assert model.classes_.shape == (3,)
    assert list(model.classes_) == [(1, 2), (3, 4), ("a", 5)]
    assert model.predict_one({"u": 1.0}) in {(1, 2), (3, 4), ("a", 5)}


def test_sorted_int_classes_keep_an_int_dtype_for_sklearn():
    model = RTRLClassifier(seed=0, max_iter=1).fit(np.ones((4, 1)), [3, 1, 3, 1])
    assert model.classes_.dtype.kind == "i" and list(model.classes_) == [1, 3]


@pytest.mark.parametrize("nan", [float("nan"), np.float64("nan")])
def test_nan_labels_are_rejected(nan):
    model = RTRLClassifier(hidden_size=3, seed=0)
    model.learn_one({"u": 1.0}, "a")
    snapshot = pickle.dumps(model)
    for _ in range(3):
        with pytest.raises(ValueError, match="NaN"):
            model.learn_one({"u": 1.0}, nan)
    assert_unchanged(model, snapshot)
    assert len(model.classes_) == 1


def test_classifier_fit_on_continuous_targets_leaves_nothing_behind():
    model = RTRLClassifier(seed=0)
    with pytest.raises(ValueError, match="continuous"):
        model.fit(np.ones((4, 2)), [0.5, 1.5, 2.5, 3.5])
    assert not hasattr(model, "n_features_in_") and not model.__sklearn_is_fitted__()
    fresh = RTRLClassifier(seed=0)
    with pytest.raises(ValueError, match="continuous"):
        fresh.partial_fit(np.ones((4, 2)), [0.5, 1.5, 2.5, 3.5], classes=[0, 1])
    assert pickle.dumps(fresh) == pickle.dumps(RTRLClassifier(seed=0))
