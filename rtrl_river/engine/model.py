"""The engine: a model's arrays (network, learner traces, optimizer moments, head state, step
buffers) and their life cycle, from the first step through new features and classes."""

import warnings

import numpy as np

from ..inputs import canonical_order
from ..kernels.arrays import PendingForward, StepBuffers, aligned, aligned_zeros
from ..kernels.network import predict_rows
from ..learners import make_learner
from ..network import Network
from ..optimizers import OptimizerState
from .calls import forget_calls, learn_call

# Past this many input columns a model warns, once: every name ever seen stays a dense
# column, and exact RTRL's time and memory per step grow with their number.
MANY_FEATURES = 1_000


class ManyFeaturesWarning(UserWarning):
    """A model's input width has reached MANY_FEATURES."""


class Engine:
    """Everything a model learns with, in plain numpy arrays, and the one place that grows it.

    Built by the first learning call from the estimator's parameters: fresh weights (seeded
    by `seed`), the learner's traces, the optimizer's moments, the head's state and the step
    buffers, with no input columns yet (and, with `target_feedback`, the fed-back block).
    Features are added as their names first arrive (`add_features`), classes as their labels
    do (`grow_for_targets`); each growth keeps every trace exact (new columns and rows are
    born zero) and replaces the step buffers, which drops the cached kernel calls.

    The input columns are the features, in the order they arrived, then the fed-back block.
    `clip_gradient` and `target_feedback` are the estimator's current values of the
    parameters of those names (it keeps them in step, `RTRLEstimator.__setattr__`).
    """

    def __init__(self, head, hidden_size, cell, learner, optimizer, lr, recurrent_lr_scale,
                 recurrent_density, clip_gradient, target_feedback, seed):
        self.head = head
        self.clip_gradient = clip_gradient
        self.target_feedback = bool(target_feedback)
        self.rng = np.random.default_rng(seed)
        self.network = Network(hidden_size, 0, head.initial_outputs, self.rng,
                               recurrent_density, cell)
        self.learner_state = make_learner(learner).init_state(self.network, self.rng)
        # the cell's recurrence (the Elman W_hh, the LRU's lambda) steps at a scaled rate
        recurrent_end, recurrent_scale = self.network.scaled_rate(recurrent_lr_scale)
        self.optimizer_state = OptimizerState(
            optimizer, lr, self.network.n_parameters, recurrent_end, recurrent_scale)
        self.feature_index = {}
        self.t = 0
        self.skipped = np.zeros(1, dtype=np.int64)
        self.allocate_buffers()
        head.initialize(self.network, self.rng)
        if self.target_feedback and head.feedback_width():
            self.insert_inputs(0, head.feedback_width())

    # ------------------------------------------------------------ layout

    def forget_calls(self):
        forget_calls(self)

    def _align_arrays(self):
        """Put the parameters, moments and traces on cache lines (copies where needed; no
        array here is a view of another)."""
        net, optimizer, state = self.network, self.optimizer_state, self.learner_state
        net.theta = aligned(net.theta)
        optimizer.first_moment = aligned(optimizer.first_moment)
        optimizer.second_moment = aligned(optimizer.second_moment)
        for name, value in vars(state).items():
            if isinstance(value, np.ndarray):
                setattr(state, name, aligned(value))

    def allocate_buffers(self):
        """Fresh step buffers for the current layout (and so no cached calls)."""
        self.forget_calls()
        self._align_arrays()
        net = self.network
        n, k = net.n_hidden, net.n_outputs
        self.buffers = StepBuffers(
            aligned_zeros(net.n_parameters), np.zeros(n), np.zeros(k), np.zeros(k), np.zeros(n)
        )
        self.pending = PendingForward(np.zeros(1, dtype=np.int64), np.zeros(net.n_inputs),
                                      np.zeros(n))
        self.one_loss = np.zeros(1)

    def insert_inputs(self, position, count):
        """`count` new input columns at `position`, zero weights and zero traces."""
        # the cached kernel arguments hold views of the arrays about to grow: drop them first,
        # so an array replaced by a larger one is freed as soon as it is replaced
        self.forget_calls()
        self.learner_state.insert_inputs(self.network, position, count)
        self.optimizer_state.insert_inputs(self.network, position, count)
        self.network.insert_inputs(position, count)
        self.allocate_buffers()

    def append_outputs(self, count):
        net = self.network
        self.learner_state.append_outputs(net, count)
        self.optimizer_state.append_outputs(net, count)
        net.append_outputs(count)
        self.allocate_buffers()

    def add_features(self, names, owner):
        """Input columns for the feature names not seen before, in a canonical order (so the
        same step with its keys shuffled gives the same model); returns that order. `owner`
        names the estimator in the warning given when the width reaches MANY_FEATURES."""
        names = canonical_order(names)
        position = len(self.feature_index)
        for offset, name in enumerate(names):
            self.feature_index[name] = position + offset
        self.insert_inputs(position, len(names))
        width = len(self.feature_index)
        if position < MANY_FEATURES <= width:
            warnings.warn(
                f"{owner} now has {width} input features. Every feature name ever seen stays "
                "an input column, and each step's time and memory grow with their number "
                "(docs: Stream semantics, Features). If the names keep changing, hash them "
                "into a fixed width first, e.g. with river.preprocessing.FeatureHasher.",
                ManyFeaturesWarning,
                stacklevel=4,
            )
        return names

    def grow_for_targets(self, raw):
        """Output rows (and fed-back columns) for the targets in `raw` that need one. The head
        and feedback grow first; a target is registered only once nothing else can fail, so a
        target the head knows always has an output row."""
        for target in self.head.unknown_targets(raw):
            self.append_outputs(1)
            self.head.initialize_row(self.network, self.rng)
            if self.target_feedback:
                self.insert_inputs(self.network.n_inputs, 1)
            self.head.register(target)

    def reset_state(self):
        """Forget the past: hidden state, traces, a kept forward step and the fed-back target."""
        self.network.hidden[:] = 0.0
        self.learner_state.reset()
        self.pending.valid[0] = 0
        self.head.reset_feedback(self.network.theta)

    # ------------------------------------------------------------ arrays the kernels write

    def state_arrays(self):
        """Every array the kernels write while learning."""
        yield self.network.theta
        yield self.network.hidden
        yield from self.pending
        yield from self.buffers
        yield from (self.skipped, self.one_loss, self.head.state, self.head.readout)
        optimizer = self.optimizer_state
        yield from (optimizer.first_moment, optimizer.second_moment, optimizer.step)
        for value in vars(self.learner_state).values():  # arrays, and growable arrays' buffers
            for item in value if isinstance(value, tuple) else (value,):
                array = item if isinstance(item, np.ndarray) else getattr(item, "buffer", None)
                if isinstance(array, np.ndarray):
                    yield array

    def writable(self):
        return all(array.flags.writeable for array in self.state_arrays())

    # ------------------------------------------------------------ learning and predicting

    def input_matrix(self, columns, values):
        """A (T, d) input matrix for rows given by column names; feedback columns hold the
        last target (the learn path overwrites them row by row)."""
        index = self.feature_index
        inputs = np.zeros((values.shape[0], self.network.n_inputs))
        known = [(i, index[name]) for i, name in enumerate(columns) if name in index]
        if known:
            source, target = zip(*known)
            inputs[:, list(target)] = values[:, list(source)]
        if self.target_feedback and len(inputs):
            # every row gets the same fed-back values: write them once, then copy
            self.head.write_feedback(inputs[0, len(index):])
            inputs[1:, len(index):] = inputs[0, len(index):]
        return inputs

    def learn_rows(self, columns, values, raw):
        """Learn rows whose values and targets are checked and whose features are known; a
        target that needs a new output row grows the head where it first appears, as a
        learn_one loop would. Returns whether the first update was dropped."""
        cuts = [0, *self.head.growth_points(raw), len(raw)]
        first_skip = False
        for start, stop in zip(cuts[:-1], cuts[1:]):
            chunk = raw[start:stop]
            self.grow_for_targets(chunk)
            targets, feedback = self.head.encode(chunk, self.network.theta,
                                                 self.network.n_outputs)
            inputs = self.input_matrix(columns, values[start:stop])
            if self.target_feedback:
                inputs[:, len(self.feature_index):] = feedback
            first_skip |= self.learn(inputs, targets)
        return first_skip

    def learn(self, inputs, targets):
        """Learn encoded steps in one kernel call; True when it dropped the first update."""
        # The kernel trusts its arrays' shapes; a mismatch here would be a bug upstream, and
        # must not become a write outside an array.
        if inputs.shape[1] != self.network.n_inputs:
            raise RuntimeError(
                f"inputs of width {inputs.shape[1]} for a network with "
                f"{self.network.n_inputs} inputs"
            )
        n_steps = len(targets)
        losses = self.one_loss if n_steps == 1 else np.empty(n_steps)
        skipped_before = int(self.skipped[0])
        learn_call(self, inputs, targets, self.optimizer_state.learning_rates(n_steps), losses)
        self.head.note_losses(losses)
        self.t += n_steps
        return skipped_before == 0 and self.skipped[0] > 0

    def predict_rows(self, columns, values, chain):
        """Predictions for the rows of `values` (the regressor's in the target's units, the
        classifier's as probabilities); chain=True runs them as a continuation."""
        inputs = self.input_matrix(columns, values)
        outputs = np.zeros((len(inputs), self.network.n_outputs))
        feedback_column = len(self.feature_index) if self.target_feedback else -1
        # these forward steps overwrite the cell's working space (the eLSTM's gates, the LRU's
        # B x), which a forward step kept by predict_one still needs: put it back, so that
        # predicting changes nothing, that kept step included
        scratch = self.network.scratch
        saved = scratch.copy() if scratch.size else None
        predict_rows(self.network.arrays(), self.head.kind, inputs, chain, feedback_column,
                     self.head.readout, outputs)
        if saved is not None:
            scratch[...] = saved
        return outputs
