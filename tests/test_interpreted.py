"""With NUMBA_DISABLE_JIT=1 (coverage runs, debugging) every kernel runs as Python, slowly, and
gives the compiled kernels' numbers up to rounding."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor

ROOT = Path(__file__).resolve().parent.parent
# every learner on each cell it runs on
COMBINATIONS = [("elman", "rtrl"), ("elman", "snap-1"), ("elman", "snap-2"), ("elman", "tbptt"),
                ("elman", "uoro"), ("elstm", "rtrl"), ("elstm", "tbptt"), ("lru", "rtrl"),
                ("lru", "tbptt")]


def run():
    """A few steps of each estimator on each combination, through every path (learn_one with
    new features and labels, predict_one, learn_many, the predictions of many rows, fit,
    predict); the numbers they give, by name."""
    rng = np.random.default_rng(0)
    rows = [{"a": float(v), "b": float(w)} for v, w in rng.normal(size=(8, 2))]
    frame = pd.DataFrame(rows[:4])
    numbers = {}
    for cell, learner in COMBINATIONS:
        for Estimator in (RTRLRegressor, RTRLClassifier):
            model = Estimator(hidden_size=3, cell=cell, learner=learner, seed=0)
            outputs = []
            for t, x in enumerate(rows):
                x = {**x, "late": 1.0} if t >= 4 else x  # a new feature mid-stream
                y = x["a"] - x["b"] if Estimator is RTRLRegressor else f"class {t % 3}"
                if t:  # (nothing to predict before the first step)
                    predicted = (model.predict_one(x) if Estimator is RTRLRegressor
                                 else model.predict_proba_one(x))
                    outputs += [predicted] if Estimator is RTRLRegressor else list(
                        predicted.values())
                model.learn_one(x, y)
            targets = (frame["a"] if Estimator is RTRLRegressor
                       else pd.Series(["class 0", "class 1"] * 2))
            model.learn_many(frame, targets)
            if Estimator is RTRLRegressor:
                outputs += list(model.predict_many(frame)) + model.predict_sequence(rows[:3])
            else:
                outputs += list(model.predict_proba_many(frame).to_numpy().ravel())
            fitted = Estimator(hidden_size=3, cell=cell, learner=learner, seed=0, max_iter=2)
            fitted.fit(frame.to_numpy(), targets.to_numpy())
            outputs += list(np.ravel(fitted.predict_proba(frame.to_numpy())
                                     if Estimator is RTRLClassifier
                                     else fitted.predict(frame.to_numpy())))
            key = f"{Estimator.__name__} {cell} {learner}"
            numbers[key] = [float(v) for v in outputs] + model.engine_.network.theta.tolist()
    forecaster = RTRLForecaster(hidden_size=3, seasonality=2, seed=0)
    for t in range(8):
        forecaster.learn_one(float(t % 3), {"u": float(t % 2)})
    numbers["RTRLForecaster"] = forecaster.forecast(4)
    return numbers


@pytest.mark.slow
def test_with_the_jit_off_every_estimator_runs_and_gives_the_compiled_numbers():
    """`NUMBA_DISABLE_JIT=1` failed with an AttributeError at the first learn_one (the
    StepCall is built by an intrinsic, the entry points loaded as compiled functions).

    Tolerance: relative 1e-9 (absolute 1e-12 near zero). The two paths differ only in
    rounding: compiled, multiplies and adds may fuse (fast-math `contract`), the sums of 32 and
    more terms run in the fixed lane order of kernels/vector.py and tanh is the vectorised one
    (within 2.25 units in the last place); interpreted, numpy's dot and tanh. Each differs by
    an ulp or so (1e-16 relative), and a dozen steps of a 3-unit network amplify that by a few
    orders at most (the worst of these 1,309 numbers was 8.8e-13 apart when this was written):
    1e-9 leaves room, and is the exactness tests' tolerance.
    """
    environment = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    process = subprocess.run(
        [sys.executable, "-c",
         "import json; from tests.test_interpreted import run; print(json.dumps(run()))"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900,
    )
    assert process.returncode == 0, process.stderr[-3000:]
    interpreted = json.loads(process.stdout.strip().splitlines()[-1])
    compiled = run()
    assert interpreted.keys() == compiled.keys()
    for key in compiled:
        np.testing.assert_allclose(interpreted[key], compiled[key], rtol=1e-9, atol=1e-12,
                                   err_msg=key)
