"""Selective recall: recall one input channel from a fixed number of steps ago, among others."""

import numpy as np
from river import datasets


class SelectiveRecall(datasets.base.SyntheticDataset):
    """`n_channels` independent standard normal inputs x0, x1, ... each step; the target is
    channel 0 from `delay` steps ago, y_t = x0_{t-delay} (0 for the first steps).

    The other channels are distractors. A state that stores every channel's past needs
    `n_channels` times the room of one, so a model must learn which channel to keep: its
    input weights need a gradient that links y_t to x_{t-delay}. Exact RTRL carries that
    credit over any delay; a gradient truncated to fewer steps than `delay` cannot. The floor
    without that memory is 1 in normalised mean squared error.

    Parameters
    ----------
    delay
        How many steps back the target looks.
    n_channels
        Inputs per step, the recalled one included.
    n_steps
        Length of the stream.
    seed
        Random seed.

    Examples
    --------

    >>> from rtrl_river.datasets import SelectiveRecall
    >>> stream = list(SelectiveRecall(delay=2, n_channels=3, n_steps=4, seed=0))
    >>> sorted(stream[0][0])
    ['x0', 'x1', 'x2']
    >>> [round(x["x0"], 3) for x, _ in stream]
    [0.126, 0.105, 1.304, -1.265]
    >>> [round(y, 3) for _, y in stream]
    [0.0, 0.0, 0.126, 0.105]

    """

    def __init__(self, delay: int = 50, n_channels: int = 8, n_steps: int = 30_000,
                 seed: int | None = None):
        super().__init__(task=datasets.base.REG, n_features=n_channels, n_samples=n_steps)
        self.delay = delay
        self.n_channels = n_channels
        self.n_steps = n_steps
        self.seed = seed

    def __iter__(self):
        rng = np.random.default_rng(self.seed)
        inputs = rng.normal(size=(self.n_steps, self.n_channels))
        names = [f"x{k}" for k in range(self.n_channels)]
        for t in range(self.n_steps):
            target = float(inputs[t - self.delay, 0]) if t >= self.delay else 0.0
            yield dict(zip(names, inputs[t].tolist())), target
