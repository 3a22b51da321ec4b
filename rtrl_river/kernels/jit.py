"""The one place that sets numba's compilation options for every kernel."""

# `nnan` and `ninf` stay off so finiteness checks keep their meaning; `reassoc` and
# `contract` let LLVM vectorise reductions and fuse multiply-adds.
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}

JIT = {"cache": True, "nogil": True, "fastmath": FASTMATH, "error_model": "numpy"}
