"""Recurrent cells, one file each: parameter blocks, initial values, growth, kernel arrays."""

from .._validation import by_name
from .base import Cell
from .elman import Elman
from .elstm import ELSTM
from .lru import LRU

# The names the estimators accept for `cell`, each with its default numbers.
CELLS = {"elman": Elman, "elstm": ELSTM, "lru": LRU}

__all__ = ["Cell", "Elman", "ELSTM", "LRU", "CELLS", "make_cell"]


def make_cell(cell):
    """A cell object of its own for a name or an object (whose numbers are checked); a clear
    error for anything else."""
    if isinstance(cell, Cell):
        cell.validate()
        return cell.clone()
    return by_name(cell, CELLS, "cell", "rtrl_river.cells")
