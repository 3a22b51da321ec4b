"""The `StepCall`: a call's arguments held once on numba's side, its arrays unowned.

What breaks it, and must never be done:
- boxing `args` back to Python (a getter, or a kernel that returns one of its arrays): a numpy
  array made from an unowned one does not keep its memory alive, so it would outlive it;
- letting the `StepCall` outlive the Python tuple it was made from (`owners`): the arrays it
  holds would be freed under it. `make_step_call` (calls.py) keeps that tuple on the object;
- holding anything numba counts references to besides arrays (strings, lists, other structs):
  the value is stored without a reference of its own (`_check_holdable` refuses them at typing);
- replacing an array the call holds (growth does: it drops the calls first, engine/calls.py).

Unowned arrays spare the kernels about a hundred atomic reference counts a learn call (0.76 us
of a predict_one + learn_one at n=16, paired same-process runs). To run with ordinary reference
counting instead (a test of the above, which CI runs), set RTRL_RIVER_COUNTED_REFERENCES=1
before importing rtrl_river: `step_call` is then a separately compiled function whose arrays
own their references.
"""

import os

from numba import njit, types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.experimental import structref
from numba.extending import intrinsic

from .jit import JIT

COUNTED_REFERENCES = os.environ.get("RTRL_RIVER_COUNTED_REFERENCES", "") not in ("", "0")


@structref.register
class StepCallType(types.StructRef):
    """numba's type of a `StepCall`: one field, `args`, the tuple of a call's arguments."""

    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(field_type)) for name, field_type in fields)


class StepCall(structref.StructRefProxy):
    """The arguments of a learn or predict call (`CALL_FIELDS`), held once on numba's side.

    Passing 25 numpy arrays to a compiled function unboxes each (about 36 ns an array, a
    microsecond a call), where this object unboxes as one pointer: `learn_one` and
    `predict_one` pass the one `StepCall` their model's layout made (engine/calls.py). The
    arrays it holds on numba's side are unowned (`_new_step_call`), so that the kernels count
    no references; `owners`, the tuple of numpy arrays it was made from, keeps them alive as
    long as this object. The entry points change the values in the arrays, never which arrays
    the call holds."""

    __slots__ = ("owners",)


structref.define_boxing(StepCallType, StepCall)


class InterpretedStepCall:
    """A `StepCall` with the JIT off (NUMBA_DISABLE_JIT=1): the kernels are Python functions,
    which read `args` from a plain object."""

    __slots__ = ("args", "owners")

    def __init__(self, args):
        self.args = self.owners = args

# The fields of a call's `args`, in order.
CALL_FIELDS = (
    "network", "traces", "optimizer", "head", "inputs", "targets", "learning_rates", "max_norm",
    "pending", "buffers", "losses", "skipped", "target_state", "readout", "encode", "output",
)


def _without_owners(context, builder, value_type, value):
    """`value` with every array in it (through nested tuples) marked as owned by no one: a
    null meminfo and parent, the same data, shape and strides."""
    if isinstance(value_type, types.Array):
        array = context.make_array(value_type)(context, builder, value=value)
        array.meminfo = cgutils.get_null_value(array.meminfo.type)
        array.parent = cgutils.get_null_value(array.parent.type)
        return array._getvalue()
    if isinstance(value_type, types.BaseTuple):
        for i, member_type in enumerate(value_type):
            member = builder.extract_value(value, i)
            member = _without_owners(context, builder, member_type, member)
            value = builder.insert_value(value, member, i)
    return value


def _check_holdable(value_type):
    """Raise unless `value_type` is made of arrays, numbers and booleans in nested tuples."""
    if isinstance(value_type, types.BaseTuple):
        for member_type in value_type:
            _check_holdable(member_type)
    elif type(value_type) is not types.Array and not isinstance(
            value_type, (types.Number, types.Boolean)):
        raise TypingError(f"a StepCall holds arrays, numbers and booleans, not {value_type}")


def _step_call_intrinsic(counted):
    """The intrinsic that builds a `StepCall` holding `args`: with `counted`, the arrays keep
    their references (numba's ordinary counting); without, they are unowned."""

    @intrinsic
    def new_step_call(typingctx, args):
        """Written as one intrinsic (numba's `structref.new`, then the field set) so that
        building it compiles one function, not two."""
        _check_holdable(args)
        call_type = StepCallType([("args", args)])

        def codegen(context, builder, signature, llargs):
            from numba.experimental.jitclass.base import imp_dtor

            payload_type = call_type.get_data_type()
            alloc_type = context.data_model_manager[payload_type].get_value_type()
            meminfo = context.nrt.meminfo_alloc_dtor(
                builder,
                context.get_constant(types.uintp, context.get_abi_sizeof(alloc_type)),
                imp_dtor(context, builder.module, call_type),
            )
            data_pointer = builder.bitcast(
                context.nrt.meminfo_data(builder, meminfo), alloc_type.as_pointer())
            builder.store(cgutils.get_null_value(alloc_type), data_pointer)
            payload = cgutils.create_struct_proxy(payload_type)(context, builder,
                                                                ref=data_pointer)
            if counted:  # the payload owns a reference to each array, released by the dtor
                context.nrt.incref(builder, args, llargs[0])
                payload.args = llargs[0]
            else:  # nothing is increfed, and the destructor's decrefs of it are no-ops
                payload.args = _without_owners(context, builder, args, llargs[0])
            call = context.make_helper(builder, call_type)
            call.meminfo = meminfo
            return call._getvalue()

        return call_type(args), codegen

    return new_step_call


_new_step_call = _step_call_intrinsic(counted=False)
_new_counted_step_call = _step_call_intrinsic(counted=True)


@njit(**JIT)
def unowned_step_call(args):
    """A `StepCall` holding `args` (a tuple laid out as CALL_FIELDS), arrays unowned."""
    return _new_step_call(args)


@njit(**JIT)
def counted_step_call(args):
    """A `StepCall` holding `args`, arrays with their references counted."""
    return _new_counted_step_call(args)


step_call = counted_step_call if COUNTED_REFERENCES else unowned_step_call
