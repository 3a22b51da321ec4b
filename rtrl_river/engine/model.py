"""The engine: a model's arrays (network, learner traces, optimizer moments, head state, step
buffers) and their life cycle, from the first step through new features and classes."""

import os
import sys
import threading
import warnings

import numpy as np

from ..inputs import canonical_order
from ..kernels.arrays import PendingForward, StepBuffers, aligned, aligned_zeros
from ..kernels.network import predict_rows
from ..learners import make_learner
from ..network import Network
from ..optimizers import OptimizerState
from .calls import forget_calls, learn_call

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

# Past this many input columns from the stream (a feature name each, and a fed-back class
# each) a model warns, once: every name and label ever seen stays a dense column, and exact
# RTRL's time and memory per step grow with their number.
MANY_FEATURES = 1_000


class ManyFeaturesWarning(UserWarning):
    """A model's input width has reached MANY_FEATURES."""


def _caller_level():
    """The `stacklevel` at which a warning given by the caller of this function names the
    first frame outside this package: the user's call, however deep the growth was."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


class Engine:
    """Everything a model learns with, in plain numpy arrays, and the one place that grows it.

    Built by the first learning call from the estimator's parameters: fresh weights (seeded
    by `seed`), the learner's traces, the optimizer's moments, the head's state and the step
    buffers, with no input columns yet (and, with `target_feedback`, the fed-back block).
    Features are added as their names first arrive (`add_features`), classes as their labels
    do (`grow_for_targets`); each growth keeps every trace exact (new columns and rows are
    born zero) and replaces the step buffers, which drops the cached kernel calls.

    Growth is all or nothing: every array a growth needs is allocated before any is put in
    place, so a growth that fails for want of memory leaves the engine as it was.

    The input columns are the features, in the order they arrived, then the fed-back block.
    `clip_gradient` and `target_feedback` are the estimator's current values of the
    parameters of those names (it keeps them in step, `RTRLEstimator.__setattr__`); `owner`
    names the estimator in warnings.

    `lock` serialises the calls that read or write these arrays (the estimators hold it,
    `RTRLEstimator._serialised`): one per engine, or the one it is given (`fit` hands the
    lock of the engine it replaces to the new one). Never pickled: a copy gets its own.
    """

    def __init__(self, head, hidden_size, cell, learner, optimizer, lr, recurrent_lr_scale,
                 recurrent_density, clip_gradient, target_feedback, seed, owner="model",
                 lock=None):
        self.lock = threading.RLock() if lock is None else lock
        self.owner = owner  # (a class default below, for engines pickled before it existed)
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

    owner = "model"

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.RLock()

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
        self._set_buffers(self._new_buffers(net.n_parameters, net.n_inputs, net.n_outputs))

    def _new_buffers(self, n_parameters, n_inputs, n_outputs):
        n = self.network.n_hidden
        buffers = StepBuffers(aligned_zeros(n_parameters), np.zeros(n), np.zeros(n_outputs),
                              np.zeros(n_outputs), np.zeros(n))
        pending = PendingForward(np.zeros(1, dtype=np.int64), np.zeros(n_inputs), np.zeros(n))
        return buffers, pending, np.zeros(1)

    def _set_buffers(self, new):
        self.buffers, self.pending, self.one_loss = new

    def _grow(self, steps, buffers):
        """Put in place what `steps` (the functions the `prepare_` methods return) and
        `buffers` (`_new_buffers`) hold, allocating nothing."""
        for step in steps:
            step()
        self._set_buffers(buffers)

    def insert_inputs(self, position, count):
        """`count` new input columns at `position`, zero weights and zero traces; all or
        nothing: everything is allocated first (a failure changes nothing), then put in place."""
        # the cached kernel arguments hold views of the arrays about to grow: drop them first,
        # so an array replaced by a larger one is freed as soon as it is replaced
        self.forget_calls()
        net = self.network
        # the O(P) arrays first, the traces (up to n + 1 times larger) last: the temporaries
        # of the former are gone before the latter's new buffers exist
        steps = [self.optimizer_state.prepare_inputs(net, position, count),
                 net.prepare_inputs(position, count)]
        buffers = self._new_buffers(net.n_parameters + count * net.recurrent_per_input,
                                    net.n_inputs + count, net.n_outputs)
        steps.insert(0, self.learner_state.prepare_inputs(net, position, count))
        self._grow(steps, buffers)

    def append_outputs(self, count):
        """`count` new output rows, born zero; all or nothing, as `insert_inputs`."""
        self.forget_calls()
        net = self.network
        steps = [self.learner_state.prepare_outputs(net, count),
                 self.optimizer_state.prepare_outputs(net, count),
                 net.prepare_outputs(count)]
        buffers = self._new_buffers(net.n_parameters + count * (net.n_hidden + 1),
                                    net.n_inputs, net.n_outputs + count)
        self._grow(steps, buffers)

    def stream_width(self):
        """The input columns the stream brought: a feature name each, and with
        `target_feedback` a fed-back class each (the regressor's fixed feedback is not counted)."""
        head = self.head
        classes = head.feedback_width() if self.target_feedback and head.feedback_grows else 0
        return len(self.feature_index) + classes

    def _warn_if_wide(self, before):
        width = self.stream_width()
        if before < MANY_FEATURES <= width:
            classes = width - len(self.feature_index)
            what = (f"{width} input columns ({len(self.feature_index)} features and {classes} "
                    "fed-back classes)" if classes else f"{width} input features")
            warnings.warn(
                f"{self.owner} now has {what}. Every feature name "
                "and every class ever seen stays an input column, and each step's time and "
                "memory grow with their number (docs: Stream semantics, Features). If the "
                "names keep changing, hash them into a fixed width first, e.g. with "
                "river.preprocessing.FeatureHasher; for many classes, target_feedback=False "
                "keeps them out of the inputs.",
                ManyFeaturesWarning,
                stacklevel=_caller_level(),
            )

    def add_features(self, names):
        """Input columns for the feature names not seen before, in a canonical order (so the
        same step with its keys shuffled gives the same model); returns that order. All or
        nothing: a growth that fails leaves the feature index as it was."""
        names = canonical_order(names)
        position = len(self.feature_index)
        index = dict(self.feature_index)
        for offset, name in enumerate(names):
            index[name] = position + offset
        width = self.stream_width()
        self.insert_inputs(position, len(names))  # before the index: it may fail
        self.feature_index = index
        self._warn_if_wide(width)
        return names

    def grow_for_targets(self, raw):
        """Output rows (and fed-back columns) for the targets in `raw` that need one. Each
        target's growth is all or nothing; a target is registered only once nothing else can
        fail, so a target the head knows always has an output row."""
        for target in self.head.unknown_targets(raw):
            register = self.head.prepare_register(target)
            network, optimizer = dict(vars(self.network)), dict(vars(self.optimizer_state))
            learner, rng = dict(vars(self.learner_state)), self.rng.bit_generator.state
            buffers = self.buffers, self.pending, self.one_loss
            try:
                self.append_outputs(1)
                self.head.initialize_row(self.network, self.rng)
                if self.target_feedback:
                    self.insert_inputs(self.network.n_inputs, 1)  # all or nothing, and last
            except BaseException:
                # append_outputs replaced arrays without changing the old ones: put them back
                self.forget_calls()
                for part, saved in ((self.network, network), (self.optimizer_state, optimizer),
                                    (self.learner_state, learner)):
                    part.__dict__.update(saved)
                self.rng.bit_generator.state = rng
                self._set_buffers(buffers)
                raise
            width = self.stream_width()
            register()
            self._warn_if_wide(width)

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
