"""Optimizers by name or as river.optim objects, run by the kernels with River's update rules.

river.optim is imported only for an optimizer given as a river.optim object (which has imported
it already): importing it costs about 0.16 s on top of numpy and numba (River's losses import
scipy.special), and an optimizer given by name needs none of it.
"""

import math

import numpy as np

from ._validation import InvalidParameterError
from .kernels import arrays

KINDS = {
    "sgd": arrays.SGD, "adam": arrays.ADAM, "rmsprop": arrays.RMSPROP, "adagrad": arrays.ADAGRAD,
}
# The river.optim classes each kernel rule stands for, by name.
RIVER_NAMES = {
    "SGD": arrays.SGD, "Adam": arrays.ADAM, "RMSProp": arrays.RMSPROP, "AdaGrad": arrays.ADAGRAD,
}
# river.optim's defaults for the hyperparameters a name leaves unsaid.
DEFAULTS = {"beta_1": 0.9, "beta_2": 0.999, "eps": 1e-8, "rho": 0.9}

# Bounds that keep every step finite. No step may carry a weight past float64's range (about
# 1.8e308), and the gradient is bounded: `clip_norm` (kernels/network.py) refuses a step whose
# gradient norm is beyond 1e150 while clipping is off, and clips it to `clip_gradient`, at
# most LARGEST_CLIP = 1e150, while on. SGD then moves a weight by at most rate * 1e150, and
# Adam, RMSProp and AdaGrad by at most rate times a factor of their decays (1/sqrt(1 -
# beta_2), about 32 at Adam's default), whatever the gradient. The rate is lr (or an
# optimizer object's learning rate) times, for the recurrent weights, `recurrent_lr_scale`
# and the LRU's `recurrent_rate`: each at most LARGEST_RATE = 1e3, a step moves a weight by
# at most about 1e3 * 1e3 * 1e3 * 1e150 = 1e159, and 1e149 such steps in one direction still
# stay finite. No useful value comes near: Adam moves every weight by about lr a step, so at
# lr = 1 it already rewrites weights of order 1 at every step; 1e3 leaves room above any rate
# worth trying and refuses only those that can do nothing but overflow.
LARGEST_RATE = 1e3
LARGEST_CLIP = 1e150


def river_classes():
    """{river.optim class: kernel rule} for the supported River optimizers."""
    from river import optim

    return {getattr(optim, name): kind for name, kind in RIVER_NAMES.items()}


def river_schedulers():
    """The schedules a river.optim object may carry. `Optimal` is left out: its rates are made
    for an L2-regularised linear model (the first is about 10 at alpha=1e-4) and diverge here."""
    from river import optim

    return (optim.schedulers.Constant, optim.schedulers.InverseScaling)


# An optimizer given by name starts at BOOST x lr and settles to lr: its rate at step t is
# lr (1 + (BOOST - 1) SETTLE / (SETTLE + t)), 8 lr at the first step, 1.7 lr at the 1,000th,
# 1.07 lr at the 10,000th. A series of a hundred values is then learned from, where at lr
# alone the weights barely move in that time (docs/defaults.md), and a long stream ends at lr.
# SGD and AdaGrad keep lr: their steps scale with the gradient (AdaGrad's also shrink by
# themselves), and the exactness tests follow SGD's trajectory at a fixed rate.
BOOST = 8.0
SETTLE = 100.0
SETTLING = ("adam", "rmsprop")


class SettlingRate:
    """BOOST x lr at the first step, settling to lr: lr (1 + (BOOST - 1) SETTLE / (SETTLE +
    t)) at step t, with the interface of River's schedulers (`learning_rate`, `get`)."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def get(self, t):
        return self.learning_rate * (1.0 + (BOOST - 1.0) * SETTLE / (SETTLE + t))

    def rates(self, start, n_steps):
        """get(t) for t = start, ..., start + n_steps - 1, to the same bits, as an array."""
        t = np.arange(start, start + n_steps, dtype=np.float64)
        return self.learning_rate * (1.0 + (BOOST - 1.0) * SETTLE / (SETTLE + t))

    def __repr__(self):
        return f"SettlingRate({self.learning_rate!r})"


class ConstantRate:
    """The learning rate of an optimizer given by name, with the interface of
    `river.optim.schedulers.Constant` (`learning_rate`, `get`)."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def get(self, t):
        return self.learning_rate

    def __repr__(self):
        return f"ConstantRate({self.learning_rate!r})"


def check_optimizer(optimizer):
    """Raise a clear error unless `optimizer` is a known name or a supported river.optim object."""
    if isinstance(optimizer, str):
        if optimizer not in KINDS:
            raise ValueError(
                f"optimizer={optimizer!r} is not one of {sorted(KINDS)} "
                "nor a river.optim SGD, Adam, RMSProp or AdaGrad object"
            )
    elif type(optimizer) not in river_classes():
        raise TypeError(
            f"optimizer must be one of {sorted(KINDS)} or a river.optim SGD, Adam, RMSProp or "
            f"AdaGrad object, not {type(optimizer).__name__}"
        )


