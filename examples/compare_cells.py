"""The Elman and eLSTM cells on memory streams, three seeds each.

Run: python examples/compare_cells.py      (a few minutes on one core)

Delayed recall (y_t = x_{t-lag}, random signs): progressive MSE over the last 4,000 of 20,000
steps; 1 is the memoryless floor. Add task (lags 3 and 8): progressive cross-entropy over the
last 5,000 of 50,000 steps; floors 0.662 nats with no memory, 0.519 knowing lag 3 only, 0.454
knowing both. Smoothing (y_t = an exponential moving average of Gaussian x_t with time constant
tau, scaled to unit variance): progressive MSE over the last 4,000 of 20,000 steps; 1 is the
floor of a model that predicts 0.
"""

import math
import statistics
import sys

import numpy as np
from river import optim

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.datasets import AddTask, DelayedRecall
from rtrl_river.learners import TBPTT

# The settings this comparison was measured with: the plain regression head (no target
# scaling, change prediction or fed-back target), clipping at 1, Adam at 0.001; the classifier
# without the fed-back label. The quality suite (`rtrl-river suite`) compares the cells at the
# defaults.
PLAIN = dict(target_feedback=False, target_scaling=False, predict_change=False, clip_gradient=1.0)

MODELS = {
    "elman n=16 rtrl": dict(cell="elman", hidden_size=16),
    "elman n=16 tbptt(16)": dict(cell="elman", hidden_size=16, learner=TBPTT(truncation=16)),
    "elstm n=64 rtrl": dict(cell="elstm", hidden_size=64),
    "elstm n=256 rtrl": dict(cell="elstm", hidden_size=256),
}
# Delayed recall also runs the eLSTM at a larger learning rate, where it learns more.
RECALL_MODELS = {
    **MODELS,
    "elstm n=64 rtrl lr.01": dict(cell="elstm", hidden_size=64, lr=0.01),
    "elstm n=64 tbptt lr.01": dict(cell="elstm", hidden_size=64, lr=0.01,
                                   learner=TBPTT(truncation=16)),
}


def recall_mse(settings, lag, seed):
    model = RTRLRegressor(**{"lr": 0.001, "seed": seed, **PLAIN, **settings})
    errors = []
    for x, y in DelayedRecall(delay=lag, n_steps=20_000, seed=seed):
        prediction = model.predict_one(x)  # None before the first target
        errors.append(np.nan if prediction is None else (prediction - y) ** 2)
        model.learn_one(x, y)
    return float(np.mean(errors[-4000:]))


def smoothing_mse(settings, tau, seed, n_steps=20_000):
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=n_steps)
    targets, level = np.zeros(n_steps), 0.0
    for t in range(n_steps):
        level += (inputs[t] - level) / tau
        targets[t] = level
    targets /= targets.std()
    model = RTRLRegressor(**{"lr": 0.001, "seed": seed, **PLAIN, **settings})
    errors = []
    for x, y in zip(inputs.tolist(), targets.tolist()):
        prediction = model.predict_one({"x": x})  # None before the first target
        errors.append(np.nan if prediction is None else (prediction - y) ** 2)
        model.learn_one({"x": x}, y)
    return float(np.mean(errors[-4000:]))


def add_task_loss(settings, seed):
    model = RTRLClassifier(
        optimizer=optim.Adam(optim.schedulers.InverseScaling(0.003, power=0.2)),
        clip_gradient=None, target_feedback=False, seed=seed, **settings,
    )
    losses = []
    for x, y in AddTask(n_steps=50_000, seed=seed):
        losses.append(-math.log(max(model.predict_proba_one(x).get(y, 0.0), 1e-12)))
        model.learn_one(x, y)
    return float(np.mean(losses[-5000:]))


def row(name, scores):
    return (f"{name:<22} {statistics.mean(scores):.3f} ± {statistics.stdev(scores):.3f}   "
            + "  ".join(f"{s:.3f}" for s in scores))


if __name__ == "__main__":
    lags = [int(a) for a in sys.argv[1:]] or [2, 6, 20, 50, 100]
    for lag in lags:
        print(f"\ndelayed recall, lag {lag}: progressive MSE, last 4,000 of 20,000 steps "
              "(floor 1), Adam lr 0.001 unless said", flush=True)
        for name, settings in RECALL_MODELS.items():
            print(row(name, [recall_mse(settings, lag, seed) for seed in range(3)]), flush=True)
    for tau in (10, 50):
        print(f"\nsmoothing, time constant {tau}: progressive MSE, last 4,000 of 20,000 steps "
              "(floor 1), Adam lr 0.001", flush=True)
        for name, settings in MODELS.items():
            print(row(name, [smoothing_mse(settings, tau, seed) for seed in range(3)]), flush=True)
    print("\nadd task (lags 3, 8): cross-entropy, last 5,000 of 50,000 steps (floors 0.662 / "
          "0.519 / 0.454)", flush=True)
    for name, settings in MODELS.items():
        print(row(name, [add_task_loss(settings, seed) for seed in range(3)]), flush=True)
