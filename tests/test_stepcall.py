"""The StepCall (kernels/stepcall.py): what one kernel call carries, and what it refuses to hold."""

import numpy as np
import pytest
from numba.core.errors import TypingError

from rtrl_river.kernels.calls import make_step_call
from rtrl_river.kernels.stepcall import step_call


def test_a_step_call_holds_only_arrays_numbers_and_booleans():
    # StepCall stores its tuple without references of its own (kernels/stepcall.py): a member
    # with a reference count of its own (here a string) is refused when it is compiled.
    with pytest.raises(TypingError, match="StepCall holds arrays, numbers and booleans"):
        step_call((np.zeros(2), "text"))
    assert type(step_call((np.zeros(2), (1, 2.0, True), np.ones((2, 3))))).__name__ == "StepCall"
    with pytest.raises(RuntimeError, match="arguments"):
        make_step_call((np.zeros(2),))
