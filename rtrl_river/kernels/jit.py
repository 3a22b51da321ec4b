"""The one place that sets numba's compilation options for every kernel, and whether they are
cached on disk."""

import warnings

from numba import njit


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
