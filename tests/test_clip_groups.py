"""Gradient clipping group by group: the recurrence, the rest of the cell and the head are
each clipped to the norm on their own, so a large group cannot shrink another's step."""

import numpy as np
from numba import njit

from rtrl_river.kernels.jit import JIT
from rtrl_river.kernels.network import clip_groups


@njit(**JIT)
def _clip(gradient, recurrent_end, head_start, max_norm):
    return clip_groups(gradient, recurrent_end, head_start, max_norm)


def test_each_group_is_clipped_on_its_own():
    gradient = np.array([300.0, 400.0, 0.3, 0.4, 6.0, 8.0])
    assert _clip(gradient, 2, 4, 5.0)
    # the first group (norm 500) and the head (norm 10) are scaled to 5; the middle (0.5) not
    np.testing.assert_allclose(gradient, [3.0, 4.0, 0.3, 0.4, 3.0, 4.0], rtol=1e-15)


def test_empty_groups_and_no_clipping():
    gradient = np.array([3.0, 4.0])
    assert _clip(gradient, 0, 2, 1.0)  # no recurrence group, no head: the cell alone
    np.testing.assert_allclose(gradient, [0.6, 0.8], rtol=1e-15)
    gradient = np.array([300.0, 400.0])
    assert _clip(gradient, 1, 1, 0.0) and gradient.tolist() == [300.0, 400.0]


def test_a_non_finite_value_in_any_group_refuses_the_step():
    for position in range(6):
        gradient = np.ones(6)
        gradient[position] = np.nan
        assert not _clip(gradient, 2, 4, 5.0)
