"""The output heads and their gradients, clipping, the optimizers and prediction (any cell)."""

import math

import numpy as np
from numba import njit

from .arrays import ADAGRAD, ADAM, RMSPROP, SGD, SQUARED_LOSS
from .cells import cell_forward
from .jit import EXACT, INLINE, JIT
from .targets import (
    CARRY,
    CHANGE_GAIN,
    FEEDBACK_GAIN,
    FEEDBACK_OFFSET,
    GATE,
    LARGEST,
    LEVEL,
    OFFSET,
    SCALE,
)
from .vector import BLOCK, block_dots, sum_of_squares


@njit(**INLINE)
def copy_into(target, source):
    """target[:] = source for 1-d arrays of the same length, as a loop: a slice assignment
    also compiles numba's shape-mismatch error path, seconds of a cold start."""
    for j in range(target.shape[0]):
        target[j] = source[j]


@njit(**JIT)
def head_views(theta, n_hidden, n_outputs):
    """W_hy (k x n) and b_y (k) as views into theta, whose last k(n+1) entries they are."""
    start = theta.shape[0] - n_outputs * (n_hidden + 1)
    W_hy = theta[start : start + n_outputs * n_hidden].reshape((n_outputs, n_hidden))
    b_y = theta[start + n_outputs * n_hidden : start + n_outputs * n_hidden + n_outputs]
    return W_hy, b_y


@njit(**INLINE)
def head_forward(network, hidden, output):
    """output = W_hy hidden + b_y (the raw scores; softmax is applied by the loss). Each score
    is summed as a unit of the Elman cell is (cells/elman.py): a chain from the bias over the
    columns after the row's full blocks of BLOCK, plus those blocks on vectors, which are
    written into `output` first: it shares no memory with `hidden` or theta."""
    theta, n, k = network.theta, hidden.shape[0], network.n_outputs
    start = theta.shape[0] - k * (n + 1)  # W_hy row-major, then b_y (see head_views)
    blocked = n - n % BLOCK
    if blocked > 0:
        block_dots(theta, start, hidden, output)  # the full blocks first, into output
    for c in range(output.shape[0]):
        total = theta[start + k * n + c]
        row = start + c * n
        for j in range(blocked, n):
            total += theta[row + j] * hidden[j]
        if blocked > 0:
            total += output[c]
        output[c] = total


@njit(**JIT)
def softmax(scores, probabilities):
    """Numerically stable softmax of `scores` into `probabilities`, which may be `scores`
    itself: each score is read before its own probability is written, and never after."""
    top = scores[0]
    for c in range(1, scores.shape[0]):
        top = max(top, scores[c])
    total = 0.0
    for c in range(scores.shape[0]):
        probabilities[c] = math.exp(scores[c] - top)
        total += probabilities[c]
    for c in range(scores.shape[0]):
        probabilities[c] /= total


@njit(**INLINE)
def loss_and_error(head, output, target, error):
    """The loss of one step and its gradient dL/dyhat, written into `error`.

    Squared loss: 0.5 (yhat - y)^2 with `target` the value. Softmax cross-entropy: `target` is
    the class's row in the head, the loss is -log p_target and dL/dscore = p - onehot(target).
    """
    if head == SQUARED_LOSS:
        diff = output[0] - target
        error[0] = diff
        return 0.5 * diff * diff
    softmax(output, error)
    label = int(target)
    loss = -math.log(max(error[label], 1e-300))
    error[label] -= 1.0
    return loss


@njit(**INLINE)
def head_gradient(network, hidden, error, gradient, hidden_error):
    """Head gradient into its block of `gradient`, and dL/dh = W_hy^T error into hidden_error."""
    n, k = hidden.shape[0], error.shape[0]
    theta = network.theta
    start = theta.shape[0] - k * (n + 1)  # W_hy row-major, then b_y (see head_views)
    for j in range(n):
        hidden_error[j] = 0.0
    for c in range(k):
        row = start + c * n
        for j in range(n):
            gradient[row + j] = error[c] * hidden[j]
            hidden_error[j] += theta[row + j] * error[c]
        gradient[start + k * n + c] = error[c]


# Sums of squares at or above this are treated as overflowing: each term is then divided by
# the largest magnitude first, so a finite gradient always gets a finite norm.
SAFE_SQUARED_NORM = 1e300


