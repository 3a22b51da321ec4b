"""What importing the estimators and the River path load: neither scikit-learn nor pandas, and
of scipy only what numba loads for itself. This is what keeps start-up near the floor of
numpy, numba and river.base (docs: Benchmarks, Start-up); it is checked here, not timed."""

import json
import subprocess
import sys

import pytest

HEAVY = ("sklearn", "scipy", "pandas")

# numba imports scipy itself: the package for its version check, and scipy.linalg (for BLAS)
# when its CPU target loads, which the first call of any jitted function does.
NUMBA_OWN = """
import json, sys
import numba
from numba.core.registry import cpu_target
cpu_target.target_context.refresh()
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))
"""

RIVER_PATH = """
import json, pickle, sys

def heavy():
    return sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor
after_import = heavy()
regressor, classifier = RTRLRegressor(hidden_size=3), RTRLClassifier(hidden_size=3)
forecaster = RTRLForecaster(hidden_size=3)
for t in range(5):
    x = {{"a": float(t), "b": 1.0 - t}}
    regressor.predict_one(x)
    regressor.learn_one(x, 0.5 * t)
    classifier.predict_proba_one(x)
    classifier.predict_one(x)
    classifier.learn_one(x, t % 2)
    forecaster.learn_one(float(t), x)
forecaster.forecast(3, [x, x, x])
# what a River user does besides: print, clone, pickle, read the parameters
for model in (regressor, classifier, forecaster):
    repr(model), str(model), model.clone(), pickle.loads(pickle.dumps(model))
regressor.get_params(), regressor.set_params(lr=0.001), classifier.predict_one(x)
after_river_path = heavy()

# River's time-series package, imported afterwards, has the very Forecaster class the
# forecaster derives from
import river.time_series
same_base = (river.time_series.base.Forecaster in type(forecaster).__mro__
             and isinstance(forecaster, river.time_series.base.Forecaster))
print(json.dumps({{"after_import": after_import, "after_river_path": after_river_path,
                  "same_base": same_base}}))
"""


def _run(code):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.slow
def test_the_river_path_loads_neither_scikit_learn_nor_pandas():
    numba_own = set(_run(NUMBA_OWN.format(heavy=set(HEAVY))))
    assert not any(m.split(".")[0] in {"sklearn", "pandas"} for m in numba_own)
    seen = _run(RIVER_PATH.format(heavy=set(HEAVY)))
    for step in ("after_import", "after_river_path"):
        extra = [m for m in seen[step] if m not in numba_own]
        assert extra == [], f"{step}: {extra[:20]}"
    assert seen["same_base"]


def test_the_empty_cache_figures_count_every_numba_compilation():
    """The benchmark's empty-cache table: wall and CPU seconds of a statement in a fresh
    process with an empty numba cache, and how many functions numba compiled for it."""
    from benchmarks.tables import _cold_start

    wall, cpu, count = _cold_start("from numba import njit; njit(lambda x: x + 1)(1)", 1)
    assert count == 1 and wall > 0 and cpu > 0
    assert _cold_start("pass", 1)[2] == 0
