"""Shared fixtures: small random streams."""

import numpy as np
import pytest


def random_stream(n_steps, n_features, seed=0):
    """A stream of (x dict, y) with Gaussian features and a target that depends on the past."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_steps, n_features))
    y = np.convolve(X[:, 0], [0.5, -0.3, 0.8], mode="full")[:n_steps] + 0.1 * rng.normal(size=n_steps)
    names = [f"f{j}" for j in range(n_features)]
    return [({name: float(v) for name, v in zip(names, row)}, float(t)) for row, t in zip(X, y)]


@pytest.fixture
def stream():
    return random_stream(60, 3)


def frozen(model):
    """`model`, initialised, computing gradients but never moving: its optimizer steps at rate 0.

    A learning rate of 0 is rejected as a parameter (such a model never learns), so the exactness
    tests set it on the optimizer's state, after initialisation and before the first step.
    """
    model._initialize()
    model.optimizer_state_.constant_rate = 0.0
    return model