@njit(**JIT)
def clip_norm(gradient, max_norm):
    """Scale `gradient` so its L2 norm is at most max_norm (max_norm <= 0: no clipping).

    Returns False, leaving the gradient as it is, when the gradient holds a NaN or an
    infinity, or when clipping is off and its norm is beyond 1e150 (an overflow in the making):
    such a step must not reach the weights. The norm is computed without overflow.
    """
    total = sum_of_squares(gradient)
    if total < SAFE_SQUARED_NORM:  # False for NaN and infinity
        if max_norm > 0.0 and total > max_norm * max_norm:
            scale = max_norm / math.sqrt(total)
            for p in range(gradient.shape[0]):
                gradient[p] *= scale
        return True
    largest = 0.0
    for p in range(gradient.shape[0]):
        magnitude = abs(gradient[p])
        if not magnitude < math.inf:  # NaN or infinity
            return False
        largest = max(largest, magnitude)
    if max_norm <= 0.0:
        return False
    total = 0.0
    for p in range(gradient.shape[0]):
        share = gradient[p] / largest
        total += share * share
    scale = max_norm / largest / math.sqrt(total)
    for p in range(gradient.shape[0]):
        gradient[p] *= scale
    return True


@njit(**INLINE)
def clip_groups(gradient, recurrent_end, head_start, max_norm):
    """`clip_norm` on each group of parameters, each to max_norm: the recurrence (theta's first
    `recurrent_end`, which steps at the cell's scaled rate), the rest of the cell, and the head
    (from `head_start`). False, the step to be dropped, when any group is refused.

    One norm over the whole gradient let the largest group set every group's step: the LRU's
    eigenvalue gradient (its traces sum about 1/(1 - |lambda|) past states, a thousand at
    |lambda| = 0.999) is orders of magnitude larger than its read-out's, and one shared clip
    shrank the read-out's step with it (the add task (10, 30) went from 0.497 to 0.889 nats).
    Per group, the Elman and eLSTM suites moved by less than their seed spread
    (docs/decisions.md)."""
    return (clip_norm(gradient[:recurrent_end], max_norm)
            and clip_norm(gradient[recurrent_end:head_start], max_norm)
            and clip_norm(gradient[head_start:], max_norm))


@njit(**EXACT)
def optimizer_step(optimizer, theta, gradient, learning_rate):
    """One update of theta with river.optim's rule for the optimizer's kind; the first
    `optimizer.recurrent_end` parameters (the Elman cell's W_hh) step at learning_rate times
    `optimizer.recurrent_scale`, the rest at learning_rate.

    One loop over the two blocks, not a kernel called once per block: a call with a constant
    start would compile a second specialisation of it. Each block's arrays are views that
    start at 0 and the hyperparameters locals, so that LLVM vectorises the loops (Adam's
    divisions and square roots: 0.3 us of a predict_one + learn_one at n=16). Compiled without
    fast-math flags: no multiply and add fused, so vector and scalar iterations round alike,
    wherever the arrays sit and whether the kernel was compiled in this process or loaded
    from the cache (with fused ones, the two did not always agree)."""
    t = optimizer.step[0]
    end = optimizer.recurrent_end
    kind, eps = optimizer.kind, optimizer.eps
    b1, b2 = optimizer.beta_1, optimizer.beta_2
    if kind == ADAM:  # the bias corrections, once for both blocks
        root_correction = (1.0 - b2 ** (t + 1)) ** 0.5
        correction = 1.0 - b1 ** (t + 1)
    else:
        root_correction = correction = 1.0
    for block in range(2):
        if block == 0:
            start, stop, rate = 0, end, learning_rate * optimizer.recurrent_scale
        else:
            start, stop, rate = end, theta.shape[0], learning_rate
        w, g = theta[start:stop], gradient[start:stop]
        m, v = optimizer.first_moment[start:stop], optimizer.second_moment[start:stop]
        if kind == SGD:
            for p in range(w.shape[0]):
                w[p] -= rate * g[p]
        elif kind == ADAM:
            rate = rate * root_correction
            rate /= correction
            for p in range(w.shape[0]):
                m[p] = b1 * m[p] + (1.0 - b1) * g[p]
                v[p] = b2 * v[p] + (1.0 - b2) * g[p] * g[p]
                w[p] -= rate * m[p] / (v[p] ** 0.5 + eps)
        elif kind == RMSPROP:
            rho = optimizer.rho
            for p in range(w.shape[0]):
                v[p] = rho * v[p] + (1.0 - rho) * g[p] * g[p]
                w[p] -= rate / (v[p] + eps) ** 0.5 * g[p]
        elif kind == ADAGRAD:
            for p in range(w.shape[0]):
                v[p] += g[p] * g[p]
                w[p] -= rate / (v[p] + eps) ** 0.5 * g[p]
    optimizer.step[0] = t + 1


