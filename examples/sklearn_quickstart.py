"""scikit-learn: GridSearchCV with TimeSeriesSplit over hidden size and learner, on a series with
memory.

Run: python examples/sklearn_quickstart.py
"""

import numpy as np
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rtrl_river import RTRLRegressor

rng = np.random.default_rng(0)
X = rng.normal(size=(600, 2))
# The target needs the inputs of 1 and 4 steps ago: a row-by-row model cannot see it.
y = 0.8 * np.roll(X[:, 0], 1) - 0.6 * np.roll(X[:, 1], 4) + 0.05 * rng.normal(size=600)

search = GridSearchCV(
    make_pipeline(StandardScaler(), RTRLRegressor(seed=0, max_iter=3)),
    {"rtrlregressor__hidden_size": [4, 12], "rtrlregressor__learner": ["rtrl", "snap-1", "tbptt"]},
    cv=TimeSeriesSplit(n_splits=3),
)
search.fit(X, y)
print("best parameters:", search.best_params_)
print(f"best R^2 over the time-series folds: {search.best_score_:.3f}")
