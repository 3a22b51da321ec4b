"""The lag sweep: how far back each gradient estimator learns a dependency, at the defaults.

Delayed recall (x_t ~ N(0, 1), y_t = x_{t-lag}) for lags 2 ... 100, and the add task for
(lag1, lag2) pairs, for every learner on the Elman cell and for exact RTRL on the eLSTM cell
(16 units, and 64, which cost about what 16 Elman units do) and on the LRU cell (its default
64 modes, exact RTRL and TBPTT(16)), at the estimators' defaults
(hidden 16; regressor Adam lr 0.0005, clip 5, target scaling, change prediction and feedback;
classifier Adam lr 0.003, clip 10). TBPTT runs twice: with its default window of 16, and with
the largest window whose measured time per step does not exceed exact RTRL's (equal cost).
Progressive validation (predict, score, learn); delayed recall scores NMSE over the last
quarter (no memory: 1), the add task log-loss in nats over the last quarter (floors 0.662 no
memory, 0.519 knowing lag1 only, 0.454 knowing both).

Run: python examples/lag_sweep.py [--quick] [--seeds 3] [--out docs/img]   (about 10 min)
"""

import argparse
import math
import statistics

import numpy as np

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.datasets import AddTask, DelayedRecall
from rtrl_river.learners import RTRL, TBPTT, UORO, SnAp

from figures import write_figure
from timing import equal_cost_window, seconds_per_step

LAGS = (2, 3, 5, 8, 12, 20, 30, 50, 100)
PAIRS = ((1, 3), (3, 8), (5, 12), (8, 20))
RECALL_STEPS, ADD_STEPS = 20_000, 30_000
FLOORS = {"no memory": 0.662, "lag1 only": 0.519, "both lags": 0.454}
CANDIDATE_WINDOWS = (16, 24, 32, 40, 48, 56, 64, 80)


def matched_window(rounds=4):
    """The largest TBPTT window no slower per step than exact RTRL (n = 16, one feature)."""
    rows = list(DelayedRecall(delay=5, n_steps=3_000, seed=0, distribution="gaussian"))

    def seconds(window):
        learner = RTRL() if window is None else TBPTT(truncation=window)
        return seconds_per_step(RTRLRegressor(learner=learner, seed=0), rows)

    return equal_cost_window(seconds, CANDIDATE_WINDOWS, rounds)


