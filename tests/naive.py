"""Plain-numpy reference of the maths: the Elman, eLSTM and LRU cells, heads, BPTT, dense RTRL.

Written for clarity, not speed, and independently of the kernels: parameters are a dict of
matrices, the influence matrix is materialised densely, and BPTT walks back through time.
"""

import numpy as np

NAMES = ("W_hh", "W_xh", "b_h", "W_hy", "b_y")
RECURRENT = ("W_hh", "W_xh", "b_h")



def clip_by_group(grad, recurrent_end, head_start, clip):
    """The gradient with each group (the recurrence [0, recurrent_end), the rest of the cell,
    the head [head_start, P)) scaled to L2 norm at most `clip`, as the kernels clip it."""
    grad = grad.copy()
    if clip is None:
        return grad
    for group in (slice(0, recurrent_end), slice(recurrent_end, head_start),
                  slice(head_start, None)):
        norm = np.linalg.norm(grad[group])
        if norm > clip:
            grad[group] *= clip / norm
    return grad

def copy_params(params):
    """A copy of every block, in the order given (theta's order for a model's params_)."""
    return {name: np.array(value, dtype=float) for name, value in params.items()}


def flatten(params, names=None):
    return np.concatenate([np.ravel(params[name]) for name in (names or list(params))])


def unflatten(vector, like):
    params, start = {}, 0
    for name in like:
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


