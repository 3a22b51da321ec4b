"""Online recurrent networks trained by Real-Time Recurrent Learning, for River and scikit-learn."""

from .classifier import RTRLClassifier
from .forecaster import RTRLForecaster
from .regressor import RTRLRegressor

__all__ = ["RTRLClassifier", "RTRLForecaster", "RTRLRegressor"]
__version__ = "0.1.0"
