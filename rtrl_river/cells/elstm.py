"""The element-wise LSTM cell (eLSTM, Irie et al. 2024): exact RTRL at O(n d) a step."""

import numpy as np

from ..kernels.cells.elstm import ELSTMArrays
from .base import Cell

# Time constants 1 / (1 - f) of the forget gates at the start, log-uniform over this range.
TIME_CONSTANTS = (1.5, 10.0)
# Standard deviation of the element-wise recurrent weights w_z, w_f at the start.
RECURRENT_SCALE = 0.1


class ELSTM(Cell):
    """Element-wise LSTM ("quasi-LSTM"): every unit recurs on itself only.

        z_t = tanh(W_z x_t + w_z * c_{t-1} + b_z)
        f_t = sigmoid(W_f x_t + w_f * c_{t-1} + b_f)
        c_t = f_t * c_{t-1} + (1 - f_t) * z_t,     c_0 = 0

    (* element-wise). The state is c_t. Because unit i's parameters reach c_i only, the
    influence matrix is diagonal per parameter row and exact RTRL keeps one trace number per
    parameter: O(n d) time and memory a step, the order of the forward pass. SnAp at any level
    keeps exactly those entries, so on this cell it is exact RTRL.

    Start: W_z, W_f have no columns until features arrive, and every new column is born zero
    (growth stays exact). b_z = 0. b_f = log(tau - 1), with tau log-uniform on [1.5, 10], so
    the forget gates f = 1 - 1/tau start between 0.33 and 0.9: a spread of memory lengths for
    the gradient to pick from (Tallec & Ollivier's "chrono" initialisation), short enough that
    new input still moves the state (it enters with weight 1 - f). A range up to 40 steps made
    fits on memoryless data slower and seed-dependent (scikit-learn's regression check fell to
    R^2 -0.04 on one seed), while the gates learn longer memories where the data needs them.
    w_z, w_f ~ N(0, 0.1^2): small, so the state's own feedback dc_t/dc_{t-1} = a starts near f
    and below 1 (stable).
    """

    name = "elstm"
    default_size = 64
    input_blocks = ("W_z", "W_f")
    state_bias = "b_z"
    diagonal_influence = True

    def recurrent_shapes(self, n_hidden, n_inputs):
        n, d = n_hidden, n_inputs
        return {"W_z": (n, d), "W_f": (n, d), "w_z": (n,), "w_f": (n,), "b_z": (n,), "b_f": (n,)}

    def initialize(self, blocks, rng):
        n = blocks["b_f"].shape[0]
        low, high = np.log(TIME_CONSTANTS[0]), np.log(TIME_CONSTANTS[1])
        tau = np.exp(rng.uniform(low, high, size=n))
        blocks["b_f"][:] = np.log(tau - 1.0)
        blocks["w_z"][:] = rng.normal(0.0, RECURRENT_SCALE, size=n)
        blocks["w_f"][:] = rng.normal(0.0, RECURRENT_SCALE, size=n)

    def scratch(self, n_hidden):
        return np.zeros((2, n_hidden))  # z_t and f_t of the latest forward step

    def arrays(self, network):
        return ELSTMArrays(
            network.theta, network.hidden, network.n_inputs, network.n_outputs, network.scratch
        )
