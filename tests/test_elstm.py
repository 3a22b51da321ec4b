"""The eLSTM cell's own: its blocks and start, SGD along its numpy reference, growth, the fed-back
target, the speed tables; what every cell shares is in test_cells.py."""


import numpy as np
import pytest

from rtrl_river import RTRLRegressor
from rtrl_river.learners.rtrl import DiagonalRTRLState

from . import naive
from .cell_reference import frozen as frozen_cell, gradients_of, sgd_trajectory
from .conftest import random_stream
from .test_exactness import EXACT, PLAIN, as_arrays, relative_error

NAMES = ["f0", "f1", "f2"]


def frozen(cell="elstm", **kwargs):
    """A plain eLSTM model that computes gradients but never moves."""
    return frozen_cell(cell, **kwargs)


def test_params_are_the_elstm_blocks():
    model = frozen(hidden_size=5)
    model.learn_one({"a": 1.0, "b": 2.0}, 0.5)
    shapes = {name: value.shape for name, value in model.params_.items()}
    assert shapes == {"W_z": (5, 2), "W_f": (5, 2), "w_z": (5,), "w_f": (5,), "b_z": (5,),
                      "b_f": (5,), "W_hy": (1, 5), "b_y": (1,)}
    assert model.engine_.network.n_recurrent == 2 * 5 * 2 + 4 * 5
    assert isinstance(model.engine_.learner_state, DiagonalRTRLState)
    # forget gates start between 1/3 and 0.9 (time constants 1.5 to 10)
    f = 1.0 / (1.0 + np.exp(-model.params_["b_f"]))
    assert np.all((f > 1 / 3) & (f < 0.9))


@pytest.mark.parametrize("clip", [None, 0.5])
def test_online_sgd_trajectory_matches_reference(clip):
    stream = random_stream(50, 3, seed=11)
    lr = 0.05
    model = RTRLRegressor(cell="elstm", hidden_size=5, optimizer="sgd", lr=lr,
                          clip_gradient=clip, seed=2, **PLAIN)
    start, trajectory = sgd_trajectory(model, stream)
    xs, ys = as_arrays(stream, NAMES), [y for _, y in stream]
    _, reference = naive.elstm_online_rtrl(start, xs, ys, lr=lr, clip=clip)
    errors = [relative_error(a, b) for a, b in zip(trajectory, reference)]
    assert max(errors) < EXACT, max(errors)


def test_an_unknown_cell_is_named():
    with pytest.raises(ValueError, match="cell"):
        RTRLRegressor(cell="gru").learn_one({"a": 1.0}, 1.0)


def test_target_feedback_is_the_previous_target_as_an_input():
    stream = random_stream(20, 2, seed=4)
    model = frozen(hidden_size=3, target_feedback=True)
    gradients = gradients_of(model, stream)
    params = naive.copy_params(model.params_)
    offset = stream[0][1]
    ys = [y for _, y in stream]
    xs = [np.array([x["f0"], x["f1"], (ys[t - 1] - offset) if t else 0.0])
          for t, (x, _) in enumerate(stream)]
    bptt = naive.flatten(naive.elstm_bptt_gradient(params, xs, ys[-1]))
    assert relative_error(gradients[-1], bptt) < EXACT


def test_cells_speed_tables_cover_every_cell_and_learner(capsys):
    """The benchmark's cell tables run (tiny sizes; a speed claim is never a unit test) and
    report the memory each holds: the eLSTM's exact traces are one number per parameter."""
    from benchmarks.tables import CELL_LEARNERS, cell_ratio_table, cells_table

    one, many, memory = cells_table([2, 4], 2, repeats=1, budget=0.001)
    assert set(many) == {(cell, learner, n) for cell, learner in CELL_LEARNERS for n in (2, 4)}
    assert all(value > 0 for value in [*one.values(), *many.values()])
    # n=4, d=2 features + the fed-back target and change, Adam: theta and two moments, plus the
    # trace vector (P = 2nd + 4n = 48 numbers)
    P, head = 2 * 4 * (2 + 2) + 4 * 4, 4 + 1
    assert memory["elstm", "rtrl", 4] == 8 * (3 * (P + head) + P)
    elman, elstm = cell_ratio_table(2, repeats=1, n_steps=20, large=8, small=2)
    assert elman > 0 and elstm > 0
    assert "elstm n=8" in capsys.readouterr().out
