"""The regressor's head (target scaling, change prediction), the defaults, and numerics that
never let a NaN or an infinity reach the weights."""

import decimal
import math
import warnings

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError
from river import preprocessing, stats

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.datasets import DelayedRecall
from rtrl_river.heads import RunningStandardizer
from rtrl_river.kernels.calls import make_step_call
from rtrl_river.kernels.jit import JIT
from rtrl_river.kernels.network import clip_norm
from rtrl_river.kernels.stepcall import step_call
from rtrl_river.kernels.vector import block_dots, sum_of_squares, tanh_in_place

from .conftest import random_stream
from .test_exactness import PLAIN


def predictions_and_learn(model, stream):
    predictions = []
    for t, (x, y) in enumerate(stream):
        # River's wrapper cannot unscale the inner model's None before the first target
        predictions.append(model.predict_one(x) if t else None)
        model.learn_one(x, y)
    return predictions


# ------------------------------------------------------------------ the head


@pytest.mark.parametrize("feedback", [False, True])
def test_target_scaling_is_river_target_standard_scaler_wrapping(feedback):
    """Standardising inside equals wrapping the plain regressor in TargetStandardScaler: the
    same network targets (so the same weights, bit for bit) and the same predictions up to
    the last bits of one multiply-add."""
    stream = random_stream(1000, 3, seed=2)  # long enough for a sqrt to differ from pow
    stream = [(x, 50.0 + 20.0 * y) for x, y in stream]  # far from 0 and from unit scale
    inside = RTRLRegressor(hidden_size=4, target_feedback=feedback, target_scaling=True,
                           predict_change=False, seed=1)
    wrapped = preprocessing.TargetStandardScaler(
        RTRLRegressor(hidden_size=4, **{**PLAIN, "target_feedback": feedback}, seed=1))
    ours, river = predictions_and_learn(inside, stream), predictions_and_learn(wrapped, stream)
    np.testing.assert_array_equal(inside.engine_.network.theta,
                                  wrapped.regressor.engine_.network.theta)
    assert inside.predict_one(stream[0][0]) is not None
    np.testing.assert_allclose(ours[1:], river[1:], rtol=1e-12)


def test_predict_change_is_learning_the_difference_and_adding_the_last_target_back():
    """The network learns the difference y_t - y_{t-1}; the prediction adds back the last
    target and the gated predicted change (the gate: how much better than no change the
    network has done lately, kernels/targets.py)."""
    stream = random_stream(80, 3, seed=3)
    change = RTRLRegressor(hidden_size=4, target_feedback=False, target_scaling=False,
                           predict_change=True, seed=5)
    plain = RTRLRegressor(hidden_size=4, **PLAIN, seed=5)
    ours, by_hand, last = [], [], None
    for x, y in stream:
        ours.append(change.predict_one(x))
        if last is not None:
            by_hand.append(last + change.change_gate_ * plain.predict_one(x))
        change.learn_one(x, y)
        plain.learn_one(x, y - (y if last is None else last))  # the first change is 0
        last = y
    np.testing.assert_array_equal(change.engine_.network.theta, plain.engine_.network.theta)
    np.testing.assert_allclose(ours[1:], by_hand, rtol=1e-12)


def test_running_standardizer_matches_river_and_survives_huge_values():
    values = [3.0, 5.0, 4.0, 7.0, 10.0, 12.0, -1.5]
    ours, var = RunningStandardizer(), stats.Var()
    for v in values:
        z = ours.learn(v)
        var.update(v)
        expected = (v - var.mean.get()) / var.get() ** 0.5 if var.get() else 0.0
        assert z == expected  # bit for bit: the same arithmetic
        assert ours.std == var.get() ** 0.5 and ours.location == var.mean.get()
    # River takes the standard deviation as `** 0.5` (libm's pow), not as a square root: the
    # two round differently about once in a thousand values
    many, var = RunningStandardizer(), stats.Var()
    for v in np.random.default_rng(3).normal(5.0, 3.0, 20_000).tolist():
        var.update(v)
        expected = (v - var.mean.get()) / var.get() ** 0.5 if var.get() else 0.0
        assert many.learn(v) == expected
    huge = RunningStandardizer()
    for v in values:
        z = huge.learn(v * 1e300)  # the sum of squares alone would overflow
    assert z == pytest.approx(ours.standardize(-1.5), rel=1e-12)
    assert math.isfinite(huge.std) and huge.std == pytest.approx(ours.std * 1e300, rel=1e-12)


