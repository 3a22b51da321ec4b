"""Online recurrent networks trained by Real-Time Recurrent Learning, for River and scikit-learn."""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

try:
    __version__ = version("rtrl_river")  # the one version number: pyproject's, as installed
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["RTRLClassifier", "RTRLForecaster", "RTRLRegressor"]

# The estimators load on first use (PEP 562), so that importing a part that needs neither numba
# nor River, such as the command line's --help and --version, does not pay for them.
_HOMES = {"RTRLClassifier": "classifier", "RTRLForecaster": "forecaster",
          "RTRLRegressor": "regressor"}

if TYPE_CHECKING:  # what type checkers and documentation tools read
    from .classifier import RTRLClassifier
    from .forecaster import RTRLForecaster
    from .regressor import RTRLRegressor


def __getattr__(name):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *__all__})