def _positive(number, largest=math.inf):
    return isinstance(number, (int, float, np.number)) and not isinstance(number, bool) and (
        math.isfinite(number) and 0 < number <= largest
    )


def check_learning_rate(optimizer, owner):
    """Raise a clear error unless a river.optim object's learning rate is a positive number,
    a `Constant` or an `InverseScaling` schedule with a positive rate (and power >= 0), at
    most LARGEST_RATE."""
    schedule = getattr(optimizer, "lr", None)
    name = type(optimizer).__name__
    if type(schedule) not in river_schedulers():
        raise InvalidParameterError(
            f"The 'optimizer' parameter of {owner} has a learning rate of type "
            f"{type(schedule).__name__}; supported are a positive number and the "
            "river.optim.schedulers Constant and InverseScaling"
        )
    if not _positive(schedule.learning_rate, LARGEST_RATE):
        raise InvalidParameterError(
            f"The 'optimizer' parameter of {owner} must have a positive learning rate, at most "
            f"{LARGEST_RATE:g}. Got {name} with learning rate {schedule.learning_rate!r} "
            "instead."
        )
    power = getattr(schedule, "power", 0.0)
    if not (_positive(power) or power == 0):
        raise InvalidParameterError(
            f"The 'optimizer' parameter of {owner} must have an InverseScaling power >= 0. "
            f"Got {power!r} instead."
        )


class OptimizerState:
    """The optimizer's hyperparameters, moments and step count, as plain numpy arrays.

    A river.optim object given as `optimizer` is read, never written: its hyperparameters and
    learning rate (a number or a river.optim.schedulers scheduler) are copied here, and the
    step count and moments live here.
    """

    def __init__(self, optimizer, lr, n_parameters, recurrent_end=0, recurrent_scale=1.0):
        settings = dict(DEFAULTS)
        if isinstance(optimizer, str):
            self.kind = KINDS[optimizer]
            self.settling = optimizer in SETTLING
            self.set_rate(lr)
        else:
            from river import optim

            self.kind = river_classes()[type(optimizer)]
            self.settling = False
            settings.update({k: getattr(optimizer, k) for k in DEFAULTS if hasattr(optimizer, k)})
            self.schedule = optimizer.lr
            self.constant_rate = (
                float(self.schedule.learning_rate)
                if isinstance(self.schedule, optim.schedulers.Constant)
                else None
            )
        self.settings = settings
        # the first `recurrent_end` parameters step at the rate times `recurrent_scale`
        self.recurrent_end = int(recurrent_end)
        self.recurrent_scale = float(recurrent_scale)
        self.first_moment = np.zeros(n_parameters)
        self.second_moment = np.zeros(n_parameters)
        self.step = np.zeros(1, dtype=np.int64)
        self.one_rate = np.empty(1)

    def set_rate(self, lr):
        """A new learning rate for an optimizer given by name, from the next step on (settling
        to it as from the first step, for Adam and RMSProp)."""
        if self.settling:
            self.schedule, self.constant_rate = SettlingRate(float(lr)), None
        else:
            self.schedule, self.constant_rate = ConstantRate(float(lr)), float(lr)

    def arrays(self):
        s = self.settings
        return arrays.OptimizerArrays(
            self.kind, float(s["beta_1"]), float(s["beta_2"]), float(s["eps"]), float(s["rho"]),
            self.recurrent_end, self.recurrent_scale, self.first_moment, self.second_moment,
            self.step,
        )

    def learning_rates(self, n_steps):
        """The learning rate of each of the next n_steps updates."""
        if n_steps == 1:
            rates = self.one_rate
            if self.constant_rate is not None:
                rates[0] = self.constant_rate
            else:
                rates[0] = self.schedule.get(int(self.step[0]))
            return rates
        if self.constant_rate is not None:
            return np.full(n_steps, self.constant_rate)
        start = int(self.step[0])
        if isinstance(self.schedule, SettlingRate):
            return self.schedule.rates(start, n_steps)
        return np.array([self.schedule.get(start + i) for i in range(n_steps)], dtype=float)

    def prepare_inputs(self, network, position, count):
        """The moments grown by `count` input columns, and the function that puts them in
        place (see `Engine.insert_inputs`)."""
        return self._replacing(lambda moment: network.insert_input_columns(moment, position,
                                                                           count))

    def prepare_outputs(self, network, count):
        return self._replacing(lambda moment: network.append_output_rows(moment, count))

    def _replacing(self, grow):
        first, second = arrays.aligned(grow(self.first_moment)), arrays.aligned(
            grow(self.second_moment))

        def commit():
            self.first_moment, self.second_moment = first, second

        return commit
