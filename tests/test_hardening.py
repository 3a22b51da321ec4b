"""Every input path and every install keeps the model intact: each case a past defect."""

import ast
import os
import pathlib
import pickle
import shutil
import subprocess
import sys
import tomllib
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from river import optim

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river._validation import InvalidParameterError
from rtrl_river.engine import MANY_FEATURES, ManyFeaturesWarning

from .conftest import random_stream

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "rtrl_river"


def assert_unchanged(model, snapshot):
    """The model pickles to exactly the bytes it did before (every array, count, class)."""
    assert pickle.dumps(model) == snapshot


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@pytest.mark.parametrize("lr", [0, 0.0, -0.01, float("nan"), float("inf")])
def test_a_learning_rate_that_cannot_learn_is_rejected(Estimator, lr):
    model = Estimator(lr=lr)
    message = "'lr' parameter of .* must be a float in the range \\(0, 1000.0\\]"
    with pytest.raises(InvalidParameterError, match=message):
        model.learn_one({"a": 1.0}, 1)
    assert not model.__sklearn_is_fitted__()


@pytest.mark.parametrize(
    "optimizer, message",
    [
        (optim.SGD(optim.schedulers.Optimal(optim.losses.Squared())), "Optimal; supported are"),
        (optim.Adam(0.0), "positive learning rate"),
        (optim.SGD(optim.schedulers.InverseScaling(-0.1)), "positive learning rate"),
        (optim.SGD(optim.schedulers.InverseScaling(0.1, power=-1.0)), "power >= 0"),
    ],
)
def test_unsupported_learning_rate_schedules_are_rejected(optimizer, message):
    model = RTRLRegressor(optimizer=optimizer)
    with pytest.raises(InvalidParameterError, match=message):
        model.fit(np.ones((4, 2)), np.arange(4.0))
    assert not model.__sklearn_is_fitted__()


@pytest.mark.parametrize(
    "schedule", [0.01, optim.schedulers.Constant(0.01), optim.schedulers.InverseScaling(0.01)]
)
def test_supported_learning_rate_schedules_learn(schedule):
    model = RTRLRegressor(hidden_size=3, optimizer=optim.SGD(schedule), seed=0)
    model.learn_one({"a": 1.0}, 1.0)
    assert model.t_ == 1


def test_parameter_checks_do_not_use_private_sklearn_modules():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
                private = [part for part in node.module.split(".") if part.startswith("_")]
                assert not private, f"{path.name} imports the private {node.module}"


def test_every_third_party_import_is_a_declared_dependency():
    """The library imports its dependencies only; the command line may also import an extra
    (matplotlib for plots, the benchmark extra's packages for forecast-suite)."""
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())

    def names(requirements):
        import_names = {"scikit-learn": "sklearn", "vega-datasets": "vega_datasets"}
        bare = (r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
                for r in requirements)
        return {import_names.get(name, name) for name in bare}

    declared = names(pyproject["project"]["dependencies"])
    extras = set().union(*map(names, pyproject["project"]["optional-dependencies"].values()))
    assert "matplotlib" in extras and "statsforecast" in extras
    # River's optional frame library, imported only for pandas input
    optional = {"pandas"}
    for path in PACKAGE.rglob("*.py"):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
        third_party = {name for name in imported if name not in sys.stdlib_module_names}
        third_party -= {"rtrl_river"} | optional
        allowed = declared | (extras if "cli" in path.relative_to(PACKAGE).parts else set())
        undeclared = sorted(third_party - allowed)
        assert not undeclared, f"{path.name} imports undeclared {undeclared}"


# ---------------------------------------------------------------- classes


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


# ---------------------------------------------------------------- feature names


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


# ---------------------------------------------------------------- values


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


# ---------------------------------------------------------------- fit


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


def test_classifier_fit_on_continuous_targets_leaves_nothing_behind():
    model = RTRLClassifier(seed=0)
    with pytest.raises(ValueError, match="continuous"):
        model.fit(np.ones((4, 2)), [0.5, 1.5, 2.5, 3.5])
    assert not hasattr(model, "n_features_in_") and not model.__sklearn_is_fitted__()
    fresh = RTRLClassifier(seed=0)
    with pytest.raises(ValueError, match="continuous"):
        fresh.partial_fit(np.ones((4, 2)), [0.5, 1.5, 2.5, 3.5], classes=[0, 1])
    assert pickle.dumps(fresh) == pickle.dumps(RTRLClassifier(seed=0))



# ---------------------------------------------------------------- width