def recall_nmse(settings, lag, seed, n_steps):
    model = RTRLRegressor(**settings, seed=seed)
    errors, targets = [], []
    for x, y in DelayedRecall(delay=lag, n_steps=n_steps, seed=seed, distribution="gaussian"):
        prediction = model.predict_one(x)
        errors.append((y - (0.0 if prediction is None else prediction)) ** 2)
        targets.append(y)
        model.learn_one(x, y)
    tail = slice(-n_steps // 4, None)
    return float(np.mean(errors[tail]) / np.var(targets[tail]))


def add_logloss(settings, pair, seed, n_steps):
    model = RTRLClassifier(**settings, seed=seed)
    losses = []
    for x, y in AddTask(*pair, n_steps=n_steps, seed=seed):
        probabilities = model.predict_proba_one(x)
        proba = probabilities.get(y, 0.5) if probabilities else 0.5
        losses.append(-math.log(min(max(proba, 1e-12), 1.0)))
        model.learn_one(x, y)
    return float(np.mean(losses[-n_steps // 4:]))


def summary(scores):
    mean = statistics.mean(scores)
    spread = statistics.stdev(scores) if len(scores) > 1 else 0.0
    return mean, spread


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--window", type=int, default=None,
                        help="the equal-cost TBPTT window (default: measured)")
    parser.add_argument("--quick", action="store_true", help="two lags, one pair, short streams")
    args = parser.parse_args(argv)
    lags, pairs = (LAGS, PAIRS) if not args.quick else ((2, 8), ((1, 3),))
    recall_steps, add_steps = (RECALL_STEPS, ADD_STEPS) if not args.quick else (1_000, 1_000)
    seeds = range(args.seeds if not args.quick else 1)

    window, rtrl_time, timings = matched_window() if not args.quick else (24, 0.0, {})
    window = args.window or window
    if not args.quick:
        print(f"time per step (predict + learn), hidden 16: RTRL {rtrl_time * 1e6:.1f} us; TBPTT "
              + ", ".join(f"({k}) {t * 1e6:.1f}" for k, t in timings.items()) + " us")
    print(f"equal-cost TBPTT window: {window}")
    learners = {"RTRL": RTRL(), "SnAp-1": SnAp(level=1), "TBPTT(16)": TBPTT(truncation=16),
                f"TBPTT({window})": TBPTT(truncation=window), "UORO": UORO()}
    learners = {name: {"learner": learner} for name, learner in learners.items()}
    # the eLSTM cell: exact RTRL at O(n d) a step; 64 units cost about what 16 Elman units do
    learners["eLSTM-16"] = {"cell": "elstm", "hidden_size": 16, "learner": RTRL()}
    learners["eLSTM-64"] = {"cell": "elstm", "hidden_size": 64, "learner": RTRL()}
    # the LRU at its default 64 complex modes, which cost about what 16 Elman units do: exact
    # RTRL, and TBPTT(16) through the same cell
    learners["LRU-64"] = {"cell": "lru", "learner": RTRL()}
    learners["LRU TBPTT16"] = {"cell": "lru", "learner": TBPTT(truncation=16)}
    if window == 16:
        print("(the equal-cost window is the default one: one TBPTT row)")

    recall = {name: {lag: summary([recall_nmse(settings, lag, s, recall_steps) for s in seeds])
                     for lag in lags} for name, settings in learners.items()}
    print(f"\ndelayed recall (Gaussian), NMSE over the last quarter of {recall_steps:,} steps, "
          f"mean ± sd over {len(seeds)} seeds (no memory: 1)")
    print(f"{'learner':<12}" + "".join(f"{'lag ' + str(lag):>14}" for lag in lags)
          + f"{'fails (NMSE>=0.5) from lag':>28}")
    for name, row in recall.items():
        failing = [lag for lag in lags if row[lag][0] >= 0.5]
        cells = "".join(f"{m:>8.3f} ±{s:>5.2f}" for m, s in row.values())
        print(f"{name:<12}{cells}{(str(failing[0]) if failing else 'never'):>28}")

    add = {name: {pair: summary([add_logloss(settings, pair, s, add_steps) for s in seeds])
                  for pair in pairs} for name, settings in learners.items()}
    print(f"\nadd task, log-loss in nats over the last quarter of {add_steps:,} steps "
          f"(floors: {', '.join(f'{k} {v}' for k, v in FLOORS.items())})")
    print(f"{'learner':<12}" + "".join(f"{str(pair):>16}" for pair in pairs))
    for name, row in add.items():
        print(f"{name:<12}" + "".join(f"{m:>9.3f} ±{s:>5.3f}" for m, s in row.values()))
    if args.quick:
        return recall, add

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    for name, row in recall.items():
        means, spreads = zip(*row.values())
        left.errorbar(lags, means, yerr=spreads, marker="o", capsize=3, label=name)
    left.axhline(1.0, color="grey", linestyle=":", label="no memory")
    left.axhline(0.5, color="grey", linestyle="--", label="half the floor")
    left.set(xscale="log", xlabel="lag", ylabel="NMSE, last quarter", ylim=(0, 1.6),
             title=f"delayed recall, {recall_steps:,} steps")
    positions = np.arange(len(pairs))
    width = 0.8 / len(add)
    for i, (name, row) in enumerate(add.items()):
        means, spreads = zip(*row.values())
        right.bar(positions + i * width, means, width, yerr=spreads, capsize=2, label=name)
    for label, value in FLOORS.items():
        right.axhline(value, color="grey", linestyle=":")
        right.text(len(pairs) - 0.2, value, label, fontsize=7, va="bottom")
    right.set(xticks=positions + 0.4 - width / 2, xticklabels=[str(p) for p in pairs],
              ylim=(0.4, 0.75), xlabel="(lag1, lag2)", ylabel="log-loss (nats), last quarter",
              title=f"add task, {add_steps:,} steps")
    write_figure(fig, args.out, "lag-sweep.png", (left, right), legend_size=7)
    return recall, add


if __name__ == "__main__":
    main()
