"""Does each learner's online gradient follow the true gradient, and does the loss settle?

The stream is the convergence study's teacher (examples/convergence_study.py): a fixed Elman
network with 6 units, driven by a sticky 4-symbol Markov chain, its output plus N(0, 0.1^2)
noise as the target (noise floor of the loss 0.5 (yhat - y)^2: 0.005). A student of the same
shape learns it online in plain mode (no target feedback, scaling or change prediction) with
SGD on a Robbins-Monro schedule, lr_t = 0.5 / t^0.6 (river.optim.schedulers.InverseScaling),
no clipping, so each step's gradient is well defined.

Every 2,000 steps, at the student's current weights:
- cosine: the learner's online gradients summed over the last 50 steps, against the gradient of
  the sum of those 50 losses by backpropagation through the last 400 steps (numpy BPTT, from a
  zero state 400 steps back; the teacher forgets that start within a few dozen steps);
- stationarity: the norm of the gradient of the mean loss over one fixed held-out sequence of
  2,000 steps (BPTT through all of it).

Run: python examples/gradient_alignment.py [--quick] [--seeds 2] [--out docs/img]  (about 2 min)
"""

import argparse
from collections import deque

import numpy as np
from river import optim

from rtrl_river import RTRLRegressor
from rtrl_river.learners import RTRL, TBPTT, UORO, SnAp

from figures import write_figure

N_HIDDEN, N_SYMBOLS, NOISE = 6, 4, 0.1
STEPS, PROBE_EVERY, PROBE_LENGTH = 40_000, 2_000, 2_000
RECENT, HORIZON = 50, 400
LR, POWER = 0.5, 0.6
LEARNERS = {"RTRL": RTRL(), "SnAp-1": SnAp(level=1), "TBPTT(1)": TBPTT(truncation=1),
            "TBPTT(4)": TBPTT(truncation=4), "TBPTT(16)": TBPTT(truncation=16), "UORO": UORO()}


def markov_symbols(n_steps, rng):
    """A sticky 4-state Markov chain (stays with probability 0.8; ergodic)."""
    transition = np.full((N_SYMBOLS, N_SYMBOLS), 0.1 / (N_SYMBOLS - 1)) + np.eye(N_SYMBOLS) * 0.8
    transition /= transition.sum(axis=1, keepdims=True)
    state, inputs = 0, np.zeros((n_steps, N_SYMBOLS))
    for t in range(n_steps):
        state = rng.choice(N_SYMBOLS, p=transition[state])
        inputs[t, state] = 1.0
    return inputs


def teacher(inputs, rng):
    W_hh = rng.normal(0, 1.2 / np.sqrt(N_HIDDEN), (N_HIDDEN, N_HIDDEN))
    W_xh = rng.normal(0, 1.0, (N_HIDDEN, N_SYMBOLS))
    W_hy = rng.normal(0, 1.0, N_HIDDEN)
    h, targets = np.zeros(N_HIDDEN), np.empty(len(inputs))
    for t, x in enumerate(inputs):
        h = np.tanh(W_hh @ h + W_xh @ x)
        targets[t] = W_hy @ h + NOISE * rng.normal()
    return targets


def bptt_gradient(params, xs, ys, scored):
    """Gradient of the sum of the last `scored` losses 0.5 (yhat - y)^2 over the sequence xs,
    from a zero state, by backpropagation through every step; flattened in theta's order."""
    W_hh, W_xh, b_h, W_hy, b_y = (params[k] for k in ("W_hh", "W_xh", "b_h", "W_hy", "b_y"))
    n, T = W_hh.shape[0], len(xs)
    states = np.zeros((T + 1, n))
    for t in range(T):
        states[t + 1] = np.tanh(W_hh @ states[t] + W_xh @ xs[t] + b_h)
    errors = np.zeros(T)
    errors[T - scored:] = (states[T - scored + 1:] @ W_hy[0] + b_y[0]) - ys[T - scored:]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"][0] = errors @ states[1:]
    grads["b_y"][0] = errors.sum()
    dh = np.zeros(n)
    for t in range(T - 1, -1, -1):
        dh = dh + errors[t] * W_hy[0]
        dz = dh * (1.0 - states[t + 1] ** 2)
        grads["W_hh"] += np.outer(dz, states[t])
        grads["W_xh"] += np.outer(dz, xs[t])
        grads["b_h"] += dz
        dh = W_hh.T @ dz
    return np.concatenate([grads[k].ravel() for k in ("W_hh", "W_xh", "b_h", "W_hy", "b_y")])


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-300))


