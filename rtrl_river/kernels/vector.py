"""Sums in a fixed order that still run on vectors: the gradient's sum of squares and the
long rows of the Elman cell's matrix-vector product.

numba cannot vectorise a sum itself without reassociating it (fast-math `reassoc`, which the
kernels keep off: with it, two identically seeded models could differ in the last bit
depending on where their arrays sit). These intrinsics write the vector code out in numba's
IR instead. A sum over p is taken in blocks of BLOCK = LANES * VECTORS entries: entry p of each
full block goes to lane p mod LANES of accumulator (p // LANES) mod VECTORS, by a fused
multiply-add; then the accumulators are added pairwise, the lanes pairwise. The lane of an
entry depends on its index only, so the bits are the same wherever the arrays sit in memory
and whatever the machine's vector width (LLVM splits the 8-lane operations lane for lane).
"""

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .jit import INTERPRETED

LANES, VECTORS = 8, 4
BLOCK = LANES * VECTORS
# The flags of the IR's own additions, multiplications, divisions and comparisons. numba's
# fast-math pass gives every such instruction without flags its caller's, which could let
# LLVM reassociate a sum (`reassoc`) or drop a NaN test (`nnan`) in a caller compiled with
# more of them; one written down here is left alone. `nsz` changes nothing these compute:
# the sums' zeros carry no meaning, and tanh takes its sign from x last.
OWN = ("nsz",)


def _is_vector(array):
    """A contiguous float64 vector whose entries sit on 8-byte boundaries (the loads below
    say so to LLVM)."""
    return (isinstance(array, types.Array) and array.ndim == 1
            and array.dtype == types.float64 and array.layout == "C" and array.aligned)


def _block_sum(builder, first, second, blocks):
    """IR for the sum of first[p] * second[p] over the first `blocks` full blocks (double
    pointers), in the fixed order of the module docstring; 0.0 for no block."""
    double = ir.DoubleType()
    lanes = ir.VectorType(double, LANES)
    fma = cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(lanes, [lanes] * 3), f"llvm.fma.v{LANES}f64")
    zero = ir.Constant(lanes, [0.0] * LANES)
    sums = [cgutils.alloca_once_value(builder, zero) for _ in range(VECTORS)]
    with cgutils.for_range(builder, blocks) as loop:
        start = builder.mul(loop.index, ir.Constant(blocks.type, BLOCK))
        for k in range(VECTORS):
            at = builder.add(start, ir.Constant(blocks.type, k * LANES))
            x = builder.load(builder.bitcast(builder.gep(first, [at]), lanes.as_pointer()),
                             align=8)
            y = x if second is first else builder.load(
                builder.bitcast(builder.gep(second, [at]), lanes.as_pointer()), align=8)
            builder.store(builder.call(fma, [x, y, builder.load(sums[k])]), sums[k])
    vectors = [builder.load(total) for total in sums]
    while len(vectors) > 1:
        vectors = [builder.fadd(vectors[i], vectors[i + 1], flags=OWN)
                   for i in range(0, len(vectors), 2)]
    terms = [builder.extract_element(vectors[0], ir.Constant(ir.IntType(32), i))
             for i in range(LANES)]
    while len(terms) > 1:
        terms = [builder.fadd(terms[i], terms[i + 1], flags=OWN) for i in range(0, len(terms), 2)]
    return terms[0]


@intrinsic
def sum_of_squares(typingctx, vector):
    """The sum of vector[p]^2 for a contiguous float64 vector: the full blocks as above, then
    the entries after the last full block in one chain of fused multiply-adds, added last.
    Eight scalar chains ran at two terms a cycle: 2.9 us at P = 17,409, 0.8 us this way."""
    if not _is_vector(vector):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, value=args[0])
        size, data = builder.extract_value(array.shape, 0), array.data
        double = ir.DoubleType()
        fma_one = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(double, [double] * 3), "llvm.fma.f64")
        blocks = builder.udiv(size, ir.Constant(size.type, BLOCK))
        total = _block_sum(builder, data, data, blocks)
        rest = cgutils.alloca_once_value(builder, ir.Constant(double, 0.0))
        done = builder.mul(blocks, ir.Constant(size.type, BLOCK))
        with cgutils.for_range(builder, builder.sub(size, done)) as loop:
            x = builder.load(builder.gep(data, [builder.add(done, loop.index)]))
            builder.store(builder.call(fma_one, [x, x, builder.load(rest)]), rest)
        return builder.fadd(total, builder.load(rest), flags=OWN)

    return types.float64(vector), codegen


