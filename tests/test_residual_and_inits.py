"""Residual connections and the initializations of note 003's table (Xavier as the note defines it,
the book form, zero) in the core MLP: gradients against finite differences, forward against the
formula, and the symmetry that zero initialization never breaks."""
import numpy as np
import pytest

from gradcheck import numeric_grad

from optviz import datasets, optimizers
from optviz.mlp import MLP, init_weights
from optviz.training import train


def numeric_flat_grads(model, X, y, h=1e-6):
    return [numeric_grad(model, X, y, A, h) for A in model.flat()]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "gelu"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_residual_gradients_match_finite_differences(activation, loss, batch_norm, rng):
    # sizes 3 → 4 → 4 → 4 → 3: the first hidden layer changes size (no skip), the next two skip
    model = MLP([3, 4, 4, 4, 3], activation=activation, loss=loss, seed=2, residual=True,
                batch_norm=batch_norm, init="normal", init_std=0.7)
    assert model.skips == [False, True, True, False]
    X = rng.standard_normal((6, 3))
    y = rng.integers(0, 3, 6) if loss == "cross_entropy" else rng.standard_normal((6, 3))
    value, grads = model.loss_and_grads(X, y)
    assert value == pytest.approx(model.loss_value(model.predict(X), y))
    analytic = [a for pair in grads for a in pair]
    for a, n in zip(analytic, numeric_flat_grads(model, X, y)):
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-7)


def test_residual_forward_adds_the_input_of_each_same_size_hidden_layer(rng):
    model = MLP([2, 3, 3, 1], activation="tanh", residual=True, seed=1)
    X = rng.standard_normal((5, 2))
    (W1, b1), (W2, b2), (W3, b3) = model.params
    h1 = np.tanh(X @ W1 + b1)  # 2 → 3: sizes differ, no skip
    h2 = h1 + np.tanh(h1 @ W2 + b2)
    np.testing.assert_allclose(model.predict(X), h2 @ W3 + b3)
    plain = MLP([2, 3, 3, 1], activation="tanh", seed=1)
    np.testing.assert_allclose(plain.predict(X), np.tanh(h1 @ W2 + b2) @ W3 + b3)


def test_residual_keeps_the_gradient_of_a_deep_sigmoid_net_from_vanishing(rng):
    X, y = rng.standard_normal((64, 20)), rng.integers(0, 3, 64)
    norms = {}
    for res in (False, True):
        m = MLP([20] * 21 + [3], activation="sigmoid", init="xavier_glorot", loss="cross_entropy",
                residual=res, seed=0)
        _, grads = m.loss_and_grads(X, y)
        norms[res] = np.array([np.linalg.norm(dW) for dW, _ in grads])
    plain, res = norms[False], norms[True]
    assert plain[0] / plain[-1] < 1e-8  # 20 sigmoid layers: each costs a factor ≥ 4
    assert res[0] / res[-1] > 1e-3  # the skips carry it past every layer


@pytest.mark.parametrize("n_in,n_out", [(400, 300), (100, 100), (2, 100), (100, 10)])
def test_xavier_has_note_003s_variance_and_the_book_form_its_own(n_in, n_out):
    rng = np.random.default_rng(0)
    glorot = np.concatenate([init_weights(n_in, n_out, "xavier_glorot", rng).ravel() for _ in range(20)])
    book = np.concatenate([init_weights(n_in, n_out, "xavier", rng).ravel() for _ in range(20)])
    assert glorot.var() == pytest.approx(2 / (n_in + n_out), rel=0.03)  # note 003 §3.4.1
    assert book.var() == pytest.approx(1 / n_in, rel=0.03)


def test_zero_initialization_keeps_every_unit_of_a_layer_identical():
    X, y = datasets.make("circles", 200, noise=0.05, seed=0)
    m = MLP([2, 8, 8, 2], activation="sigmoid", init="zero", loss="cross_entropy", seed=0)
    train(m, X, y, optimizers.get("adam", lr=0.05), 60, batch_size=32, seed=0)
    for W, b in m.params[:-1]:  # every hidden layer: all columns (units) equal, all biases equal
        np.testing.assert_allclose(W, W[:, :1] * np.ones_like(W), atol=1e-12)
        np.testing.assert_allclose(b, b[0], atol=1e-12)
    assert np.abs(m.params[0][0]).max() > 1e-3  # it did train: the units moved, together


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_zero_initialization_of_a_zero_centred_activation_learns_nothing_but_the_output_bias(activation):
    # f(0) = 0: every hidden output is 0, so no weight below the output layer gets a gradient
    X, y = datasets.make("moons", 100, noise=0.1, seed=0)
    m = MLP([2, 6, 6, 2], activation=activation, init="zero", loss="cross_entropy", seed=0)
    train(m, X, y, optimizers.get("adam", lr=0.05), 20, batch_size=32, seed=0)
    assert all(not W.any() for W, _ in m.params)
    assert m.params[-1][1].any()
    # eight identical units compute what one does: the same loss as a 2-1-1-2 network of their values
    W1, b1 = m.params[0]
    W2, b2 = m.params[1]
    W3, b3 = m.params[2]
    sig = lambda z: 1 / (1 + np.exp(-z))
    h1 = sig(X @ W1[:, :1] + b1[0])
    h2 = sig(8 * h1 * W2[0, 0] + b2[0])
    np.testing.assert_allclose(m.predict(X), 8 * h2 * W3[:1] + b3, atol=1e-10)


def test_layer_units_counts_the_distinct_units_of_every_hidden_layer():
    from optviz.mlp import layer_units
    X, y = datasets.make("moons", 100, noise=0.1, seed=0)
    for act, zero in (("sigmoid", False), ("tanh", True)):
        m = MLP([2, 8, 5, 2], activation=act, init="zero", loss="cross_entropy", seed=0)
        train(m, X, y, optimizers.get("adam", lr=0.05), 10, batch_size=32, seed=0)
        assert [(u.units, u.distinct, u.zero) for u in layer_units(m)] == [(8, 1, zero), (5, 1, zero)]
    m = MLP([2, 8, 5, 2], activation="tanh", init="xavier_glorot", seed=0)
    assert [(u.units, u.distinct, u.zero) for u in layer_units(m)] == [(8, 8, False), (5, 5, False)]
    m.params[0][0][:, 3] = m.params[0][0][:, 1]  # two equal units, biases already equal (0)
    assert layer_units(m)[0].distinct == 7
