"""Online recurrent networks trained by Real-Time Recurrent Learning, for River and scikit-learn."""

from .regressor import RTRLRegressor

__all__ = ["RTRLRegressor"]
__version__ = "0.1.0"
