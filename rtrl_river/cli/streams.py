"""Every stream the command line runs, in one registry: River's bundled series and this package's
synthetic ones (nothing is downloaded), each with how the quality suite scores it; and a user's
own CSV file. Nothing here imports River or numpy until a stream is made."""

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REGRESSION, CLASSIFICATION = "regression", "classification"
# How a stream is scored (the quality suite's kinds): MAE from the second sample (series),
# NMSE or log-loss over the last quarter (memory tasks), log-loss over every sample
# (classification), MAE averaged over the horizon under River's forecasting protocol (forecasts).
SERIES, MEMORY, CLASSES, FORECAST = "series", "memory", "classification", "forecast"


@dataclass(frozen=True)
class Stream:
    """A stream: `make(seed)` returns an iterable of (x, y). Every command runs the estimators
    at their defaults on it unless told otherwise.

    `title` names its row in the quality suite's table; `name` is what `compare` and
    `forecast` take as `--dataset` ("" when only the suite runs it); `suite` says whether the
    suite runs it. `kind` and `metric` say how it is scored, `seasonality` is its season
    length in steps (0 for none), `horizon` the steps a forecast looks ahead, and `multiclass`
    says a classification stream has more than two classes."""

    title: str
    kind: str
    metric: str
    make: Callable
    name: str = ""
    description: str = ""
    synthetic: bool = False
    seasonality: int = 0
    horizon: int = 0
    multiclass: bool = False
    suite: bool = True

    @property
    def classification(self):
        return self.metric == "log-loss"

    @property
    def task(self):
        return CLASSIFICATION if self.classification else REGRESSION


# ------------------------------------------------------------------ makers


def _river(name, drift=False):
    """River's bundled dataset `name`, as it comes."""

    def make(seed):
        from river import datasets
        from river.drift import datasets as drift_datasets

        return getattr(drift_datasets if drift else datasets, name)()

    return make


