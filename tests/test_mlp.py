import numpy as np
import pytest

from optviz import datasets, optimizers
from gradcheck import numeric_grad
from optviz.mlp import MLP, init_weights
from optviz.training import Trainer, batch_size_for, train


def numeric_grads(model, X, y, h=1e-6):
    return [tuple(numeric_grad(model, X, y, A, h) for A in pair) for pair in model.params]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish",
                                        "gelu", "softplus", "identity"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_backprop_matches_finite_differences(activation, loss, rng):
    model = MLP([3, 5, 4, 3], activation=activation, loss=loss, seed=2)
    X = rng.standard_normal((7, 3))
    y = rng.integers(0, 3, 7) if loss == "cross_entropy" else rng.standard_normal((7, 3))
    value, grads = model.loss_and_grads(X, y)
    assert value == pytest.approx(model.loss_value(model.predict(X), y))
    for (gW, gb), (nW, nb) in zip(grads, numeric_grads(model, X, y)):
        np.testing.assert_allclose(gW, nW, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(gb, nb, rtol=1e-5, atol=1e-7)


def test_losses_have_their_textbook_values():
    model = MLP([2, 3], loss="cross_entropy", seed=0)
    model.params = [(np.zeros((2, 3)), np.log(np.array([1.0, 2.0, 1.0])))]  # softmax = (¼, ½, ¼)
    assert model.loss_value(model.predict(np.zeros((2, 2))), np.array([1, 0])) == pytest.approx(
        -(np.log(0.5) + np.log(0.25)) / 2)
    mse = MLP([1, 2], loss="mse")
    assert mse.loss_value(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]])) == pytest.approx(2.5)


def test_forward_exposes_every_layer():
    model = MLP([2, 4, 4, 1], activation="sigmoid")
    fwd = model.forward(np.ones((5, 2)))
    assert [z.shape for z in fwd.zs] == [(5, 4), (5, 4), (5, 1)]
    assert len(fwd.hs) == 4 and np.all((fwd.hs[1] > 0) & (fwd.hs[1] < 1))
    np.testing.assert_array_equal(fwd.hs[-1], fwd.zs[-1])  # linear output layer


@pytest.mark.parametrize("init,std", [("xavier", np.sqrt(1 / 400)), ("he", np.sqrt(2 / 400)),
                                      ("normal", 0.01), ("glorot_uniform", np.sqrt(2 / 700))])
def test_init_scales(init, std):
    W = init_weights(400, 300, init, np.random.default_rng(0))
    assert W.shape == (400, 300)
    assert W.std() == pytest.approx(std, rel=0.01) and abs(W.mean()) < 0.01 * std * 10


def test_bad_configuration_is_clear():
    with pytest.raises(ValueError, match="unknown init"):
        MLP([2, 2], init="zeros")
    with pytest.raises(ValueError, match="unknown loss"):
        MLP([2, 2], loss="hinge")
    with pytest.raises(ValueError, match="shape"):
        MLP([2, 2]).forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="labels"):
        MLP([2, 2], loss="cross_entropy").loss_and_grads(np.ones((1, 2)), np.array([5]))


@pytest.mark.parametrize("width,seed", [(2, 3), (2, 7)] + [(w, s) for w in (3, 8) for s in range(4)])
def test_xor_is_solved_by_a_small_tanh_network(width, seed):
    # 2 hidden units solve XOR from some initial weights only (others stall in a local minimum);
    # from 3 units on, every seed tried works.
    X, y = datasets.make("xor", n=4, noise=0.0)
    model = MLP([2, width, 2], activation="tanh", loss="cross_entropy", seed=seed)
    hist = train(model, X, y, optimizers.get("adam", lr=0.05), epochs=500)
    assert hist.accuracy[-1] == 1.0 and hist.loss[-1] < 0.05


def test_training_is_deterministic_for_a_seed():
    X, y = datasets.make("moons", 120, seed=3)

    def run(seed):
        m = MLP([2, 8, 2], loss="cross_entropy", seed=seed)
        return train(m, X, y, "sgd", epochs=5, batch_size=16, seed=seed).loss

    assert run(0) == run(0) and run(0) != run(1)


@pytest.mark.parametrize("mode,b,updates", [("full", None, 1), ("mini", 32, 4), ("sgd", None, 100)])
def test_batch_modes_take_the_expected_number_of_updates(mode, b, updates):
    X, y = datasets.make("circles", 100)
    m = MLP([2, 4, 2], loss="cross_entropy")
    h = train(m, X, y, "sgd", epochs=3, batch_size=batch_size_for(mode, 100, b))
    assert h.updates == 3 * updates and len(h.grad_norms) == 3 and len(h.grad_norms[0]) == 2


def test_full_batch_training_equals_manual_gradient_descent():
    X, y = datasets.make("moons", 50)
    m = MLP([2, 3, 2], loss="cross_entropy", seed=4)
    manual = m.copy()
    train(m, X, y, "sgd", epochs=3)  # sgd lr 0.01, full batch
    for _ in range(3):
        _, g = manual.loss_and_grads(X, y)
        manual.params = [(W - 0.01 * gW, b - 0.01 * gb) for (W, b), (gW, gb) in zip(manual.params, g)]
    for (a, b), (c, d) in zip(m.params, manual.params):
        np.testing.assert_allclose(a, c, rtol=1e-13)
        np.testing.assert_allclose(b, d, rtol=1e-13)


def test_l2_and_l1_add_their_gradients():
    X, y = datasets.make("moons", 30)
    m = MLP([2, 3, 2], loss="cross_entropy", seed=4)
    t = Trainer(m.copy(), "sgd", l2=0.1, l1=0.05)
    _, g = m.loss_and_grads(X, y)
    reg = t._regularize(g)
    W = m.params[0][0]
    np.testing.assert_allclose(reg[0][0], g[0][0] + 0.1 * W + 0.05 * np.sign(W))
    np.testing.assert_array_equal(reg[0][1], g[0][1])  # biases are not regularized
    # the penalty is the loss whose gradient that is
    base, _ = Trainer(m.copy(), "sgd").evaluate(X, y)
    pen, _ = t.evaluate(X, y)
    expected = sum(0.05 * np.abs(W_).sum() + 0.05 * (W_**2).sum() for W_, _ in m.params)
    assert pen - base == pytest.approx(expected)


def test_continue_training_after_changing_the_optimizer_keeps_history():
    X, y = datasets.make("xor", 40)
    t = Trainer(MLP([2, 4, 2], loss="cross_entropy"), "sgd")
    t.run(X, y, 3)
    t.configure("adam")
    t.run(X, y, 2)
    assert t.history.epochs == 5 and t.optimizer.name == "adam"


def test_callback_can_stop_training():
    X, y = datasets.make("xor", 40)
    h = train(MLP([2, 4, 2], loss="cross_entropy"), X, y, "sgd", epochs=50,
              callback=lambda epoch, hist: epoch >= 7)
    assert h.epochs == 7


def test_binary_cross_entropy_loss_and_gradient(rng):
    model = MLP([4, 3, 5], activation="tanh", loss="bce", seed=3)
    X = rng.standard_normal((6, 4))
    y = rng.uniform(0, 1, (6, 5))
    out = model.predict(X)
    p = 1 / (1 + np.exp(-out))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.loss_value(out, y) == pytest.approx(expected, rel=1e-12)
    _, grads = model.loss_and_grads(X, y)
    for (gW, gb), (nW, nb) in zip(grads, numeric_grads(model, X, y)):
        np.testing.assert_allclose(gW, nW, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(gb, nb, rtol=1e-5, atol=1e-8)
