"""The synthetic limit-order-book stream: next mid-price move from the book's state.

The order flow switches with a hidden regime, so the past carries information that the
current features do not. Run: python examples/order_book.py   (about 20 s)
"""

from river import evaluate, linear_model, metrics, preprocessing

from rtrl_river import RTRLRegressor
from rtrl_river.datasets import OrderBook
from rtrl_river.datasets.order_book import reference_errors
from rtrl_river.learners import TBPTT

MODELS = {
    "LinearRegression": lambda: preprocessing.StandardScaler() | linear_model.LinearRegression(),
    "RTRL": lambda: preprocessing.StandardScaler() | RTRLRegressor(seed=0),
    "SnAp-1": lambda: preprocessing.StandardScaler() | RTRLRegressor(learner="snap-1", seed=0),
    "TBPTT(2)": lambda: preprocessing.StandardScaler()
    | RTRLRegressor(learner=TBPTT(truncation=2), seed=0),
}

if __name__ == "__main__":
    print("reference MSE, fitted in-sample on 200,000 steps:")
    for name, value in reference_errors().items():
        print(f"  {name:<22} {value:.4f}")
    print("progressive MSE on 20,000 steps:")
    for name, make in MODELS.items():
        mse = evaluate.progressive_val_score(OrderBook(n_steps=20_000, seed=0), make(),
                                             metrics.MSE())
        print(f"  {name:<22} {mse.get():.4f}")
