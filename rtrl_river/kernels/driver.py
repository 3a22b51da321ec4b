"""The T-step learning loop every gradient estimator shares; each brings its trace update.

A learner's kernel module defines a NamedTuple of its trace arrays and registers the numba
function that advances them with `@trace_update(ItsTraces)`. The loop calls
`update_traces(...)`, which numba resolves at compile time from the traces' type, so each
learner gets its own compiled (and cached) loop with no per-step dispatch. The loop is inlined
into the entry points of `calls.py`, which are what numba compiles and caches.
"""

from numba import njit
from numba.extending import overload

from .cells import cell_forward, cell_mask_gradient
from .jit import INLINE, JIT
from .network import clip_groups, copy_into, first_forward, head_step, optimizer_step

TRACE_UPDATES = {}
TRACE_RESETS = {}


def trace_update(traces_class):
    """Register the decorated kernel as the trace update for `traces_class`. Its parameters are
    named as those of `update_traces`: the overload below compiles the kernel's own function
    in its place (see `cells/__init__.py`)."""

    def register(update):
        TRACE_UPDATES[traces_class] = update
        return update

    return register


def trace_reset(traces_class):
    """Register the decorated kernel as the one that zeroes the traces of `traces_class`; its
    parameter is named `traces`, as that of `reset_traces`."""

    def register(reset):
        TRACE_RESETS[traces_class] = reset
        return reset

    return register


def update_traces(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    """Advance the learner's traces by step t and write the recurrent gradient into
    gradient[:P]. Resolved at compile time by the overload below."""
    raise NotImplementedError("update_traces only runs inside numba kernels")


@overload(update_traces, jit_options=JIT)
def _update_traces(network, traces, t, hidden_prev, inputs, hidden, hidden_error, gradient):
    return TRACE_UPDATES[traces.instance_class].py_func


def reset_traces(traces):
    """Forget the learner's traces. Resolved at compile time by the overload below."""
    raise NotImplementedError("reset_traces only runs inside numba kernels")


@overload(reset_traces, jit_options=JIT)
def _reset_traces(traces):
    return TRACE_RESETS[traces.instance_class].py_func


@njit(**INLINE)
def learn_steps(network, traces, optimizer, head, inputs, targets,
                learning_rates, max_norm, pending, buffers, losses, skipped):
    """Learn T = len(targets) steps in order.

    Each step, with parameters theta_{t-1}: forward h_t; the loss, the head's gradient and
    dL/dh_t; the learner's trace update advances the learner's traces and writes the recurrent
    gradient into gradient[:P]; then the gradient is masked, clipped group by group
    (`clip_groups`), and the optimizer takes one step.
    A gradient with a NaN or an infinity never reaches the weights: that step's update is
    skipped, the traces that produced it are reset, and skipped[0] counts it.
    The cell's kernels (forward, mask) are picked by numba from the type of `network`.
    """
    hidden, hidden_next = network.hidden, buffers.hidden_next
    head_start = network.theta.shape[0] - network.n_outputs * (hidden.shape[0] + 1)
    for t in range(targets.shape[0]):
        x = inputs[t]
        if t == 0:
            first_forward(network, pending, x, hidden_next)
        else:
            cell_forward(network, hidden, x, hidden_next)
        losses[t] = head_step(network, head, hidden_next, targets[t], buffers)
        update_traces(network, traces, t, hidden, x, hidden_next, buffers.hidden_error,
                      buffers.gradient)
        cell_mask_gradient(network, buffers.gradient)
        if clip_groups(buffers.gradient, optimizer.recurrent_end, head_start, max_norm):
            optimizer_step(optimizer, network.theta, buffers.gradient, learning_rates[t])
        else:
            reset_traces(traces)
            skipped[0] += 1
        copy_into(hidden, hidden_next)
