"""Online recurrent networks trained by Real-Time Recurrent Learning, for River and scikit-learn."""

from importlib.metadata import PackageNotFoundError, version

from .classifier import RTRLClassifier
from .forecaster import RTRLForecaster
from .regressor import RTRLRegressor

try:
    __version__ = version("rtrl_river")  # the one version number: pyproject's, as installed
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["RTRLClassifier", "RTRLForecaster", "RTRLRegressor"]