@intrinsic
def block_dots(typingctx, matrix, start, vector, out):
    """out[r] = the sum of matrix[row + p] * vector[p] over the full blocks of `vector` (0.0
    when it has none), row = start + r * len(vector), for each entry r of `out`; all three
    contiguous float64 vectors, `matrix` usually theta and the rows a block of it: the part
    of each row's dot product that vectorises. The caller adds the entries after the last
    full block (`vector.shape[0] - vector.shape[0] % BLOCK` on) in a chain of its own. A row
    that does not lie inside `matrix` (a negative start, or too little room) is not read and
    gets 0.0. One loop over the rows, so that the vector code is compiled once per caller."""
    if not (_is_vector(matrix) and isinstance(start, types.Integer) and _is_vector(vector)
            and _is_vector(out) and out.mutable):
        return None

    def codegen(context, builder, signature, args):
        rows = context.make_array(signature.args[0])(context, builder, value=args[0])
        column = context.make_array(signature.args[2])(context, builder, value=args[2])
        result = context.make_array(signature.args[3])(context, builder, value=args[3])
        size = builder.extract_value(column.shape, 0)
        length = builder.extract_value(rows.shape, 0)
        first = context.cast(builder, args[1], signature.args[1], types.intp)
        blocks = builder.udiv(size, ir.Constant(size.type, BLOCK))
        no_blocks = ir.Constant(size.type, 0)
        with cgutils.for_range(builder, builder.extract_value(result.shape, 0)) as loop:
            offset = builder.add(first, builder.mul(loop.index, size))
            inside = builder.and_(
                builder.icmp_signed(">=", offset, ir.Constant(size.type, 0)),
                builder.icmp_signed(">=", builder.sub(length, offset), size))
            total = _block_sum(builder, builder.gep(rows.data, [offset]), column.data,
                               builder.select(inside, blocks, no_blocks))
            builder.store(total, builder.gep(result.data, [loop.index]))
        return context.get_dummy_value()

    return types.none(matrix, start, vector, out), codegen


# tanh: the formula of glibc's tanh (fdlibm's), on vectors. t = expm1(-2|x|), tanh |x| =
# -t / (t + 2) below 1; t = expm1(2|x|), 1 - 2 / (t + 2) from 1 on (|x| capped at 20, where
# both round to 1); tanh x = x below 2^-28 (correctly rounded there; glibc's cut-off is
# lower); the sign of x last. expm1(y) = 2^k p + (2^k - 1) with k = rint(y / ln 2), p =
# expm1(r) of the rest r = y - k ln 2 (|r| <= ln 2 / 2) by its Taylor series to r^13 (the
# first term left out is below 1.2e-17 of r); t + 2 = 2^k p + (2^k + 1) is taken the same
# way, by one fused multiply-add rather than a rounding of t plus one of the addition.
LN2_HI = 6.93147180369123816490e-01  # ln 2 to 32 bits: k * LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10
INVERSE_LN2 = 1.44269504088896338700e00
TAYLOR = [1.0 / __import__("math").factorial(i) for i in range(13, 1, -1)]  # r^13 .. r^2


