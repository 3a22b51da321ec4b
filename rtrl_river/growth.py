"""Large traces that grow by input columns in place, in a buffer with room to spare.

When a feature appears, every array laid out like theta gains zero columns in its input
blocks (`network.insert_input_columns`). Built as a new array, that costs the old array and
the new one at once: twice exact RTRL's influence matrices, the largest thing a model holds.
A `GrowableArray` keeps such an array at the start of a flat, 64-byte aligned buffer with
room for a few more input columns, and grows it there: each row is re-laid to its new,
wider place by one kernel pass (`kernels/growth.py`), with no second copy. Only when the
room runs out is a larger buffer allocated, with room again.
"""

import math

import numpy as np

from .kernels.arrays import aligned_zeros
from .kernels.growth import relay_rows

# The room kept for input columns beyond the current ones: SPARE_INPUTS columns, or an eighth
# of the current inputs once that is more. One input column of exact RTRL's influence costs
# 1/(n + d + 1) of it, so room for 8 costs at most 8/(n + 9) more memory (12% at n=64, 6% at
# n=128, 3% at n=256) and lets the next 8 features that arrive one by one grow in place; an
# eighth costs at most 12.5% and makes a stream of ever more features re-allocate
# geometrically rarely (about 6 times per doubling of d).
SPARE_INPUTS = 8


def spare_inputs(n_inputs):
    """How many more input columns a growable array keeps room for, at `n_inputs` inputs."""
    return max(SPARE_INPUTS, n_inputs // 8)


def growth_plan(shapes, input_blocks, position, count, width):
    """How a row of `width` numbers laid out like theta (or its first blocks) grows by `count`
    zero columns at column `position` of each input block, as `insert_input_columns` does it.

    Returns (starts, targets, lengths, new_width): the runs of numbers that move, each from
    column starts[k] of the old row to column targets[k] of the new one, in increasing order;
    the columns between runs are the new ones.
    """
    runs = []  # [start, target, length], adjacent runs merged
    start = target = 0

    def move(length):
        nonlocal start, target
        if length > 0:
            last = runs[-1] if runs else None
            if last and last[0] + last[2] == start and last[1] + last[2] == target:
                last[2] += length
            else:
                runs.append([start, target, length])
        start += length
        target += length

    for name, shape in shapes.items():
        size = math.prod(shape)
        if start + size > width:
            break
        if name in input_blocks:
            rows, columns = shape
            for _ in range(rows):
                move(position)
                target += count
                move(columns - position)
        else:
            move(size)
    move(width - start)
    runs = np.array(runs, dtype=np.int64).reshape(-1, 3)
    return runs[:, 0].copy(), runs[:, 1].copy(), runs[:, 2].copy(), target


def _all_zero(flat, chunk=1 << 17):
    """Whether every number of the 1-d float array `flat` is +0.0 (bit for bit: not -0.0),
    looking at one chunk at a time, so a busy array answers at its first chunk."""
    bits = flat.view(np.int64)
    return not any(bits[i : i + chunk].any() for i in range(0, bits.size, chunk))


class GrowableArray:
    """A float64 array whose last axis grows by input columns in place.

    `array` is a C-contiguous, 64-byte aligned view of the first numbers of `buffer`, which
    keeps `room` numbers to spare when it is allocated. `insert_input_columns` grows the
    array's every row in place while the new size fits in the buffer: then a growth holds no
    second copy of the array. When it does not fit, a new buffer (the new size plus the new
    `room`) takes the re-laid rows and the old one is dropped: for that moment both exist,
    except when every number is zero (a fresh or reset model), when the old buffer is dropped
    first.

    The old shape's views see the re-laid numbers after an in-place growth: take `array`
    again after growing. A pickle (and a deep copy) holds the array and the room, not the
    spare numbers, and is restored into a fresh buffer with that room.
    """

    def __init__(self, shape, room=0):
        self.shape = tuple(int(s) for s in shape)
        self.room = int(room)
        self.buffer = aligned_zeros(self.size + self.room)

    @classmethod
    def holding(cls, array, room=0):
        """A growable copy of `array`, with `room` numbers to spare."""
        grown = cls(np.shape(array), room)
        grown.array[...] = array
        return grown

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def capacity(self):
        """How many numbers the buffer holds, the array's and the spare ones."""
        return self.buffer.size

    @property
    def array(self):
        return self.buffer[: self.size].reshape(self.shape)

    def insert_input_columns(self, shapes, input_blocks, position, count, room):
        """Grow the last axis, laid out like theta by `shapes`, by `count` zero columns at
        column `position` of each block in `input_blocks`: the numbers of
        `insert_input_columns(self.array, shapes, input_blocks, position, count)`.
        `room` is the spare numbers to keep if a new buffer is needed, and from now on."""
        self.prepare_input_columns(shapes, input_blocks, position, count, room)()

    def prepare_input_columns(self, shapes, input_blocks, position, count, room, keep=True):
        """Allocate what `insert_input_columns` needs and return the function that grows the
        array, which allocates nothing: a growth that fails for want of memory leaves the array
        as it was, however many other arrays grow with it (`Engine.insert_inputs`).

        `keep=False` says the numbers need not survive (scratch the next step overwrites
        whole): the grown array is then zero, like a zero one's. The buffer of such an array,
        or of one all zero, is let go before a larger one is allocated, so the two never exist
        at once; the smaller one is put back if the allocation fails, and if a later one
        fails, the new buffer holds the old shape's zeros. Either way the array reads as it did
        (a zero array as zeros; scratch as scratch).
        """
        lead, width = self.shape[:-1], self.shape[-1]
        starts, targets, lengths, new_width = growth_plan(shapes, input_blocks, position, count,
                                                          width)
        n_rows = math.prod(lead)
        old_size, new_size = self.size, n_rows * new_width
        new_shape, room = lead + (new_width,), int(room)
        zero = not keep or _all_zero(self.buffer[:old_size])
        fresh = False  # a new buffer, zero already
        if new_size <= self.capacity:
            buffer = self.buffer
        elif zero:
            capacity = self.capacity
            self.buffer = None  # let it go before the new one exists
            try:
                self.buffer = aligned_zeros(new_size + room)
            except BaseException:
                self.buffer = aligned_zeros(capacity)
                raise
            buffer, fresh = self.buffer, True  # the old shape's zeros until the commit
        else:
            buffer = aligned_zeros(new_size + room)

        def commit():
            if buffer is not self.buffer:  # a new buffer takes the re-laid rows
                relay_rows(self.buffer, buffer, n_rows, width, new_width, starts, targets,
                           lengths)
                self.buffer = buffer
            elif zero:
                if not fresh:
                    self.buffer[:new_size] = 0.0
            else:
                relay_rows(self.buffer, self.buffer, n_rows, width, new_width, starts, targets,
                           lengths)
            self.shape, self.room = new_shape, room

        return commit

    def insert_columns(self, column, count, room):
        """Grow a matrix by `count` zero columns at `column` of each row."""
        self.prepare_columns(column, count, room)()

    def prepare_columns(self, column, count, room):
        """`insert_columns` in two steps, as `prepare_input_columns`."""
        return self.prepare_input_columns({"row": (1, self.shape[-1])}, ("row",), column, count,
                                          room)

    def __getstate__(self):
        return {"array": self.array, "room": self.room}

    def __setstate__(self, state):
        array = state["array"]
        self.__init__(array.shape, state["room"])
        self.array[...] = array
