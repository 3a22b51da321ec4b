"""The forward step predict_one keeps for the learn_one on the same x (`PendingForward`) is
never reused once the weights may have changed."""

import copy

import numpy as np
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor

from .conftest import random_stream

STREAM = random_stream(12, 3, seed=8)


def learned(Estimator, cell):
    model = Estimator(hidden_size=4, cell=cell, seed=0)
    for t, (x, y) in enumerate(STREAM[:8]):
        model.learn_one(x, y if Estimator is RTRLRegressor else t % 2)
    return model


@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
@pytest.mark.parametrize("cell, block", [("elman", "W_xh"), ("elstm", "W_z"), ("lru", "B_re")])
def test_weights_written_between_predict_one_and_learn_one_are_learned_from(Estimator, cell,
                                                                            block):
    """learn_one reused the hidden state predict_one had computed with the old weights."""
    model = learned(Estimator, cell)
    twin = copy.deepcopy(model)  # the same writes, with no prediction between
    x, y = STREAM[8]
    y = y if Estimator is RTRLRegressor else 1
    model.predict_one(x)
    assert model.engine_.pending.valid[0] == 1  # a kept step
    model.params_[block][...] *= 0.5
    twin.params_[block][...] *= 0.5
    model.learn_one(x, y)
    twin.learn_one(x, y)
    np.testing.assert_array_equal(model.engine_.network.theta, twin.engine_.network.theta)
    np.testing.assert_array_equal(model.hidden_, twin.hidden_)


def test_reading_params_without_writing_changes_no_number():
    """Taking params_ drops the kept step: the learn_one after recomputes it, to the same
    bits."""
    model, twin = learned(RTRLRegressor, "elman"), learned(RTRLRegressor, "elman")
    for x, y in STREAM[8:]:
        model.predict_one(x)
        twin.predict_one(x)
        model.params_
        model.learn_one(x, y)
        twin.learn_one(x, y)
    np.testing.assert_array_equal(model.engine_.network.theta, twin.engine_.network.theta)
