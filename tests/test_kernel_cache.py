"""Kernels compiled afresh and kernels loaded from numba's cache give the same bits.

numba runs freshly compiled code from its in-process JIT and writes a separately emitted
object file to its cache. For most code they agree, but a vectorised loop whose multiplies
and adds may be fused (`contract`) has been seen to round differently in the two (an Adam step
written on views of theta: a grid search on a Dask cluster, whose workers loaded the cache,
then differed from the same search in the process that compiled). This runs one workload in
two fresh processes on an empty cache directory: the first compiles every kernel, the second
loads them all.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "rtrl_river"

WORKLOAD = textwrap.dedent("""
    import numpy as np, pandas as pd
    from rtrl_river import RTRLClassifier, RTRLRegressor

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    y = pd.Series(rng.normal(size=200))
    rows = X.to_dict("records")
    sums = []
    for settings in ({"learner": "rtrl"}, {"learner": "snap-1"}, {"learner": "snap-2"},
                     {"learner": "tbptt"}, {"learner": "uoro"}, {"cell": "elstm"},
                     {"cell": "lru"}):
        for n in (3, 16, 43):  # 43: vector blocks (kernels/vector.py)
            model = RTRLRegressor(hidden_size=n, seed=0, **settings)
            model.learn_many(X, y)  # learn_many's path
            for x, target in zip(rows[:50], y[:50]):  # learn_one's and predict_one's
                model.predict_one(x)
                model.learn_one(x, target)
            sums.append(model.engine_.network.theta.tolist())
    classifier = RTRLClassifier(hidden_size=8, seed=0)
    for x, target in zip(rows, y > 0):
        classifier.predict_proba_one(x)
        classifier.learn_one(x, bool(target))
    sums.append(classifier.engine_.network.theta.tolist())
    print(repr(sums))
""")


@pytest.mark.slow
def test_fresh_and_cached_kernels_give_the_same_bits(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", WORKLOAD], env=env, capture_output=True,
                       text=True, check=True, timeout=600)
        for _ in range(2)
    ]
    compiled, loaded = runs
    assert "compiling its numba kernels" in compiled.stderr  # the first run did compile
    assert "compiling" not in loaded.stderr  # and the second found everything cached
    assert compiled.stdout == loaded.stdout


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