def study(learner, inputs, targets, probe_inputs, probe_targets, seed, steps):
    schedule = optim.schedulers.InverseScaling(LR, power=POWER)
    model = RTRLRegressor(hidden_size=N_HIDDEN, learner=learner, optimizer=optim.SGD(schedule),
                          clip_gradient=None, target_feedback=False, target_scaling=False,
                          predict_change=False, seed=seed)
    names = [f"s{k}" for k in range(N_SYMBOLS)]
    recent = deque(maxlen=RECENT)
    losses, probes = np.empty(steps), []
    for t in range(steps):
        x = dict(zip(names, inputs[t]))
        prediction = model.predict_one(x)
        losses[t] = 0.5 * ((0.0 if prediction is None else prediction) - targets[t]) ** 2
        model.learn_one(x, targets[t])
        recent.append(model.engine_.buffers.gradient.copy())
        if (t + 1) % PROBE_EVERY == 0:
            params = {k: np.array(v) for k, v in model.params_.items()}
            start = t + 1 - HORIZON
            reference = bptt_gradient(params, inputs[start:t + 1], targets[start:t + 1], RECENT)
            full = bptt_gradient(params, probe_inputs, probe_targets, len(probe_targets))
            probes.append((t + 1, cosine(np.sum(recent, axis=0), reference),
                           float(np.linalg.norm(full / len(probe_targets)))))
    return losses, probes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--quick", action="store_true", help="2,000 steps, one seed, no plot")
    args = parser.parse_args(argv)
    steps = PROBE_EVERY if args.quick else STEPS
    seeds = range(1 if args.quick else args.seeds)

    results = {name: [] for name in LEARNERS}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        inputs = markov_symbols(steps + PROBE_LENGTH, rng)
        targets = teacher(inputs, np.random.default_rng(100 + seed))
        train = inputs[:steps], targets[:steps]
        probe = inputs[steps:], targets[steps:]
        for name, learner in LEARNERS.items():
            results[name].append(study(learner, *train, *probe, seed=seed, steps=steps))

    floor = 0.5 * NOISE**2
    print(f"plain mode, SGD lr {LR} / t^{POWER}, {steps:,} steps, {len(seeds)} seed(s); "
          f"noise floor of the loss {floor:.4f}")
    print(f"{'learner':<10} {'cos, first probe':>17} {'cos, mean of last half':>23} "
          f"{'loss, last 10%':>15} {'|grad| first':>13} {'|grad| last':>12}")
    summary = {}
    for name, runs in results.items():
        cos = np.array([[c for _, c, _ in probes] for _, probes in runs])
        norms = np.array([[g for _, _, g in probes] for _, probes in runs])
        loss = np.mean([losses[-steps // 10:].mean() for losses, _ in runs])
        half = cos.shape[1] // 2
        summary[name] = (cos[:, 0].mean(), cos[:, half:].mean(), loss, norms[:, 0].mean(),
                         norms[:, -1].mean())
        print(f"{name:<10} {summary[name][0]:>17.3f} {summary[name][1]:>23.3f} {loss:>15.4f} "
              f"{summary[name][3]:>13.4f} {summary[name][4]:>12.4f}")
    if args.quick:
        return summary

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for name, runs in results.items():
        steps_at = [t for t, _, _ in runs[0][1]]
        cos = np.mean([[c for _, c, _ in probes] for _, probes in runs], axis=0)
        norms = np.mean([[g for _, _, g in probes] for _, probes in runs], axis=0)
        smooth = np.mean([np.convolve(losses, np.ones(1000) / 1000, mode="valid")
                          for losses, _ in runs], axis=0)
        axes[0].plot(steps_at, cos, marker="o", label=name)
        axes[1].plot(np.arange(len(smooth)) + 1000, smooth, label=name)
        axes[2].plot(steps_at, norms, marker="o", label=name)
    axes[1].axhline(floor, color="grey", linestyle=":", label="noise floor")
    axes[0].set(xlabel="step", ylabel="cosine", ylim=(-1.05, 1.05),
                title=f"online vs BPTT({HORIZON}) gradient, last {RECENT} losses")
    axes[1].set(xlabel="step", ylabel="online loss (moving average of 1000)", yscale="log",
                title="online loss")
    axes[2].set(xlabel="step", ylabel="norm", yscale="log",
                title="gradient of the held-out sequence loss")
    write_figure(fig, args.out, "gradient-alignment.png", axes, legend_size=7)
    return summary


if __name__ == "__main__":
    main()
