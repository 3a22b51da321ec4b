"""Threads: calls on one model from several threads run one at a time, each whole (the model's
lock); models in different threads never wait for each other."""

import copy
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rtrl_river.base
from rtrl_river import RTRLClassifier, RTRLRegressor

from .conftest import random_stream

ROOT = Path(__file__).resolve().parent.parent

# One thread learns a steady stream while another brings a new feature name (the classifier:
# a new label) every 100 of its steps, and predicts between its steps. Before the lock, the
# second thread grew the arrays while the first one's kernel ran on them without the GIL: a
# segfault or glibc's "free(): invalid next size" in 4 of 22 runs, a size error from inside
# a kernel in most others. Run in a process of its own, so that a crash fails the test.
CONCURRENT_GROWTH = textwrap.dedent("""
    import sys
    import threading

    import numpy as np

    from rtrl_river import RTRLClassifier, RTRLRegressor

    COMBINATIONS = [("elman", "rtrl"), ("elman", "snap-2"), ("elman", "tbptt"),
                    ("elman", "uoro"), ("elstm", "rtrl"), ("lru", "rtrl")]
    runs, steps = int(sys.argv[1]), int(sys.argv[2])
    failed = 0
    for run in range(runs):
        cell, learner = COMBINATIONS[run % len(COMBINATIONS)]
        classifier = run % 2 == 1
        Estimator = RTRLClassifier if classifier else RTRLRegressor
        model = Estimator(hidden_size=6, cell=cell, learner=learner, seed=run)
        model.learn_one({"a": 0.0}, 0)
        errors = []

        def steady():
            rng = np.random.default_rng(run)
            try:
                for t in range(steps):
                    model.learn_one({"a": float(rng.normal())}, t % 3)
            except Exception as error:
                errors.append(repr(error))

        def newcomer():
            try:
                for t in range(steps):
                    x, y = {"a": 0.5, "b": 1.0}, 1
                    if t % 100 == 0:
                        if classifier:
                            y = f"label {t}"
                        else:
                            x[f"new {t}"] = 1.0
                    if t % 2:
                        model.predict_one(x)
                    else:
                        model.learn_one(x, y)
            except Exception as error:
                errors.append(repr(error))

        threads = [threading.Thread(target=steady), threading.Thread(target=newcomer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors or model.t_ != 1 + steps + steps // 2:
            failed += 1
            print(run, model.t_, errors[:2], flush=True)
    print("failed runs", failed)
""")


@pytest.mark.slow
def test_a_thread_growing_the_model_beside_a_learning_thread_never_breaks_it():
    runs, steps = 24, 2000
    process = subprocess.run(
        [sys.executable, "-c", CONCURRENT_GROWTH, str(runs), str(steps)], cwd=ROOT,
        capture_output=True, text=True, timeout=600,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.strip().endswith("failed runs 0"), process.stdout[-2000:]


def run_together(*loops):
    """Run each function in a thread of its own and wait for all; re-raise the first error."""
    errors = []

    def guarded(loop):
        try:
            loop()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(loop,)) for loop in loops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
def test_predicting_in_another_thread_leaves_what_is_learned_as_learning_alone(Estimator):
    """Before the lock, predict_one wrote the one-step call's input row while learn_one's
    kernel read it: weights up to 0.021 away from learning alone, silently."""
    stream = random_stream(1500, 3, seed=4)
    targets = [y if Estimator is RTRLRegressor else int(y > 0) for _, y in stream]
    alone = Estimator(hidden_size=8, seed=0)
    for (x, _), y in zip(stream, targets):
        alone.learn_one(x, y)
    frame = pd.DataFrame([x for x, _ in stream[:5]])
    for run in range(5):
        model = Estimator(hidden_size=8, seed=0)
        done = threading.Event()

        def learner():
            try:
                for (x, _), y in zip(stream, targets):
                    model.learn_one(x, y)
            finally:
                done.set()

        def predictor():
            rng = np.random.default_rng(run)
            while not done.is_set():
                x = {f"f{j}": float(v) for j, v in enumerate(rng.normal(size=3))}
                if isinstance(model, RTRLRegressor):
                    model.predict_one(x)
                    model.predict_sequence([x, x])
                else:
                    model.predict_proba_one(x)
                if model.__sklearn_is_fitted__():
                    model.predict_many(frame)

        run_together(learner, predictor)
        np.testing.assert_array_equal(model.engine_.network.theta, alone.engine_.network.theta)
        np.testing.assert_array_equal(model.hidden_, alone.hidden_)


