"""Cost of exact RTRL per step against the number of input features, at the default hidden size.

Run: python examples/feature_width.py
"""

import time
import warnings

import numpy as np

from rtrl_river import RTRLRegressor

HIDDEN = 16
WIDTHS = (10, 100, 1_000, 4_000)
STEPS = 200


def measure(width, rng):
    model = RTRLRegressor(hidden_size=HIDDEN, seed=0)
    names = [f"x{j}" for j in range(width)]
    rows = [dict(zip(names, values)) for values in rng.normal(size=(STEPS + 1, width))]
    model.learn_one(rows[0], 0.0)  # compiles, and adds every column
    # the fastest of several blocks: the machine's other load only ever adds time
    blocks = []
    for block in np.array_split(np.arange(1, STEPS + 1), 5):
        start = time.perf_counter()
        for t in block:
            model.learn_one(rows[t], float(rows[t][names[0]]))
        blocks.append((time.perf_counter() - start) / len(block))
    fixed = min(blocks)
    growing = []
    for new in range(3):  # a step with one unseen name: every array grows by a column
        start = time.perf_counter()
        model.learn_one({**rows[0], f"new{new}": 1.0}, 0.0)
        growing.append(time.perf_counter() - start)
    growing = min(growing)
    influence = sum(matrix.nbytes for matrix in model.engine_.learner_state.matrices)
    state = influence + model.engine_.optimizer_state.first_moment.nbytes * 3
    return fixed, growing, state


def main():
    warnings.simplefilter("ignore")  # the wide rows here are on purpose
    rng = np.random.default_rng(0)
    measure(10, rng)  # warm-up compilation
    print(f"exact RTRL, hidden_size={HIDDEN}")
    print(f"{'features':>9} {'ms/step':>9} {'ms/step with a new name':>24} {'state MiB':>10}")
    for width in WIDTHS:
        fixed, growing, state = measure(width, rng)
        print(f"{width:>9} {fixed * 1e3:>9.3f} {growing * 1e3:>24.3f} {state / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
