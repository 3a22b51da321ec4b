"""Shared fixtures: small random streams, a model as it pickles, a frozen model; a numba cache
that matches the kernels' sources."""

import hashlib
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

KERNELS = Path(__file__).resolve().parent.parent / "rtrl_river" / "kernels"


def kernel_sources_digest():
    """A digest of every kernel source file, names and contents."""
    digest = hashlib.sha256()
    for path in sorted(KERNELS.rglob("*.py")):
        digest.update(path.relative_to(KERNELS).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def use_kernel_keyed_cache():
    """Point numba's cache at a directory named by the kernels' digest, under NUMBA_CACHE_DIR
    if set, else under the user's cache directory (private, as numba's cache must be).

    numba checks a cached kernel against its own file's timestamp only, so a kernel that calls
    one from another file keeps the callee's old code after the callee is edited. A directory
    per version of the kernel sources cannot hold such stale code. This must run before numba
    is imported (numba reads NUMBA_CACHE_DIR once).
    """
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "rtrl_river", "numba",
    )
    directory = os.path.join(base, kernel_sources_digest())
    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = directory
    if "numba" in sys.modules:  # imported early by a plugin: tell its config too
        sys.modules["numba"].config.CACHE_DIR = directory


use_kernel_keyed_cache()


def random_stream(n_steps, n_features, seed=0):
    """A stream of (x dict, y) with Gaussian features and a target that depends on the past."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_steps, n_features))
    y = (np.convolve(X[:, 0], [0.5, -0.3, 0.8], mode="full")[:n_steps]
         + 0.1 * rng.normal(size=n_steps))
    names = [f"f{j}" for j in range(n_features)]
    return [({name: float(v) for name, v in zip(names, row)}, float(t)) for row, t in zip(X, y)]


@pytest.fixture
def stream():
    return random_stream(60, 3)


def assert_unchanged(model, snapshot):
    """The model pickles to exactly the bytes it did before (every array, count, class)."""
    assert pickle.dumps(model) == snapshot


def frozen(model):
    """`model`, initialised, computing gradients but never moving: its optimizer steps at rate 0.

    A learning rate of 0 is rejected as a parameter (such a model never learns), so the exactness
    tests set it on the optimizer's state, after initialisation and before the first step.
    """
    model._initialize()
    from rtrl_river.optimizers import ConstantRate  # after use_kernel_keyed_cache, above

    model.engine_.optimizer_state.schedule = ConstantRate(0.0)
    model.engine_.optimizer_state.constant_rate = 0.0
    return model
