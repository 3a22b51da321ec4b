"""River's model-selection tools and ensembles around a stateful model: which keep each
member's stream a sequence (one learn_one per sample, in order), and which do not."""

import itertools

from river import datasets, ensemble, evaluate, metrics, model_selection, preprocessing

from rtrl_river import RTRLRegressor

N_SAMPLES = 150


def _members():
    """Two differently tuned StandardScaler | RTRLRegressor pipelines, each given the stream's
    first sample (so that every step number below counts from it)."""
    first_x, first_y = next(iter(datasets.TrumpApproval()))
    members = []
    for lr in (0.0005, 0.005):
        member = preprocessing.StandardScaler() | RTRLRegressor(hidden_size=4, lr=lr, seed=0)
        member.learn_one(first_x, first_y)
        members.append(member)
    return members


def _rest_of_stream():
    return itertools.islice(datasets.TrumpApproval(), 1, N_SAMPLES)


def test_a_fresh_model_predicts_zero_so_rivers_compositions_run_as_written():
    """River's regressors predict a number before learning (LinearRegression: 0.0), and
    River's compositions do arithmetic on it: TargetStandardScaler multiplies it, the
    selectors score it, bagging averages it."""
    assert RTRLRegressor(seed=0).predict_one({"a": 1.0}) == 0.0
    stream = list(itertools.islice(datasets.TrumpApproval(), 60))
    fresh = [RTRLRegressor(hidden_size=4, seed=0), RTRLRegressor(hidden_size=4, lr=0.005, seed=1)]
    compositions = [
        preprocessing.TargetStandardScaler(RTRLRegressor(hidden_size=4, seed=0)),
        model_selection.GreedyRegressor([m.clone() for m in fresh], metrics.MAE()),
        model_selection.SuccessiveHalvingRegressor([m.clone() for m in fresh], metrics.MAE(),
                                                   budget=50),
        ensemble.BaggingRegressor(RTRLRegressor(hidden_size=4, seed=0), n_models=3, seed=1),
    ]
    for composition in compositions:
        model = preprocessing.StandardScaler() | composition
        score = evaluate.progressive_val_score(stream, model, metrics.MAE())
        assert 0 < score.get() < 50


def test_greedy_selection_keeps_every_member_on_the_whole_sequence():
    selector = model_selection.GreedyRegressor(_members(), metrics.MAE())
    score = evaluate.progressive_val_score(_rest_of_stream(), selector, metrics.MAE())
    assert 0 < score.get() < 5
    for member in selector:
        assert member[-1].t_ == N_SAMPLES  # one step per sample, none skipped or repeated
    assert selector.best_model in list(selector)
    # each member is the model a user would get by running it alone on the stream
    alone = _members()[0]
    for x, y in _rest_of_stream():
        alone.predict_one(x)
        alone.learn_one(x, y)
    assert (alone[-1].hidden_ == selector[0][-1].hidden_).all()


def test_successive_halving_keeps_the_survivors_on_the_whole_sequence():
    selector = model_selection.SuccessiveHalvingRegressor(_members(), metrics.MAE(), budget=200)
    evaluate.progressive_val_score(_rest_of_stream(), selector, metrics.MAE())
    steps = sorted(member[-1].t_ for member in selector)
    # the loser stopped at the first rung (a prefix of the stream); the survivor saw it all
    assert steps[-1] == N_SAMPLES and 1 < steps[0] < N_SAMPLES
    assert selector.best_model[-1].t_ == N_SAMPLES


def test_bandit_selection_gives_each_member_a_subsequence_with_gaps():
    from river import bandit

    selector = model_selection.BanditRegressor(
        _members(), metrics.MAE(), bandit.EpsilonGreedy(epsilon=0.5, burn_in=10, seed=0)
    )
    evaluate.progressive_val_score(_rest_of_stream(), selector, metrics.MAE())
    steps = [member[-1].t_ - 1 for member in selector]  # after the first sample
    # after the burn-in only the pulled arm learns a sample: every member skips some samples
    assert sum(steps) == 2 * 10 + (N_SAMPLES - 1 - 10)
    assert all(10 < t < N_SAMPLES - 1 for t in steps)


def test_bagging_advances_members_by_a_poisson_number_of_steps():
    bagging = ensemble.BaggingRegressor(RTRLRegressor(hidden_size=4, seed=0), n_models=3, seed=1)
    model = preprocessing.StandardScaler() | bagging
    for x, y in itertools.islice(datasets.TrumpApproval(), N_SAMPLES):
        model.learn_one(x, y)
    steps = [member.t_ for member in bagging]
    # each sample is learned 0, 1, 2... times by each member (Poisson(1)), so the members'
    # streams are resampled sequences: samples repeated or skipped, and different per member
    assert len(set(steps)) == 3
    assert all(0.5 * N_SAMPLES < t < 1.5 * N_SAMPLES for t in steps)
    # every member is a clone of the one model, seed included: they start from the same weights
    assert {member.seed for member in bagging} == {0}
