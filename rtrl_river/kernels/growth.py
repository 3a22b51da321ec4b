"""Re-laying rows of numbers to make room for new input columns, in place or into a new buffer."""

from numba import njit

from .jit import JIT


@njit(**JIT)
def relay_rows(source, destination, n_rows, old_width, new_width, starts, targets, lengths):
    """Copy `n_rows` rows of `old_width` numbers (row r at source[r * old_width:]) into rows of
    `new_width` (row r at destination[r * new_width:]), zeroing the columns in between.

    Within a row, run k moves `lengths[k]` numbers from column `starts[k]` to column
    `targets[k]`; every column of the new row that no run reaches becomes 0. The runs are in
    increasing order, with targets[k] >= starts[k] and new_width >= old_width.

    `source` and `destination` may be the same buffer: every number then moves to an index at
    or after its own, and the loops go from the last row to the first, within a row from its
    last run to its first, within a run from its end to its start. So each number is read
    before anything is written over it: a row's new place starts at or after its old place
    (and so after every row before it), and a gap zeroed after run k starts at or after the
    end of run k's old numbers, past every number of the row not yet moved.
    """
    for r in range(n_rows - 1, -1, -1):
        old, new = r * old_width, r * new_width
        end = new_width
        for k in range(starts.shape[0] - 1, -1, -1):
            start, target, length = starts[k], targets[k], lengths[k]
            for j in range(target + length, end):
                destination[new + j] = 0.0
            for j in range(length - 1, -1, -1):
                destination[new + target + j] = source[old + start + j]
            end = target
        for j in range(end):
            destination[new + j] = 0.0
