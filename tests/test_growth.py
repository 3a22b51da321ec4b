"""Growth in place: the numbers `insert_input_columns` gives, without a second copy of the
traces. `insert_input_columns` builds the grown array anew and is the reference throughout."""

import copy
import pickle
import tracemalloc

import numpy as np
import pytest

from rtrl_river import RTRLClassifier, RTRLRegressor
from rtrl_river.cells import make_cell
from rtrl_river.growth import GrowableArray, spare_inputs
from rtrl_river.network import block_shapes, insert_input_columns

from .conftest import random_stream


def row_layout(array):
    """The layout of a matrix whose every row is one input block."""
    return {"row": (1, array.shape[-1])}, ("row",)


def grown(array, shapes, input_blocks, position, count, room):
    """`array` grown in a GrowableArray holding it with `room` spare numbers, and whether it
    grew in place (in the buffer it had)."""
    growable = GrowableArray.holding(array, room)
    buffer = growable.buffer
    growable.insert_input_columns(shapes, input_blocks, position, count, room=0)
    assert growable.array.flags.c_contiguous and growable.array.ctypes.data % 64 == 0
    return growable.array, growable.buffer is buffer


def assert_grows_like_the_reference(array, shapes, input_blocks, position, count):
    """In place and into a new buffer, the grown array is the reference's, bit for bit."""
    expected = insert_input_columns(array, shapes, input_blocks, position, count)
    extra = expected.size - array.size
    for room in (0, extra - 1, extra, extra + 7):
        if room < 0:
            continue
        result, in_place = grown(array, shapes, input_blocks, position, count, room)
        assert in_place == (room >= extra)
        assert result.shape == expected.shape
        assert result.tobytes() == expected.tobytes()  # bits: a -0.0 stays -0.0


