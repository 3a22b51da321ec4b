"""Entry points for one `learn_one` or `predict_one` call, taking plain tuples.

numba's dispatcher types a plain tuple of arrays through its fast path, but a NamedTuple
through Python (about 1 us each, more than a small network's step). So the per-call path
caches each group of arrays as a plain tuple, and these kernels rebuild the NamedTuples the
shared kernels take. The network's group is rebuilt by each cell's own entry point (both
cells' groups have the same field types); a learner's traces by `as_traces`, which numba
resolves at compile time from the plain tuple's type (`plain_traces` records it).
"""

import os
import sys

from numba import njit, typeof
from numba.extending import overload

from .arrays import OptimizerArrays, PendingForward, StepBuffers
from .cells.elman import ElmanArrays
from .cells.elstm import ELSTMArrays
from .driver import learn_steps
from .jit import JIT
from .network import predict_step

# numba type of a plain traces tuple -> the NamedTuple class it is rebuilt as
PLAIN_TRACES = {}


def plain_traces(traces):
    """`traces` (a NamedTuple) as a plain tuple for the entry points below."""
    plain = tuple(traces)
    key = typeof(plain)
    known = PLAIN_TRACES.setdefault(key, type(traces))
    if known is not type(traces):
        raise TypeError(
            f"{type(traces).__name__} and {known.__name__} hold arrays of the same types, so a "
            "plain tuple of them cannot say which it is; give one of them a distinct field"
        )
    return plain


def as_traces(plain):
    """The traces NamedTuple a plain tuple came from. Resolved at compile time."""
    raise NotImplementedError("as_traces only runs inside numba kernels")


@overload(as_traces, jit_options=JIT)
def _as_traces(plain):
    traces_class = PLAIN_TRACES[plain]

    def implementation(plain):
        return traces_class(*plain)

    return implementation


@njit(**JIT)
def elman_learn(network, traces, optimizer, head, inputs, targets, learning_rates, max_norm,
                pending, buffers, losses, skipped):
    learn_steps(ElmanArrays(*network), as_traces(traces), OptimizerArrays(*optimizer), head,
                inputs, targets, learning_rates, max_norm, PendingForward(*pending),
                StepBuffers(*buffers), losses, skipped)


@njit(**JIT)
def elstm_learn(network, traces, optimizer, head, inputs, targets, learning_rates, max_norm,
                pending, buffers, losses, skipped):
    learn_steps(ELSTMArrays(*network), as_traces(traces), OptimizerArrays(*optimizer), head,
                inputs, targets, learning_rates, max_norm, PendingForward(*pending),
                StepBuffers(*buffers), losses, skipped)


@njit(**JIT)
def elman_predict(network, head, inputs, pending, readout, output):
    predict_step(ElmanArrays(*network), head, inputs, PendingForward(*pending), readout, output)


@njit(**JIT)
def elstm_predict(network, head, inputs, pending, readout, output):
    predict_step(ELSTMArrays(*network), head, inputs, PendingForward(*pending), readout, output)


_announced = False


def announce_first_compile(kernel):
    """Say once on stderr that the kernels are being compiled, when `kernel` (an entry point
    above) is neither loaded in this process nor found in numba's disk cache."""
    global _announced
    if _announced or kernel.signatures:
        return
    cache_file = getattr(getattr(kernel, "_cache", None), "_cache_file", None)
    index = getattr(cache_file, "_index_path", None)
    if index is not None and os.path.exists(index):
        return
    _announced = True
    where = f"cached in {os.path.dirname(index)}" if index else "not cached: no writable directory"
    print(
        "rtrl_river: compiling its numba kernels for first use; this takes several seconds "
        f"once ({where}).",
        file=sys.stderr, flush=True,
    )


# a network group's class -> (its learn entry point, its predict entry point)
ENTRY_POINTS = {
    ElmanArrays: (elman_learn, elman_predict),
    ELSTMArrays: (elstm_learn, elstm_predict),
}
