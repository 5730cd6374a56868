"""Batch normalization in the core MLP: forward against its formula, backward against finite
differences, and the bookkeeping that lets the optimizers and the Trainer use it unchanged."""
import numpy as np
import pytest

from gradcheck import numeric_grad

from optviz import datasets, optimizers
from optviz.mlp import MLP
from optviz.training import Trainer, train


def numeric_flat_grads(model, X, y, h=1e-6):
    """Central differences of the loss with respect to every array of ``model.flat()``."""
    return [numeric_grad(model, X, y, A, h) for A in model.flat()]


def random_bn_params(model, rng):
    """γ, β away from their initial 1, 0 so that the test exercises them."""
    model.bn_params = [(rng.uniform(0.5, 1.5, g.shape), rng.normal(0, 0.5, b.shape))
                       for g, b in model.bn_params]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "elu", "gelu", "identity"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_batchnorm_gradients_match_finite_differences(activation, loss, rng):
    model = MLP([3, 5, 4, 3], activation=activation, loss=loss, seed=2, batch_norm=True)
    random_bn_params(model, rng)
    X = rng.standard_normal((8, 3))
    y = rng.integers(0, 3, 8) if loss == "cross_entropy" else rng.standard_normal((8, 3))
    value, grads = model.loss_and_grads(X, y)
    assert value == pytest.approx(model.loss_value(model.predict(X), y))
    assert len(grads) == len(model.params) + len(model.bn_params) == 5
    analytic = [a for pair in grads for a in pair]
    for a, n in zip(analytic, numeric_flat_grads(model, X, y)):
        assert a.shape == n.shape
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-7)


def test_batchnorm_gradients_of_a_deep_sigmoid_net_match_finite_differences(rng):
    model = MLP([4] + [6] * 6 + [2], activation="sigmoid", init="normal", init_std=1.0,
                loss="cross_entropy", seed=5, batch_norm=True)
    random_bn_params(model, rng)
    X = rng.standard_normal((10, 4))
    y = rng.integers(0, 2, 10)
    _, grads = model.loss_and_grads(X, y)
    analytic = [a for pair in grads for a in pair]
    for a, n in zip(analytic, numeric_flat_grads(model, X, y)):
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-8)


