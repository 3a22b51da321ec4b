"""The LRU cell's own, against its complex-numpy reference: its blocks and start, the forward
pass and the traces, SGD with lambda frozen or learned, lambda's rate, the cell as a parameter,
growth, inputs near float64's limit; what every cell shares is in test_cells.py."""


import numpy as np
import pytest

from rtrl_river import RTRLRegressor
from rtrl_river.cells import LRU
from rtrl_river.learners.rtrl import DiagonalRTRLState

from . import naive
from .cell_reference import frozen as frozen_cell, perturb, reference_setup, sgd_trajectory
from .conftest import random_stream
from .test_exactness import EXACT, PLAIN, as_arrays, relative_error

NAMES = ["f0", "f1", "f2"]
# The kernels and the reference compute the same recursions, differing only in the order of
# roundings (fused multiply-adds, numpy's complex products, libm's against numba's exp, cos and
# sin): about 1e-16 relative a step, and the recursions contract (abs(lambda) < 1), so over tens
# of steps 1e-12 leaves a margin of two orders where a wrong term shows at 1e-3 or worse.
SAME_RECURSION = 1e-12


def frozen(cell="lru", **kwargs):
    """A plain LRU model that computes gradients but never moves."""
    return frozen_cell(cell, **kwargs)


def test_params_are_the_lru_blocks_and_start_as_specified():
    model = frozen(hidden_size=5, cell=LRU(r_min=0.9, r_max=0.99))
    model.learn_one({"a": 1.0, "b": 2.0}, 0.5)
    shapes = {name: value.shape for name, value in model.params_.items()}
    assert shapes == {"nu": (5,), "theta": (5,), "gamma_log": (5,), "B_re": (5, 2),
                      "B_im": (5, 2), "W_hy": (1, 10), "b_y": (1,)}
    assert model.hidden_.shape == (10,)  # [Re h ; Im h]
    assert model.engine_.network.n_recurrent == 3 * 5 + 2 * 5 * 2
    assert isinstance(model.engine_.learner_state, DiagonalRTRLState)
    assert model.engine_.learner_state.influence.shape == (4 * 5 + 2 * 5 * 2,)
    fresh = frozen(hidden_size=5, cell=LRU(r_min=0.9, r_max=0.99))
    params = fresh.params_
    np.testing.assert_allclose(np.exp(params["theta"]), np.pi * (np.arange(5) + 0.5) / 5)
    radius = np.exp(-np.exp(params["nu"]))
    assert np.all((radius >= 0.9) & (radius <= 0.99))
    np.testing.assert_allclose(np.exp(params["gamma_log"]), np.sqrt(1 - radius**2))
    assert not params["B_re"].size  # no columns before the first features


@pytest.mark.parametrize("hidden_size", [1, 3, 8])
def test_forward_and_traces_equal_the_numpy_reference(hidden_size):
    stream = random_stream(40, 3, seed=hidden_size)
    model = frozen(hidden_size=hidden_size)
    _, params = reference_setup(model, stream)
    xs = as_arrays(stream, NAMES)
    h = naive.lru_states(params, xs)[-1][1]
    assert relative_error(model.hidden_, naive.lru_real(h)) < SAME_RECURSION
    traces = naive.lru_traces(params, xs)
    assert relative_error(model.engine_.learner_state.influence, traces) < SAME_RECURSION
    expected = naive.output(params, naive.lru_real(naive.lru_states(params, xs + xs[:1])[-1][1]))
    assert abs(model.predict_one(stream[0][0]) - expected[0]) < SAME_RECURSION * abs(expected[0])


@pytest.mark.parametrize("clip", [None, 0.5])
@pytest.mark.parametrize("recurrent_rate", [0.0, 1.0])
def test_online_sgd_trajectory_matches_reference(clip, recurrent_rate):
    """Learning with SGD: lambda frozen (recurrent_rate=0; the reference then steps nu and
    theta at rate 0), or learned at the full rate, where the reference keeps lambda's trace
    as the kernels do (see `naive.lru_online_rtrl`). At lr 0.02 with lambda learned, the two
    computations' rounding differences grow tenfold every three steps (the training itself is
    that sensitive), so the rate is 0.005, where they stay at 1e-16."""
    stream = random_stream(50, 3, seed=11)
    lr, n = 0.005, 5
    model = RTRLRegressor(cell=LRU(recurrent_rate=recurrent_rate), hidden_size=n,
                          optimizer="sgd", lr=lr, clip_gradient=clip, seed=2, **PLAIN)
    start, trajectory = sgd_trajectory(model, stream)
    xs, ys = as_arrays(stream, NAMES), [y for _, y in stream]
    rates = np.full(model.engine_.network.n_parameters, lr)
    rates[: 2 * n] *= recurrent_rate
    _, reference = naive.lru_online_rtrl(start, xs, ys, lr=rates, clip=clip,
                                         lambda_trace=recurrent_rate > 0)
    errors = [relative_error(a, b) for a, b in zip(trajectory, reference)]
    assert max(errors) < EXACT, max(errors)
    assert np.abs(trajectory[-1] - naive.flatten(start))[: 2 * n].min() > 0 or not recurrent_rate


