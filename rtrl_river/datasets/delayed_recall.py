"""Delayed recall: the target is the input seen a fixed number of steps ago."""

import numpy as np
from river import datasets


class DelayedRecall(datasets.base.SyntheticDataset):
    r"""\(x_t\) is a random sign (or a standard normal draw), and the target is
    \(y_t = x_{t - \mathrm{delay}}\) (0 for the first steps).

    Nothing in \(x_t\) says anything about \(y_t\): a model must carry the input for `delay`
    steps. The floors, in mean squared error: 1 for any model without that memory (the best it
    can do is predict 0), 0 for a perfect one. Truncated BPTT with a window shorter than the
    delay gets no gradient signal linking \(y_t\) to \(x_{t - \mathrm{delay}}\); RTRL's gradient
    spans the whole past.

    Parameters
    ----------
    delay
        How many steps back the target looks.
    n_steps
        Length of the stream.
    seed
        Random seed.
    distribution
        "sign" (\(x_t = \pm 1\)) or "gaussian" (\(x_t \sim \mathcal{N}(0, 1)\)).

    Examples
    --------

    >>> from rtrl_river.datasets import DelayedRecall
    >>> stream = list(DelayedRecall(delay=2, n_steps=5, seed=0))
    >>> [x["x"] for x, _ in stream]
    [1.0, -1.0, -1.0, -1.0, 1.0]
    >>> [y for _, y in stream]
    [0.0, 0.0, 1.0, -1.0, -1.0]

    """

    def __init__(self, delay: int = 6, n_steps: int = 20_000, seed: int | None = None,
                 distribution: str = "sign"):
        super().__init__(task=datasets.base.REG, n_features=1, n_samples=n_steps)
        self.delay = delay
        self.n_steps = n_steps
        self.seed = seed
        self.distribution = distribution

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        if self.distribution == "gaussian":
            inputs = rng.normal(size=self.n_steps)
        elif self.distribution == "sign":
            inputs = np.where(rng.random(self.n_steps) < 0.5, -1.0, 1.0)
        else:
            raise ValueError("distribution must be 'sign' or 'gaussian', not "
                             f"{self.distribution!r}")
        for t in range(self.n_steps):
            target = float(inputs[t - self.delay]) if t >= self.delay else 0.0
            yield {"x": float(inputs[t])}, target