def _tanh_ir(builder, x, lanes):
    """IR for tanh of each lane of `x` (a <lanes x double>), NaN read as 0."""
    double = ir.DoubleType()
    vector = ir.VectorType(double, lanes)
    integers = ir.VectorType(ir.IntType(64), lanes)

    def call(name, *operands):
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vector, [vector] * len(operands)),
            f"llvm.{name}.v{lanes}f64")
        return builder.call(function, list(operands))

    def constant(value):
        return ir.Constant(vector, [value] * lanes)

    size = builder.call(cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(vector, [vector]), f"llvm.fabs.v{lanes}f64"), [x])
    small = builder.fcmp_ordered("<", size, constant(1.0), flags=OWN)
    large = builder.fcmp_ordered(">", size, constant(20.0), flags=OWN)
    capped = builder.select(large, constant(20.0), size)
    y = builder.fmul(capped, builder.select(small, constant(-2.0), constant(2.0)), flags=OWN)
    k = call("rint", builder.fmul(y, constant(INVERSE_LN2), flags=OWN))
    r = call("fma", builder.fneg(k), constant(LN2_HI), y)
    r = call("fma", builder.fneg(k), constant(LN2_LO), r)
    series = constant(TAYLOR[0])
    for coefficient in TAYLOR[1:]:
        series = call("fma", series, r, constant(coefficient))
    p = call("fma", builder.fmul(r, r, flags=OWN), series, r)
    exponent = builder.add(builder.fptosi(k, integers), ir.Constant(integers, [1023] * lanes))
    power = builder.bitcast(builder.shl(exponent, ir.Constant(integers, [52] * lanes)), vector)
    t = call("fma", power, p, builder.fsub(power, constant(1.0), flags=OWN))
    shifted = call("fma", power, p, builder.fadd(power, constant(1.0), flags=OWN))  # t + 2
    below = builder.fdiv(builder.fneg(t), shifted, flags=OWN)
    above = builder.fsub(constant(1.0), builder.fdiv(constant(2.0), shifted, flags=OWN),
                         flags=OWN)
    z = builder.select(small, below, above)
    tiny = builder.fcmp_ordered("<", size, constant(2.0 ** -28), flags=OWN)
    z = call("copysign", builder.select(tiny, size, z), x)
    return builder.select(builder.fcmp_unordered("uno", x, x, flags=OWN), constant(0.0), z)


@intrinsic
def tanh_in_place(typingctx, values):
    """values[i] = tanh(values[i]) for a contiguous float64 vector, a NaN read as 0 (inf - inf
    in a sum near float64's limit is indeterminate, not a state): eight at a time on
    vectors, the entries after the last eight one at a time by the same operations, so the
    same bits wherever an entry sits. Within 2.25 units in the last place of the exact value
    (the C library's tanh: 2.13 by the same measure) and 3 of the C library's (tested); the
    C library's is a call per number, which no loop vectorises: 128 of them took 0.9 us more
    than this in a loop."""
    if not (_is_vector(values) and values.mutable):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, value=args[0])
        size, data = builder.extract_value(array.shape, 0), array.data
        double = ir.DoubleType()
        for lanes, step in ((LANES, LANES), (1, 1)):
            vector = ir.VectorType(double, lanes)
            start = (ir.Constant(size.type, 0) if lanes == LANES else
                     builder.mul(builder.udiv(size, ir.Constant(size.type, LANES)),
                                 ir.Constant(size.type, LANES)))
            count = (builder.udiv(size, ir.Constant(size.type, LANES)) if lanes == LANES else
                     builder.sub(size, start))
            with cgutils.for_range(builder, count) as loop:
                at = builder.add(start, builder.mul(loop.index, ir.Constant(size.type, step)))
                pointer = builder.bitcast(builder.gep(data, [at]), vector.as_pointer())
                builder.store(_tanh_ir(builder, builder.load(pointer, align=8), lanes), pointer,
                              align=8)
        return context.get_dummy_value()

    return types.none(values), codegen


# With the JIT off (NUMBA_DISABLE_JIT=1) the kernels run as Python and call these instead: the
# same sums by numpy, in its order (so equal to the compiled ones up to rounding, not bit for
# bit), and numpy's tanh.


def _sum_of_squares(vector):
    return float(np.dot(vector, vector))


def _block_dots(matrix, start, vector, out):
    size = vector.shape[0]
    blocked = size - size % BLOCK
    for r in range(out.shape[0]):
        row = start + r * size
        inside = blocked and row >= 0 and matrix.shape[0] - row >= size
        out[r] = float(np.dot(matrix[row : row + blocked], vector[:blocked])) if inside else 0.0


def _tanh_in_place(values):
    values[:] = np.tanh(np.where(np.isnan(values), 0.0, values))


if INTERPRETED:
    sum_of_squares, block_dots, tanh_in_place = _sum_of_squares, _block_dots, _tanh_in_place