def test_two_threads_starting_one_model_build_one_engine(monkeypatch):
    """The first learn builds the engine; two threads doing it at once built two, and the
    steps learned on the one that lost were lost silently."""

    class SlowEngine(rtrl_river.base.Engine):
        def __init__(self, *args, **kwargs):
            time.sleep(0.02)  # the window in which a second thread would build another
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(rtrl_river.base, "Engine", SlowEngine)
    for run in range(5):
        model = RTRLRegressor(hidden_size=3, seed=0)
        ready = threading.Barrier(2)

        def first_step():
            ready.wait()
            model.learn_one({"a": 1.0}, 1.0)

        run_together(first_step, first_step)
        assert model.t_ == 2


def test_models_in_different_threads_do_not_wait_for_each_other():
    busy, free, fresh = (RTRLRegressor(hidden_size=3, seed=0) for _ in range(3))
    for model in (busy, free):
        model.learn_one({"a": 1.0}, 1.0)
    finished = threading.Event()

    def others():
        free.learn_one({"a": 2.0}, 0.5)
        fresh.learn_one({"a": 2.0}, 0.5)  # a model's first learn, too
        finished.set()

    with busy.engine_.lock:  # as a long call on `busy` would
        thread = threading.Thread(target=others)
        thread.start()
        assert finished.wait(timeout=60)
    thread.join()
    assert busy.engine_.lock is not free.engine_.lock


def test_a_call_waits_for_the_models_lock():
    model = RTRLRegressor(hidden_size=3, seed=0)
    model.learn_one({"a": 1.0}, 1.0)
    finished = threading.Event()

    def step():
        model.learn_one({"a": 2.0}, 0.5)
        finished.set()

    with model.engine_.lock:
        thread = threading.Thread(target=step)
        thread.start()
        assert not finished.wait(timeout=0.2)
        assert model.t_ == 1
    thread.join(timeout=60)
    assert finished.is_set() and model.t_ == 2


def test_the_lock_is_never_pickled_and_a_copy_has_its_own():
    model = RTRLClassifier(hidden_size=3, seed=0)
    model.learn_one({"a": 1.0}, "x")
    with model.engine_.lock:  # a pickle taken while another thread holds it
        saved = pickle.dumps(model)
    for other in (pickle.loads(saved), copy.deepcopy(model)):
        assert other.engine_.lock is not model.engine_.lock
        with model.engine_.lock:  # held here, the copy is free
            other.learn_one({"a": 1.0}, "y")
    assert b"RLock" not in saved


def test_fit_and_set_params_in_other_threads_leave_a_consistent_model():
    """A fit replaces the engine while other threads wait on the old one's lock (which it
    hands on): each of them then runs on the new engine, never on a dropped one."""
    stream = random_stream(200, 3, seed=1)
    X = np.array([list(x.values()) for x, _ in stream])
    y = np.array([y for _, y in stream])
    model = RTRLRegressor(hidden_size=4, seed=0, max_iter=2)
    model.fit(X, y)

    def fitter():
        for _ in range(3):
            model.fit(X, y)

    def stepper():
        for x, target in stream:
            model.learn_one(dict(enumerate(x.values())), target)

    def tuner():
        for k in range(200):
            model.set_params(lr=0.001 * (1 + k % 3))

    run_together(fitter, stepper, tuner)
    assert model.engine_.optimizer_state.schedule.learning_rate == model.lr
    assert model.n_features_in_ == 3 and model.engine_.network.n_inputs == 3 + 2
    assert model.t_ >= 2 * len(stream)  # the last fit's passes, and steps after it
    model.learn_one(dict(enumerate(stream[0][0].values())), 1.0)
