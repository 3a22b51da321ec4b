"""A model's arrays and their life cycle (`Engine`), and the one place a kernel call is packed
(`calls`)."""

from . import calls
from .model import MANY_FEATURES, Engine, ManyFeaturesWarning

__all__ = ["Engine", "MANY_FEATURES", "ManyFeaturesWarning", "calls"]
