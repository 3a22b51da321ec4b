"""Unbiased Online Recurrent Optimization: a rank-one, unbiased estimate of the influence."""

import numpy as np

from ..kernels.arrays import aligned
from ..kernels.uoro import UOROTraces
from .base import Learner, LearnerState


class UORO(Learner):
    r"""UORO (Tallec & Ollivier, 2018): an unbiased rank-one estimate of the influence.

    It estimates \(J_t\) by \(\tilde s \tilde\theta^\top\), built with random signs: each step
    draws \(\nu \in \{-1, +1\}^n\) and updates

    $$
    \tilde s \leftarrow \rho_0 D_t \tilde s + \rho_1 \nu, \qquad
    \tilde\theta \leftarrow
    \tilde\theta / \rho_0 + (\nu^\top \partial h_t / \partial \theta) / \rho_1
    $$

    so that \(\mathbb{E}[\tilde s \tilde\theta^\top] = J_t\) (unbiased), with \(\rho_0, \rho_1\)
    chosen to balance the two factors' norms. \(O(P)\) time and memory per step like SnAp-1,
    but noisy: its variance grows with \(n\) and calls for smaller learning rates. The signs
    come from the estimator's `seed`. Elman cell only: on the eLSTM and the LRU, exact RTRL
    costs what this estimate would.

    Examples
    --------

    >>> from river import datasets, evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLRegressor
    >>> from rtrl_river.learners import UORO

    >>> model = preprocessing.StandardScaler() | RTRLRegressor(
    ...     learner=UORO(), seed=1
    ... )
    >>> evaluate.progressive_val_score(datasets.TrumpApproval(), model, metrics.MAE())
    MAE: 0.196

    References
    ----------
    [^1]: Tallec, C. and Ollivier, Y., 2018. Unbiased Online Recurrent Optimization. ICLR.

    """

    name = "uoro"
    # the eLSTM and the LRU have exact RTRL at O(n d), the order of UORO's own cost
    cells = ("elman",)
    elsewhere = "use learner='rtrl', which is exact at the same O(n d) cost as UORO's estimate"

    def _init_state(self, network, rng):
        return UOROState(network, rng)


class UOROState(LearnerState):
    """The two tangents, and the generator of the signs (the estimator's own)."""

    def __init__(self, network, rng):
        self.rng = rng
        self.state_tangent = np.zeros(network.n_hidden)
        self.parameter_tangent = np.zeros(network.n_recurrent)
        self.propagated = np.zeros(network.n_hidden)

    def traces(self, n_steps):
        # One uniform draw per sign, so a chunk of T steps consumes the generator exactly as
        # T single steps do: learn_many stays a loop of learn_one.
        signs = np.where(self.rng.random((n_steps, len(self.state_tangent))) < 0.5, -1.0, 1.0)
        return UOROTraces(self.state_tangent, self.parameter_tangent, signs, self.propagated)

    draws_each_step = True

    def one_step_traces(self):
        self.one_step_signs = np.zeros((1, len(self.state_tangent)))
        return UOROTraces(self.state_tangent, self.parameter_tangent, self.one_step_signs,
                          self.propagated)

    def __getstate__(self):
        # the one-step draws are scratch, redrawn before every step: not part of the model
        return {key: value for key, value in self.__dict__.items() if key != "one_step_signs"}

    def before_one_step(self):
        # the same draw as traces(1)
        self.one_step_signs[0] = np.where(self.rng.random(len(self.state_tangent)) < 0.5, -1.0, 1.0)

    def reset(self):
        self.state_tangent[:] = 0.0
        self.parameter_tangent[:] = 0.0

    def prepare_inputs(self, network, position, count):
        tangent = aligned(network.insert_input_columns(self.parameter_tangent, position, count))

        def commit():
            self.parameter_tangent = tangent

        return commit
