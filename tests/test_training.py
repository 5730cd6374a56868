"""The training loop: continuing a run, and what a change of settings does to the optimizer state."""
import numpy as np
import pytest

from optviz import datasets, optimizers
from optviz.mlp import MLP
from optviz.training import Trainer


def moons():
    X, y = datasets.make("moons", 64, 0.2, 0)
    return X, y


@pytest.mark.parametrize("name", optimizers.NAMES)
@pytest.mark.parametrize("batch", [None, 16])
def test_train_then_continue_equals_one_long_run(name, batch):
    X, y = moons()
    net = lambda: MLP([2, 8, 2], activation="tanh", loss="cross_entropy", seed=1)  # noqa: E731
    one = Trainer(net(), optimizers.get(name, lr=0.01), batch, seed=3)
    one.run(X, y, 40)
    two = Trainer(net(), optimizers.get(name, lr=0.01), batch, seed=3)
    two.run(X, y, 20)
    assert two.configure(optimizers.get(name, lr=0.01), batch) is True  # a fresh object, the same settings
    two.run(X, y, 20)
    assert two.history.loss == one.history.loss
    for a, b in zip(two.model.flat(), one.model.flat()):
        np.testing.assert_array_equal(a, b)


def test_a_new_learning_rate_keeps_the_moments():
    X, y = moons()
    t = Trainer(MLP([2, 8, 2], loss="cross_entropy", seed=1), optimizers.adam(lr=0.01))
    t.run(X, y, 10)
    state = t.opt_state
    assert t.configure(optimizers.adam(lr=0.001)) is True
    assert t.opt_state is state and t.optimizer.hyperparams["lr"] == 0.001
    assert t.opt_state[0].step == 10  # Adam's bias correction goes on from step 10


@pytest.mark.parametrize("new", [optimizers.momentum(lr=0.01), optimizers.adam(lr=0.01, beta1=0.8)])
def test_another_optimizer_or_other_hyperparameters_start_fresh(new):
    X, y = moons()
    t = Trainer(MLP([2, 8, 2], loss="cross_entropy", seed=1), optimizers.adam(lr=0.01))
    t.run(X, y, 10)
    assert t.configure(new) is False
    assert t.opt_state[0].step == 0 and t.optimizer is new


def test_changing_only_the_batch_or_regularization_keeps_the_state():
    X, y = moons()
    t = Trainer(MLP([2, 8, 2], loss="cross_entropy", seed=1), optimizers.momentum(lr=0.01))
    t.run(X, y, 5)
    assert t.configure(batch_size=8, l2=0.01) is True and t.opt_state[0].step == 5


def test_the_epoch_estimate_counts_weights_as_the_network_does_and_grows_with_the_work():
    from optviz.training import epoch_seconds, n_weights
    for sizes in ([2, 8, 8, 2], [4, 256, 256, 6], [2, 1]):
        assert n_weights(sizes) == MLP(sizes, seed=0).n_params
    base = epoch_seconds([2, 16, 16, 2], 400, 32)
    assert epoch_seconds([2, 64, 64, 2], 400, 32) > base      # more weights
    assert epoch_seconds([2, 16, 16, 2], 800, 32) > base      # more points
    assert epoch_seconds([2, 16, 16, 2], 400, 1) > base       # more updates
    assert epoch_seconds([2, 16, 16, 2], 400, 32, 400) > base  # test points are evaluated too
    # the link: 6 × 256 wide on 2 000 points one at a time, 3 000 epochs: hours, not seconds
    assert epoch_seconds([2, *[256] * 6, 6], 2000, 1) * 3000 > 3600


def test_compare_trains_each_optimizer_from_the_same_weights_and_leaves_the_model_alone():
    from optviz.training import compare

    X, y = moons()
    base = MLP([2, 8, 2], activation="tanh", loss="cross_entropy", seed=1)
    before = [a.copy() for a in base.flat()]
    chosen = {n: optimizers.get(n, lr=0.02) for n in ("sgd", "adam", "rmsprop")}
    runs = compare(base, chosen, X, y, 15, batch_size=16, seed=4, l2=0.001)
    for a, b in zip(base.flat(), before):
        np.testing.assert_array_equal(a, b)
    assert [r.name for r in runs] == list(chosen) and len({r.initial for r in runs}) == 1
    for r in runs:  # each equals a run of its own from a fresh copy of the same network
        alone = Trainer(MLP([2, 8, 2], activation="tanh", loss="cross_entropy", seed=1),
                        optimizers.get(r.name, lr=0.02), 16, seed=4, l2=0.001)
        assert alone.evaluate(X, y)[0] == r.initial
        alone.run(X, y, 15)
        assert alone.history.loss == r.history.loss and r.history.epochs == 15


def test_compare_stops_when_its_callback_says_so():
    from optviz.training import compare

    X, y = moons()
    seen = []
    out = compare(MLP([2, 4, 2], loss="cross_entropy", seed=0), {"sgd": optimizers.get("sgd"), "adam": optimizers.get("adam")}, X, y, 10,
                  callback=lambda i, epoch: seen.append((i, epoch)) or (i, epoch) == (1, 3))
    assert out is None and seen[-1] == (1, 3) and seen[:10] == [(0, e) for e in range(1, 11)]
