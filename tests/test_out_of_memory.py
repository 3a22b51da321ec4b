"""A growth that runs out of memory leaves the model exactly as it was (its pickle, byte for
byte), and the model learns on as if nothing had happened.

Each case makes the k-th allocation of the growth raise MemoryError, for k = 1, 2, ... until
the growth needs fewer: every allocation site of every array that grows (parameters, moments,
step buffers, each learner's traces, in their room and beyond it, zero or not) fails once.
"""

import contextlib
import pickle

import numpy as np
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.base import RTRLEstimator
from rtrl_river.engine import Engine, ManyFeaturesWarning

from .conftest import random_stream

# numpy's allocating functions the package calls (aligned_zeros and aligned go through them)
ALLOCATORS = ("zeros", "empty", "full", "insert", "concatenate", "ascontiguousarray", "array",
              "asarray")
# (cell, learner): every learner on each cell it runs on
LEARNERS = [("elman", "rtrl"), ("elman", "snap-1"), ("elman", "snap-2"), ("elman", "tbptt"),
            ("elman", "uoro"), ("elstm", "rtrl"), ("elstm", "tbptt"), ("lru", "rtrl"),
            ("lru", "snap-1"), ("lru", "tbptt")]
STREAM = random_stream(12, 3, seed=6)

pytestmark = pytest.mark.filterwarnings(f"ignore::{ManyFeaturesWarning.__module__}."
                                        f"{ManyFeaturesWarning.__name__}")


class Allocations:
    """Counts numpy's allocations while armed, and makes the `fail_at`-th raise MemoryError."""

    def __init__(self, fail_at):
        self.fail_at, self.count, self.armed = fail_at, 0, 0

    def wrap(self, allocate):
        def counted(*args, **kwargs):
            if self.armed:
                self.count += 1
                if self.count == self.fail_at:
                    raise MemoryError(f"allocation {self.count} refused")
            return allocate(*args, **kwargs)

        return counted

    def arming(self, method):
        def armed(*args, **kwargs):
            self.armed += 1
            try:
                return method(*args, **kwargs)
            finally:
                self.armed -= 1

        return armed


@contextlib.contextmanager
def refused_allocation(monkeypatch, fail_at, whole_call):
    """Allocations counted inside a growth (the estimator's and the engine's), or inside the
    whole call when `whole_call` (a model's first call, which must leave it unstarted)."""
    allocations = Allocations(fail_at)
    with monkeypatch.context() as patch:
        for name in ALLOCATORS:
            patch.setattr(np, name, allocations.wrap(getattr(np, name)))
        patch.setattr(RTRLEstimator, "_add_features",
                      allocations.arming(RTRLEstimator._add_features))
        patch.setattr(Engine, "grow_for_targets", allocations.arming(Engine.grow_for_targets))
        allocations.armed = int(whole_call)
        yield allocations


def every_refusal(monkeypatch, model, grow, whole_call=False):
    """Run grow(model) with its k-th allocation refused, for every k until it needs fewer;
    each refusal must leave the model's pickle as it was. Returns (sites refused, the model
    grown without a refusal, a model that met the last refusal)."""
    saved = pickle.dumps(model)
    refused = None
    for fail_at in range(1, 10_000):
        trial = pickle.loads(saved)
        before = pickle.dumps(trial)
        with refused_allocation(monkeypatch, fail_at, whole_call) as allocations:
            try:
                grow(trial)
            except MemoryError:
                assert pickle.dumps(trial) == before, f"allocation {fail_at} changed the model"
                refused = trial
                continue
        assert allocations.count < fail_at
        return fail_at - 1, trial, refused
    raise AssertionError("the growth never ended")


def learned(Estimator, cell, learner, reset=False):
    model = Estimator(hidden_size=3, cell=cell, learner=learner, seed=0)
    for t, (x, y) in enumerate(STREAM[:8]):
        model.learn_one(x, y if Estimator is RTRLRegressor else t % 2)
    if reset:
        model.reset_state()  # zero traces: their buffers are let go before larger ones exist
    return model


def assert_learns_on(model, reference, label=False):
    """After the refusals, the model learns exactly as one that never met them."""
    for t, (x, y) in enumerate(STREAM[8:]):
        for m in (model, reference):
            m.learn_one(x, t % 2 if label else y)
    np.testing.assert_array_equal(model.engine_.network.theta, reference.engine_.network.theta)
    np.testing.assert_array_equal(model.hidden_, reference.hidden_)


@pytest.mark.parametrize("cell, learner", LEARNERS)
@pytest.mark.parametrize("count", [3, 3000])  # in the traces' room, and far beyond it
@pytest.mark.parametrize("reset", [False, True])
def test_new_features_that_run_out_of_memory_change_nothing(monkeypatch, cell, learner, count,
                                                            reset):
    model = learned(RTRLRegressor, cell, learner, reset)
    reference = pickle.loads(pickle.dumps(model))
    x, y = STREAM[8]
    x = {**x, **{f"new {j}": 0.01 * j for j in range(count)}}
    sites, grown, refused = every_refusal(monkeypatch, model, lambda m: m.learn_one(x, y))
    assert sites >= 6  # the parameters, two moments, the step buffers, the traces...
    reference.learn_one(x, y)
    assert pickle.dumps(grown) == pickle.dumps(reference)
    refused.learn_one(x, y)  # the refused model grows when memory allows
    assert_learns_on(refused, reference)


@pytest.mark.parametrize("cell, learner", LEARNERS)
def test_a_new_class_that_runs_out_of_memory_changes_nothing(monkeypatch, cell, learner):
    model = learned(RTRLClassifier, cell, learner)
    reference = pickle.loads(pickle.dumps(model))
    x, _ = STREAM[8]
    sites, grown, refused = every_refusal(monkeypatch, model,
                                          lambda m: m.learn_one(x, "new class"))
    assert sites >= 6
    reference.learn_one(x, "new class")
    assert pickle.dumps(grown) == pickle.dumps(reference)
    refused.learn_one(x, "new class")
    assert_learns_on(refused, reference, label=True)


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@pytest.mark.parametrize("cell, learner", LEARNERS[::3])
def test_a_first_step_that_runs_out_of_memory_leaves_the_model_unstarted(monkeypatch,
                                                                          Estimator, cell,
                                                                          learner):
    model = Estimator(hidden_size=3, cell=cell, learner=learner, seed=0)
    x = {f"f{j}": 0.01 * j for j in range(3000)}
    sites, grown, _ = every_refusal(monkeypatch, model, lambda m: m.learn_one(x, 1),
                                    whole_call=True)
    assert sites >= 10 and grown.t_ == 1
    assert not model.__sklearn_is_fitted__()
