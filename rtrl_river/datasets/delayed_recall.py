"""Delayed recall: the target is the input seen a fixed number of steps ago."""

import numpy as np
from river import datasets


class DelayedRecall(datasets.base.SyntheticDataset):
    """x_t is a random sign, and the target is y_t = x_{t-delay} (0 for the first steps).

    Nothing in x_t says anything about y_t: a model must carry the input for `delay` steps.
    The floors, in mean squared error: 1 for any model without that memory (the best it can
    do is predict 0), 0 for a perfect one. Truncated BPTT with a window shorter than the delay
    gets no gradient signal linking y_t to x_{t-delay}; RTRL's gradient spans the whole past.

    Parameters
    ----------
    delay
        How many steps back the target looks.
    n_steps
        Length of the stream.
    seed
        Random seed.

    Examples
    --------

    >>> from rtrl_river.datasets import DelayedRecall
    >>> stream = list(DelayedRecall(delay=2, n_steps=5, seed=0))
    >>> [x["x"] for x, _ in stream]
    [1.0, -1.0, -1.0, -1.0, 1.0]
    >>> [y for _, y in stream]
    [0.0, 0.0, 1.0, -1.0, -1.0]

    """

    def __init__(self, delay: int = 6, n_steps: int = 20_000, seed: int | None = None):
        super().__init__(task=datasets.base.REG, n_features=1, n_samples=n_steps)
        self.delay = delay
        self.n_steps = n_steps
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        signs = np.where(rng.random(self.n_steps) < 0.5, -1.0, 1.0)
        for t in range(self.n_steps):
            target = float(signs[t - self.delay]) if t >= self.delay else 0.0
            yield {"x": float(signs[t])}, target
