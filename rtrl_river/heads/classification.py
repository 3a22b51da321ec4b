"""The classification head: softmax cross-entropy over the classes seen so far, one output row
per class, added when its label first arrives."""

from numbers import Integral, Real

import numpy as np

from ..kernels.arrays import SOFTMAX_CROSS_ENTROPY
from ..kernels.targets import CLASS_FEEDBACK_WIDTH, PREVIOUS_CLASS
from .base import Head

LABEL_KINDS = ((bool, np.bool_), Integral, Real, str)  # bool before Integral, Integral before Real


def _label_kind(label):
    """The kind of label numpy stores as itself (bool, integer, real, str), or None."""
    for kind in LABEL_KINDS:
        if isinstance(label, kind):
            return kind
    return None


def _not_itself(label):
    """The part of `label` (itself, or an item of a tuple or frozenset in it, at any depth)
    that does not equal itself: a NaN, a NaT, pandas' NA (whose comparisons give NA, not a
    truth value), Decimal's signalling NaN (whose comparisons raise); None if there is
    none. None inside a tuple equals itself, and is a fine part of a label."""
    if isinstance(label, (tuple, frozenset)):
        for item in label:
            missing = _not_itself(item)
            if missing is not None:
                return missing
        return None
    try:
        same = label == label
    except Exception:
        return label
    return None if isinstance(same, (bool, np.bool_)) and same else label


def label_array(labels):
    """The labels as a 1-d array: numpy's own dtype when they are all bools, all integers, all
    reals or all strings (of any length), else an object array (mixed types, tuples kept
    whole), so every label reads back as itself."""
    kinds = {_label_kind(label) for label in labels}
    if len(kinds) == 1 and None not in kinds:
        return np.asarray(labels)
    array = np.empty(len(labels), dtype=object)
    for row, label in enumerate(labels):
        array[row] = label
    return array


class ClassificationHead(Head):
    """Softmax cross-entropy over the classes seen so far; the previous label is fed back as a
    one-hot block over them.

    A label seen for the first time gets an output row born zero (the engine adds it), which
    leaves every other class's scores untouched; the recurrent gradient stays exact because
    the head sits outside the influence matrix. `state` holds the previous label's row (-1:
    none) and the width of the fed-back block, which the kernels read (kernels/targets.py).
    """

    kind = SOFTMAX_CROSS_ENTROPY
    initial_outputs = 0
    feedback_grows = True

    def __init__(self):
        super().__init__()
        self.classes = np.array([], dtype=object)
        self.class_index = {}
        self.state = np.array([-1.0, 0.0])

    def initialize(self, network, rng):
        # Output rows are born zero, so the hidden units must not all start at 0: a random
        # state bias (b_h, or the eLSTM's b_z) gives the first class rows a non-zero gradient,
        # and through them every weight. A cell without one (the LRU, whose state is 0 while
        # its input weights are) gets random class rows instead (`initialize_row`).
        if network.cell.state_bias is not None:
            bias = network.params()[network.cell.state_bias]
            bias[:] = rng.normal(0.0, 0.5, size=network.n_hidden)

    def initialize_row(self, network, rng):
        if network.cell.state_bias is None:
            network.params()["W_hy"][-1] = rng.normal(0.0, network.n_hidden**-0.5,
                                                      size=network.n_hidden)

    @property
    def previous(self):
        """The row of the last label learned, -1 at the start of a sequence."""
        return int(self.state[PREVIOUS_CLASS])

    def feedback_width(self):
        return len(self.class_index)

    def set_feedback_block(self, width):
        self.state[CLASS_FEEDBACK_WIDTH] = width

    @classmethod
    def check_target(cls, y):
        if type(y) is int or type(y) is str:  # the usual labels, at once
            return
        if y is None:
            raise ValueError("y is None; a classifier needs a label")
        try:
            hash(y)
        except TypeError:
            raise TypeError(f"label {y!r} of type {type(y).__name__} is not hashable") from None
        missing = _not_itself(y)
        if missing is not None:
            # every such label would become a new class: it is found in no class index
            where = "" if missing is y else f" holds {missing!r}, which"
            raise ValueError(f"label {y!r}{where} is NaN or a missing value (NaN, NaT, "
                             "pandas' NA): it equals nothing, not even itself, so it cannot "
                             "name a class")

    def raw_target(self, label, n_outputs):
        """The label's row in the head, None for a label not seen yet."""
        row = self.class_index.get(label)
        if row is not None and not 0 <= row < n_outputs:
            raise RuntimeError(f"class row {row} out of range for a head with {n_outputs} outputs")
        return row

    def unknown_targets(self, raw):
        index = self.class_index
        return list(dict.fromkeys(label for label in raw if label not in index))

    def growth_points(self, raw):
        seen = set(self.class_index)
        points = []
        for t, label in enumerate(raw):
            if label not in seen:
                seen.add(label)
                if t > 0:
                    points.append(t)
        return points

    def prepare_register(self, label):
        classes = label_array([*self.class_index, label])

        def commit():
            self.classes = classes
            self.class_index[label] = len(self.class_index)

        return commit

    def encode(self, raw, theta, n_outputs):
        """Each label's row in the head, and the one-hot previous label fed back at each step."""
        index = self.class_index
        encoded = np.array([index[label] for label in raw], dtype=np.float64)
        if encoded.size and not (encoded.min() >= 0 and encoded.max() < n_outputs):
            raise RuntimeError(
                f"class rows {sorted(set(encoded.astype(int)))} out of range for a head with "
                f"{n_outputs} outputs"
            )
        feedback = np.zeros((len(raw), n_outputs))
        previous = np.concatenate([[self.previous], encoded[:-1]]).astype(np.int64)
        rows = np.flatnonzero(previous >= 0)
        feedback[rows, previous[rows]] = 1.0
        self.state[PREVIOUS_CLASS] = encoded[-1]
        return encoded, feedback

    def write_feedback(self, block):
        block[:] = 0.0
        if self.previous >= 0:
            block[self.previous] = 1.0

    def reset_feedback(self, theta):
        self.state[PREVIOUS_CLASS] = -1.0
