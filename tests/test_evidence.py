"""The evidence studies in examples/: the influence-balancing gradients against finite
differences, and every study runnable in its --quick form."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    """The study examples/`name`.py as a module, run as `python examples/NAME.py` runs it: with
    examples/ on the path, for its helpers (figures.py)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def influence():
    return load("influence_balancing")


@pytest.mark.parametrize("n_steps", [1, 5, 40])
def test_influence_balancing_rtrl_gradient_equals_finite_differences(influence, n_steps):
    # at a fixed theta, the RTRL gradient of the loss at step t is d loss_t / d theta of the
    # unrolled system; the loss is quadratic in theta, so a central difference is exact up to
    # rounding (step 1e-4, tolerance 1e-7 relative)
    system, theta = influence.InfluenceBalancing(), 0.3
    state, trace = system.initial_state(), np.zeros(system.n_units)
    for _ in range(n_steps):
        trace = system.transition @ trace + system.sign
        state = system.step(state, theta)
    rtrl = (state[0] - 1.0) * trace[0]
    step = 1e-4
    numeric = (system.unrolled_loss(theta + step, n_steps)
               - system.unrolled_loss(theta - step, n_steps)) / (2 * step)
    assert rtrl == pytest.approx(numeric, rel=1e-7, abs=1e-9)


def test_influence_balancing_rtrl_goes_negative_and_tbptt1_goes_positive(influence):
    runs = influence.main(["--quick"])
    assert runs["RTRL"][-1] < 0
    assert runs["TBPTT(1)"][-1] > influence.THETA_0


@pytest.mark.parametrize("name", ["lag_sweep", "chaotic_series", "gradient_alignment"])
def test_study_runs_in_quick_mode(name, capsys):
    results = load(name).main(["--quick"])
    assert results
    assert "RTRL" in capsys.readouterr().out


def test_chaotic_generators_match_the_published_definitions():
    chaotic = load("chaotic_series")
    rng = np.random.default_rng(0)
    henon = chaotic.henon(4, rng)
    assert henon[:3] == pytest.approx([0.1, 1 - 1.4 * 0.01, 1 - 1.4 * 0.986**2 + 0.03])
    for name in chaotic.SERIES:
        series = chaotic.unit_series(name, seed=0)
        assert series.mean() == pytest.approx(0.0, abs=1e-9)
        assert series.std() == pytest.approx(1.0)
        assert np.all(np.isfinite(series))
