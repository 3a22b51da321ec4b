"""Convergence study: a student RNN learns a teacher RNN online, with RTRL and with TBPTT.

A teacher Elman network (n = 6) is driven by an ergodic Markov chain over 4 input symbols;
its output plus Gaussian noise (std 0.1) is the target, so the best achievable squared loss
0.5 (yhat - y)^2 is 0.5 * 0.01 = 0.005. A student of the same shape learns it online with a
decaying learning rate (Adam with river.optim.schedulers.InverseScaling). Every few thousand
steps, the student's weights are frozen and the gradient of the mean loss over one fixed
2,000-step sequence is computed exactly: exact RTRL at learning rate 0 gives the full-sequence
(BPTT) gradient. A method that converges drives both the online loss towards the noise floor
and that gradient norm towards 0 (a stationary point).

Run: python examples/convergence_study.py [--out DIR]   (about 30 s; writes convergence.png)
"""

import argparse

import numpy as np
from river import optim

from rtrl_river import RTRLRegressor
from rtrl_river.learners import RTRL, TBPTT

from figures import write_figure

# The study learns the plain Elman regressor of the numerical contract: the loss is the
# squared error of the network's own output, so the full-sequence gradient is well defined.
PLAIN = dict(target_feedback=False, target_scaling=False, predict_change=False)

N_HIDDEN, N_SYMBOLS, NOISE = 6, 4, 0.1
STEPS, PROBE_EVERY, PROBE_LENGTH = 30_000, 3_000, 2_000


def markov_inputs(n_steps, seed):
    """One-hot symbols from a sticky 4-state Markov chain (ergodic: every state reachable)."""
    rng = np.random.default_rng(seed)
    transition = np.full((N_SYMBOLS, N_SYMBOLS), 0.1 / (N_SYMBOLS - 1)) + np.eye(N_SYMBOLS) * 0.8
    transition /= transition.sum(axis=1, keepdims=True)
    state, symbols = 0, []
    for _ in range(n_steps):
        state = rng.choice(N_SYMBOLS, p=transition[state])
        symbols.append(state)
    return [{f"s{k}": float(k == s) for k in range(N_SYMBOLS)} for s in symbols]


def teacher_targets(inputs, seed):
    """The teacher's outputs, plus noise: an Elman network with fixed random weights."""
    rng = np.random.default_rng(seed)
    W_hh = rng.normal(0, 1.2 / np.sqrt(N_HIDDEN), (N_HIDDEN, N_HIDDEN))
    W_xh = rng.normal(0, 1.0, (N_HIDDEN, N_SYMBOLS))
    W_hy = rng.normal(0, 1.0, N_HIDDEN)
    h, targets = np.zeros(N_HIDDEN), []
    for x in inputs:
        h = np.tanh(W_hh @ h + W_xh @ np.array(list(x.values())))
        targets.append(float(W_hy @ h + NOISE * rng.normal()))
    return targets


def full_sequence_gradient_norm(student, inputs, targets):
    """|| d/dtheta mean_t loss_t || over a fixed sequence, at the student's current weights."""
    probe = RTRLRegressor(hidden_size=N_HIDDEN, learner=RTRL(), optimizer="sgd",
                          clip_gradient=None, seed=0, **PLAIN)
    probe.learn_one(inputs[0], targets[0])
    probe.engine_.network.theta[:] = student.engine_.network.theta
    # frozen: lr=0 is refused as a parameter (a model that never learns), so the probe's own
    # optimizer state is set to step at rate 0
    probe.engine_.optimizer_state.constant_rate = 0.0
    probe.reset_state()
    total = np.zeros_like(probe.engine_.network.theta)
    for x, y in zip(inputs, targets):
        probe.learn_one(x, y)
        total += probe.engine_.buffers.gradient
    return float(np.linalg.norm(total / len(inputs)))


def study(learner, inputs, targets, probe_inputs, probe_targets):
    schedule = optim.schedulers.InverseScaling(0.01, power=0.4)
    student = RTRLRegressor(hidden_size=N_HIDDEN, learner=learner, optimizer=optim.Adam(schedule),
                            clip_gradient=None, seed=1, **PLAIN)
    losses, probes = [], []
    for t, (x, y) in enumerate(zip(inputs, targets), start=1):
        prediction = student.predict_one(x)
        if prediction is not None:  # None before the first target
            losses.append(0.5 * (prediction - y) ** 2)
        student.learn_one(x, y)
        if t % PROBE_EVERY == 0:
            probes.append((t, full_sequence_gradient_norm(student, probe_inputs, probe_targets)))
    return np.array(losses), probes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="rtrl-river-out")
    args = parser.parse_args(argv)
    inputs = markov_inputs(STEPS + PROBE_LENGTH, seed=0)
    targets = teacher_targets(inputs, seed=0)
    train = inputs[:STEPS], targets[:STEPS]
    probe = inputs[STEPS:], targets[STEPS:]
    learners = {"RTRL": RTRL(), "TBPTT(1)": TBPTT(truncation=1), "TBPTT(2)": TBPTT(truncation=2),
                "TBPTT(4)": TBPTT(truncation=4)}
    results = {name: study(learner, *train, *probe) for name, learner in learners.items()}

    floor = 0.5 * NOISE**2
    print(f"noise floor of the loss 0.5 (yhat - y)^2: {floor:.4f}")
    print(f"{'learner':<10} {'loss, last 3000 steps':>22} {'|full-sequence gradient|':>26}")
    for name, (losses, probes) in results.items():
        norms = " -> ".join(f"{norm:.3f}" for _, norm in probes[::3] + [probes[-1]])
        print(f"{name:<10} {losses[-3000:].mean():>22.4f}   {norms}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for name, (losses, probes) in results.items():
        smooth = np.convolve(losses, np.ones(500) / 500, mode="valid")
        left.plot(np.arange(len(smooth)) + 500, smooth, label=name)
        right.plot(*zip(*probes), marker="o", label=name)
    left.axhline(floor, color="grey", linestyle=":", label="noise floor")
    left.set(xlabel="step", ylabel="online loss (moving average of 500)", yscale="log",
             title="online loss")
    right.set(xlabel="step", ylabel="norm of the full-sequence gradient", yscale="log",
              title="distance from a stationary point")
    write_figure(fig, args.out, "convergence.png", (left, right), legend_size=8)


if __name__ == "__main__":
    main()
