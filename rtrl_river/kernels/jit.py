"""The one place that sets numba's compilation options for every kernel, and whether they are
cached on disk."""

import warnings

from numba import njit
from numba.core import config

# NUMBA_DISABLE_JIT=1 (coverage runs, debugging): every @njit kernel is its Python function.
# What numba would resolve or generate at compile time (the overloads that pick a cell's or a
# learner's kernel, the intrinsics written in IR, the StepCall) then has a Python stand-in,
# chosen by this flag.
INTERPRETED = bool(config.DISABLE_JIT)


class KernelCacheWarning(UserWarning):
    """numba has nowhere to write the kernels' cache, so they are compiled in every process."""


def kernel_cache_available():
    """Whether numba finds a writable cache directory for the kernels in this directory.

    numba looks in NUMBA_CACHE_DIR, then the package's own `__pycache__`, then the user's
    cache directory, and raises when none is writable. Every kernel sits beside this file, so
    asking numba to set up a cache for one function here answers for all of them; nothing is
    compiled or written.
    """

    def probe():  # pragma: no cover - never called, only given a cache
        pass

    try:
        njit(cache=True)(probe)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return False
    return True


CACHE = kernel_cache_available()
if not CACHE:
    warnings.warn(
        "numba cannot write a cache for rtrl_river's kernels (NUMBA_CACHE_DIR, the package "
        "directory and the user cache directory are all unwritable), so they are compiled "
        "afresh in each process. Set NUMBA_CACHE_DIR to a private writable directory to "
        "cache them.",
        KernelCacheWarning,
        stacklevel=2,
    )

# Only `nsz` and `contract` (fused multiply-adds). `nnan` and `ninf` stay off so finiteness
# checks keep their meaning. `reassoc`, `arcp` and `afn` stay off too: with them, two
# identically seeded models differed in the last bit now and then, depending on where their
# arrays happened to sit in memory. River's seeding check compares predictions with ==. The
# hot path is a BLAS product plus an elementwise pass, so they bought no measurable speed.
FASTMATH = {"nsz", "contract"}

JIT = {"cache": CACHE, "nogil": True, "fastmath": FASTMATH, "error_model": "numpy"}

# What a cold start compiles. numba compiles each kernel a caller reaches as a unit of its own
# (typed, lowered, optimised by LLVM and turned into machine code), then links it into the
# caller and optimises and generates machine code for the caller again, callees included: code
# k calls deep is processed k times. INLINE puts a small kernel's body into each caller before
# typing instead, so it is compiled once, as part of its caller. It suits kernels with a single
# caller in the learning loop, or wrappers of a few calls; not everything: numba's type
# inference grows faster than linearly with a function's size, and inlining every kernel into
# the entry points made a cold start slower than none. numba caches only the kernels it
# compiled as units, so an inlined kernel is cached inside its callers.
INLINE = {**JIT, "inline": "always"}

# Arithmetic that must equal River's (or Python's) to the bit, as the running standardisers of
# `targets.py` do, or loops that LLVM vectorises, as the optimizer step's: no fast-math flags
# at all, so no multiply and add are fused into one rounding, and a loop's vector and scalar
# iterations round alike. Such a kernel is not inlined into a fast-math caller: numba's
# inlining compiles the body under its caller's flags.
EXACT = {**JIT, "fastmath": False}
