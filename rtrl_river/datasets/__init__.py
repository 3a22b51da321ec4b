"""Synthetic streams whose targets depend on the past, as River datasets."""

from .add_task import AddTask
from .chaotic import NARMA10, MackeyGlass
from .delayed_recall import DelayedRecall
from .order_book import OrderBook
from .selective_recall import SelectiveRecall

__all__ = ["AddTask", "DelayedRecall", "MackeyGlass", "NARMA10", "OrderBook", "SelectiveRecall"]
