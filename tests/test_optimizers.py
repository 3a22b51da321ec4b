"""The kernel optimizers against River's own optimizers fed the same gradients; the learning-rate
schedules accepted and refused."""

import numpy as np
import pytest
from river import optim

from rtrl_river import RTRLRegressor
from rtrl_river._validation import InvalidParameterError
from rtrl_river.kernels.network import optimizer_step
from rtrl_river.optimizers import OptimizerState

CASES = [
    ("sgd", optim.SGD(0.05)),
    ("adam", optim.Adam(0.05, beta_1=0.8, beta_2=0.99, eps=1e-6)),
    ("rmsprop", optim.RMSProp(0.05, rho=0.8, eps=1e-6)),
    ("adagrad", optim.AdaGrad(0.05, eps=1e-6)),
    ("adam-scheduled", optim.Adam(optim.schedulers.InverseScaling(0.1, power=0.5))),
    ("sgd-optimal", optim.SGD(optim.schedulers.Optimal(optim.losses.Squared(), alpha=0.1))),
]


@pytest.mark.parametrize("name, river_optimizer", CASES, ids=[c[0] for c in CASES])
def test_kernel_optimizer_follows_river(name, river_optimizer):
    rng = np.random.default_rng(0)
    n_params = 7
    theta = rng.normal(size=n_params)
    state = OptimizerState(river_optimizer.clone(), None, n_params)
    reference = river_optimizer.clone()
    weights = dict(enumerate(theta))  # River's dict path exists for every optimizer
    for _ in range(25):
        gradient = rng.normal(size=n_params)
        rate = state.learning_rates(1)[0]
        optimizer_step(state.arrays(), theta, gradient, rate)
        weights = reference.step(weights, dict(enumerate(gradient)))
    # Same formulas, same order of operations: only last-bit rounding may differ.
    np.testing.assert_allclose(theta, [weights[i] for i in range(n_params)], rtol=1e-12, atol=1e-14)
    assert state.step[0] == reference.n_iterations


def test_kernel_sgd_is_rivers_to_the_bit():
    # The optimizer kernel fuses no multiply and add (it is compiled without fast-math flags,
    # so its vectorised and scalar iterations round alike): SGD's `w -= lr * g` is then
    # River's arithmetic exactly, over both of its blocks (W_hh's rate scaled by 1.0 here).
    rng = np.random.default_rng(1)
    n_params = 417  # an odd size: vectorised iterations and a scalar remainder
    theta = rng.normal(size=n_params)
    state = OptimizerState(optim.SGD(0.05), None, n_params, recurrent_end=256)
    reference = optim.SGD(0.05)
    weights = dict(enumerate(theta))
    for _ in range(50):
        gradient = rng.normal(size=n_params)
        optimizer_step(state.arrays(), theta, gradient, state.learning_rates(1)[0])
        weights = reference.step(weights, dict(enumerate(gradient)))
    assert theta.tolist() == [weights[i] for i in range(n_params)]


def test_learning_rates_for_a_chunk_follow_the_schedule():
    schedule = optim.schedulers.InverseScaling(0.1, power=0.5)
    state = OptimizerState(optim.SGD(schedule), None, 3)
    state.step[0] = 4
    np.testing.assert_allclose(state.learning_rates(3), [schedule.get(t) for t in (4, 5, 6)])


def test_named_optimizer_uses_lr_and_river_defaults():
    state = OptimizerState("adam", 0.02, 3)
    assert state.learning_rates(1)[0] == 0.02 * 8  # Adam settles from 8 lr to lr
    assert OptimizerState("sgd", 0.02, 3).learning_rates(1)[0] == 0.02
    assert state.settings["beta_1"] == optim.Adam().beta_1
    assert state.settings["beta_2"] == optim.Adam().beta_2


def test_adam_and_rmsprop_settle_from_eight_times_lr_to_lr_in_one_and_many_steps():
    for kind in ("adam", "rmsprop"):
        state = OptimizerState(kind, 0.001, 3)
        rates = [0.001 * (1.0 + 7.0 * 100.0 / (100.0 + t)) for t in range(2000)]
        many = state.learning_rates(2000)
        np.testing.assert_array_equal(many, rates)  # the same bits as one step at a time
        state.step[0] = 1999
        assert state.learning_rates(1)[0] == rates[-1]
        assert rates[0] == 0.008 and rates[-1] < 0.00135
    for kind in ("sgd", "adagrad"):
        assert (OptimizerState(kind, 0.001, 3).learning_rates(5) == 0.001).all()


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