def test_lambda_learns_at_the_cells_rate_times_recurrent_lr_scale():
    """nu and theta step at lr * recurrent_rate * recurrent_lr_scale (SGD: exactly that
    multiple of the full-rate step, up to the rounding of the weights), the rest at lr;
    recurrent_rate=0 keeps lambda at its start."""
    stream = random_stream(3, 2, seed=1)

    def one_step(rate, scale):
        model = RTRLRegressor(cell=LRU(recurrent_rate=rate), hidden_size=3, optimizer="sgd",
                              lr=0.01, recurrent_lr_scale=scale, seed=0, **PLAIN)
        model._initialize()
        assert model.engine_.optimizer_state.recurrent_end == 6  # nu and theta
        model.learn_one(*stream[0])
        perturb(model, np.random.default_rng(0))
        # lambda's gradient is 0 until a step starts from a state that is not: h_0 = 0, and
        # h_1 = 0 too, computed while B was still zero
        model.learn_one(*stream[1])
        before = model.engine_.network.theta.copy()
        model.learn_one(*stream[2])
        return model.engine_.network.theta - before, before

    full, before = one_step(1.0, 1.0)
    part, _ = one_step(0.1, 0.5)
    assert np.abs(full[:6]).min() > 0
    ulps = 4 * np.finfo(float).eps * np.abs(before).max()
    np.testing.assert_allclose(part[:6], 0.05 * full[:6], rtol=1e-9, atol=ulps)
    np.testing.assert_array_equal(part[6:], full[6:])
    frozen_step, _ = one_step(0.0, 1.0)
    assert not frozen_step[:6].any() and frozen_step[6:].any()


@pytest.mark.parametrize("cell, message", [
    (LRU(r_min=0.0), "'r_min' parameter of LRU"), (LRU(r_max=1.0), "'r_max' parameter of LRU"),
    (LRU(r_min=0.99, r_max=0.9), "r_min=0.99 is above r_max=0.9"),
    (LRU(recurrent_rate=-0.1), "'recurrent_rate'"), (LRU(recurrent_rate=float("nan")), "rate"),
    (LRU(r_min="0.9"), "r_min"), (LRU(r_max=True), "r_max"),
])
def test_the_cells_numbers_are_checked_on_the_first_learn(cell, message):
    model = RTRLRegressor(cell=cell)  # nothing checked before the first learn
    with pytest.raises(ValueError, match=message):
        model.learn_one({"a": 1.0}, 1.0)
    assert not model.__sklearn_is_fitted__()
    with pytest.raises(ValueError, match="cell"):
        RTRLRegressor(cell=LRU).learn_one({"a": 1.0}, 1.0)  # the class, not an object


def test_the_cell_is_a_parameter_object():
    from sklearn.base import clone as sklearn_clone

    model = RTRLRegressor(cell=LRU(r_min=0.9, r_max=0.999))
    for copy in (model.clone(), sklearn_clone(model)):
        assert copy.cell == model.cell and copy.cell is not model.cell
    assert repr(LRU(r_min=0.9)) == "LRU(r_min=0.9, r_max=0.999, recurrent_rate=0.01)"
    assert LRU() != LRU(r_min=0.5) and hash(LRU()) == hash(LRU())
    by_name, by_object = RTRLRegressor(cell="lru", seed=0), RTRLRegressor(cell=LRU(), seed=0)
    for x, y in random_stream(20, 2):
        by_name.learn_one(x, y)
        by_object.learn_one(x, y)
    np.testing.assert_array_equal(by_name.engine_.network.theta, by_object.engine_.network.theta)


@pytest.mark.parametrize("learner", ["rtrl", "tbptt"])
def test_a_feature_first_seen_mid_stream_is_a_zero_column_from_the_start(learner):
    """With Adam at a real rate, a model that meets f1 at step 10 ends bit for bit where a model
    that had f1 from the start, reading 0, does: B's new columns, their traces and moments are
    born zero, and a zero input keeps them zero."""
    stream = random_stream(30, 2, seed=7)
    late = [({"f0": x["f0"]} if t < 10 else x, y) for t, (x, y) in enumerate(stream)]
    early = [({"f0": x["f0"], "f1": 0.0} if t < 10 else x, y) for t, (x, y) in enumerate(stream)]
    models = [RTRLRegressor(cell="lru", hidden_size=4, learner=learner, lr=0.01, seed=1)
              for _ in range(2)]
    for (x_late, y), (x_early, _) in zip(late, early):
        models[0].learn_one(x_late, y)
        models[1].learn_one(x_early, y)
    grown, born = models
    np.testing.assert_array_equal(grown.engine_.network.theta, born.engine_.network.theta)
    np.testing.assert_array_equal(grown.hidden_, born.hidden_)
    np.testing.assert_array_equal(grown.engine_.optimizer_state.second_moment,
                                  born.engine_.optimizer_state.second_moment)
    for a, b in zip(grown.engine_.learner_state.traces(1), born.engine_.learner_state.traces(1)):
        np.testing.assert_array_equal(a, b)


def test_inputs_near_float64s_limit_never_make_the_state_nan():
    """The state is linear and unbounded: inputs near 1e308 overflow it, which saturates at
    float64's largest value instead of becoming inf, then NaN (inf - inf) the next step. Such
    steps' gradients are not finite: they are skipped, and the weights stay finite."""
    model = RTRLRegressor(cell="lru", hidden_size=4, seed=0)
    for x, y in random_stream(30, 2):
        model.learn_one(x, y)
    model.params_["B_re"][:] = 2.0  # B x overflows
    with pytest.warns(RuntimeWarning, match="NaN or an infinity"):
        for value in (1.7e308, -1.7e308, 1.7e308, 1.0):
            assert not np.isnan(model.predict_one({"f0": value, "f1": value}))
            model.learn_one({"f0": value, "f1": value}, 1.0)
    assert not np.isnan(model.hidden_).any() and np.abs(model.hidden_).max() > 1e300
    assert np.isfinite(model.engine_.network.theta).all() and model.n_skipped_updates_ > 0