@pytest.mark.parametrize("cell", ["elman", "elstm", "lru"])
@pytest.mark.parametrize("lead", [(), (3,), (2, 4)])
@pytest.mark.parametrize("recurrent_only", [False, True])
def test_growth_in_place_equals_the_reference_on_random_arrays(cell, lead, recurrent_only):
    rng = np.random.default_rng(len(lead) + 10 * recurrent_only)
    cell = make_cell(cell)
    n, k = 4, 2
    for d in (0, 1, 3):
        shapes = block_shapes(cell, n, d, k)
        width = sum(int(np.prod(shape)) for shape in shapes.values())
        if recurrent_only:  # like the traces: theta's recurrent blocks only
            width -= k * (n + 1)
        for position in sorted({0, d // 2, d}):
            for count in (1, 3):
                array = rng.normal(size=lead + (width,))
                assert_grows_like_the_reference(array, shapes, cell.input_blocks, position, count)
    # zeros (the fast path), negative zeros and non-finite numbers (which must not take it)
    shapes = block_shapes(cell, n, 2, k)
    width = sum(int(np.prod(shape)) for shape in shapes.values())
    for fill in (0.0, -0.0, np.nan, np.inf):
        array = np.full(lead + (width,), fill)
        assert_grows_like_the_reference(array, shapes, cell.input_blocks, 1, 2)
    mixed = np.zeros(lead + (width,))
    mixed.reshape(-1)[-1] = -0.0
    assert_grows_like_the_reference(mixed, shapes, cell.input_blocks, 2, 1)


# (cell, learner, estimator settings): every learner on each cell it runs on
LEARNERS = [
    ("elman", "rtrl", {}), ("elman", "snap-1", {}), ("elman", "snap-2", {}),
    ("elman", "snap-2", {"recurrent_density": 0.3}), ("elman", "tbptt", {}),
    ("elman", "uoro", {}), ("elstm", "rtrl", {}), ("elstm", "tbptt", {}), ("lru", "rtrl", {}),
    ("lru", "tbptt", {}),
]


def learned(cell, learner, extra, Estimator=RTRLRegressor, steps=30):
    model = Estimator(hidden_size=5, cell=cell, learner=learner, target_feedback=True, seed=0,
                      **extra)
    for x, y in random_stream(steps, 3, seed=5):
        model.learn_one(x, y if Estimator is RTRLRegressor else y > 0)
    return model


def growing_arrays(model):
    """(name, array, shapes, input blocks, column offset) for every array of the model that
    gains input columns; the column of input `position` is `offset + position`."""
    engine = model.engine_
    net, state, optimizer = engine.network, engine.learner_state, engine.optimizer_state
    blocks, n = net.cell.input_blocks, net.n_hidden
    arrays = [("theta", net.theta, net.shapes, blocks, 0)]
    arrays += [("first moment", optimizer.first_moment, net.shapes, blocks, 0),
               ("second moment", optimizer.second_moment, net.shapes, blocks, 0),
               ("gradient", model.engine_.buffers.gradient, net.shapes, blocks, 0)]
    if hasattr(state, "matrices"):  # exact RTRL, Elman: J_t (the other is scratch, which
        # the next step's product overwrites whole; it grows as zeros)
        arrays.append(("influence", state.matrices[state.current[0]], net.shapes, blocks, 0))
    elif hasattr(state, "values"):  # SnAp: rows of [h, x, 1]
        arrays.append(("kept rows", state.values, *row_layout(state.values), n))
    elif hasattr(state, "parameter_tangent"):  # UORO
        arrays.append(("parameter tangent", state.parameter_tangent, net.shapes, blocks, 0))
    elif hasattr(state, "inputs"):  # TBPTT's ring of inputs
        arrays.append(("inputs", state.inputs, *row_layout(state.inputs), 0))
    else:  # exact RTRL on a diagonal cell: the cell's own trace layout
        arrays.append(("diagonal influence", state.influence, net.trace_shapes,
                       net.cell.trace_input_blocks, 0))
    return arrays


@pytest.mark.parametrize("cell, learner, extra", LEARNERS)
def test_growth_in_place_equals_the_reference_on_every_learners_arrays(cell, learner, extra):
    model = learned(cell, learner, extra)
    d = model.engine_.network.n_inputs
    for name, array, shapes, blocks, offset in growing_arrays(model):
        assert np.any(array != 0), name  # real numbers, after learning
        for position in sorted({0, 3, d}):
            for count in (1, 4):
                assert_grows_like_the_reference(array, shapes, blocks, offset + position, count)


@pytest.mark.parametrize("cell, learner, extra", LEARNERS)
@pytest.mark.parametrize("Estimator", [RTRLRegressor, RTRLClassifier])
def test_every_learner_grows_its_traces_to_the_reference_numbers(cell, learner, extra, Estimator):
    """A model's own growth, in its room and beyond it, gives the reference's numbers."""
    model = learned(cell, learner, extra, Estimator)
    for count in (1, 2, spare_inputs(model.engine_.network.n_inputs) + 3):
        position = len(model.engine_.feature_index)
        expected = {
            name: insert_input_columns(array, shapes, blocks, offset + position, count)
            for name, array, shapes, blocks, offset in growing_arrays(model)
        }
        storage = getattr(model.engine_.learner_state, "storage", ())
        holders = storage if isinstance(storage, tuple) else (storage,)
        before = [(h.buffer, h.size, h.capacity - h.size) for h in holders]
        model._add_features([f"new{count}-{j}" for j in range(count)])
        for name, array, *_ in growing_arrays(model):
            if name == "gradient":  # scratch, reallocated zero
                continue
            assert array.tobytes() == expected[name].tobytes(), name
        for holder, (buffer, size, spare) in zip(holders, before):
            # in place exactly when the new columns fit in the room
            assert (holder.buffer is buffer) == (holder.size - size <= spare)
        x, y = random_stream(1, 3, seed=9)[0]
        model.learn_one(x, y if Estimator is RTRLRegressor else y > 0)  # and learning goes on


@pytest.mark.parametrize("learner", ["rtrl", "snap-2"])
def test_a_resumed_model_grows_and_learns_as_the_original_does(learner):
    """A pickle keeps the arrays, not their spare room: the resumed model has room where the
    original has used it up, grows in place where the original re-allocates, and the two
    continue bit for bit, to the same arrays in their pickles."""
    stream = random_stream(60, 3, seed=2)
    rows = []
    for t, (x, y) in enumerate(stream):
        if t >= 15:
            x = {**x, "a": y}
        if t >= 25:  # one more new name every step: past the room, again and again
            x = {**x, **{f"late{s}": 0.1 * s for s in range(t - 24)}}
        rows.append((x, y))
    model = RTRLRegressor(hidden_size=6, learner=learner, target_feedback=True, seed=0)
    for x, y in rows[:30]:
        model.learn_one(x, y)
    resumed = pickle.loads(pickle.dumps(model))
    duplicate = copy.deepcopy(model)
    for x, y in rows[30:]:
        predictions = {m.predict_one(x) for m in (model, resumed, duplicate)}
        assert len(predictions) == 1
        for m in (model, resumed, duplicate):
            m.learn_one(x, y)
    for other in (resumed, duplicate):
        assert saved_arrays(other) == saved_arrays(model)


def saved_arrays(model):
    """The bytes of every array a pickle of the model keeps (whole pickles can differ where
    arrays share a dtype object in one model and not in the other)."""
    parts = [vars(model.engine_.network), vars(model.engine_.optimizer_state),
             model.engine_.learner_state.__getstate__()]
    return [(key, value.tobytes()) for part in parts for key, value in part.items()
            if isinstance(value, np.ndarray)]


@pytest.mark.parametrize("learner", ["rtrl", "snap-2"])
def test_a_pickle_holds_no_spare_room(learner):
    model = RTRLRegressor(hidden_size=16, learner=learner, seed=0)
    for x, y in random_stream(5, 3):
        model.learn_one(x, y)
    state = model.engine_.learner_state
    storage = state.storage if learner == "rtrl" else (state.storage,)
    assert all(h.capacity > h.size for h in storage)  # room for more inputs
    kept = state.matrix if learner == "rtrl" else state.values  # rtrl: J_t only
    others = sum(v.nbytes for v in vars(state).values() if isinstance(v, np.ndarray))
    assert kept.nbytes < len(pickle.dumps(state)) < kept.nbytes + others + 1_000


# ---------------------------------------------------------------- memory


def traced_learn_one(model, x, y):
    """(traced bytes held before, peak traced bytes during) model.learn_one(x, y)."""
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    model.learn_one(x, y)
    return before, tracemalloc.get_traced_memory()[1]


def test_a_new_feature_grows_exact_rtrls_traces_without_a_second_copy():
    """numpy reports its allocations to tracemalloc; nothing here is timed.

    Built anew, a grown influence matrix existed beside the old one, and an aligned copy
    beside it: the peak was about 3x the traces. In place, a feature adds no array the size of
    the traces: the peak is what the model holds (the traces, their room, 8/(n + d + 1) more,
    and the O(P) parameters and moments, each 1/(2n) of the traces) plus copies of the O(P)
    arrays. When the room runs out, the two matrices move to larger buffers one at a time, so
    the peak is the new buffers plus one old matrix: about 1.7x the traces here, where the
    step brings more new columns than the room held and the new room on top (and the O(P)
    arrays old and new, since a growth allocates everything before it changes anything)."""
    stream = random_stream(30, 3)
    warm = RTRLRegressor(hidden_size=3, seed=0)  # loads (or compiles) every kernel first
    for t, (x, y) in enumerate(stream):
        warm.learn_one({**x, f"new{t}": 1.0}, y)
    n = 64
    tracemalloc.start()
    try:
        model = RTRLRegressor(hidden_size=n, seed=0)
        before, first = traced_learn_one(model, *stream[0])
        traces = sum(m.nbytes for m in model.engine_.learner_state.matrices)
        # the first features: the fresh zero traces are let go before the grown ones exist
        assert first < 1.25 * traces
        for x, y in stream[1:10]:
            model.learn_one(x, y)
        assert model.engine_.learner_state.matrix.any()
        for t in range(3):  # one new feature a step, in the room
            traces = sum(m.nbytes for m in model.engine_.learner_state.matrices)
            x, y = stream[10 + t]
            before, peak = traced_learn_one(model, {**x, f"in room {t}": 1.0}, y)
            assert peak - before < 0.05 * traces
            assert peak < 1.25 * traces
        # more new features than the room holds
        spare = spare_inputs(model.engine_.network.n_inputs)
        traces = sum(m.nbytes for m in model.engine_.learner_state.matrices)
        x, y = stream[20]
        old_matrix = model.engine_.learner_state.storage[0].buffer.nbytes
        before, peak = traced_learn_one(model, {**x, **{f"many {j}": 1.0 for j in range(spare)}}, y)
        new_buffers = sum(h.buffer.nbytes for h in model.engine_.learner_state.storage)
        # a growth is all or nothing: the new parameters, moments and gradient buffer (four
        # arrays of P numbers) exist beside the old ones until every allocation has succeeded
        all_or_nothing = 4 * model.engine_.network.theta.nbytes
        assert peak < new_buffers + old_matrix + 0.05 * traces + all_or_nothing
        assert peak < 2 * traces
    finally:
        tracemalloc.stop()
