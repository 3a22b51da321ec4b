"""What the engine needs from an output head."""

import abc

import numpy as np

from ..kernels.targets import READOUT_SIZE


class Head(abc.ABC):
    """An output head: the loss the kernels apply (`kind`), how raw targets become the
    network's targets and the values fed back, and the state the kernels keep for that.

    `state` is the one float64 array the kernels read and write for the head (its slots are
    laid out in `kernels/targets.py`), `readout` how the kernels turn the network's output
    into a prediction. Both are the head's own; the engine hands them to every kernel call.
    """

    kind: int  # the kernels' code for the loss (kernels/arrays.py)
    initial_outputs: int  # output rows before any target
    feedback_grows = False  # whether the fed-back block widens as targets arrive (classes)

    def __init__(self):
        self.readout = np.zeros(READOUT_SIZE)

    def initialize(self, network, rng):
        """Adjust the freshly initialised network for this head (after the cell's own start)."""

    def initialize_row(self, network, rng):
        """Start the output row just appended (the network's last), born zero."""

    @abc.abstractmethod
    def feedback_width(self):
        """How many input columns the fed-back target takes now."""

    @abc.abstractmethod
    def set_feedback_block(self, width):
        """Tell the kernels how many fed-back values end each input row (0: none)."""

    @classmethod
    @abc.abstractmethod
    def check_target(cls, y):
        """Raise a clear error, changing nothing, unless y is a target this head takes."""

    @classmethod
    def check_targets(cls, y):
        """Check a sequence of targets; returns them in the form `encode` takes."""
        raw = list(y)
        for value in raw:
            cls.check_target(value)
        return raw

    @abc.abstractmethod
    def raw_target(self, y, n_outputs):
        """learn_one's target for the kernel (which encodes it), or None when the head must
        grow for it first; a clear error if it names an output row the network lacks."""

    def unknown_targets(self, raw):
        """The targets in `raw` that need a new output row, in order of first appearance."""
        return []

    def growth_points(self, raw):
        """The row indices (after the first) where a target needing a new output row first
        appears: a chunk is learned in pieces cut there, as a learn_one loop grows."""
        return []

    def register(self, target):
        """Remember a target whose output row the engine has just added."""
        self.prepare_register(target)()

    def prepare_register(self, target):
        """Allocate what remembering `target` takes, and return the function that remembers
        it (the engine calls it once the target's row is in place)."""
        raise NotImplementedError(f"{type(self).__name__} does not grow")

    @abc.abstractmethod
    def encode(self, raw, theta, n_outputs):
        """(network targets, fed-back rows) for the known targets `raw`, advancing the head's
        state as that many learn_one calls would."""

    def note_losses(self, losses):
        """Take note of the losses of steps just learned by a kernel call that did not encode
        their targets itself (learn_many)."""

    @abc.abstractmethod
    def write_feedback(self, block):
        """Write the values fed back at the next step into `block`."""

    @abc.abstractmethod
    def reset_feedback(self, theta):
        """A new sequence: no previous target."""
