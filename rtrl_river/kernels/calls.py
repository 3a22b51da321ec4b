"""Entry points for one `learn_one` or `predict_one` call (and `learn_many`), taking a `StepCall`.

A call's arguments, some 25 arrays in groups, are packed once into a `StepCall` (a numba
structref holding their tuple): passing the arrays themselves made numba unbox each of them
on every call (about 36 ns an array, a microsecond a learn call), where a `StepCall`
unboxes as one pointer. `learn_one` and `predict_one` pass the `StepCall` their model's
layout made (`base.OneStepCalls`); `learn_many` packs one per call.

Inside, every group is a plain tuple, which `type_key` reads in a few lookups (numba's
dispatcher types a NamedTuple through Python, about 1 us each, once per layout in
`step_call`'s dispatch), and these kernels rebuild the NamedTuples the shared kernels take.
The network's group is rebuilt by each cell's own entry point (every cell's group has the
same field types); a learner's traces by `as_traces`, which numba resolves at compile time
from the plain tuple's type (`plain_traces` records it).

A one-step call also encodes its target and writes the values fed back into its input row
here (`targets.py`), so that no Python runs between a `learn_one` and its step; `learn_many`
passes targets already encoded (encode=0).
"""

import os
import sys

import numpy as np
from numba import njit, typeof
from numba.extending import overload

from .arrays import SQUARED_LOSS, OptimizerArrays, PendingForward, StepBuffers
from .cells.elman import ElmanArrays
from .cells.elstm import ELSTMArrays
from .cells.lru import LRUArrays
from .driver import learn_steps
from .jit import INLINE, INTERPRETED, JIT
from .network import predict_step
from .stepcall import CALL_FIELDS, InterpretedStepCall, step_call
from .targets import STEP_SCALE, encode_one, note_losses, write_feedback

# numba type of a plain traces tuple -> the NamedTuple class it is rebuilt as
PLAIN_TRACES = {}
# (NamedTuple class, type_key of its plain tuple) already recorded in PLAIN_TRACES
_RECORDED = set()


def type_key(arg):
    """What numba's type of an argument depends on, read off it in a few attribute lookups
    (numba's own `typeof` takes tens of microseconds on the 30-odd arrays of a call)."""
    if isinstance(arg, tuple):  # the class too: a NamedTuple and a plain tuple type apart
        return (type(arg), *map(type_key, arg))
    if isinstance(arg, np.ndarray):
        flags = arg.flags
        return (arg.dtype.str, arg.ndim, flags.c_contiguous, flags.f_contiguous, flags.writeable,
                flags.aligned)
    return type(arg)


def plain_traces(traces):
    """`traces` (a NamedTuple) as a plain tuple for the entry points below."""
    plain = tuple(traces)
    recorded = (type(traces), type_key(plain))
    if recorded in _RECORDED:
        return plain
    key = typeof(plain)
    known = PLAIN_TRACES.setdefault(key, type(traces))
    if known is not type(traces):
        raise TypeError(
            f"{type(traces).__name__} and {known.__name__} hold arrays of the same types, so a "
            "plain tuple of them cannot say which it is; give one of them a distinct field"
        )
    _RECORDED.add(recorded)
    return plain


def as_traces(plain):
    """The traces NamedTuple a plain tuple came from. Resolved at compile time (this body runs
    only with NUMBA_DISABLE_JIT=1)."""
    return PLAIN_TRACES[typeof(plain)](*plain)


@overload(as_traces, jit_options=JIT)
def _as_traces(plain):
    traces_class = PLAIN_TRACES[plain]

    def implementation(plain):
        return traces_class(*plain)

    return implementation