def test_predictions_before_the_first_target_follow_rivers_conventions():
    # a regressor predicts 0.0, as River's do; a classifier {}, as River's do
    assert RTRLRegressor(seed=0).predict_one({"a": 1.0}) == 0.0
    assert RTRLRegressor(seed=0).predict_sequence([{"a": 1.0}] * 3) == [0.0, 0.0, 0.0]
    assert RTRLClassifier(seed=0).predict_proba_one({"a": 1.0}) == {}
    model = RTRLRegressor(seed=0)
    model.learn_one({"a": 1.0}, 7.0)
    assert model.predict_one({"a": 1.0}) == 7.0  # no change predicted yet: the last target


def test_chained_sklearn_predict_feeds_back_its_own_level_and_change():
    """sklearn `predict` chains the rows, feeding each prediction back as the next row's
    previous target (standardised level, and the change it predicted), with the running
    statistics as they are: checked against a numpy forward pass."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 2)), np.cumsum(rng.normal(size=60)) + 30.0
    model = RTRLRegressor(hidden_size=4, seed=0, max_iter=1).fit(X[:50], y[:50])
    p = model.params_
    level_mean, level_std = model.level_scaler_.location, model.level_scaler_.std
    change_mean, change_std = model.target_scaler_.location, model.target_scaler_.std
    h, level = model.hidden_.copy(), y[49]
    feedback = [(y[49] - level_mean) / level_std, (y[49] - y[48] - change_mean) / change_std]
    gate = model.change_gate_
    expected = []
    for row in X[50:]:
        inputs = np.concatenate([row, feedback])
        h = np.tanh(p["W_hh"] @ h + p["W_xh"] @ inputs + p["b_h"])
        change = gate * (change_std * (p["W_hy"] @ h + p["b_y"])[0] + change_mean)
        prediction = level + change
        expected.append(prediction)
        feedback = [(prediction - level_mean) / level_std, (change - change_mean) / change_std]
        level = prediction
    chained = model.predict(X[50:])
    np.testing.assert_allclose(chained, expected, rtol=1e-10)
    np.testing.assert_array_equal(model.predict(X[50:]), chained)  # predict changed nothing


# ------------------------------------------------------------------ numerics


def test_clip_norm_never_overflows_and_refuses_non_finite_gradients():
    gradient = np.array([3e200, -4e200, 0.0])
    assert clip_norm(gradient, 5.0)
    np.testing.assert_allclose(gradient, [3.0, -4.0, 0.0], rtol=1e-14)
    for bad in (np.nan, np.inf):
        gradient = np.array([1.0, bad])
        assert not clip_norm(gradient, 5.0)
        assert gradient[0] == 1.0  # untouched
    assert not clip_norm(np.array([1e200, 1e200]), 0.0)  # no clipping asked: refused, not applied
    small = np.array([0.3, 0.4])
    assert clip_norm(small, 5.0) and small.tolist() == [0.3, 0.4]


@njit(**{**JIT, "cache": False})
def _sum_of_squares(vector):
    return sum_of_squares(vector)


@pytest.mark.parametrize("size", [0, 1, 7, 31, 32, 33, 100, 417, 17409])
def test_sum_of_squares_is_accurate_and_the_same_wherever_the_vector_sits(size):
    # The norm's sum in 32 partial sums (kernels/vector.py): against math.fsum (exactly
    # rounded), to 1e-14 relative (fewer than log2(size) roundings of sums of positive terms,
    # each within 2^-53); and to the bit the same at an address 8 bytes off, so identically
    # seeded models agree wherever their arrays sit.
    values = np.random.default_rng(size).normal(size=size)
    got = _sum_of_squares(values)
    assert got == pytest.approx(math.fsum(float(v) * float(v) for v in values), rel=1e-14, abs=0)
    buffer = np.empty(size + 1)
    shifted = buffer[1:]  # 8 bytes past numpy's 16- or 64-byte alignment
    shifted[:] = values
    assert shifted.ctypes.data % 16 != values.ctypes.data % 16 or size == 0
    assert _sum_of_squares(shifted) == got


@njit(**{**JIT, "cache": False})  # the kernels' fast-math flags, which the sums must not feel
def _block_dots(matrix, start, vector, rows):
    out = np.empty(rows)
    block_dots(matrix, start, vector, out)
    return out


@pytest.mark.parametrize("size", [0, 31, 32, 33, 100, 128, 417])
def test_block_dots_sum_the_full_blocks_accurately_wherever_the_arrays_sit(size):
    # The vector part of each row of W_hh and W_hy in the forward step (kernels/vector.py):
    # the products of the full blocks of 32 entries, against math.fsum to 1e-14 of the sum of
    # their magnitudes (under log2(size) + 1 roundings of terms of that size); and to the bit
    # the same with every array 8 bytes off.
    rng = np.random.default_rng(size)
    matrix, vector = rng.normal(size=3 * size + 5), rng.normal(size=size)
    full = size - size % 32
    got = _block_dots(matrix, 5, vector, 3)
    for r in range(3):
        row = matrix[5 + r * size : 5 + r * size + full]
        products = [float(a) * float(b) for a, b in zip(row, vector[:full])]
        assert abs(got[r] - math.fsum(products)) <= 1e-14 * math.fsum(abs(p) for p in products)
    shifted_matrix, shifted_vector = np.empty(3 * size + 6)[1:], np.empty(size + 1)[1:]
    shifted_matrix[:], shifted_vector[:] = matrix, vector
    assert np.array_equal(_block_dots(shifted_matrix, 5, shifted_vector, 3), got)


def test_block_dots_read_nothing_outside_their_arrays():
    # A row that does not lie inside the matrix (a negative start, too little room) sums
    # nothing; the rows that do are summed.
    matrix, vector = np.ones(64), np.ones(32)
    assert list(_block_dots(matrix, 0, vector, 3)) == [32.0, 32.0, 0.0]
    assert list(_block_dots(matrix, 1, vector, 2)) == [32.0, 0.0]
    for start in (33, 64, 10**6, -1, -(10**6)):
        assert list(_block_dots(matrix, start, vector, 1)) == [0.0]


def test_block_dots_refuse_a_read_only_output():
    out = np.zeros(1)
    out.flags.writeable = False
    with pytest.raises(TypingError):
        njit(lambda m, v, o: block_dots(m, 0, v, o))(np.ones(32), np.ones(32), out)


@njit(**{**JIT, "cache": False})
def _tanh_in_place(values):
    tanh_in_place(values)


def _tanh(values):
    out = values.copy()
    _tanh_in_place(out)
    return out


@njit(**{**JIT, "cache": False})
def _libm_tanh(values):
    out = np.empty_like(values)
    for i in range(values.shape[0]):
        out[i] = math.tanh(values[i])  # numba calls the C library's tanh
    return out


def _exact_tanh(x):
    e = (2 * decimal.Decimal(x)).exp()
    return (e - 1) / (e + 1)


def test_vector_tanh_is_within_a_few_ulps_of_the_exact_value_and_of_libm():
    # The Elman cell's activation on vectors (kernels/vector.py), against tanh computed to 50
    # digits: within 2.25 units in the last place (2.07 was the worst seen over millions of
    # points; the C library's own tanh reaches 2.13 by the same measure), and within 3 units
    # of the C library's over 1.8 million points. The bound is the error analysis of the
    # formula: expm1 to about one unit (a correctly rounded reduction and series), then one
    # division of two such quantities and a final rounding.
    rng = np.random.default_rng(1)
    scales = (1e-9, 1e-3, 0.1, 0.3, 0.6, 1.0, 3.0, 10.0)
    sample = np.concatenate([rng.normal(size=1000) * s for s in scales])
    with decimal.localcontext() as context:
        context.prec = 50
        for x, got in zip(sample, _tanh(sample)):
            exact = _exact_tanh(float(x))
            bound = decimal.Decimal(2.25 * math.ulp(float(exact)))
            assert abs(decimal.Decimal(float(got)) - exact) <= bound
    many = np.concatenate([rng.normal(size=200_000) * s for s in scales]
                          + [np.linspace(-25.0, 25.0, 200_001)])
    libm = _libm_tanh(many)
    assert np.all(np.abs(_tanh(many) - libm) <= 3 * np.spacing(np.abs(libm)))


def test_vector_tanh_special_values_and_addresses():
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 2.0 ** -29, -(2.0 ** -29), 5e-324,
                         19.0, 20.0, 1e300, -1e300, 1.0, -1.0])
    got = _tanh(specials)
    assert got.tolist() == [0.0, -0.0, 1.0, -1.0, 0.0, 2.0 ** -29, -(2.0 ** -29), 5e-324,
                            math.tanh(19.0), 1.0, 1.0, -1.0, math.tanh(1.0), -math.tanh(1.0)]
    assert np.signbit(got[1]) and not np.signbit(got[4])  # -0 kept; NaN read as +0
    # Every length from 0 to 17 (no block, one, two, with rests) at every offset of 0-8
    # entries into a buffer: the same bits, and nothing written outside the vector.
    values = np.random.default_rng(2).normal(size=17)
    for length in range(18):
        expected = _tanh(values[:length])
        for offset in range(9):
            buffer = np.full(length + 18, 7.0)
            view = buffer[offset + 1 : offset + 1 + length]
            view[:] = values[:length]
            _tanh_in_place(view)
            assert view.tolist() == expected.tolist()
            assert (buffer[: offset + 1] == 7.0).all()
            assert (buffer[offset + 1 + length :] == 7.0).all()
    # one at a time (the rest's path) as in blocks of eight
    assert [_tanh(values[i : i + 1])[0] for i in range(17)] == _tanh(values).tolist()


def test_a_step_call_holds_only_arrays_numbers_and_booleans():
    # StepCall stores its tuple without references of its own (kernels/stepcall.py): a member
    # with a reference count of its own (here a string) is refused when it is compiled.
    with pytest.raises(TypingError, match="StepCall holds arrays, numbers and booleans"):
        step_call((np.zeros(2), "text"))
    assert type(step_call((np.zeros(2), (1, 2.0, True), np.ones((2, 3))))).__name__ == "StepCall"
    with pytest.raises(RuntimeError, match="arguments"):
        make_step_call((np.zeros(2),))


def test_a_non_finite_trace_skips_the_update_resets_the_traces_and_warns_once():
    stream = random_stream(10, 2, seed=1)
    model = RTRLRegressor(hidden_size=3, seed=0)
    for x, y in stream[:5]:
        model.learn_one(x, y)
    theta = model.engine_.network.theta.copy()
    for matrix in model.engine_.learner_state.matrices:
        matrix[:] = np.inf  # as if the trace had overflowed
    with pytest.warns(RuntimeWarning, match="NaN or an infinity"):
        model.learn_one(*stream[5])
    np.testing.assert_array_equal(model.engine_.network.theta, theta)
    assert model.n_skipped_updates_ == 1
    assert all(np.all(matrix == 0.0) for matrix in model.engine_.learner_state.matrices)
    for matrix in model.engine_.learner_state.matrices:
        matrix[:] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per model: no second warning
        model.learn_one(*stream[6])
    assert model.n_skipped_updates_ == 2
    model.learn_one(*stream[7])  # and learning goes on
    assert not np.array_equal(model.engine_.network.theta, theta)
    assert np.isfinite(model.engine_.network.theta).all()


@pytest.mark.filterwarnings("ignore:RTRLRegressor. a gradient with a NaN:RuntimeWarning")
@pytest.mark.parametrize("learner", ["rtrl", "snap-1", "tbptt", "uoro"])
@pytest.mark.parametrize("scale", [1e160, 1e300])
def test_extreme_inputs_and_targets_leave_weights_finite_and_learning(learner, scale):
    rng = np.random.default_rng(0)
    model = RTRLRegressor(hidden_size=4, learner=learner, seed=0)
    for t in range(60):
        x = {"a": float(rng.normal() * scale), "b": float(rng.normal())}
        model.learn_one(x, float(rng.normal() * scale))
        prediction = model.predict_one(x)
        assert math.isfinite(prediction)
    assert np.isfinite(model.engine_.network.theta).all()
    before = model.engine_.network.theta.copy()
    for t in range(20):  # ordinary data afterwards still moves the weights
        model.learn_one({"a": 0.1, "b": 0.2}, float(rng.normal()))
    assert np.isfinite(model.engine_.network.theta).all()
    assert not np.array_equal(model.engine_.network.theta, before)


def test_uoro_stays_finite_where_its_tangents_used_to_overflow():
    """UORO at the old defaults (lr 0.01, clip 1) on Gaussian delayed recall, lag 5, seed 4:
    its tangents grew geometrically until they overflowed and NaN reached the weights. Its
    estimate is now kept bounded; the run stays finite and learns something."""
    model = preprocessing.StandardScaler() | RTRLRegressor(
        learner="uoro", lr=0.01, clip_gradient=1.0, target_feedback=False, target_scaling=False,
        predict_change=False, seed=4)
    stream = list(DelayedRecall(delay=5, n_steps=20_000, seed=4, distribution="gaussian"))
    for x, y in stream:
        prediction = model.predict_one(x)
        assert prediction is None or math.isfinite(prediction)
        model.learn_one(x, y)
    estimator = model["RTRLRegressor"]
    assert np.isfinite(estimator.engine_.network.theta).all()
    state = estimator.engine_.learner_state
    assert np.isfinite(state.state_tangent).all() and np.isfinite(state.parameter_tangent).all()


# ------------------------------------------------------------------ learning at the defaults


def memory_nmse(stream, model):
    """NMSE over the last quarter of a progressive run."""
    quarter = 3 * len(stream) // 4
    errors, targets = [], []
    for t, (x, y) in enumerate(stream):
        prediction = model.predict_one(x)
        if t >= quarter:
            errors.append(prediction - y)
            targets.append(y)
        model.learn_one(x, y)
    return float(np.mean(np.square(errors)) / np.var(targets))


def test_delayed_recall_is_learned_at_the_defaults_on_every_seed():
    """The suite's memory task, at the defaults, seeds 0-2: NMSE far below the no-memory floor
    of 1 on each seed (the suite's medians are about 0.015)."""
    scores = [
        memory_nmse(
            list(DelayedRecall(delay=5, n_steps=20_000, seed=seed, distribution="gaussian")),
            preprocessing.StandardScaler() | RTRLRegressor(seed=seed))
        for seed in range(3)
    ]
    assert max(scores) < 0.05, scores
    assert float(np.median(scores)) < 0.02, scores


def test_targets_at_the_edge_of_float64_saturate_instead_of_overflowing():
    """Alternating targets near +-1.7e308: their change is beyond float64's range, and so
    would a change added to such a level be. Both saturate; nothing becomes inf or NaN."""
    model = RTRLRegressor(hidden_size=3, seed=0)
    for y in [1.0, 2.0, -1.7e308, 1.7e308, -1.79e308, 1.0, 5.0]:
        model.learn_one({"a": 1.0}, y)
        assert math.isfinite(model.predict_one({"a": 1.0}))
    assert np.isfinite(model.engine_.network.theta).all()
