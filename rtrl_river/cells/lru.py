"""The linear recurrent unit (LRU, Orvieto et al. 2023): exact RTRL at O(n d) a step."""

from numbers import Real

import numpy as np

from .._validation import Interval, InvalidParameterError, validate_parameters
from ..kernels.cells.lru import LRUArrays, new_modes
from ..optimizers import LARGEST_RATE
from .base import Cell


class LRU(Cell):
    r"""Linear recurrent unit: \(n\) complex modes, each recurring on itself only.

    $$
    \lambda_j = \exp(-\exp(\nu_j) + i \exp(\theta_j)), \qquad
    \gamma_j = \exp(\gamma_{\mathrm{log}, j})
    $$

    $$
    h_t = \lambda \odot h_{t-1} + \gamma \odot (B x_t), \qquad
    B = B_\mathrm{re} + i B_\mathrm{im} \ (n \times d), \qquad h_0 = 0
    $$

    `hidden_size` counts the complex modes \(n\); the head reads the \(2n\) real numbers
    \([\operatorname{Re} h_t ; \operatorname{Im} h_t]\) (`hidden_` is that vector). Each mode's
    parameters reach that mode only, so exact RTRL keeps per mode the complex traces
    \(\partial h / \partial \lambda\), \(\partial h / \partial \gamma_\mathrm{log}\) and
    \(\partial h / \partial B\) (Zucchet et al. 2023): \(O(nd)\) time and memory a step, the
    order of the forward pass. SnAp at any level keeps exactly those entries, so on this cell
    it is exact RTRL.

    The state is a fading memory of the inputs, linear in them: mode \(j\) keeps an input for
    about \(1 / (1 - |\lambda_j|)\) steps, turning at the angle \(\exp(\theta_j)\) a step.
    Recalling white noise \(L\) steps back needs at least \(L\) real state numbers whatever the
    learner: take `hidden_size` of at least \(L / 2\) (the prototype of this cell used about
    \(1.3 L\) modes).

    Start: the phases \(\exp(\theta_j) = \pi (j + 1/2) / n\) are evenly spaced on \((0, \pi)\),
    so no two modes alias under \(\operatorname{Re}\) (random phases do); \(|\lambda_j|^2\) is
    uniform on \([r_\mathrm{min}^2, r_\mathrm{max}^2]\); \(\gamma_j = \sqrt{1 - |\lambda_j|^2}\),
    so white input of unit variance keeps every mode's variance at \(|(B x)_j|^2\) whatever its
    memory. \(B\) has no columns until features arrive, and each new column is born zero, as
    every cell's input weights are: a model that meets a feature late is then exactly the model
    that had it from the start, reading 0. So the \(\mathcal{N}(0, 1/(2d))\) draw of Orvieto et
    al. has no place here, and \(B\)'s scale is learned: the head \(W_{hy}\) starts random, which
    gives \(B\) a gradient from the first step.

    Parameters
    ----------
    r_min
        The smallest initial \(|\lambda|\): the shortest memory, about
        \(1 / (1 - r_\mathrm{min})\) steps.
    r_max
        The largest initial \(|\lambda|\) (below 1): the longest memory.
    recurrent_rate
        \(\nu\) and \(\theta\) (so \(\lambda\)) learn at `lr` times this times the estimator's
        `recurrent_lr_scale`; 0 keeps \(\lambda\) at its start. Learned at the full rate the
        phases drift and memory is lost (docs: the LRU in learners.md).

    Examples
    --------

    Recalling Gaussian noise 10 steps back (16 modes; the Elman cell of 16 units scores
    R2 0.18 on this stream):

    >>> from river import evaluate, metrics, preprocessing
    >>> from rtrl_river import RTRLRegressor
    >>> from rtrl_river.cells import LRU
    >>> from rtrl_river.datasets import DelayedRecall

    >>> model = preprocessing.StandardScaler() | RTRLRegressor(
    ...     cell=LRU(r_min=0.9), hidden_size=16, seed=1
    ... )
    >>> model["RTRLRegressor"].cell
    LRU(r_min=0.9, r_max=0.999, recurrent_rate=0.01)
    >>> stream = DelayedRecall(delay=10, n_steps=5000, seed=0, distribution="gaussian")
    >>> evaluate.progressive_val_score(stream, model, metrics.R2())
    R2: 0.841472

    References
    ----------
    [^1]: Orvieto, A., Smith, S.L., Gu, A., Fernando, A., Gulcehre, C., Pascanu, R. and De, S.,
    2023. Resurrecting Recurrent Neural Networks for Long Sequences. ICML.
    [^2]: Zucchet, N., Meier, R., Schug, S., Mujika, A. and Sacramento, J., 2023. Online
    learning of long-range dependencies. NeurIPS.

    """

    name = "lru"
    default_size = 64
    input_blocks = ("B_re", "B_im")
    diagonal_influence = True

    _parameter_constraints = {
        "r_min": [Interval(Real, 0, 1, closed="neither")],
        "r_max": [Interval(Real, 0, 1, closed="neither")],
        # bounded as recurrent_lr_scale is (optimizers.LARGEST_RATE)
        "recurrent_rate": [Interval(Real, 0, LARGEST_RATE, closed="both")],
    }

    def __init__(self, r_min: float = 0.97, r_max: float = 0.999, recurrent_rate: float = 0.01):
        self.r_min = r_min
        self.r_max = r_max
        self.recurrent_rate = recurrent_rate

    def validate(self):
        validate_parameters(self._parameter_constraints, self._get_params(), "LRU")
        if self.r_min > self.r_max:
            raise InvalidParameterError(
                f"LRU r_min={self.r_min!r} is above r_max={self.r_max!r}; the initial "
                "abs(lambda) are drawn between them"
            )

    def state_size(self, hidden_size):
        return 2 * hidden_size  # [Re h ; Im h]

    def recurrent_shapes(self, n_hidden, n_inputs):
        n, d = n_hidden // 2, n_inputs
        return {"nu": (n,), "theta": (n,), "gamma_log": (n,), "B_re": (n, d), "B_im": (n, d)}

    def trace_shapes(self, n_hidden, n_inputs):
        # complex traces as (re, im) pairs: rows re and im of E_lambda and E_gamma, and the
        # real and imaginary parts of E_B (n x d each, one column per input)
        n, d = n_hidden // 2, n_inputs
        return {"E_lambda": (2, n), "E_gamma": (2, n), "E_B_real": (n, d), "E_B_imag": (n, d)}

    trace_input_blocks = ("E_B_real", "E_B_imag")

    def initialize(self, blocks, rng):
        n = blocks["nu"].shape[0]
        blocks["theta"][:] = np.log(np.pi * (np.arange(n) + 0.5) / n)
        radius_squared = rng.uniform(self.r_min**2, self.r_max**2, size=n)
        blocks["nu"][:] = np.log(-0.5 * np.log(radius_squared))  # abs(lambda) = exp(-exp(nu))
        blocks["gamma_log"][:] = 0.5 * np.log1p(-radius_squared)

    def scaled_rate(self, n_hidden, recurrent_lr_scale):
        # nu and theta, theta's first 2n entries
        return n_hidden, float(recurrent_lr_scale) * float(self.recurrent_rate)

    def scratch(self, n_hidden):
        return new_modes(n_hidden // 2)

    def arrays(self, network):
        return LRUArrays(
            network.theta, network.hidden, network.n_inputs, network.n_outputs, network.scratch
        )
