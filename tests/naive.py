"""Plain-numpy reference of the maths: the Elman cell, its heads, BPTT and dense RTRL.

Written for clarity, not speed, and independently of the kernels: parameters are a dict of
matrices, the influence matrix is materialised densely, and BPTT walks back through time.
"""

import numpy as np

NAMES = ("W_hh", "W_xh", "b_h", "W_hy", "b_y")
RECURRENT = ("W_hh", "W_xh", "b_h")


def copy_params(params):
    return {name: np.array(params[name], dtype=float) for name in NAMES}


def flatten(params, names=NAMES):
    return np.concatenate([np.ravel(params[name]) for name in names])


def unflatten(vector, like):
    params, start = {}, 0
    for name in NAMES:
        size = like[name].size
        params[name] = vector[start : start + size].reshape(like[name].shape)
        start += size
    return params


def step(params, h_prev, x):
    return np.tanh(params["W_hh"] @ h_prev + params["W_xh"] @ x + params["b_h"])


def output(params, h):
    return params["W_hy"] @ h + params["b_y"]


def loss_and_error(scores, target, head):
    """Loss and dL/dscores: squared loss on a value, or softmax cross-entropy on a class index."""
    if head == "squared":
        diff = scores[0] - target
        return 0.5 * diff**2, np.array([diff])
    p = np.exp(scores - scores.max())
    p /= p.sum()
    onehot = np.zeros_like(p)
    onehot[int(target)] = 1.0
    return -np.log(p[int(target)]), p - onehot


def hidden_states(params, xs):
    """h_1..h_T from h_0 = 0."""
    h = np.zeros(params["W_hh"].shape[0])
    states = []
    for x in xs:
        h = step(params, h, x)
        states.append(h)
    return states


def loss_at(params, xs, target, head="squared"):
    """The loss of the last step of the sequence xs, from h_0 = 0."""
    h = hidden_states(params, xs)[-1]
    return loss_and_error(output(params, h), target, head)[0]


def bptt_gradient(params, xs, target, head="squared", truncation=None):
    """Gradient of the last step's loss by backpropagation through time, over all steps or the
    last `truncation` of them."""
    states = hidden_states(params, xs)
    n = params["W_hh"].shape[0]
    h_T = states[-1]
    _, error = loss_and_error(output(params, h_T), target, head)
    grad = {name: np.zeros_like(params[name]) for name in NAMES}
    grad["W_hy"] = np.outer(error, h_T)
    grad["b_y"] = error.copy()
    dh = params["W_hy"].T @ error
    T = len(xs)
    first = 0 if truncation is None else max(0, T - truncation)
    for t in range(T - 1, first - 1, -1):
        h = states[t]
        h_prev = states[t - 1] if t > 0 else np.zeros(n)
        dz = dh * (1.0 - h**2)
        grad["W_hh"] += np.outer(dz, h_prev)
        grad["W_xh"] += np.outer(dz, xs[t])
        grad["b_h"] += dz
        dh = params["W_hh"].T @ dz
    return grad


def finite_difference_gradient(params, xs, target, head="squared", eps=1e-6):
    """Central differences of the last step's loss with respect to every parameter."""
    theta = flatten(params)
    grad = np.zeros_like(theta)
    for p in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[p] += eps
        down[p] -= eps
        grad[p] = (
            loss_at(unflatten(up, params), xs, target, head)
            - loss_at(unflatten(down, params), xs, target, head)
        ) / (2 * eps)
    return grad


def immediate_jacobian(h_prev, x, n):
    """I_t = dz_t/dtheta_rec as a dense n x P matrix (unit i's own row sees [h_prev, x, 1])."""
    d = x.size
    blocks = [np.zeros((n, n * n)), np.zeros((n, n * d)), np.zeros((n, n))]
    for i in range(n):
        blocks[0][i, i * n : (i + 1) * n] = h_prev
        blocks[1][i, i * d : (i + 1) * d] = x
        blocks[2][i, i] = 1.0
    return np.hstack(blocks)


def snap_mask(support, level, n_inputs):
    """The SnAp-level pattern as a dense n x P 0/1 matrix: J[k, theta] is kept when theta is a
    weight into unit i and k is reachable from i in fewer than `level` steps of `support`
    (support[k, l]: l feeds k)."""
    n = support.shape[0]
    reach = np.eye(n, dtype=bool)
    for _ in range(level - 1):
        reach = reach | ((support.astype(int) @ reach.astype(int)) > 0)
    d = n_inputs
    blocks = [np.zeros((n, n * n)), np.zeros((n, n * d)), np.zeros((n, n))]
    for i in range(n):
        blocks[0][:, i * n : (i + 1) * n] = reach[:, [i]]
        blocks[1][:, i * d : (i + 1) * d] = reach[:, [i]]
        blocks[2][:, i] = reach[:, i]
    return np.hstack(blocks)


def online_rtrl(params, xs, targets, lr=0.0, clip=None, head="squared", influence_mask=None,
                recurrent_mask=None):
    """Online RTRL with plain SGD, dense J, gradients at theta_{t-1}, J kept across updates.

    influence_mask (n x P, 0/1) keeps only those entries of J after each update (SnAp);
    recurrent_mask (n x n) zeroes the gradient of the W_hh entries it masks.
    Returns the per-step gradients (before clipping) and the parameters after each step.
    """
    params = copy_params(params)
    n = params["W_hh"].shape[0]
    h = np.zeros(n)
    J = np.zeros((n, flatten(params, RECURRENT).size))
    gradients, trajectory = [], []
    for x, target in zip(xs, targets):
        h_new = step(params, h, x)
        J = np.diag(1.0 - h_new**2) @ (params["W_hh"] @ J + immediate_jacobian(h, x, n))
        if influence_mask is not None:
            J = J * influence_mask
        _, error = loss_and_error(output(params, h_new), target, head)
        head_grad = np.concatenate([np.outer(error, h_new).ravel(), error])
        grad = np.concatenate([(params["W_hy"].T @ error) @ J, head_grad])
        if recurrent_mask is not None:
            grad[: n * n] *= recurrent_mask.ravel()
        gradients.append(grad.copy())
        if clip is not None and np.linalg.norm(grad) > clip:
            grad *= clip / np.linalg.norm(grad)
        params = unflatten(flatten(params) - lr * grad, params)
        trajectory.append(flatten(params))
        h = h_new
    return gradients, trajectory
