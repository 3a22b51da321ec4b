"""Output heads: how targets become the network's targets, what is fed back, and how outputs
become predictions. A strategy family beside cells/ and learners/."""

from .base import Head
from .classification import ClassificationHead
from .regression import RegressionHead, RunningStandardizer

__all__ = ["ClassificationHead", "Head", "RegressionHead", "RunningStandardizer"]
