"""The direction of the next change of real series, as a classification stream.

Run: python examples/direction_of_change.py      (a few seconds; pip install
'rtrl_river[benchmark]' first: the series come from the forecast suite's packages)

Each series of the real-series benchmark becomes the labels "the next change is up" (True) or
not; progressive log-loss (predict, score, learn) in nats, from the fourth change on (0.693 is
a coin flip). Entries:

- counts: the frequency of each direction after each direction so far (an order-1 Markov chain
  with one pseudo-count per cell): the statistician's first answer;
- logistic: River's StandardScaler | LogisticRegression on the signs of the last 3 changes;
- RTRLClassifier() on no features (it is fed its previous label) and on the same 3 signs,
  medians of seeds 0-2;
- mixed: RTRLClassifier() on no features and the counts, averaged with Bayesian weights (each
  model's weight times its probability of each label that came, renormalised; a share of 1%
  returned to the other each step, so that the weights can turn back): a study of what the
  classifier would gain from such a mixture, which is not part of it.
"""

import collections
import math
import statistics

import numpy as np
from river import linear_model, preprocessing

from rtrl_river import RTRLClassifier
from rtrl_river.cli.public_series import MissingPackage
from rtrl_river.cli.streams import REAL_SERIES

SERIES = ["nile", "uk-coal-employ", "www-usage", "lynx", "us-inflation", "sunspots", "bitcoin",
          "water-flow", "taylor"]
LAGS = 3


class TransitionCounts:
    """P(next direction | last direction) by counting, with one pseudo-count per cell."""

    def __init__(self):
        self.counts = collections.defaultdict(lambda: [1.0, 1.0])
        self.previous = None

    def predict_proba_one(self, x):
        down, up = self.counts[self.previous]
        return {True: up / (up + down), False: down / (up + down)}

    def learn_one(self, x, y):
        self.counts[self.previous][int(y)] += 1.0
        self.previous = y


class Mixture:
    """The probabilities of `models` averaged with weights proportional to the probability
    each gave the labels so far (exponential weights on log-loss), with a fixed share."""

    def __init__(self, models, share=0.01):
        self.models, self.share = models, share
        self.weights = np.full(len(models), 1.0 / len(models))

    @staticmethod
    def _proba(model, x):
        """A model's probabilities, 1/2 each before it has seen a label."""
        return model.predict_proba_one(x) or {True: 0.5, False: 0.5}

    def predict_proba_one(self, x):
        every = [self._proba(model, x) for model in self.models]
        return {label: float(sum(w * p.get(label, 0.0) for w, p in zip(self.weights, every)))
                for label in (True, False)}

    def learn_one(self, x, y):
        for k, model in enumerate(self.models):
            self.weights[k] *= max(self._proba(model, x).get(y, 0.0), 1e-12)
            model.learn_one(x, y)
        self.weights /= self.weights.sum()
        self.weights = (1.0 - self.share) * self.weights + self.share / len(self.weights)


def log_loss(model, values, lagged):
    changes = np.diff(values)
    losses = []
    for t in range(LAGS, len(changes)):
        label = bool(changes[t] > 0)
        x = ({f"sign_{k + 1}": float(np.sign(changes[t - 1 - k])) for k in range(LAGS)}
             if lagged else {})
        p = model.predict_proba_one(x).get(label, 0.5)
        losses.append(-math.log(min(max(p, 1e-12), 1.0)))
        model.learn_one(x, label)
    return float(np.mean(losses))


def main():
    print(f"{'series':<16}{'n':>6}{'counts':>9}{'logistic':>10}{'RTRL, x={}':>12}"
          f"{'RTRL, 3 signs':>15}{'mixed':>8}")
    for name in SERIES:
        stream = next(s for s in REAL_SERIES if s.title == name)
        try:
            values = np.array([y for _, y in stream.make(0)])
        except MissingPackage as error:
            print(f"{name:<16}skipped: {error}")
            continue
        logistic = preprocessing.StandardScaler() | linear_model.LogisticRegression()
        scores = [
            log_loss(TransitionCounts(), values, False),
            log_loss(logistic, values, True),
            statistics.median(log_loss(RTRLClassifier(seed=s), values, False) for s in range(3)),
            statistics.median(log_loss(RTRLClassifier(seed=s), values, True) for s in range(3)),
            statistics.median(log_loss(Mixture([RTRLClassifier(seed=s), TransitionCounts()]),
                                       values, False) for s in range(3)),
        ]
        print(f"{name:<16}{len(values):>6}" + "".join(
            f"{score:>{width}.3f}" for score, width in zip(scores, (9, 10, 12, 15, 8))))


if __name__ == "__main__":
    main()
