"""Progressive validation on River's TrumpApproval: RTRL next to the usual baselines.

Run: python examples/trump_approval.py
"""

import time

from river import datasets, dummy, evaluate, linear_model, metrics, preprocessing, stats

from rtrl_river import RTRLRegressor

MODELS = {
    "mean": lambda: dummy.StatisticRegressor(stats.Mean()),
    "last value": lambda: dummy.StatisticRegressor(stats.Shift(0)),
    "StandardScaler | LinearRegression": lambda: preprocessing.StandardScaler()
    | linear_model.LinearRegression(),
    "StandardScaler | RTRLRegressor()": lambda: preprocessing.StandardScaler()
    | RTRLRegressor(seed=42),
    "  ... the plain network (no scaling, change or feedback)": lambda: (
        preprocessing.StandardScaler()
        | RTRLRegressor(target_feedback=False, target_scaling=False, predict_change=False,
                        seed=42)),
    "  ... without the change (the network learns the level)": lambda: (
        preprocessing.StandardScaler() | RTRLRegressor(predict_change=False, seed=42)),
}


def main():
    for make in MODELS.values():  # load the compiled kernels before anything is timed
        evaluate.progressive_val_score(datasets.TrumpApproval().take(10), make(), metrics.MAE())
    print(f"{'model':<54} {'MAE':>8} {'µs/sample':>10}")
    for name, make in MODELS.items():
        model = make()
        start = time.perf_counter()
        mae = evaluate.progressive_val_score(datasets.TrumpApproval(), model, metrics.MAE())
        elapsed = (time.perf_counter() - start) / 1001 * 1e6
        print(f"{name:<54} {mae.get():8.4f} {elapsed:10.1f}")


if __name__ == "__main__":
    main()
