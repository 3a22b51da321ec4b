"""A grid search on a Dask cluster (joblib's dask backend) gives the n_jobs=1 result bit for bit."""

import distributed  # the test extra installs it
import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rtrl_river import RTRLRegressor


def _search():
    return GridSearchCV(
        make_pipeline(StandardScaler(), RTRLRegressor(seed=0, max_iter=2)),
        {"rtrlregressor__hidden_size": [3, 6], "rtrlregressor__learner": ["rtrl", "snap-1"]},
        cv=TimeSeriesSplit(n_splits=3),
    )


@pytest.mark.slow
def test_grid_search_on_a_local_dask_cluster_equals_one_process_bit_for_bit():
    import rtrl_river

    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 2))
    y = 0.8 * np.roll(X[:, 0], 1) - 0.6 * np.roll(X[:, 1], 3) + 0.05 * rng.normal(size=160)
    here = _search().fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        # the workers are other processes, running this same package
        files = client.run(lambda: __import__("rtrl_river").__file__)
        assert len(files) == 2 and set(files.values()) == {rtrl_river.__file__}
        with distributed.get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
            on_dask = _search().fit(X, y)
    # 4 candidates x 3 folds, then the refit, ran as Dask tasks spread over both workers
    assert len(tasks.data) >= 12
    assert len({task["worker"] for task in tasks.data}) == 2
    scores = [f"split{i}_test_score" for i in range(3)] + ["mean_test_score"]
    for key in scores:
        assert np.array_equal(here.cv_results_[key], on_dask.cv_results_[key]), key
        assert np.isfinite(here.cv_results_[key]).all()
    assert here.best_params_ == on_dask.best_params_
    X_next = rng.normal(size=(20, 2))
    assert np.array_equal(here.predict(X_next), on_dask.predict(X_next))
