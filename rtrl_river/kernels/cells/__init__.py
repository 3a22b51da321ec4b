"""Each cell's kernels, and the entry points the shared code calls without knowing the cell.

A cell's kernel module defines a NamedTuple of its arrays (the network) and registers its
kernels with `@cell_kernel(ItsArrays, role)`. `cell_forward(network, ...)` and the other entry
points below are resolved by numba at compile time from the type of `network`, so each cell
gets its own compiled loop with no per-step dispatch.

Roles every cell provides: "forward", "backward" and "mask_gradient". A cell whose influence
is diagonal (each unit's parameters reach that unit only) also provides "diagonal_influence",
its exact RTRL trace at the cost of a forward pass, laid out as the cell declares
(`rtrl_river.cells.Cell.trace_shapes`).
"""

from numba.extending import overload

from ..jit import JIT

CELL_KERNELS = {}


def cell_kernel(arrays_class, role):
    """Register the decorated kernel as `role` of the cell whose arrays are `arrays_class`; its
    parameters are named as those of the entry point for `role` below."""

    def register(kernel):
        CELL_KERNELS[arrays_class, role] = kernel
        return kernel

    return register


def _kernel(network, role):
    try:
        return CELL_KERNELS[network.instance_class, role]
    except KeyError:
        raise TypeError(f"no {role!r} kernel for {network.instance_class.__name__}") from None


def _registered(network, role):
    """The kernel of `role` for a network given as Python (the entry points' bodies below run
    only with NUMBA_DISABLE_JIT=1: in compiled code the overloads take their place)."""
    return CELL_KERNELS[type(network), role]


def cell_forward(network, hidden, inputs, hidden_next):
    """hidden_next = the cell's next state from `hidden` and `inputs`. `hidden_next` shares
    no memory with `hidden`, `inputs` or the network's arrays (the kernels write it while
    they read those), and every array is C-contiguous."""
    return _registered(network, "forward")(network, hidden, inputs, hidden_next)


def cell_backward(network, hidden_prev, inputs, hidden, hidden_error, gradient, scratch):
    """Backpropagate one step: add the step's share of dL/dtheta_rec to gradient[:P] for
    dL/dh_s in `hidden_error`, then overwrite `hidden_error` with dL/dh_{s-1}. `scratch` is n
    numbers of working space."""
    return _registered(network, "backward")(network, hidden_prev, inputs, hidden, hidden_error,
                                            gradient, scratch)


def cell_mask_gradient(network, gradient):
    """Zero the gradient of parameters the cell holds fixed at zero (a sparse W_hh)."""
    return _registered(network, "mask_gradient")(network, gradient)


def cell_diagonal_influence(network, influence, hidden_prev, inputs, hidden_error, gradient):
    """Exact RTRL for a cell with diagonal influence: advance `influence` (the cell's trace,
    laid out as its `trace_shapes`; the eLSTM's is one number per recurrent parameter, laid
    out like theta) by one step, and write gradient[:P]."""
    return _registered(network, "diagonal_influence")(network, influence, hidden_prev, inputs,
                                                      hidden_error, gradient)


# Each overload hands numba the registered kernel's own Python function, so the kernel is
# compiled as the implementation itself. A wrapper that called the kernel would be one more unit
# to compile, with the kernel's code optimised again inside it (see `jit.INLINE`). numba checks
# that the kernel's parameters are named as the entry point's.


@overload(cell_forward, jit_options=JIT)
def _cell_forward(network, hidden, inputs, hidden_next):
    return _kernel(network, "forward").py_func


@overload(cell_backward, jit_options=JIT)
def _cell_backward(network, hidden_prev, inputs, hidden, hidden_error, gradient, scratch):
    return _kernel(network, "backward").py_func


@overload(cell_mask_gradient, jit_options=JIT)
def _cell_mask_gradient(network, gradient):
    return _kernel(network, "mask_gradient").py_func


@overload(cell_diagonal_influence, jit_options=JIT)
def _cell_diagonal_influence(network, influence, hidden_prev, inputs, hidden_error, gradient):
    return _kernel(network, "diagonal_influence").py_func
