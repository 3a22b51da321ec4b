"""Gradient estimators, one file each, usable by name or as objects in the estimators."""

from .base import Learner, LearnerState
from .rtrl import RTRL
from .snap import SnAp
from .tbptt import TBPTT
from .uoro import UORO

# The names the estimators accept for `learner`, each with its default hyperparameters.
LEARNERS = {
    "rtrl": RTRL,
    "snap-1": lambda: SnAp(level=1),
    "snap-2": lambda: SnAp(level=2),
    "tbptt": TBPTT,
    "uoro": UORO,
}

__all__ = ["Learner", "LearnerState", "RTRL", "SnAp", "TBPTT", "UORO", "LEARNERS", "make_learner"]


def make_learner(learner):
    """The learner object for a name or an object; a clear error for anything else."""
    if isinstance(learner, Learner):
        return learner
    if isinstance(learner, str):
        if learner not in LEARNERS:
            raise ValueError(f"learner={learner!r} is not one of {sorted(LEARNERS)}")
        return LEARNERS[learner]()
    raise TypeError(
        f"learner must be one of {sorted(LEARNERS)} or a rtrl_river.learners object, "
        f"not {type(learner).__name__}"
    )
