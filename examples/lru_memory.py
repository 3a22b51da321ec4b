"""Long memory on the LRU cell: what the exact gradient adds to the memory the cell gives.

Four ways to learn with the same cell (`cell="lru"` at its default size, 64 complex modes,
the regressor's other defaults), on delayed recall (one Gaussian input, y_t = x_{t-lag}) and
selective recall (8 Gaussian inputs, y_t = x0_{t-lag}: the other 7 are distractors):

- exact RTRL (the default learner): the input weights B learn from the whole past;
- TBPTT(k): B learns through the last k steps only, for k = 16 and the window whose step
  costs what exact RTRL's does (measured here, interleaved);
- B frozen: B (and gamma) drawn at random, N(0, 1/(2d)) as the LRU paper's start, and kept
  there, lambda frozen too: only the read-out learns, from a fixed random memory;
- an RLS read-out: the same fixed random memory, read out by recursive least squares over
  [Re h_t; Im h_t; 1] (the best linear read-out of that memory, at O((2n)^2) a step).

NMSE over the last quarter of 30,000 steps (no memory: 1), progressive validation, medians
over seeds. The B-frozen arm restores B after every step (its Adam moments move, its weights
do not); the RLS arm runs the frozen model for its states and fits the read-out itself.

Run: python examples/lru_memory.py [--seeds 3] [--quick]   (about 10 min on 2 cores)
"""

import argparse
import statistics

import numpy as np
from river import preprocessing

from rtrl_river import RTRLRegressor
from rtrl_river.cells import LRU
from rtrl_river.datasets import DelayedRecall, SelectiveRecall
from rtrl_river.learners import TBPTT

from timing import equal_cost_window, seconds_per_step

N_STEPS = 30_000
TASKS = {
    "delayed recall, lag 20": lambda seed, n: DelayedRecall(20, n, seed, "gaussian"),
    "delayed recall, lag 50": lambda seed, n: DelayedRecall(50, n, seed, "gaussian"),
    "delayed recall, lag 100": lambda seed, n: DelayedRecall(100, n, seed, "gaussian"),
    "selective recall, lag 20": lambda seed, n: SelectiveRecall(20, 8, n, seed),
    "selective recall, lag 50": lambda seed, n: SelectiveRecall(50, 8, n, seed),
}
WINDOWS = (2, 4, 8, 16, 32)


def model_for(arm, seed):
    if arm.startswith("TBPTT"):
        window = int(arm[6:-1])
        return RTRLRegressor(cell="lru", learner=TBPTT(truncation=window), seed=seed)
    if arm in ("B frozen", "RLS read-out"):
        return RTRLRegressor(cell=LRU(recurrent_rate=0.0), seed=seed)
    return RTRLRegressor(cell="lru", seed=seed)


def freeze_random_input_weights(estimator, seed):
    """Draw B and keep gamma as started: returns the blocks to restore after each step."""
    params = estimator.params_
    n, d = params["B_re"].shape
    rng = np.random.default_rng(1000 + seed)
    params["B_re"][:] = rng.normal(0.0, (1.0 / (2 * d)) ** 0.5, size=(n, d))
    params["B_im"][:] = rng.normal(0.0, (1.0 / (2 * d)) ** 0.5, size=(n, d))
    return {name: params[name].copy() for name in ("B_re", "B_im", "gamma_log")}


def run(task, arm, seed, n_steps):
    rows = list(TASKS[task](seed, n_steps))
    pipeline = preprocessing.StandardScaler() | model_for(arm, seed)
    model = pipeline[-1]
    frozen, rls = None, None
    errors, targets = [], []
    for t, (x, y) in enumerate(rows):
        prediction = None if arm == "RLS read-out" else pipeline.predict_one(x)
        pipeline.learn_one(x, y)
        if frozen is None and arm in ("B frozen", "RLS read-out"):
            frozen = freeze_random_input_weights(model, seed)
        elif frozen is not None:
            params = model.params_
            for name, values in frozen.items():
                params[name][:] = values
        if arm == "RLS read-out":  # the state after this step's input, read out before y_t
            features = np.append(model.hidden_, 1.0)
            if rls is None:
                rls = (np.zeros(len(features)), np.eye(len(features)) * 100.0)
            weights, inverse = rls
            prediction = float(weights @ features)
            gain = inverse @ features / (1.0 + features @ inverse @ features)
            weights += gain * (y - prediction)
            inverse -= np.outer(gain, features @ inverse)
        if t >= 3 * n_steps // 4:
            errors.append((prediction or 0.0) - y)
            targets.append(y)
    return float(np.mean(np.square(errors)) / np.var(targets))


def matched_window(rounds=3):
    """The largest TBPTT window no slower per step than exact RTRL on the LRU (8 inputs)."""
    rows = list(SelectiveRecall(50, 8, 2_000, 0))

    def seconds(window):
        return seconds_per_step(model_for("RTRL" if window is None else f"TBPTT({window})", 0),
                                rows)

    window, rtrl, best = equal_cost_window(seconds, WINDOWS, rounds)
    return window, rtrl, {f"TBPTT({k})": value for k, value in best.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3,000 steps, one seed")
    args = parser.parse_args()
    n_steps, seeds = (3_000, [0]) if args.quick else (N_STEPS, list(range(args.seeds)))
    window, rtrl_seconds, times = matched_window(1 if args.quick else 3)
    print(f"time per step (predict + learn), LRU 64 modes, 8 inputs: RTRL "
          f"{rtrl_seconds * 1e6:.1f} us; "
          + ", ".join(f"{arm} {value * 1e6:.1f}" for arm, value in times.items()) + " us")
    arms = ["RTRL", "TBPTT(16)", f"TBPTT({window})", "B frozen", "RLS read-out"]
    arms = list(dict.fromkeys(arms))
    print(f"\nNMSE over the last quarter of {n_steps:,} steps, median of {len(seeds)} seed(s) "
          "(no memory: 1)")
    print(f"{'task':26s}" + "".join(f"{arm:>15s}" for arm in arms))
    for task in TASKS:
        cells = []
        for arm in arms:
            scores = [run(task, arm, seed, n_steps) for seed in seeds]
            cells.append(f"{statistics.median(scores):15.4f}")
        print(f"{task:26s}" + "".join(cells), flush=True)


if __name__ == "__main__":
    main()
