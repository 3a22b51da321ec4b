"""Streams by name, for the command line: River's bundled series and this package's synthetic
ones (nothing is downloaded), and a user's own CSV file."""

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from river import datasets
from river.drift import datasets as drift_datasets

from .add_task import AddTask
from .csv_file import CSVStream
from .delayed_recall import DelayedRecall
from .order_book import OrderBook

REGRESSION, CLASSIFICATION = "regression", "classification"


@dataclass(frozen=True)
class Stream:
    """A named stream: `make(seed)` returns an iterable of (x, y). Every command runs the
    estimators at their defaults on it unless told otherwise."""

    name: str
    task: str
    make: Callable
    description: str
    synthetic: bool = False


class _TargetOnly:
    """A univariate series whose only feature is a timestamp: the timestamp is dropped, so a
    model sees the series through `target_feedback` alone."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __iter__(self):
        for _, y in self.dataset:
            yield {}, float(y)


def _river(dataset_class):
    return lambda seed: dataset_class()


def _series(dataset_class):
    return lambda seed: _TargetOnly(dataset_class())


STREAMS = {
    stream.name: stream
    for stream in [
        Stream("trump-approval", REGRESSION, _river(datasets.TrumpApproval),
               "River's TrumpApproval: 1,001 days, 6 poll features, approval rating"),
        Stream("chick-weights", REGRESSION, _river(datasets.ChickWeights),
               "River's ChickWeights: 578 weighings of chicks on 4 diets"),
        Stream("sp500", REGRESSION, _river(datasets.SP500Stocks),
               "River's SP500Stocks: 1,257 days of 10 stocks' returns"),
        Stream("water-flow", REGRESSION, _series(datasets.WaterFlow),
               "River's WaterFlow: 1,268 hourly flow readings (univariate)"),
        Stream("airline-passengers", REGRESSION, _series(datasets.AirlinePassengers),
               "River's AirlinePassengers: 144 monthly totals (univariate)"),
        Stream("brent", REGRESSION, _series(drift_datasets.BrentSpotPrice),
               "River's BrentSpotPrice: 8,195 daily oil prices (univariate)"),
        Stream("bitcoin", REGRESSION, _series(drift_datasets.Bitcoin),
               "River's Bitcoin: 822 daily prices (univariate)"),
        Stream("phishing", CLASSIFICATION, _river(datasets.Phishing),
               "River's Phishing: 1,250 web pages, 9 features, binary"),
        Stream("bananas", CLASSIFICATION, _river(datasets.Bananas),
               "River's Bananas: 5,300 points, 2 features, binary"),
        Stream("image-segments", CLASSIFICATION, _river(datasets.ImageSegments),
               "River's ImageSegments: 2,310 image regions, 18 features, 7 classes"),
        Stream("delayed-recall", REGRESSION,
               lambda seed: DelayedRecall(delay=6, n_steps=20_000, seed=seed),
               "synthetic: y_t = x_{t-6} for random signs x; MSE floor 1 without memory",
               synthetic=True),
        Stream("add-task", CLASSIFICATION,
               lambda seed: AddTask(lag1=3, lag2=8, n_steps=50_000, seed=seed),
               "synthetic: P(y_t) depends on x_{t-3} and x_{t-8}; 0.662 / 0.519 / 0.454 nats",
               synthetic=True),
        Stream("order-book", REGRESSION,
               lambda seed: OrderBook(n_steps=20_000, seed=seed),
               "synthetic limit order book with a hidden regime; next mid-price move",
               synthetic=True),
    ]
}


def csv_stream(path, target, drop=(), task=REGRESSION):
    """A stream read from a CSV file (see `CSVStream`), named after the file. The header is
    checked at once: a missing target column is a ValueError."""
    series = CSVStream(path, target, drop=drop, classification=task == CLASSIFICATION)
    return Stream(Path(path).stem, task, lambda seed: series, f"{path}: predict {target!r}")


def load(stream, seed=0, n_steps=None):
    """The stream (a name or a `Stream`) as a list of (x, y), at most n_steps of them."""
    if isinstance(stream, str):
        if stream not in STREAMS:
            raise ValueError(f"unknown dataset {stream!r}; choose one of {', '.join(STREAMS)}")
        stream = STREAMS[stream]
    return list(itertools.islice(stream.make(seed), n_steps))
