"""Online next-step prediction of chaotic series, under the protocol of sonaradarcn/sketched-rtrl.

Their protocol (run_m3.py, skrtrl/tasks.py, results/TIMESERIES_TABLES.md): a tanh RNN with 64
units and a linear readout; the series' current value is the only input and the next value the
target; the whole series is scaled to zero mean and unit variance (so MSE = NMSE); Adam lr
1e-3, no clipping; the hidden state and the gradient traces are reset every 200 steps
("washout"; the optimizer's moments are kept); 15,000 steps; the metric logged every 250 steps
is the mean loss over the last 200 steps, and a run scores the mean of its last five logs.
Their generators, replicated here: Henon (a = 1.4, b = 0.3, x_0 = 0.1, y_0 = 0), Mackey-Glass
(tau = 17, Euler steps of dt = 1 from a history drawn in [1.2, 1.4]), Lorenz (sigma = 10,
rho = 28, beta = 8/3, Euler dt = 0.01, every second step, x observed, start (1, 1, 1) plus
N(0, 0.1^2) noise, 100 steps dropped); 20,065 values generated, the stream starting at value 64.

Here: one stream instead of their 8 parallel lanes (their gradient is the mean over 8 lanes);
every learner updates every step (their TBPTT(25) updates once per 25-step window); our
weight initialisation; numpy random draws. The estimators run in plain mode (no target
feedback, scaling or change prediction) with Adam lr 1e-3 and no clipping, to match; a second
table runs them at the library defaults (no reset). The immediate-derivative baseline is
TBPTT(1) with RMSprop (lr 1e-3).

Run: python examples/chaotic_series.py [--quick] [--seeds 2] [--out docs/img]  (2 min a seed)
"""

import os

# one thread: at n = 64 a multi-threaded BLAS on a shared 2-core machine is several times slower
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                  "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402

import numpy as np  # noqa: E402

from rtrl_river import RTRLRegressor  # noqa: E402
from rtrl_river.learners import RTRL, TBPTT, UORO, SnAp  # noqa: E402

from figures import write_figure  # noqa: E402

STEPS, HIDDEN, WASHOUT, LOG_EVERY, WINDOW = 15_000, 64, 200, 250, 200
LENGTH, SKIP = 20_000, 64
PUBLISHED = {  # mean over 10 seeds (TBPTT: 5), results/TIMESERIES_TABLES.md, Table 6
    "RTRL": {"henon": 0.0052, "mackey-glass": 0.0180, "lorenz": 0.0051},
    "SnAp-1": {"henon": 0.0052, "mackey-glass": 0.0050, "lorenz": 0.0024},
    "TBPTT(25)": {"henon": 0.0311, "mackey-glass": 0.0080, "lorenz": 0.0054},
    "UORO": {"henon": 0.6583, "mackey-glass": 0.0497, "lorenz": 0.0425},
}


def henon(length, rng):
    a, b, x, y = 1.4, 0.3, 0.1, 0.0
    out = np.empty(length)
    for t in range(length):
        out[t] = x
        x, y = 1.0 - a * x * x + y, b * x
    return out


def mackey_glass(length, rng, tau=17):
    history = list(1.2 + 0.2 * rng.random(tau + 1))
    x, out = history[-1], []
    for _ in range(length + tau + 100):
        delayed = history[-tau]
        x = x + 0.2 * delayed / (1.0 + delayed**10) - 0.1 * x
        history.append(x)
        out.append(x)
    return np.array(out[:length])


def lorenz(length, rng):
    sigma, rho, beta, dt = 10.0, 28.0, 8.0 / 3.0, 0.01
    state = np.ones(3) + 0.1 * rng.normal(size=3)
    out = []
    for i in range(2 * length + 100):
        x, y, z = state
        state = state + dt * np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])
        if i >= 100 and (i - 100) % 2 == 0:
            out.append(state[0])
    return np.array(out[:length])


SERIES = {"henon": henon, "mackey-glass": mackey_glass, "lorenz": lorenz}


def unit_series(name, seed):
    raw = SERIES[name](LENGTH + 1 + SKIP, np.random.default_rng(seed))
    return (raw - raw.mean()) / raw.std()


