"""The add task: a binary label whose probability depends on inputs several steps back."""

import numpy as np
from river import datasets


class AddTask(datasets.base.SyntheticDataset):
    r"""The "add task" stream: \(x_t \sim \mathrm{Bernoulli}(1/2)\) and
    \(P(y_t = 1) = \frac{1}{2} + \frac{1}{2} x_{t - l_1} - \frac{1}{4} x_{t - l_2}\), with
    \(l_1\) = `lag1` and \(l_2\) = `lag2`.

    It tests memory: the label depends on inputs `lag1` and `lag2` steps back, not on \(x_t\).
    The floors, in nats of cross-entropy per step: 0.662 for a model with no memory (it can
    only learn the marginal), 0.519 knowing only lag1, 0.454 knowing both (the entropy of the
    label given the two inputs). Missing past inputs before the start read as 0.

    Parameters
    ----------
    lag1
        The nearer dependency.
    lag2
        The farther dependency.
    n_steps
        Length of the stream.
    seed
        Random seed.

    Examples
    --------

    >>> from rtrl_river.datasets import AddTask
    >>> stream = list(AddTask(n_steps=4, seed=1))
    >>> stream[0]
    ({'x': 0.0}, True)
    >>> len(stream)
    4

    """

    def __init__(self, lag1: int = 3, lag2: int = 8, n_steps: int = 50_000,
                 seed: int | None = None):
        super().__init__(task=datasets.base.BINARY_CLF, n_features=1, n_samples=n_steps)
        self.lag1 = lag1
        self.lag2 = lag2
        self.n_steps = n_steps
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        inputs = rng.integers(0, 2, size=self.n_steps).astype(float)
        draws = rng.random(self.n_steps)
        for t in range(self.n_steps):
            near = inputs[t - self.lag1] if t >= self.lag1 else 0.0
            far = inputs[t - self.lag2] if t >= self.lag2 else 0.0
            probability = 0.5 + 0.5 * near - 0.25 * far
            yield {"x": float(inputs[t])}, bool(draws[t] < probability)
