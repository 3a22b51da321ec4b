"""The vector kernels (kernels/vector.py) against exactly rounded sums and a 50-digit tanh:
accurate, and the same bits wherever the arrays sit in memory."""

import decimal
import math

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from rtrl_river.kernels.jit import JIT
from rtrl_river.kernels.vector import block_dots, sum_of_squares, tanh_in_place


@njit(**{**JIT, "cache": False})
def _sum_of_squares(vector):
    return sum_of_squares(vector)


@pytest.mark.parametrize("size", [0, 1, 7, 31, 32, 33, 100, 417, 17409])
def test_sum_of_squares_is_accurate_and_the_same_wherever_the_vector_sits(size):
    # The norm's sum in 32 partial sums (kernels/vector.py): against math.fsum (exactly
    # rounded), to 1e-14 relative (fewer than log2(size) roundings of sums of positive terms,
    # each within 2^-53); and to the bit the same at an address 8 bytes off, so identically
    # seeded models agree wherever their arrays sit.
    values = np.random.default_rng(size).normal(size=size)
    got = _sum_of_squares(values)
    assert got == pytest.approx(math.fsum(float(v) * float(v) for v in values), rel=1e-14, abs=0)
    buffer = np.empty(size + 1)
    shifted = buffer[1:]  # 8 bytes past numpy's 16- or 64-byte alignment
    shifted[:] = values
    assert shifted.ctypes.data % 16 != values.ctypes.data % 16 or size == 0
    assert _sum_of_squares(shifted) == got


@njit(**{**JIT, "cache": False})  # the kernels' fast-math flags, which the sums must not feel
def _block_dots(matrix, start, vector, rows):
    out = np.empty(rows)
    block_dots(matrix, start, vector, out)
    return out


@pytest.mark.parametrize("size", [0, 31, 32, 33, 100, 128, 417])
def test_block_dots_sum_the_full_blocks_accurately_wherever_the_arrays_sit(size):
    # The vector part of each row of W_hh and W_hy in the forward step (kernels/vector.py):
    # the products of the full blocks of 32 entries, against math.fsum to 1e-14 of the sum of
    # their magnitudes (under log2(size) + 1 roundings of terms of that size); and to the bit
    # the same with every array 8 bytes off.
    rng = np.random.default_rng(size)
    matrix, vector = rng.normal(size=3 * size + 5), rng.normal(size=size)
    full = size - size % 32
    got = _block_dots(matrix, 5, vector, 3)
    for r in range(3):
        row = matrix[5 + r * size : 5 + r * size + full]
        products = [float(a) * float(b) for a, b in zip(row, vector[:full])]
        assert abs(got[r] - math.fsum(products)) <= 1e-14 * math.fsum(abs(p) for p in products)
    shifted_matrix, shifted_vector = np.empty(3 * size + 6)[1:], np.empty(size + 1)[1:]
    shifted_matrix[:], shifted_vector[:] = matrix, vector
    assert np.array_equal(_block_dots(shifted_matrix, 5, shifted_vector, 3), got)


def test_block_dots_read_nothing_outside_their_arrays():
    # A row that does not lie inside the matrix (a negative start, too little room) sums
    # nothing; the rows that do are summed.
    matrix, vector = np.ones(64), np.ones(32)
    assert list(_block_dots(matrix, 0, vector, 3)) == [32.0, 32.0, 0.0]
    assert list(_block_dots(matrix, 1, vector, 2)) == [32.0, 0.0]
    for start in (33, 64, 10**6, -1, -(10**6)):
        assert list(_block_dots(matrix, start, vector, 1)) == [0.0]


def test_block_dots_refuse_a_read_only_output():
    out = np.zeros(1)
    out.flags.writeable = False
    with pytest.raises(TypingError):
        njit(lambda m, v, o: block_dots(m, 0, v, o))(np.ones(32), np.ones(32), out)


@njit(**{**JIT, "cache": False})
def _tanh_in_place(values):
    tanh_in_place(values)


def _tanh(values):
    out = values.copy()
    _tanh_in_place(out)
    return out


@njit(**{**JIT, "cache": False})
def _libm_tanh(values):
    out = np.empty_like(values)
    for i in range(values.shape[0]):
        out[i] = math.tanh(values[i])  # numba calls the C library's tanh
    return out


def _exact_tanh(x):
    e = (2 * decimal.Decimal(x)).exp()
    return (e - 1) / (e + 1)


def test_vector_tanh_is_within_a_few_ulps_of_the_exact_value_and_of_libm():
    # The Elman cell's activation on vectors (kernels/vector.py), against tanh computed to 50
    # digits: within 2.25 units in the last place (2.07 was the worst seen over millions of
    # points; the C library's own tanh reaches 2.13 by the same measure), and within 3 units
    # of the C library's over 1.8 million points. The bound is the error analysis of the
    # formula: expm1 to about one unit (a correctly rounded reduction and series), then one
    # division of two such quantities and a final rounding.
    rng = np.random.default_rng(1)
    scales = (1e-9, 1e-3, 0.1, 0.3, 0.6, 1.0, 3.0, 10.0)
    sample = np.concatenate([rng.normal(size=1000) * s for s in scales])
    with decimal.localcontext() as context:
        context.prec = 50
        for x, got in zip(sample, _tanh(sample)):
            exact = _exact_tanh(float(x))
            bound = decimal.Decimal(2.25 * math.ulp(float(exact)))
            assert abs(decimal.Decimal(float(got)) - exact) <= bound
    many = np.concatenate([rng.normal(size=200_000) * s for s in scales]
                          + [np.linspace(-25.0, 25.0, 200_001)])
    libm = _libm_tanh(many)
    assert np.all(np.abs(_tanh(many) - libm) <= 3 * np.spacing(np.abs(libm)))


def test_vector_tanh_special_values_and_addresses():
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 2.0 ** -29, -(2.0 ** -29), 5e-324,
                         19.0, 20.0, 1e300, -1e300, 1.0, -1.0])
    got = _tanh(specials)
    assert got.tolist() == [0.0, -0.0, 1.0, -1.0, 0.0, 2.0 ** -29, -(2.0 ** -29), 5e-324,
                            math.tanh(19.0), 1.0, 1.0, -1.0, math.tanh(1.0), -math.tanh(1.0)]
    assert np.signbit(got[1]) and not np.signbit(got[4])  # -0 kept; NaN read as +0
    # Every length from 0 to 17 (no block, one, two, with rests) at every offset of 0-8
    # entries into a buffer: the same bits, and nothing written outside the vector.
    values = np.random.default_rng(2).normal(size=17)
    for length in range(18):
        expected = _tanh(values[:length])
        for offset in range(9):
            buffer = np.full(length + 18, 7.0)
            view = buffer[offset + 1 : offset + 1 + length]
            view[:] = values[:length]
            _tanh_in_place(view)
            assert view.tolist() == expected.tolist()
            assert (buffer[: offset + 1] == 7.0).all()
            assert (buffer[offset + 1 + length :] == 7.0).all()
    # one at a time (the rest's path) as in blocks of eight
    assert [_tanh(values[i : i + 1])[0] for i in range(17)] == _tanh(values).tolist()
