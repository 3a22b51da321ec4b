"""The forecaster's online parts: the season's length, exponential smoothing forecasters, the
recurrent network on the seasonally referenced series, and the weights that combine them."""

from .combination import Combination
from .network import SeasonalNetwork
from .period import PeriodDetector
from .smoothing import SmoothingBank

__all__ = ["Combination", "PeriodDetector", "SeasonalNetwork", "SmoothingBank"]
