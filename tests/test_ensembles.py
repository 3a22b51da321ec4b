"""River's model-selection tools and ensembles around a stateful model: which keep each
member's stream a sequence (one learn_one per sample, in order), and which do not."""

import itertools

from river import datasets, ensemble, evaluate, metrics, model_selection, preprocessing

from rtrl_river import RTRLRegressor

N_SAMPLES = 150


def _members(n=2):
    return [RTRLRegressor(hidden_size=4, target_feedback=True, lr=lr, seed=0)
            for lr in (0.003, 0.03)[:n]]


def _stream():
    return itertools.islice(datasets.TrumpApproval(), N_SAMPLES)


def test_greedy_selection_keeps_every_member_on_the_whole_sequence():
    selector = model_selection.GreedyRegressor(_members(), metrics.MAE())
    model = preprocessing.StandardScaler() | selector
    score = evaluate.progressive_val_score(_stream(), model, metrics.MAE())
    assert 0 < score.get() < 5
    for member in selector:
        assert member.t_ == N_SAMPLES  # one step per sample, none skipped or repeated
    assert selector.best_model in list(selector)
    # the selector's members are the models a user would get by running each alone
    alone = _members()[0]
    scaler = preprocessing.StandardScaler()
    for x, y in _stream():
        scaler.learn_one(x)
        alone.learn_one(scaler.transform_one(x), y)
    assert (alone.hidden_ == selector[0].hidden_).all()


def test_successive_halving_keeps_the_survivors_on_the_whole_sequence():
    selector = model_selection.SuccessiveHalvingRegressor(_members(), metrics.MAE(), budget=200)
    evaluate.progressive_val_score(_stream(), preprocessing.StandardScaler() | selector,
                                   metrics.MAE())
    steps = sorted(member.t_ for member in selector)
    # the loser stopped at the first rung (a prefix of the stream); the survivor saw it all
    assert steps[-1] == N_SAMPLES and 0 < steps[0] < N_SAMPLES
    assert selector.best_model.t_ == N_SAMPLES


def test_bandit_selection_gives_each_member_a_subsequence_with_gaps():
    from river import bandit

    selector = model_selection.BanditRegressor(
        _members(), metrics.MAE(), bandit.EpsilonGreedy(epsilon=0.5, burn_in=10, seed=0)
    )
    evaluate.progressive_val_score(_stream(), preprocessing.StandardScaler() | selector,
                                   metrics.MAE())
    steps = [member.t_ for member in selector]
    # after the burn-in only the pulled arm learns a sample: every member skips some samples
    assert sum(steps) == 2 * 10 + (N_SAMPLES - 10)
    assert all(10 < t < N_SAMPLES for t in steps)


def test_bagging_advances_members_by_a_poisson_number_of_steps():
    bagging = ensemble.BaggingRegressor(RTRLRegressor(hidden_size=4, target_feedback=True, seed=0),
                                        n_models=3, seed=1)
    evaluate.progressive_val_score(_stream(), preprocessing.StandardScaler() | bagging,
                                   metrics.MAE())
    steps = [member.t_ for member in bagging]
    # each sample is learned 0, 1, 2... times by each member (Poisson(1)), so the members'
    # streams are resampled sequences: samples repeated or skipped, and different per member
    assert len(set(steps)) == 3
    assert all(0.5 * N_SAMPLES < t < 1.5 * N_SAMPLES for t in steps)
    # every member is a clone of the one model, seed included: they start from the same weights
    assert {member.seed for member in bagging} == {0}
