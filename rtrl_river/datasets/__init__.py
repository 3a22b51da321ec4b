"""Synthetic streams whose targets depend on the past, as River datasets."""

from .add_task import AddTask

__all__ = ["AddTask"]