def _interpreted_trace_dispatch():
    """With the JIT off, the shared loop (`driver.learn_steps`, a Python function then) calls
    `update_traces` and `reset_traces`, which numba would resolve by the traces' type: give it
    the learner's registered kernels by the traces' class instead."""
    from . import driver

    def update_traces(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
        driver.TRACE_UPDATES[type(traces)](network, traces, t, hidden_prev, inputs, hidden,
                                           hidden_error, gradient)

    def reset_traces(traces):
        driver.TRACE_RESETS[type(traces)](traces)

    driver.update_traces, driver.reset_traces = update_traces, reset_traces


if INTERPRETED:
    _interpreted_trace_dispatch()

_ENTRY_POINTS = {}


def entry_point(kernel, args, key):
    """The compiled function of `kernel` (a numba dispatcher) for the types of `args`, loaded
    from the cache or compiled; `key` stands for those types (`type_key` of what they were made
    from). Calling it with arguments of other types is undefined: only arguments of exactly
    these types (the same arrays, or arrays like them) may be passed. With the JIT off, the
    kernel itself (a Python function)."""
    if INTERPRETED:
        return kernel
    key = (kernel, key)
    entry = _ENTRY_POINTS.get(key)
    if entry is None:
        signature = tuple(kernel.typeof_pyval(arg) for arg in args)
        entry = _ENTRY_POINTS[key] = kernel.compile(signature)
    return entry


def make_step_call(args):
    """`args` (laid out as CALL_FIELDS) as a `StepCall`, and the `type_key` of its types."""
    if len(args) != len(CALL_FIELDS):
        raise RuntimeError(f"a call has {len(CALL_FIELDS)} arguments, not {len(args)}")
    key = type_key(args)
    if INTERPRETED:
        return InterpretedStepCall(args), key
    call = entry_point(step_call, (args,), key)(args)
    call.owners = args
    return call, key


# The learn entry points take a `StepCall`. With encode=1 (learn_one), targets[0] holds the
# raw target: it is encoded and the values fed back are written into inputs[0] first
# (`targets.py`); then the steps are learned. Each returns True when the call dropped the
# model's first update (skipped[0] was 0). Written out in each, not through a shared wrapper:
# inlined (`inline="always"`, around the loop inlined there) it cost a cold start 0.3 s (4.96
# against 4.68 s to the first learn_one, `--tables startup`), and again 0.17 s with the
# StepCall (medians of three interleaved runs, 5.00 against 4.82 s); compiled as a function
# of its own, 2.1 s (6.79 s), since LLVM then optimises the whole loop twice, in the wrapper
# and again in each entry point that links it. Predicting stays an entry point of its own:
# one function that learned or predicted by a flag cost a cold start 0.3-0.4 s more than the
# two (5.2-5.3 against 4.7-4.9 s, three interleaved runs each).

@njit(**JIT)
def elman_learn(call):
    (network, traces, optimizer, head, inputs, targets, learning_rates, max_norm, pending,
     buffers, losses, skipped, target_state, readout, encode, _) = call.args
    network = ElmanArrays(*network)
    skipped_before = skipped[0]
    if encode:
        encode_one(head, target_state, network.theta, targets, inputs[0], readout)
    learn_steps(network, as_traces(traces), OptimizerArrays(*optimizer), head, inputs, targets,
                learning_rates, max_norm, PendingForward(*pending), StepBuffers(*buffers),
                losses, skipped)
    if encode and head == SQUARED_LOSS:
        note_losses(target_state, losses, target_state[STEP_SCALE : STEP_SCALE + 1], readout)
    return skipped_before == 0 and skipped[0] > 0


@njit(**JIT)
def elstm_learn(call):
    (network, traces, optimizer, head, inputs, targets, learning_rates, max_norm, pending,
     buffers, losses, skipped, target_state, readout, encode, _) = call.args
    network = ELSTMArrays(*network)
    skipped_before = skipped[0]
    if encode:
        encode_one(head, target_state, network.theta, targets, inputs[0], readout)
    learn_steps(network, as_traces(traces), OptimizerArrays(*optimizer), head, inputs, targets,
                learning_rates, max_norm, PendingForward(*pending), StepBuffers(*buffers),
                losses, skipped)
    if encode and head == SQUARED_LOSS:
        note_losses(target_state, losses, target_state[STEP_SCALE : STEP_SCALE + 1], readout)
    return skipped_before == 0 and skipped[0] > 0


@njit(**JIT)
def lru_learn(call):
    (network, traces, optimizer, head, inputs, targets, learning_rates, max_norm, pending,
     buffers, losses, skipped, target_state, readout, encode, _) = call.args
    network = LRUArrays(*network)
    skipped_before = skipped[0]
    if encode:
        encode_one(head, target_state, network.theta, targets, inputs[0], readout)
    learn_steps(network, as_traces(traces), OptimizerArrays(*optimizer), head, inputs, targets,
                learning_rates, max_norm, PendingForward(*pending), StepBuffers(*buffers),
                losses, skipped)
    if encode and head == SQUARED_LOSS:
        note_losses(target_state, losses, target_state[STEP_SCALE : STEP_SCALE + 1], readout)
    return skipped_before == 0 and skipped[0] > 0


# The predict entry points take the `StepCall` of learn_one: the values fed back are written
# into the end of inputs[0], then the step's prediction into `output`.

@njit(**INLINE)
def predict_one_step(network, call):
    _, _, _, head, inputs, _, _, _, pending, _, _, _, target_state, readout, _, output = (
        call.args)
    row = inputs[0]
    write_feedback(head, target_state, row)
    predict_step(network, head, row, PendingForward(*pending), readout, output)


@njit(**JIT)
def elman_predict(call):
    predict_one_step(ElmanArrays(*call.args[0]), call)


@njit(**JIT)
def elstm_predict(call):
    predict_one_step(ELSTMArrays(*call.args[0]), call)


@njit(**JIT)
def lru_predict(call):
    predict_one_step(LRUArrays(*call.args[0]), call)


_announced = False
_loaded = set()  # entry points seen compiled or loaded in this process


def announce_first_compile(kernel):
    """Say once on stderr that the kernels are being compiled, when `kernel` (an entry point
    above) is neither loaded in this process nor found in numba's disk cache."""
    global _announced
    if _announced or kernel in _loaded or INTERPRETED:  # (nothing compiles with the JIT off)
        return
    if kernel.signatures:
        _loaded.add(kernel)
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
    LRUArrays: (lru_learn, lru_predict),
}
