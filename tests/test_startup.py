"""What importing the estimators and the River path load: the library's own modules, never its
command line nor matplotlib (it is checked here, not timed; docs: Benchmarks, Start-up)."""

import json
import subprocess
import sys

import pytest

# modules the library never needs: its command line, and the plotting it does
HEAVY = ("matplotlib", "rtrl_river.cli", "rtrl_river.suite", "rtrl_river.benchmark")

RIVER_PATH = """
import json, pickle, sys

def heavy():
    return sorted(m for m in sys.modules if m.startswith({heavy!r}))

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
def test_the_river_path_loads_neither_the_command_line_nor_matplotlib():
    seen = _run(RIVER_PATH.format(heavy=HEAVY))
    for step in ("after_import", "after_river_path"):
        assert seen[step] == [], f"{step}: {seen[step][:20]}"
    assert seen["same_base"]


def test_the_empty_cache_figures_count_every_numba_compilation():
    """The benchmark's empty-cache table: wall and CPU seconds of a statement in a fresh
    process with an empty numba cache, and how many functions numba compiled for it."""
    from benchmarks.tables import _cold_start

    wall, cpu, count = _cold_start("from numba import njit; njit(lambda x: x + 1)(1)", 1)
    assert count == 1 and wall > 0 and cpu > 0
    assert _cold_start("pass", 1)[2] == 0
