"""Parameter constraints and the check of an estimator's parameters against its table.

Messages follow scikit-learn's wording ("The 'lr' parameter of RTRLRegressor must be ...").
"""

import importlib
import math
import sys
from numbers import Integral, Real

import numpy as np


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value outside its constraints. Both a ValueError and a TypeError, as
    in scikit-learn, since a wrong type and a wrong value are reported alike."""


class Interval:
    """Numbers of `type` (Integral or Real) between `left` and `right` (None: unbounded).
    `closed` is "left", "right", "both" or "neither". Booleans and NaN are never inside."""

    def __init__(self, type, left, right, closed):
        self.type, self.left, self.right, self.closed = type, left, right, closed

    def is_satisfied_by(self, value):
        if isinstance(value, bool) or not isinstance(value, self.type):
            return False
        if isinstance(value, Real) and math.isnan(value):
            return False
        left_closed = self.closed in ("left", "both")
        right_closed = self.closed in ("right", "both")
        if self.left is not None:
            if value < self.left or (value == self.left and not left_closed):
                return False
        right = math.inf if self.right is None else self.right
        return value < right or (value == right and right_closed)

    def __str__(self):
        kind = "an int" if self.type is Integral else "a float"
        left = "-inf" if self.left is None else self.left
        right = "inf" if self.right is None else self.right
        opening = "[" if self.closed in ("left", "both") and self.left is not None else "("
        closing = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{kind} in the range {opening}{left}, {right}{closing}"


class StrOptions:
    """One of a set of strings."""

    def __init__(self, options):
        self.options = set(options)

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return f"a str among {sorted(self.options)}"


class InstanceOf:
    """An instance of a class."""

    def __init__(self, cls):
        self.cls = cls

    def is_satisfied_by(self, value):
        return isinstance(value, self.cls)

    def __str__(self):
        return f"an instance of '{self.cls.__module__}.{self.cls.__qualname__}'"


class InstanceOfImported:
    """An instance of the class `name` of the module `module`, checked without importing the
    module: nothing can be an instance of a class whose module was never imported. (River's
    optimizers: importing river.optim takes about a third of a second.)"""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def is_satisfied_by(self, value):
        cls = getattr(sys.modules.get(self.module), self.name, None)
        return cls is not None and isinstance(value, cls)

    def __str__(self):  # an error message: the module may be imported now
        return str(InstanceOf(getattr(importlib.import_module(self.module), self.name)))


class Boolean:
    """A Python or numpy boolean."""

    def is_satisfied_by(self, value):
        return isinstance(value, (bool, np.bool_))

    def __str__(self):
        return "an instance of 'bool'"


class IsNone:
    def is_satisfied_by(self, value):
        return value is None

    def __str__(self):
        return "None"


def make_constraint(constraint):
    """The constraint object for a table entry: a class, "boolean" and None are shorthands."""
    if isinstance(constraint, type):
        return InstanceOf(constraint)
    if constraint == "boolean":
        return Boolean()
    if constraint is None:
        return IsNone()
    return constraint


def describe(constraints):
    """'a or b or c', in scikit-learn's order: None last."""
    words = [str(c) for c in constraints if not isinstance(c, IsNone)]
    words += [str(c) for c in constraints if isinstance(c, IsNone)]
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} or {words[-1]}"


def validate_parameters(table, params, owner):
    """Raise InvalidParameterError for the first parameter in `params` that satisfies none of
    its constraints in `table`; parameters missing from the table are not checked."""
    for name, value in params.items():
        if name not in table:
            continue
        constraints = [make_constraint(c) for c in table[name]]
        if not any(c.is_satisfied_by(value) for c in constraints):
            raise InvalidParameterError(
                f"The {name!r} parameter of {owner} must be {describe(constraints)}. "
                f"Got {value!r} instead."
            )


def by_name(value, registry, kind, package):
    """A new object of `registry[value]` for a name among its keys; a clear error for another
    name or anything that is not a string (`kind`: the parameter, "cell" or "learner";
    `package`: where its objects come from). Objects themselves are the caller's to take."""
    if isinstance(value, str):
        if value not in registry:
            raise ValueError(f"{kind}={value!r} is not one of {sorted(registry)}")
        return registry[value]()
    raise TypeError(f"{kind} must be one of {sorted(registry)} or a {package} object, not "
                    f"{type(value).__name__}")