def run(name, make_model, seed, steps, washout):
    series = unit_series(name, seed)
    model = make_model(seed)
    losses, logs = [], []
    for step in range(steps):
        t = SKIP + step
        if washout and step % washout == 0:
            model.reset_state()
        x, y = {"x": series[t]}, series[t + 1]
        prediction = model.predict_one(x)
        losses.append((y - (0.0 if prediction is None else prediction)) ** 2)
        model.learn_one(x, y)
        if step % LOG_EVERY == 0:
            logs.append(float(np.mean(losses[-WINDOW:])))
    return float(np.mean(logs[-5:])), logs


def protocol_model(learner, optimizer="adam", hidden=HIDDEN, clip=None):
    def make(seed):
        return RTRLRegressor(hidden_size=hidden, learner=learner, optimizer=optimizer, lr=1e-3,
                             clip_gradient=clip, target_feedback=False, target_scaling=False,
                             predict_change=False, seed=seed)
    return make


def default_model(learner, hidden=HIDDEN):
    return lambda seed: RTRLRegressor(hidden_size=hidden, learner=learner, seed=seed)


LEARNERS = {"RTRL": RTRL(), "SnAp-1": SnAp(level=1), "TBPTT(25)": TBPTT(truncation=25),
            "UORO": UORO(), "TBPTT(1)": TBPTT(truncation=1)}


def table(title, models, seeds, steps, washout, published=True):
    print(f"\n{title}")
    print(f"{'learner':<24}" + "".join(f"{name:>22}" for name in SERIES))
    results = {}
    for label, make in models.items():
        row = {}
        for name in SERIES:
            scores = [run(name, make, seed, steps, washout) for seed in seeds]
            finals = [score for score, _ in scores]
            spread = statistics.stdev(finals) if len(finals) > 1 else 0.0
            row[name] = (statistics.mean(finals), spread, finals, scores[0][1])
        results[label] = row
        theirs_row = PUBLISHED.get(label, {}) if published else {}
        cells = ""
        for name, (mean, spread, _, _) in row.items():
            theirs = f" ({theirs_row[name]:.4f})" if name in theirs_row else "         "
            cells += f"{mean:>8.4f} ±{spread:.4f}{theirs}"
        print(f"{label:<24}{cells}", flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--clip", type=float, default=None,
                        help="clip each step's gradient norm in the protocol runs (theirs: none)")
    parser.add_argument("--protocol-only", action="store_true",
                        help="only the first table, no plot")
    parser.add_argument("--quick", action="store_true", help="8 units, 400 steps, one seed")
    args = parser.parse_args(argv)
    steps, hidden = (400, 8) if args.quick else (STEPS, HIDDEN)
    seeds = range(1 if args.quick else args.seeds)

    protocol = {name: protocol_model(learner, hidden=hidden, clip=args.clip)
                for name, learner in LEARNERS.items() if name != "TBPTT(1)"}
    protocol["TBPTT(1) RMSprop"] = protocol_model(TBPTT(truncation=1), "rmsprop", hidden,
                                                  args.clip)
    clipped = f", gradient norm clipped at {args.clip:g}" if args.clip else ""
    ours = table(f"their protocol{clipped}: NMSE, mean of the last 5 logs, mean ± sd over "
                 f"{len(seeds)} seeds (their Table 6 mean in brackets)",
                 protocol, seeds, steps, WASHOUT)
    if args.protocol_only:
        return ours, {}
    defaults = table("library defaults, no reset: same metric",
                     {name: default_model(learner, hidden) for name, learner in LEARNERS.items()},
                     seeds, steps, washout=0, published=False)
    if args.quick:
        return ours, defaults

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(SERIES), figsize=(14, 4))
    for axis, name in zip(axes, SERIES):
        for label, row in ours.items():
            logs = row[name][3]
            axis.plot(np.arange(len(logs)) * LOG_EVERY, logs, label=label)
        axis.set(yscale="log", xlabel="step", ylabel="NMSE, last 200 steps",
                 title=f"{name} (their protocol, seed 0)")
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    write_figure(fig, args.out, "chaotic-series.png")
    return ours, defaults


if __name__ == "__main__":
    main()
