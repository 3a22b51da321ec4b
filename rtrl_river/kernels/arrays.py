"""The named groups of arrays that kernels take, so a kernel call reads like a sentence."""

import math
from typing import NamedTuple

import numpy as np


class OptimizerArrays(NamedTuple):
    """An optimizer's hyperparameters and its per-parameter moments (shaped like theta)."""

    kind: int
    beta_1: float
    beta_2: float
    eps: float
    rho: float
    recurrent_end: int  # parameters [0, recurrent_end) (Elman's W_hh) step at a scaled rate
    recurrent_scale: float
    first_moment: np.ndarray
    second_moment: np.ndarray
    step: np.ndarray  # int64[1]: the optimizer's iteration count, advanced by the kernel


class StepBuffers(NamedTuple):
    """Scratch space for one time step, allocated once and reused by every step."""

    gradient: np.ndarray  # like theta
    hidden_next: np.ndarray  # n
    output: np.ndarray  # k
    error: np.ndarray  # k: dL/dyhat
    hidden_error: np.ndarray  # n: dL/dh_t = W_hy^T error


class PendingForward(NamedTuple):
    """The forward step `predict_one` computed, kept so `learn_one` on the same x reuses it."""

    valid: np.ndarray  # int64[1]: 1 while hidden/inputs describe the next step
    inputs: np.ndarray  # d
    hidden: np.ndarray  # n: h_t computed from the state and `inputs`


# Arrays the kernels stream through start on a cache line: an unaligned start (numpy's large
# arrays begin 16 bytes past one) splits vector loads across lines and halves some passes.
ALIGNMENT = 64


def aligned(array):
    """`array` itself if its data starts on an ALIGNMENT-byte boundary, else an aligned copy."""
    if array.nbytes == 0 or array.ctypes.data % ALIGNMENT == 0:
        return array
    buffer = np.empty(array.nbytes + ALIGNMENT, dtype=np.uint8)
    offset = -buffer.ctypes.data % ALIGNMENT
    copy = buffer[offset : offset + array.nbytes].view(array.dtype).reshape(array.shape)
    copy[...] = array
    return copy


def aligned_zeros(shape, dtype=np.float64):
    """Zeros whose data starts on an ALIGNMENT-byte boundary, allocated once (not as zeros
    copied to an aligned place, which holds two of them for a moment)."""
    dtype = np.dtype(dtype)
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(size) for size in shape)
    nbytes = math.prod(shape) * dtype.itemsize
    buffer = np.zeros(nbytes + ALIGNMENT, dtype=np.uint8)
    offset = -buffer.ctypes.data % ALIGNMENT
    return buffer[offset : offset + nbytes].view(dtype).reshape(shape)


SQUARED_LOSS = 0
SOFTMAX_CROSS_ENTROPY = 1

SGD = 0
ADAM = 1
RMSPROP = 2
ADAGRAD = 3
