"""Every input path and every install keeps the model intact: each case a past defect."""

import ast
import pathlib
import pickle
import sys
import tomllib

import numpy as np
import pytest
from river import optim

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river._validation import InvalidParameterError

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "rtrl_river"


def assert_unchanged(model, snapshot):
    """The model pickles to exactly the bytes it did before (every array, count, class)."""
    assert pickle.dumps(model) == snapshot


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@pytest.mark.parametrize("lr", [0, 0.0, -0.01, float("nan"), float("inf")])
def test_a_learning_rate_that_cannot_learn_is_rejected(Estimator, lr):
    model = Estimator(lr=lr)
    with pytest.raises(InvalidParameterError, match="'lr' parameter of .* must be a float in the range \\(0, inf\\)"):
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
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())
    declared = {
        requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
        for requirement in pyproject["project"]["dependencies"]
    }
    import_names = {"scikit-learn": "sklearn"}
    declared = {import_names.get(name, name) for name in declared}
    optional = {"pandas"}  # River's optional frame library: imported only for pandas input
    imported = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names}
    third_party -= {"rtrl_river"} | optional
    assert third_party <= declared, f"undeclared: {sorted(third_party - declared)}"