class _TargetOnly:
    """A univariate series whose only feature is a timestamp: the timestamp is dropped, so a
    model sees the series through its fed-back target alone."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __iter__(self):
        for _, y in self.dataset:
            yield {}, float(y)


def _series(name, drift=False):
    return lambda seed: _TargetOnly(_river(name, drift)(seed))


def _synthetic(name, **settings):
    """rtrl_river.datasets.`name`(seed=seed, **settings)."""

    def make(seed):
        from .. import datasets

        return getattr(datasets, name)(seed=seed, **settings)

    return make


def _delayed_recall(delay):
    return _synthetic("DelayedRecall", delay=delay, n_steps=20_000, distribution="gaussian")


def _add_task(lag1, lag2):
    return _synthetic("AddTask", lag1=lag1, lag2=lag2, n_steps=50_000)


# ------------------------------------------------------------------ the registry

# In the quality suite's row order; `compare --help` lists the named ones in COMMAND_LINE order.
REGISTRY = [
    Stream("TrumpApproval", SERIES, "MAE", _river("TrumpApproval"), name="trump-approval",
           description="River's TrumpApproval: 1,001 days, 6 poll features, approval rating"),
    Stream("ChickWeights", SERIES, "MAE", _river("ChickWeights"), name="chick-weights",
           description="River's ChickWeights: 578 weighings of chicks on 4 diets"),
    Stream("SP500Stocks", SERIES, "MAE", _river("SP500Stocks"), name="sp500",
           description="River's SP500Stocks: 1,257 days of 10 stocks' returns"),
    Stream("AirlinePassengers", SERIES, "MAE", _series("AirlinePassengers"),
           name="airline-passengers", seasonality=12,
           description="River's AirlinePassengers: 144 monthly totals (univariate)"),
    Stream("WaterFlow", SERIES, "MAE", _series("WaterFlow"), name="water-flow",
           description="River's WaterFlow: 1,268 hourly flow readings (univariate)"),
    Stream("Bitcoin", SERIES, "MAE", _series("Bitcoin", drift=True), name="bitcoin",
           description="River's Bitcoin: 822 daily prices (univariate)"),
    Stream("BrentSpotPrice", SERIES, "MAE", _series("BrentSpotPrice", drift=True), name="brent",
           description="River's BrentSpotPrice: 8,195 daily oil prices (univariate)"),
    Stream("AirlinePassengers (drift)", SERIES, "MAE", _series("AirlinePassengers", drift=True),
           seasonality=12),
    Stream("delayed recall, lag 5", MEMORY, "NMSE", _delayed_recall(5), synthetic=True),
    Stream("delayed recall, lag 10", MEMORY, "NMSE", _delayed_recall(10), synthetic=True),
    Stream("NARMA-10", MEMORY, "NMSE", _synthetic("NARMA10", n_steps=20_000), synthetic=True),
    Stream("Mackey-Glass", MEMORY, "NMSE", _synthetic("MackeyGlass", n_steps=20_000),
           synthetic=True),
    Stream("add task (3, 8)", MEMORY, "log-loss", _add_task(3, 8), name="add-task",
           synthetic=True,
           description="synthetic: P(y_t) depends on x_{t-3} and x_{t-8}; 0.662 / 0.519 / 0.454 "
           "nats"),
    Stream("delayed recall, lag 20", MEMORY, "NMSE", _delayed_recall(20), synthetic=True),
    Stream("delayed recall, lag 50", MEMORY, "NMSE", _delayed_recall(50), synthetic=True),
    Stream("delayed recall, lag 100", MEMORY, "NMSE", _delayed_recall(100), synthetic=True),
    Stream("add task (10, 30)", MEMORY, "log-loss", _add_task(10, 30), synthetic=True),
    Stream("selective recall, 8 inputs, lag 50", MEMORY, "NMSE",
           _synthetic("SelectiveRecall", delay=50, n_channels=8, n_steps=30_000),
           name="selective-recall", synthetic=True,
           description="synthetic: y_t = x0_{t-50} among 8 Gaussian inputs; NMSE floor 1 "
           "without memory"),
    Stream("AirlinePassengers, h=12", FORECAST, "MAE@h", _river("AirlinePassengers"),
           seasonality=12, horizon=12),
    Stream("WaterFlow, h=24", FORECAST, "MAE@h", _river("WaterFlow"), horizon=24),
    Stream("AirlinePassengers (drift), h=12", FORECAST, "MAE@h",
           _river("AirlinePassengers", drift=True), seasonality=12, horizon=12),
    Stream("Phishing", CLASSES, "log-loss", _river("Phishing"), name="phishing",
           description="River's Phishing: 1,250 web pages, 9 features, binary"),
    Stream("Bananas", CLASSES, "log-loss", _river("Bananas"), name="bananas",
           description="River's Bananas: 5,300 points, 2 features, binary"),
    Stream("ImageSegments", CLASSES, "log-loss", _river("ImageSegments"), name="image-segments",
           multiclass=True,
           description="River's ImageSegments: 2,310 image regions, 18 features, 7 classes"),
    # for the command line only
    Stream("delayed recall, lag 6", MEMORY, "NMSE",
           _synthetic("DelayedRecall", delay=6, n_steps=20_000), name="delayed-recall",
           synthetic=True, suite=False,
           description="synthetic: y_t = x_{t-6} for random signs x; MSE floor 1 without memory"),
    Stream("order book", SERIES, "MAE", _synthetic("OrderBook", n_steps=20_000),
           name="order-book", synthetic=True, suite=False,
           description="synthetic limit order book with a hidden regime; next mid-price move"),
]

COMMAND_LINE = ["trump-approval", "chick-weights", "sp500", "water-flow", "airline-passengers",
                "brent", "bitcoin", "phishing", "bananas", "image-segments", "delayed-recall",
                "add-task", "selective-recall", "order-book"]
STREAMS = {stream.name: stream for stream in sorted(
    (s for s in REGISTRY if s.name), key=lambda s: COMMAND_LINE.index(s.name))}
SUITE = [stream for stream in REGISTRY if stream.suite]


def suite_stream(title):
    return next(stream for stream in SUITE if stream.title == title)


def load(stream, seed=0, n_steps=None):
    """The stream (a name or a `Stream`) as a list of (x, y), at most n_steps of them."""
    if isinstance(stream, str):
        if stream not in STREAMS:
            raise ValueError(f"unknown dataset {stream!r}; choose one of {', '.join(STREAMS)}")
        stream = STREAMS[stream]
    return list(itertools.islice(stream.make(seed), n_steps))


def csv_stream(path, target, task=REGRESSION, **reading):
    """A stream read from a CSV file (see `CSVStream`; `reading` holds its options), named
    after the file. The header is checked at once: a missing target column is a ValueError."""
    from .csv_file import CSVStream

    rows = CSVStream(path, target, classification=task == CLASSIFICATION, **reading)
    name = Path(path).stem
    kind, metric = (CLASSES, "log-loss") if task == CLASSIFICATION else (SERIES, "MAE")
    return Stream(name, kind, metric, lambda seed: rows, name=name,
                  description=f"{path}: predict {target!r}", suite=False)
