"""Every gradient estimator on the delayed-recall stream (y_t = x_{t-6}), three seeds each, at
the estimator's defaults.

Run: python examples/compare_learners.py      (about 20 s)
The same comparison, with a table, CSV, JSON and plot: rtrl-river compare --dataset delayed-recall
"""

import statistics

import numpy as np

from rtrl_river import RTRLRegressor
from rtrl_river.datasets import DelayedRecall
from rtrl_river.learners import RTRL, TBPTT, UORO, SnAp

LEARNERS = {
    "RTRL": RTRL(),
    "SnAp-1": SnAp(level=1),
    "SnAp-2": SnAp(level=2),
    "TBPTT(8)": TBPTT(truncation=8),
    "TBPTT(3)": TBPTT(truncation=3),
    "TBPTT(2)": TBPTT(truncation=2),
    "UORO": UORO(),
}


def final_mse(learner, seed):
    model = RTRLRegressor(learner=learner, seed=seed)
    errors = []
    for x, y in DelayedRecall(delay=6, n_steps=20_000, seed=seed):
        prediction = model.predict_one(x)  # None before the first target
        errors.append(np.nan if prediction is None else (prediction - y) ** 2)
        model.learn_one(x, y)
    return float(np.mean(errors[-4000:]))


if __name__ == "__main__":
    print("progressive MSE over the last 4,000 of 20,000 steps (memoryless floor: 1)")
    for name, learner in LEARNERS.items():
        scores = [final_mse(learner, seed) for seed in range(3)]
        print(f"{name:<10} {statistics.mean(scores):.3f} ± {statistics.stdev(scores):.3f}   "
              + "  ".join(f"{s:.3f}" for s in scores))
