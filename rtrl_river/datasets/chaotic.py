"""Two classic benchmark series with memory: NARMA-10 and Mackey-Glass."""

import numpy as np
from river import datasets


class NARMA10(datasets.base.SyntheticDataset):
    """NARMA-10 (Atiya & Parlos, 2000), the reservoir-computing benchmark.

    u_t ~ U[0, 0.5] and y_{t+1} = 0.3 y_t + 0.05 y_t (y_t + ... + y_{t-9}) + 1.5 u_{t-9} u_t + 0.1.
    The stream yields x = {"u": u_t} with target y_{t+1}: predicting it needs u_{t-9} and ten
    past outputs. A memoryless linear model reaches NMSE about 0.69 on it; offline echo-state
    networks with a ridge readout about 0.27 (16 units) to 0.07 (100 units). An estimator that
    feeds its previous target back sees y_t, which makes the task easier (teacher forcing).

    The recurrence diverges for some draws of u (6 of the seeds 0-59 overflowed to infinity
    within 20,000 steps, about one divergence in 200,000 steps; bounded series stay below
    about 1.2). When y leaves [-10, 10], the last 200 inputs are drawn again from the same
    generator and the series recomputed from there, so every stream is bounded, any length
    is reachable, and a seed whose series never diverges gives the same stream as before.

    Parameters
    ----------
    n_steps
        Length of the stream.
    seed
        Random seed.

    Examples
    --------

    >>> from rtrl_river.datasets import NARMA10
    >>> x, y = next(iter(NARMA10(n_steps=3, seed=0)))
    >>> sorted(x), round(y, 4)
    (['u'], 0.3937)

    """

    WARM_UP = 200
    BOUND = 10.0  # a series that leaves [-BOUND, BOUND] has diverged
    REWIND = 200  # inputs drawn again before the step where it left
    MAX_REDRAWS = 1000

    def __init__(self, n_steps: int = 20_000, seed: int | None = None):
        super().__init__(task=datasets.base.REG, n_features=1, n_samples=n_steps)
        self.n_steps = n_steps
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        total = self.n_steps + self.WARM_UP
        u = rng.uniform(0.0, 0.5, size=total)
        y = self._series(u, rng)
        for t in range(self.WARM_UP, total):
            yield {"u": float(u[t])}, float(y[t + 1])


    def _series(self, u, rng):
        """y_0 = 0 .. y_T for the inputs u, which are drawn again where the series diverges."""
        y = np.zeros(len(u) + 1)
        t, redraws = 0, 0
        while t < len(u):
            past = y[max(0, t - 9) : t + 1].sum()
            y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * past + 1.5 * u[t - 9] * u[t] * (t >= 9) + 0.1
            if abs(y[t + 1]) <= self.BOUND:
                t += 1
                continue
            redraws += 1
            if redraws > self.MAX_REDRAWS:  # pragma: no cover - about 1e-300 per divergence
                raise RuntimeError("NARMA-10 kept diverging; try another seed")
            start = max(0, t - self.REWIND)
            u[start : t + 1] = rng.uniform(0.0, 0.5, size=t + 1 - start)
            t = start
        return y


class MackeyGlass(datasets.base.SyntheticDataset):
    """The Mackey-Glass series, dx/dt = 0.2 x(t - tau) / (1 + x(t - tau)^10) - 0.1 x(t).

    Integrated with fourth-order Runge-Kutta at dt = 0.1 and sampled every time unit; with the
    default tau = 17 it is chaotic. The stream yields x = {} and the series value as the
    target, for one-step-ahead prediction from the series' own past (a model sees it through
    its fed-back target). Repeating the last value scores an NMSE of about 0.02, a linear model
    on four lags about 0.0024. The seed draws the constant initial history.

    Parameters
    ----------
    n_steps
        Length of the stream.
    tau
        The delay.
    seed
        Random seed.

    Examples
    --------

    >>> from rtrl_river.datasets import MackeyGlass
    >>> rows = list(MackeyGlass(n_steps=3, seed=0))
    >>> rows[0][0]
    {}
    >>> len(rows)
    3

    """

    WARM_UP = 500
    SUBSTEPS = 10

    def __init__(self, n_steps: int = 20_000, tau: int = 17, seed: int | None = None):
        super().__init__(task=datasets.base.REG, n_features=0, n_samples=n_steps)
        self.n_steps = n_steps
        self.tau = tau
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        dt = 1.0 / self.SUBSTEPS
        lag = self.tau * self.SUBSTEPS
        n_fine = (self.n_steps + self.WARM_UP) * self.SUBSTEPS
        x = np.empty(lag + n_fine + 1)
        x[: lag + 1] = rng.uniform(0.5, 1.3)

        def slope(value, delayed):
            return 0.2 * delayed / (1.0 + delayed**10) - 0.1 * value

        for k in range(lag, lag + n_fine):
            # the delayed value at the start, the middle (interpolated) and the end of the step
            d0, d1 = x[k - lag], x[k - lag + 1]
            half = 0.5 * (d0 + d1)
            k1 = slope(x[k], d0)
            k2 = slope(x[k] + 0.5 * dt * k1, half)
            k3 = slope(x[k] + 0.5 * dt * k2, half)
            k4 = slope(x[k] + dt * k3, d1)
            x[k + 1] = x[k] + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        samples = x[lag + self.WARM_UP * self.SUBSTEPS :: self.SUBSTEPS][: self.n_steps]
        for value in samples:
            yield {}, float(value)
