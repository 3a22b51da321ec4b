"""What the cell tests share: each cell's numpy reference, and models whose gradients are
compared with it (computing gradients, never moving, their weights moved off the start)."""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rtrl_river import RTRLRegressor

from . import naive
from .conftest import frozen as frozen_rate
from .test_exactness import PLAIN


@dataclass(frozen=True)
class Reference:
    """A cell's numpy reference (tests/naive.py): BPTT's gradient, the unrolled loss, online
    RTRL with a dense influence matrix; and how far `perturb` moves the weights (far enough
    that every term of the gradient shows, not so far that the state saturates)."""

    bptt: Callable
    loss: Callable
    online_rtrl: Callable
    scale: float


REFERENCES = {
    "elman": Reference(naive.bptt_gradient, naive.loss_at, naive.online_rtrl, 0.5),
    "elstm": Reference(naive.elstm_bptt_gradient, naive.elstm_loss_at, naive.elstm_online_rtrl,
                       0.5),
    # the LRU's nu, theta and gamma_log move too: 0.3 keeps abs(lambda) < 1 whatever the draw
    "lru": Reference(naive.lru_bptt_gradient, naive.lru_loss_at, naive.lru_online_rtrl, 0.3),
}


def frozen(cell, **kwargs):
    """A plain model of `cell` that computes gradients but never moves: SGD at rate 0, no
    clipping."""
    settings = dict(cell=cell, hidden_size=4, optimizer="sgd", clip_gradient=None, seed=3,
                    **PLAIN)
    return frozen_rate(RTRLRegressor(**{**settings, **kwargs}))


def gradients_of(model, stream):
    """The gradient of each step of `stream`."""
    gradients = []
    for x, y in stream:
        model.learn_one(x, y)
        gradients.append(model.engine_.buffers.gradient.copy())
    return gradients


def perturb(model, rng):
    """Move every weight off its start (where input weights are zero), so every term of the
    gradient is exercised; called after the first step, when every column exists."""
    theta = model.engine_.network.theta
    scale = REFERENCES[model.engine_.network.cell.name].scale
    theta[:] += rng.normal(0.0, scale, size=theta.shape)


def reference_setup(model, stream, seed=0):
    """Learn the first step (creating every column), then perturb the weights; returns the
    per-step gradients of the rest of the stream, computed from there, and the weights."""
    model.learn_one(*stream[0])
    perturb(model, np.random.default_rng(seed))
    model.reset_state()
    return gradients_of(model, stream), naive.copy_params(model.params_)


def sgd_trajectory(model, stream):
    """The weights before and after each step of `stream`, learned with the model's own
    optimizer from perturbed weights (seed 1): the start for the reference, and the path."""
    model.learn_one(*stream[0])
    perturb(model, np.random.default_rng(1))
    model.reset_state()
    start = naive.copy_params(model.params_)
    trajectory = []
    for x, y in stream:
        model.learn_one(x, y)
        trajectory.append(naive.flatten(model.params_))
    return start, trajectory
