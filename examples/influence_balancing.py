"""Influence balancing (Tallec & Ollivier, 2018): where truncated BPTT fails by construction.

A linear system with one scalar parameter theta: s_{t+1} = A s_t + theta * sigma, with n = 23,
A = 0.5 I + 0.5 (superdiagonal), sigma = (+1 x 10, -1 x 13), s_0 = 1, and the loss
0.5 (s[0] - 1)^2 read on the first unit. A one-step change of theta moves s[0] by +1, but the
long-run effect is -6 (s*[0] = 2 theta sum(sigma) = -6 theta), so the optimum is theta* = -1/6.
A gradient that sees fewer steps than it takes the negative influences to reach unit 0 points
the wrong way. SGD at lr 1e-4 for 3,000 iterations from theta = 0.5, as in the UORO paper and
google-research/persistent_es/influence_balancing.py: RTRL (one step per iteration) converges,
TBPTT(K) (K steps per iteration, loss at the end of each unroll) diverges for K = 1 and 10 and
converges for K = 100.

This is not the library's Elman cell, so the gradients are computed here in numpy, exactly:
RTRL carries the influence J_t = ds_t/dtheta (J_{t+1} = A J_t + sigma); TBPTT(K) restarts it
at 0 at the start of each unroll.

Run: python examples/influence_balancing.py [--quick] [--out docs/img]   (about 2 s)
"""

import argparse

import numpy as np

from figures import write_figure

N_UNITS, N_POSITIVE = 23, 10
LR, ITERATIONS, THETA_0 = 1e-4, 3000, 0.5
THETA_STAR = -1.0 / 6.0
DIVERGED = 1e6


class InfluenceBalancing:
    """The linear system, its loss, and the exact RTRL and truncated gradients of theta."""

    def __init__(self, n_units=N_UNITS, n_positive=N_POSITIVE):
        self.transition = 0.5 * np.eye(n_units) + 0.5 * np.eye(n_units, k=1)
        self.sign = np.where(np.arange(n_units) < n_positive, 1.0, -1.0)
        self.n_units = n_units

    def initial_state(self):
        return np.ones(self.n_units)

    def step(self, state, theta):
        return self.transition @ state + theta * self.sign

    @staticmethod
    def loss(state):
        return 0.5 * (state[0] - 1.0) ** 2

    def unrolled_loss(self, theta, n_steps=500):
        """The loss after n_steps from s_0 = 1 at a fixed theta (the 'long unroll')."""
        state = self.initial_state()
        for _ in range(n_steps):
            state = self.step(state, theta)
        return self.loss(state)

    def rtrl(self, theta_0=THETA_0, lr=LR, iterations=ITERATIONS):
        """One step per iteration; the influence J = ds/dtheta spans the whole past."""
        return self._descend(1, True, theta_0, lr, iterations)

    def tbptt(self, truncation, theta_0=THETA_0, lr=LR, iterations=ITERATIONS):
        """`truncation` steps per iteration from the carried state; the gradient of the loss at
        the end of the unroll through those steps only (the influence restarts at 0)."""
        return self._descend(truncation, False, theta_0, lr, iterations)

    def _descend(self, steps, carry_influence, theta_0, lr, iterations):
        """Gradient descent on theta, `steps` steps of the system per iteration, the influence
        carried across iterations (RTRL) or restarted at 0 each one (TBPTT); theta after each
        iteration, until it passes DIVERGED."""
        theta, state, influence = theta_0, self.initial_state(), np.zeros(self.n_units)
        thetas = []
        for _ in range(iterations):
            if not carry_influence:
                influence = np.zeros(self.n_units)
            for _ in range(steps):
                influence = self.transition @ influence + self.sign
                state = self.step(state, theta)
            theta -= lr * (state[0] - 1.0) * influence[0]
            thetas.append(theta)
            if not abs(theta) < DIVERGED:
                break
        return np.array(thetas)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--quick", action="store_true", help="300 iterations, no plot")
    args = parser.parse_args(argv)
    iterations = 300 if args.quick else ITERATIONS
    system = InfluenceBalancing()
    runs = {"RTRL": system.rtrl(iterations=iterations)}
    for k in (1, 10, 100):
        runs[f"TBPTT({k})"] = system.tbptt(k, iterations=iterations)

    print(f"theta* = {THETA_STAR:.6f}; SGD lr {LR}, theta_0 = {THETA_0}, {iterations} iterations")
    print(f"{'gradient':<11} {'final theta':>14} {'|theta - theta*|':>17} "
          f"{'loss after 500 steps':>21}  {'diverged at':>11}")
    for name, thetas in runs.items():
        theta = thetas[-1]
        diverged = len(thetas) < iterations
        loss = system.unrolled_loss(theta) if not diverged else float("inf")
        where = f"{len(thetas)}" if diverged else "-"
        print(f"{name:<11} {theta:>14.6g} {abs(theta - THETA_STAR):>17.3g} {loss:>21.3g}  "
              f"{where:>11}")
    if args.quick:
        return runs

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for name, thetas in runs.items():
        steps = np.arange(1, len(thetas) + 1)
        left.plot(steps, np.clip(thetas, -5, 5), label=name)
        right.plot(steps, np.abs(thetas - THETA_STAR), label=name)
    left.axhline(THETA_STAR, color="grey", linestyle=":", label="theta* = -1/6")
    left.set(xlabel="iteration", ylabel="theta (clipped to [-5, 5])", title="theta")
    right.set(xlabel="iteration", ylabel="|theta - theta*|", yscale="log",
              title="distance to the optimum")
    write_figure(fig, args.out, "influence-balancing.png", (left, right), legend_size=8)
    return runs


if __name__ == "__main__":
    main()
