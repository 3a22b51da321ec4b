"""Gradient estimators, one file each, usable by name or as objects in the estimators."""

from .._validation import by_name
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
    return by_name(learner, LEARNERS, "learner", "rtrl_river.learners")
