"""The one place that packs a kernel call: the arguments of `learn_one`, `predict_one` and
`learn_many`, as the `StepCall` of `kernels/calls.py`."""

import math
import weakref

import numpy as np

from ..inputs import check_real, is_nan
from ..kernels.calls import (
    ENTRY_POINTS,
    announce_first_compile,
    entry_point,
    make_step_call,
    plain_traces,
)

# the target state, readout and output of a call whose targets are already encoded (not read)
NO_STATE = np.zeros(0)


def pack(engine, traces, inputs, targets, rates, encode, output, losses):
    """A `StepCall` of `engine`'s arrays for the entry points of its cell, and its type key.

    `encode`=1: targets[0] is a raw target that the kernel encodes, with the head's state and
    readout (learn_one); 0: targets are encoded already (learn_many), and the head's arrays
    are not passed."""
    head = engine.head
    state, readout = (head.state, head.readout) if encode else (NO_STATE, NO_STATE)
    clip = 0.0 if engine.clip_gradient is None else float(engine.clip_gradient)
    return make_step_call((
        tuple(engine.network.arrays()), plain_traces(traces),
        tuple(engine.optimizer_state.arrays()), head.kind, inputs, targets, rates, clip,
        tuple(engine.pending), tuple(engine.buffers), losses, engine.skipped, state, readout,
        encode, output,
    ))


def learn_call(engine, inputs, targets, rates, losses):
    """Learn the rows of `inputs` (targets encoded) in one kernel call."""
    learn, _ = ENTRY_POINTS[type(engine.network.arrays())]
    announce_first_compile(learn)
    call, key = pack(engine, engine.learner_state.traces(len(targets)), inputs, targets, rates,
                     0, NO_STATE, losses)
    entry_point(learn, (call,), key)(call)


class OneStepCalls:
    """What `learn_one` and `predict_one` pass to their kernels, built once per layout.

    Both calls' arguments in one `StepCall`: every group of arrays as a plain tuple, an input
    row and the one-step target, rate and output arrays, unboxed by the kernels as one
    pointer. The kernels are called through the compiled entry point of exactly its type,
    which skips numba's type dispatch: the arrays never change, only their values. Valid while
    the arrays it holds are the engine's: growth, a reset of the layout and every change of a
    parameter the calls read drop it (`Engine.forget_calls`; a copied or unpickled engine is a
    new object, with none yet); `matches` double-checks by the identity of the step buffers
    (which every change of layout replaces) and of the head's state.
    """

    __slots__ = (
        "buffers", "head_state", "rows", "row", "row_view", "n_features", "zero_features",
        "targets", "output", "output_view", "rates", "schedule", "step", "before_step", "call",
        "key", "learn_entry", "predict_entry",
    )

    def __init__(self, engine):
        net, state, optimizer = engine.network, engine.learner_state, engine.optimizer_state
        self.buffers, self.head_state = engine.buffers, engine.head.state
        # the fed-back block the kernels write: the columns after the features, while
        # `target_feedback` asks for them (it may be turned off between calls)
        n_features = len(engine.feature_index)
        engine.head.set_feedback_block(
            net.n_inputs - n_features if engine.target_feedback else 0)
        arrays = net.arrays()
        # the cell's entry kernels, `learn` and `predict`, are attributes of a class made per
        # cell: a class is where River's memory count stops, and the compiled kernels, shared
        # by every model, are not this model's memory
        self.__class__ = _calls_class(type(arrays))
        announce_first_compile(self.learn)
        self.before_step = state.before_one_step if state.draws_each_step else None
        self.rows = np.zeros((1, net.n_inputs))
        self.row = self.rows[0]
        self.row_view = memoryview(self.row)
        self.n_features = n_features
        self.zero_features = memoryview(np.zeros(self.n_features))
        self.targets = np.zeros(1)
        self.output = np.zeros(net.n_outputs)
        self.output_view = memoryview(self.output)  # reads Python floats
        # a constant learning rate is written once; a schedule's before each step
        self.rates, self.step = optimizer.one_rate, optimizer.step
        self.schedule = None if optimizer.constant_rate is not None else optimizer.schedule
        if self.schedule is None:
            self.rates[0] = optimizer.constant_rate
        self.call, self.key = pack(engine, state.one_step_traces(), self.rows, self.targets,
                                   self.rates, 1, self.output, engine.one_loss)
        self.learn_entry = entry_point(self.learn, (self.call,), self.key)
        self.predict_entry = None  # loaded by the first predict: a stream may never predict

    def load_predict(self):
        announce_first_compile(self.predict)
        self.predict_entry = entry_point(self.predict, (self.call,), self.key)
        return self.predict_entry

    def matches(self, engine):
        # every change of layout (growth, a new class, `fit`, a restore after a rejected call)
        # allocates new step buffers, so their identity stands for the arrays held here
        return self.buffers is engine.buffers and self.head_state is engine.head.state

    def fill_row(self, x, index):
        """Check every value of the dict x and write the known features into the row (the
        rest 0), in one pass; returns False when x names a feature not seen yet. The values
        go in through a memoryview (half the time of numpy's item assignment), and the row
        is zeroed first only when x cannot cover every feature column."""
        row, n_features = self.row_view, self.n_features
        if len(x) != n_features:
            row[:n_features] = self.zero_features
        complete = True
        for name, value in x.items():
            if type(value) is not float or not math.isfinite(value):  # plain floats go fast
                check_real(value, f"feature {name!r}")
                value = float(value)
            column = index.get(name)
            if column is None:
                if is_nan(name):
                    raise ValueError(f"feature name {name!r} is NaN, which cannot name a feature")
                complete = False
            else:
                row[column] = value
        if not complete and len(x) == n_features:
            # a new name took the place of a known one, whose column still holds a past value
            row[:n_features] = self.zero_features
            for name, value in x.items():
                column = index.get(name)
                if column is not None:
                    row[column] = float(value)
        return complete


_CALLS_CLASSES = {}


def _calls_class(arrays_type):
    """The `OneStepCalls` subclass whose `learn` and `predict` are the entry kernels of the cell
    whose arrays are of `arrays_type`."""
    cls = _CALLS_CLASSES.get(arrays_type)
    if cls is None:
        learn, predict = ENTRY_POINTS[arrays_type]
        cls = type(f"OneStepCalls_{arrays_type.__name__}", (OneStepCalls,), {
            "__slots__": (), "learn": staticmethod(learn), "predict": staticmethod(predict)})
        _CALLS_CLASSES[arrays_type] = cls
    return cls


# Each engine's `OneStepCalls`, by id(engine), dropped when the engine is. Kept outside the
# engine: a copy or a pickle never carries it, and River's memory count (a walk of the objects
# a model references, counting every numpy view's bytes again) sees only the model's arrays.
ONE_STEP_CALLS = {}


def one_step_calls(engine):
    """The engine's cached one-step calls (built when missing or stale)."""
    key = id(engine)
    calls = ONE_STEP_CALLS.get(key)
    if calls is None or not calls.matches(engine):
        if calls is None:
            weakref.finalize(engine, ONE_STEP_CALLS.pop, key, None)
        calls = ONE_STEP_CALLS[key] = OneStepCalls(engine)
    return calls


def forget_calls(engine):
    ONE_STEP_CALLS.pop(id(engine), None)
