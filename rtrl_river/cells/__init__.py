"""Recurrent cells, one file each: parameter blocks, initial values, growth, kernel arrays."""

from .base import Cell
from .elman import Elman
from .elstm import ELSTM

# The names the estimators accept for `cell`.
CELLS = {"elman": Elman, "elstm": ELSTM}

__all__ = ["Cell", "Elman", "ELSTM", "CELLS", "make_cell"]


def make_cell(name):
    """The cell object for a name; a clear error for anything else."""
    if name not in CELLS:
        raise ValueError(f"cell={name!r} is not one of {sorted(CELLS)}")
    return CELLS[name]()