def test_forward_follows_the_batchnorm_formula(rng):
    model = MLP([3, 4, 2], activation="tanh", seed=1, batch_norm=True)
    random_bn_params(model, rng)
    X = rng.standard_normal((6, 3))
    (W, b), _ = model.params
    gamma, beta = model.bn_params[0]
    z = X @ W + b
    mu = z.sum(axis=0) / 6
    var = ((z - mu) ** 2).sum(axis=0) / 6  # biased, as in training mode
    u = gamma * (z - mu) / np.sqrt(var + 1e-5) + beta
    fwd = model.forward(X)
    np.testing.assert_allclose(fwd.zs[0], u, rtol=1e-12)
    np.testing.assert_allclose(fwd.hs[1], np.tanh(u), rtol=1e-12)
    # the normalized values have mean 0 and variance 1 over the batch (up to ε)
    np.testing.assert_allclose(fwd.bn[0].z_hat.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(fwd.bn[0].z_hat.var(axis=0), var / (var + 1e-5), rtol=1e-12)


def test_a_batchnorm_layer_ignores_the_scale_of_its_weights(rng):
    # exact only as ε → 0: ε is made negligible against the variance of z
    model = MLP([3, 5, 5, 2], activation="sigmoid", seed=0, batch_norm=True, bn_eps=1e-12)
    X = rng.standard_normal((20, 3))
    before = model.predict(X)
    model.params[1] = (model.params[1][0] * 1000.0, model.params[1][1] * 1000.0)
    np.testing.assert_allclose(model.predict(X), before, rtol=1e-6, atol=1e-9)


def test_the_bias_before_batchnorm_gets_no_gradient(rng):
    model = MLP([3, 5, 5, 2], activation="tanh", seed=0, batch_norm=True)
    X = rng.standard_normal((20, 3))
    _, grads = model.loss_and_grads(X, rng.standard_normal((20, 2)))
    for _, db in grads[:2]:  # hidden layers; the mean is subtracted, so a shift of z changes nothing
        np.testing.assert_allclose(db, 0, atol=1e-14)
    assert np.abs(grads[2][1]).max() > 1e-3  # the linear output layer's bias does get one


def test_inference_mode_with_the_batch_statistics_equals_training_mode(rng):
    model = MLP([2, 6, 6, 3], activation="relu", init="he", seed=3, batch_norm=True)
    random_bn_params(model, rng)
    X = rng.standard_normal((30, 2))
    stats = model.bn_statistics(X)
    assert len(stats) == 2 and stats[0][0].shape == (6,)
    np.testing.assert_allclose(model.predict(X, bn_stats=stats), model.predict(X), rtol=1e-12)
    # one sample alone has zero variance in training mode: every hidden unit collapses to β;
    # with the data set's statistics the sample keeps its own prediction
    one = X[:1]
    np.testing.assert_allclose(model.predict(one, bn_stats=stats), model.predict(X)[:1], rtol=1e-12)
    alone = model.forward(one)
    np.testing.assert_allclose(alone.zs[0][0], model.bn_params[0][1], atol=1e-12)


def test_without_batchnorm_the_model_is_unchanged():
    a = MLP([3, 4, 2], seed=7)
    b = MLP([3, 4, 2], seed=7, batch_norm=False)
    assert a.bn_params == [] and len(a.flat()) == 4 and a.n_params == 3 * 4 + 4 + 4 * 2 + 2
    for (W1, b1), (W2, b2) in zip(a.params, b.params):
        np.testing.assert_array_equal(W1, W2)
    fwd = a.forward(np.ones((2, 3)))
    assert fwd.bn == []


def test_flat_lists_gamma_and_beta_after_the_weights_and_round_trips():
    m = MLP([2, 3, 4, 1], seed=0, batch_norm=True)
    flat = m.flat()
    assert [a.shape for a in flat] == [(2, 3), (3,), (3, 4), (4,), (4, 1), (1,), (3,), (3,), (4,), (4,)]
    assert m.n_params == sum(a.size for a in flat)
    np.testing.assert_array_equal(flat[6], np.ones(3))  # γ starts at 1
    new = [a + 1.0 for a in flat]
    m.set_flat(new)
    assert len(m.params) == 3 and len(m.bn_params) == 2
    np.testing.assert_array_equal(m.bn_params[1][0], np.full(4, 2.0))
    with pytest.raises(ValueError, match="expected 10 arrays"):
        m.set_flat(new[:6])
    c = m.copy()
    c.bn_params[0][0][:] = 0
    assert m.bn_params[0][0][0] == 2.0  # copy is deep


def test_bad_epsilon_is_rejected():
    with pytest.raises(ValueError, match="bn_eps"):
        MLP([2, 2, 2], batch_norm=True, bn_eps=0.0)


def test_full_batch_training_with_batchnorm_equals_manual_gradient_descent():
    X, y = datasets.make("moons", 40)
    m = MLP([2, 4, 4, 2], loss="cross_entropy", seed=4, batch_norm=True)
    manual = m.copy()
    hist = train(m, X, y, "sgd", epochs=3)  # sgd lr 0.01, full batch
    assert len(hist.grad_norms[0]) == 3  # one norm per weight matrix, as without batch norm
    for _ in range(3):
        _, g = manual.loss_and_grads(X, y)
        flat_g = [a for pair in g for a in pair]
        manual.set_flat([p - 0.01 * d for p, d in zip(manual.flat(), flat_g)])
    for a, b in zip(m.flat(), manual.flat()):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert not np.allclose(m.bn_params[0][0], 1.0)  # γ was trained


def test_l2_regularizes_the_weights_but_not_gamma_and_beta():
    X, y = datasets.make("moons", 30)
    m = MLP([2, 3, 2], loss="cross_entropy", seed=4, batch_norm=True)
    _, g = m.loss_and_grads(X, y)
    reg = Trainer(m.copy(), "sgd", l2=0.1)._regularize(g)
    assert len(reg) == len(g) == 3
    np.testing.assert_allclose(reg[0][0], g[0][0] + 0.1 * m.params[0][0])
    np.testing.assert_array_equal(reg[2][0], g[2][0])


def test_batchnorm_lets_a_deep_sigmoid_network_learn():
    X, y = datasets.make("moons", 200, noise=0.1, seed=1)

    def final_loss(bn):
        m = MLP([2] + [20] * 8 + [2], activation="sigmoid", init="xavier", loss="cross_entropy",
                seed=0, batch_norm=bn)
        return train(m, X, y, optimizers.get("sgd", lr=0.1), epochs=60, batch_size=50).loss[-1]

    with_bn, without = final_loss(True), final_loss(False)
    assert with_bn < 0.5 * without and without > 0.6  # ln 2 ≈ 0.69: without BN it barely moves