def finite_difference_gradient(params, xs, target, head="squared", eps=1e-6, loss=None):
    """Central differences of the last step's loss with respect to every parameter
    (`loss`: loss_at for the Elman cell, elstm_loss_at for the eLSTM)."""
    loss_at_ = loss or loss_at
    theta = flatten(params)
    grad = np.zeros_like(theta)
    for p in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[p] += eps
        down[p] -= eps
        grad[p] = (
            loss_at_(unflatten(up, params), xs, target, head)
            - loss_at_(unflatten(down, params), xs, target, head)
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
        grad = clip_by_group(grad, n * n, J.shape[1], clip)
        params = unflatten(flatten(params) - lr * grad, params)
        trajectory.append(flatten(params))
        h = h_new
    return gradients, trajectory


# ------------------------------------------------------------------ the eLSTM cell

ELSTM_NAMES = ("W_z", "W_f", "w_z", "w_f", "b_z", "b_f", "W_hy", "b_y")
ELSTM_RECURRENT = ELSTM_NAMES[:6]


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def elstm_step(params, c_prev, x):
    """c_t, z_t, f_t of one step of z = tanh(W_z x + w_z c + b_z), f = sigmoid(W_f x + w_f c + b_f),
    c_t = f c_{t-1} + (1 - f) z."""
    z = np.tanh(params["W_z"] @ x + params["w_z"] * c_prev + params["b_z"])
    f = sigmoid(params["W_f"] @ x + params["w_f"] * c_prev + params["b_f"])
    return f * c_prev + (1.0 - f) * z, z, f


def elstm_states(params, xs):
    """(c_{t-1}, z_t, f_t, c_t) of every step from c_0 = 0."""
    c = np.zeros(params["b_z"].shape[0])
    steps = []
    for x in xs:
        c_new, z, f = elstm_step(params, c, x)
        steps.append((c, z, f, c_new))
        c = c_new
    return steps


def elstm_loss_at(params, xs, target, head="squared"):
    c = elstm_states(params, xs)[-1][3]
    return loss_and_error(output(params, c), target, head)[0]


def elstm_bptt_gradient(params, xs, target, head="squared", truncation=None):
    """Gradient of the last step's loss by backpropagation through time (all steps, or the
    last `truncation`): the chain rule through c_t = f c_{t-1} + (1-f) z, one factor at a time."""
    steps = elstm_states(params, xs)
    c_T = steps[-1][3]
    _, error = loss_and_error(output(params, c_T), target, head)
    grad = {name: np.zeros_like(params[name]) for name in ELSTM_NAMES}
    grad["W_hy"] = np.outer(error, c_T)
    grad["b_y"] = error.copy()
    dc = params["W_hy"].T @ error  # dL/dc_t
    T = len(xs)
    first = 0 if truncation is None else max(0, T - truncation)
    for t in range(T - 1, first - 1, -1):
        c_prev, z, f, _ = steps[t]
        dz = dc * (1.0 - f)  # dL/dz_t
        df = dc * (c_prev - z)  # dL/df_t
        dpre_z = dz * (1.0 - z**2)  # through tanh
        dpre_f = df * f * (1.0 - f)  # through the sigmoid
        grad["W_z"] += np.outer(dpre_z, xs[t])
        grad["W_f"] += np.outer(dpre_f, xs[t])
        grad["w_z"] += dpre_z * c_prev
        grad["w_f"] += dpre_f * c_prev
        grad["b_z"] += dpre_z
        grad["b_f"] += dpre_f
        dc = dc * f + dpre_z * params["w_z"] + dpre_f * params["w_f"]  # dL/dc_{t-1}
    return grad


def elstm_jacobians(params, c_prev, x):
    """D_t = dc_t/dc_{t-1} (n x n) and the immediate Jacobian I_t = dc_t/dtheta_rec (n x P),
    both dense, with theta_rec laid out [W_z, W_f, w_z, w_f, b_z, b_f]."""
    n, d = params["W_z"].shape
    _, z, f = elstm_step(params, c_prev, x)
    dpre_z = (1.0 - f) * (1.0 - z**2)  # dc/d(z's pre-activation)
    dpre_f = (c_prev - z) * f * (1.0 - f)  # dc/d(f's pre-activation)
    D = np.diag(f + dpre_z * params["w_z"] + dpre_f * params["w_f"])
    blocks = [np.zeros((n, n * d)), np.zeros((n, n * d))] + [np.zeros((n, n)) for _ in range(4)]
    for i in range(n):
        blocks[0][i, i * d : (i + 1) * d] = dpre_z[i] * x
        blocks[1][i, i * d : (i + 1) * d] = dpre_f[i] * x
        blocks[2][i, i] = dpre_z[i] * c_prev[i]
        blocks[3][i, i] = dpre_f[i] * c_prev[i]
        blocks[4][i, i] = dpre_z[i]
        blocks[5][i, i] = dpre_f[i]
    return D, np.hstack(blocks)


def elstm_online_rtrl(params, xs, targets, lr=0.0, clip=None, head="squared"):
    """Online RTRL for the eLSTM with plain SGD and a dense n x P influence matrix,
    J_t = D_t J_{t-1} + I_t, gradients at theta_{t-1}, J kept across updates.
    Returns the per-step gradients (before clipping) and the parameters after each step."""
    params = {name: np.array(params[name], dtype=float) for name in ELSTM_NAMES}
    n = params["b_z"].shape[0]
    c = np.zeros(n)
    J = np.zeros((n, flatten(params, ELSTM_RECURRENT).size))
    gradients, trajectory = [], []
    for x, target in zip(xs, targets):
        D, I = elstm_jacobians(params, c, x)  # noqa: E741 - the immediate Jacobian's symbol
        c_new = elstm_step(params, c, x)[0]
        J = D @ J + I
        _, error = loss_and_error(output(params, c_new), target, head)
        head_grad = np.concatenate([np.outer(error, c_new).ravel(), error])
        grad = np.concatenate([(params["W_hy"].T @ error) @ J, head_grad])
        gradients.append(grad.copy())
        grad = clip_by_group(grad, 0, J.shape[1], clip)
        params = unflatten(flatten(params) - lr * grad, params)
        trajectory.append(flatten(params))
        c = c_new
    return gradients, trajectory


# ------------------------------------------------------------------ the LRU cell (complex numpy)

LRU_NAMES = ("nu", "theta", "gamma_log", "B_re", "B_im", "W_hy", "b_y")
LRU_RECURRENT = LRU_NAMES[:5]


def lru_constants(params):
    """lambda, gamma, d lambda/d nu and d lambda/d theta, complex, one per mode."""
    lam = np.exp(-np.exp(params["nu"]) + 1j * np.exp(params["theta"]))
    dnu, dtheta = -np.exp(params["nu"]) * lam, 1j * np.exp(params["theta"]) * lam
    return lam, np.exp(params["gamma_log"]), dnu, dtheta


def lru_real(h):
    """The state the head reads: [Re h ; Im h]."""
    return np.concatenate([h.real, h.imag])


def lru_states(params, xs):
    """(h_{t-1}, h_t) of every step from h_0 = 0, complex."""
    lam, gamma, _, _ = lru_constants(params)
    B = params["B_re"] + 1j * params["B_im"]
    h = np.zeros(lam.shape[0], dtype=complex)
    steps = []
    for x in xs:
        h_new = lam * h + gamma * (B @ x)
        steps.append((h, h_new))
        h = h_new
    return steps


def lru_loss_at(params, xs, target, head="squared"):
    h = lru_states(params, xs)[-1][1]
    return loss_and_error(output(params, lru_real(h)), target, head)[0]


def lru_state_error(params, error):
    """dL/dh as the complex a + i b, with (a, b) = dL/d(Re h, Im h) = W_hy^T error."""
    real = params["W_hy"].T @ error
    n = real.shape[0] // 2
    return real[:n] + 1j * real[n:]


def lru_bptt_gradient(params, xs, target, head="squared", truncation=None):
    """Gradient of the last step's loss by backpropagation through time (all steps, or the last
    `truncation`). With g = dL/dh_s = a + i b, a real parameter whose immediate derivative is v
    gets Re(conj(g) v) = a Re v + b Im v, and dL/dh_{s-1} = conj(lambda) g."""
    lam, gamma, dnu, dtheta = lru_constants(params)
    B = params["B_re"] + 1j * params["B_im"]
    steps = lru_states(params, xs)
    h_T = lru_real(steps[-1][1])
    _, error = loss_and_error(output(params, h_T), target, head)
    grad = {name: np.zeros_like(params[name]) for name in LRU_NAMES}
    grad["W_hy"] = np.outer(error, h_T)
    grad["b_y"] = error.copy()
    g = lru_state_error(params, error)
    T = len(xs)
    first = 0 if truncation is None else max(0, T - truncation)
    for t in range(T - 1, first - 1, -1):
        h_prev, _ = steps[t]
        x = xs[t]
        grad["nu"] += np.real(np.conj(g) * dnu * h_prev)
        grad["theta"] += np.real(np.conj(g) * dtheta * h_prev)
        grad["gamma_log"] += np.real(np.conj(g) * gamma * (B @ x))
        grad["B_re"] += np.real(np.outer(np.conj(g) * gamma, x))
        grad["B_im"] += np.real(np.outer(np.conj(g) * gamma * 1j, x))
        g = np.conj(lam) * g
    return grad


def lru_traces(params, xs):
    """The per-mode complex traces of Zucchet et al. after the steps xs, from zero:
    E_lambda <- lambda E_lambda + h_{t-1}, E_gamma <- lambda E_gamma + gamma B x_t,
    E_B <- lambda E_B + gamma x^T; as the real vector laid out like the kernels' trace."""
    lam, gamma, _, _ = lru_constants(params)
    B = params["B_re"] + 1j * params["B_im"]
    n, d = B.shape
    E_lambda, E_gamma, E_B = np.zeros(n, complex), np.zeros(n, complex), np.zeros((n, d), complex)
    for (h_prev, _), x in zip(lru_states(params, xs), xs):
        E_lambda = lam * E_lambda + h_prev
        E_gamma = lam * E_gamma + gamma * (B @ x)
        E_B = lam[:, None] * E_B + np.outer(gamma, x)
    return np.concatenate([E_lambda.real, E_lambda.imag, E_gamma.real, E_gamma.imag,
                           E_B.real.ravel(), E_B.imag.ravel()])


def lru_immediate_jacobian(params, h_prev, x):
    """I_t = dh_t/dtheta_rec holding h_{t-1} fixed, a dense complex n x P matrix, theta_rec
    laid out [nu, theta, gamma_log, B_re, B_im]."""
    _, gamma, dnu, dtheta = lru_constants(params)
    B = params["B_re"] + 1j * params["B_im"]
    n, d = B.shape
    blocks = [np.zeros((n, n), complex) for _ in range(3)] + [np.zeros((n, n * d), complex)
                                                              for _ in range(2)]
    for j in range(n):
        blocks[0][j, j] = dnu[j] * h_prev[j]
        blocks[1][j, j] = dtheta[j] * h_prev[j]
        blocks[2][j, j] = gamma[j] * (B[j] @ x)
        blocks[3][j, j * d : (j + 1) * d] = gamma[j] * x
        blocks[4][j, j * d : (j + 1) * d] = 1j * gamma[j] * x
    return np.hstack(blocks)


def lru_online_rtrl(params, xs, targets, lr=0.0, clip=None, head="squared",
                    lambda_trace=False):
    """Online RTRL for the LRU with plain SGD and a dense complex n x P influence matrix,
    J_t = diag(lambda) J_{t-1} + I_t, gradients at theta_{t-1}, J kept across updates; `lr` a
    number or one rate per parameter (theta's layout).

    While lambda moves, which stale factor J keeps matters: J's nu and theta columns weigh each
    past step by d lambda/d nu (or d theta) at that step's parameters, while Zucchet et al.'s
    traces (the kernels') keep E_lambda = dh/dlambda and multiply it by the current
    d lambda/d nu. lambda_trace=True computes those columns their way; at a fixed lambda the
    two are the same. Returns the per-step gradients (before clipping) and the parameters
    after each step."""
    params = {name: np.array(params[name], dtype=float) for name in LRU_NAMES}
    n = params["nu"].shape[0]
    h = np.zeros(n, dtype=complex)
    E_lambda = np.zeros(n, dtype=complex)
    J = np.zeros((n, flatten(params, LRU_RECURRENT).size), dtype=complex)
    gradients, trajectory = [], []
    for x, target in zip(xs, targets):
        lam, gamma, dnu, dtheta = lru_constants(params)
        B = params["B_re"] + 1j * params["B_im"]
        J = lam[:, None] * J + lru_immediate_jacobian(params, h, x)
        E_lambda = lam * E_lambda + h
        if lambda_trace:
            J[np.arange(n), np.arange(n)] = E_lambda * dnu
            J[np.arange(n), n + np.arange(n)] = E_lambda * dtheta
        h_new = lam * h + gamma * (B @ x)
        _, error = loss_and_error(output(params, lru_real(h_new)), target, head)
        g = lru_state_error(params, error)
        head_grad = np.concatenate([np.outer(error, lru_real(h_new)).ravel(), error])
        grad = np.concatenate([np.real(np.conj(g) @ J), head_grad])
        gradients.append(grad.copy())
        grad = clip_by_group(grad, 2 * n, J.shape[1], clip)
        params = unflatten(flatten(params) - lr * grad, params)
        trajectory.append(flatten(params))
        h = h_new
    return gradients, trajectory
