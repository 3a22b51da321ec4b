"""Synthetic streams whose targets depend on the past, as River datasets."""

from .add_task import AddTask
from .delayed_recall import DelayedRecall
from .order_book import OrderBook

__all__ = ["AddTask", "DelayedRecall", "OrderBook"]