@njit(**INLINE)
def head_step(network, head, hidden_next, target, buffers):
    """Output, loss and head gradient of one step; returns the loss."""
    head_forward(network, hidden_next, buffers.output)
    loss = loss_and_error(head, buffers.output, target, buffers.error)
    head_gradient(network, hidden_next, buffers.error, buffers.gradient, buffers.hidden_error)
    return loss


@njit(**INLINE)
def first_forward(network, pending, inputs, hidden_next):
    """h_t for the first step of a call, reusing the pending forward step when it matches x."""
    if pending.valid[0] == 1 and pending.inputs.shape[0] == inputs.shape[0]:
        same = True
        for j in range(inputs.shape[0]):
            if pending.inputs[j] != inputs[j]:
                same = False
                break
        if same:
            copy_into(hidden_next, pending.hidden)
            pending.valid[0] = 0
            return
    pending.valid[0] = 0
    cell_forward(network, network.hidden, inputs, hidden_next)




@njit(**JIT)
def predict_rows(network, head, inputs, chain, feedback_column, readout, outputs):
    """Predictions for each row of `inputs` from the current hidden state, left untouched.

    chain=True runs the rows as a continuation of the stream (each row's hidden state feeds
    the next); chain=False predicts every row from the current state independently. The
    regressor's outputs go through `readout` into the target's units; the classifier's through
    softmax. With feedback_column >= 0 and chain=True, the previous row's prediction is fed
    back into that column (the regressor's value, or the classifier's argmax as a one-hot block
    starting there), since the true targets are unknown.
    """
    n = network.hidden.shape[0]
    hidden = network.hidden.copy()
    hidden_next = np.empty(n)
    row = np.empty(inputs.shape[1])
    level = readout[LEVEL]
    previous_level = level
    for t in range(inputs.shape[0]):
        copy_into(row, inputs[t])
        if chain and feedback_column >= 0 and t > 0:
            previous = outputs[t - 1]
            if head == SQUARED_LOSS:
                row[feedback_column] = ((previous[0] - readout[FEEDBACK_OFFSET])
                                        * readout[FEEDBACK_GAIN])
                if readout[CHANGE_GAIN] != 0.0:
                    change = previous[0] - readout[OFFSET] - readout[CARRY] * previous_level
                    row[feedback_column + 1] = change * readout[CHANGE_GAIN]
            else:
                for c in range(previous.shape[0]):
                    row[feedback_column + c] = 0.0
                row[feedback_column + np.argmax(previous)] = 1.0
        cell_forward(network, hidden, row, hidden_next)
        head_forward(network, hidden_next, outputs[t])
        if head == SQUARED_LOSS:
            outputs[t, 0] = read_out(readout, level, outputs[t, 0])
            if chain:
                previous_level, level = level, outputs[t, 0]
        else:
            softmax(outputs[t], outputs[t])
        if chain:
            copy_into(hidden, hidden_next)


@njit(**JIT)
def read_out(readout, level, output):
    """The regressor's prediction in the target's units, from the network's output (with
    change prediction, the level plus the gated change, `targets.GATE_DECAY`); beyond
    float64's range (a change added to a level near 1e308) it saturates at the largest finite
    value."""
    change = readout[SCALE] * output + readout[OFFSET]
    prediction = readout[GATE] * change + readout[CARRY] * level
    return min(max(prediction, -LARGEST), LARGEST)


@njit(**INLINE)
def predict_step(network, head, inputs, pending, readout, output):
    """The prediction for x_t from the current state; h_t is kept in `pending` for learn_one."""
    cell_forward(network, network.hidden, inputs, pending.hidden)
    copy_into(pending.inputs, inputs)
    pending.valid[0] = 1
    head_forward(network, pending.hidden, output)
    if head == SQUARED_LOSS:
        output[0] = read_out(readout, readout[LEVEL], output[0])
    else:
        softmax(output, output)
