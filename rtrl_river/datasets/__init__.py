"""Synthetic streams whose targets depend on the past, as River datasets."""

from .add_task import AddTask
from .delayed_recall import DelayedRecall

__all__ = ["AddTask", "DelayedRecall"]
