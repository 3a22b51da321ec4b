"""The one place that sets numba's compilation options for every kernel."""

# Only `nsz` and `contract` (fused multiply-adds). `nnan` and `ninf` stay off so finiteness
# checks keep their meaning. `reassoc`, `arcp` and `afn` stay off too: with them, two
# identically seeded models differed in the last bit now and then, depending on where their
# arrays happened to sit in memory. River's seeding check compares predictions with ==. The
# hot path is a BLAS product plus an elementwise pass, so they bought no measurable speed.
FASTMATH = {"nsz", "contract"}

JIT = {"cache": True, "nogil": True, "fastmath": FASTMATH, "error_model": "numpy"}