def test_a_model_warns_once_when_its_width_passes_the_threshold():
    model = RTRLRegressor(hidden_size=1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.learn_one({f"x{j}": 1.0 for j in range(MANY_FEATURES - 1)}, 0.0)
    with pytest.warns(ManyFeaturesWarning, match="FeatureHasher") as caught:
        model.learn_one({"a": 1.0, "b": 1.0}, 0.0)
        model.learn_one({"c": 1.0}, 0.0)
        model.learn_many(pd.DataFrame({"d": [1.0], "e": [2.0]}), pd.Series([0.0]))
    assert len(caught) == 1
    assert model.n_features_in_ == MANY_FEATURES + 4  # warned, never truncated

# ---------------------------------------------------------------- pickles


def test_an_rtrl_pickle_holds_one_influence_matrix_and_resumes_bit_for_bit():
    stream = random_stream(30, 3)
    model = RTRLRegressor(hidden_size=24, target_feedback=True, seed=0)
    for x, y in stream[:15]:
        model.learn_one(x, y)
    influence_bytes = model.engine_.learner_state.matrix.nbytes
    data = pickle.dumps(model)
    assert len(data) < 1.5 * influence_bytes  # one n x P matrix, not the 2 x n x P pair
    resumed = pickle.loads(data)
    np.testing.assert_array_equal(resumed.engine_.learner_state.matrix,
                                  model.engine_.learner_state.matrix)
    for x, y in stream[15:]:
        assert resumed.predict_one(x) == model.predict_one(x)
        model.learn_one(x, y)
        resumed.learn_one(x, y)
    np.testing.assert_array_equal(resumed.engine_.network.theta, model.engine_.network.theta)
    np.testing.assert_array_equal(resumed.engine_.learner_state.matrix,
                                  model.engine_.learner_state.matrix)
    # an unpickled array's dtype is a copy, not numpy's singleton, which pickles differently;
    # so compare both models as they pickle after one round trip each
    assert pickle.dumps(pickle.loads(pickle.dumps(resumed))) == pickle.dumps(
        pickle.loads(pickle.dumps(model))
    )


# ---------------------------------------------------------------- installs


def test_import_works_where_numba_can_write_no_cache(tmp_path):
    """A read-only install with no writable home or NUMBA_CACHE_DIR: import warns once and
    runs uncached. Paths under a regular file cannot be created even by root, and a file named
    __pycache__ keeps numba out of the package directory whoever runs the test."""
    install = tmp_path / "site"
    shutil.copytree(PACKAGE, install / "rtrl_river", ignore=shutil.ignore_patterns("__pycache__"))
    (install / "rtrl_river" / "kernels" / "__pycache__").write_text("")
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    for directory, _, files in os.walk(install):
        for name in files:
            os.chmod(os.path.join(directory, name), 0o444)
        os.chmod(directory, 0o555)
    env = dict(
        os.environ, PYTHONPATH=str(install), PYTHONDONTWRITEBYTECODE="1",
        HOME=str(blocker / "home"), XDG_CACHE_HOME=str(blocker / "cache"),
        NUMBA_CACHE_DIR=str(blocker / "numba"),
    )
    code = (
        "import warnings; warnings.simplefilter('always');"
        "import rtrl_river, rtrl_river.kernels.jit as jit;"
        "print(rtrl_river.__file__, jit.JIT['cache'])"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=install, capture_output=True, text=True,
            timeout=120,
        )
    finally:
        for directory, _, _ in os.walk(install):
            os.chmod(directory, 0o755)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(install / "rtrl_river" / "__init__.py"), "False"]
    assert result.stderr.count("KernelCacheWarning") == 1
    assert "NUMBA_CACHE_DIR" in result.stderr


def test_kernels_are_cached_where_numba_can_write():
    from rtrl_river.kernels import jit

    assert jit.kernel_cache_available() and jit.JIT["cache"] is True


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


@pytest.mark.parametrize("estimator", ["regressor", "classifier"])
def test_a_model_on_a_read_only_memory_map_predicts_and_refuses_to_learn(estimator, tmp_path):
    """joblib.load(..., mmap_mode="r") gives read-only arrays: predictions as from the model
    itself (through predict_many's kernel, which writes nothing of the model's), and a clear
    error, with nothing changed, for whatever would write them."""
    import copy

    import joblib

    rng = np.random.default_rng(0)
    rows = [({"a": float(rng.normal()), "b": float(rng.normal())}, float(rng.normal()))
            for _ in range(60)]
    if estimator == "regressor":
        model = RTRLRegressor(hidden_size=4, seed=0)
    else:
        model = RTRLClassifier(hidden_size=4, seed=0)
        rows = [(x, y > 0) for x, y in rows]
    for x, y in rows[:50]:
        model.learn_one(x, y)
    model.predict_one(rows[50][0])  # a forward step kept for the next learn_one, saved with it
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib", mmap_mode="r")
    assert not loaded.engine_.network.theta.flags.writeable
    before = loaded.engine_.network.theta.copy()
    for x, y in rows[50:]:
        if estimator == "regressor":
            assert loaded.predict_one(x) == model.predict_one(x)
        else:
            assert loaded.predict_proba_one(x) == model.predict_proba_one(x)
    x, y = rows[50]
    for attempt in (lambda: loaded.learn_one(x, y), loaded.reset_state,
                    lambda: loaded.learn_many(pd.DataFrame([x]), pd.Series([y]))):
        with pytest.raises(ValueError, match="read-only"):
            attempt()
    np.testing.assert_array_equal(loaded.engine_.network.theta, before)
    writable = copy.deepcopy(loaded)  # the way out the message names
    writable.learn_one(x, y)
    model.learn_one(x, y)
    np.testing.assert_array_equal(writable.engine_.network.theta, model.engine_.network.theta)


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
