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


# -- the feature-major training path (loss_and_grads without a given forward pass) ----------------
ACTIVATIONS = ["tanh", "relu", "sigmoid", "leaky_relu", "elu", "swish", "gelu", "softplus", "identity", "step"]


def _path_cases():
    for activation in ACTIVATIONS:
        for loss, K in (("cross_entropy", 2), ("cross_entropy", 3), ("mse", 2), ("bce", 3)):
            yield activation, loss, K


@pytest.mark.parametrize("activation,loss,K", list(_path_cases()))
@pytest.mark.parametrize("n", [1, 7, 64])
def test_the_training_path_equals_backprop_of_a_given_forward_pass(activation, loss, K, n, rng):
    # loss_and_grads(X, y) works transposed, with the bias in the product; loss_and_grads(X, y, fwd)
    # is the textbook pass over ``forward``: the same numbers up to the rounding of the products
    model = MLP([3, 6, 5, K], activation=activation, loss=loss, seed=1)
    X = rng.standard_normal((n, 3)) * 2
    y = (rng.integers(0, K, n) if loss == "cross_entropy" else
         rng.uniform(0, 1, (n, K)) if loss == "bce" else rng.standard_normal((n, K)))
    fast, grads = model.loss_and_grads(X, y)
    slow, expected = model.loss_and_grads(X, y, model.forward(X))
    assert fast == pytest.approx(slow, rel=1e-13, abs=1e-15)
    assert len(grads) == len(expected) == 3
    for (gW, gb), (eW, eb) in zip(grads, expected):
        assert gW.shape == eW.shape and gb.shape == eb.shape and gW.dtype == gb.dtype == np.float64
        np.testing.assert_allclose(gW, eW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gb, eb, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sizes", [[2, 3], [2, 16, 16, 2], [4, 64, 64, 64, 3], [2, 200, 2]])
def test_the_training_path_handles_any_depth_and_batch(sizes, rng):
    model = MLP(sizes, activation="relu", loss="cross_entropy", seed=0)
    for n in (1, 5, 512):  # 200 × 512: ReLU against the scalar 0 instead of cached zeros
        X, y = rng.standard_normal((n, sizes[0])), rng.integers(0, sizes[-1], n)
        fast, grads = model.loss_and_grads(X, y)
        slow, expected = model.loss_and_grads(X, y, model.forward(X))
        assert fast == pytest.approx(slow, rel=1e-13)
        for g, e in zip(grads, expected):
            np.testing.assert_allclose(g[0], e[0], rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(g[1], e[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_gradients_of_one_call_are_not_changed_by_the_next(activation, rng):
    # the in-place activations and the cached zeros / aranges must not leak between calls: every
    # returned array is new, owns no memory with the parameters, and later calls leave it alone
    model = MLP([2, 8, 8, 2], activation=activation, loss="cross_entropy", seed=0)
    X1, y1 = rng.standard_normal((32, 2)), rng.integers(0, 2, 32)
    X2, y2 = rng.standard_normal((32, 2)) * 3, rng.integers(0, 2, 32)
    X1_before = X1.copy()
    loss1, g1 = model.loss_and_grads(X1, y1)
    kept = [(gW.copy(), gb.copy()) for gW, gb in g1]
    params = [a.copy() for a in model.flat()]
    loss2, g2 = model.loss_and_grads(X2, y2)  # the same shapes: anything reused would be overwritten
    np.testing.assert_array_equal(X1, X1_before)
    for a, b in zip(model.flat(), params):
        np.testing.assert_array_equal(a, b)
    for (gW, gb), (kW, kb) in zip(g1, kept):
        np.testing.assert_array_equal(gW, kW)
        np.testing.assert_array_equal(gb, kb)
    arrays1 = [a for pair in g1 for a in pair]
    arrays2 = [a for pair in g2 for a in pair]
    for a in arrays1:
        assert not any(np.shares_memory(a, b) for b in arrays2 + model.flat() + [X1])
    for gW, gb in g1 + g2:  # one layer's dW and db may share a buffer, never with another layer
        assert not any(np.shares_memory(gW, oW) for oW, _ in g1 + g2 if oW is not gW)
    # writing into returned gradients (as an optimizer might) changes nothing for the next call
    for gW, gb in g1:
        gW[...] = np.nan
        gb[...] = np.nan
    again, g3 = model.loss_and_grads(X1, y1)
    assert again == loss1
    from optviz.mlp import _arange, _zeros  # shared between calls (and threads): read-only
    assert not _zeros(8, 32).flags.writeable and not _zeros(8, 32).any()
    assert not _arange(32).flags.writeable and (_arange(32) == np.arange(32)).all()
    for (gW, gb), (kW, kb) in zip(g3, kept):
        np.testing.assert_array_equal(gW, kW)
        np.testing.assert_array_equal(gb, kb)


def test_the_training_path_reads_the_current_parameters(rng):
    # numeric gradients perturb the weights in place, and set_flat swaps in the optimizer's views:
    # both must be seen by the next call (nothing about the weights is cached)
    model = MLP([2, 4, 2], activation="tanh", loss="cross_entropy", seed=0)
    X, y = rng.standard_normal((10, 2)), rng.integers(0, 2, 10)
    before, _ = model.loss_and_grads(X, y)
    model.params[0][1][0] += 0.5
    moved, _ = model.loss_and_grads(X, y)
    assert moved != before and moved == pytest.approx(model.loss_value(model.predict(X), y), rel=1e-13)
    model.set_flat([a * 0.5 for a in model.flat()])
    assert model.loss_and_grads(X, y)[0] == pytest.approx(model.loss_value(model.predict(X), y), rel=1e-13)


@pytest.mark.parametrize("dtype", ["<i8", ">i8", "i4", "i2", "int8", "uint8", "uint16", "u8"])
def test_labels_of_any_integer_type_are_checked_and_used(dtype, rng):
    model = MLP([2, 5, 3], activation="tanh", loss="cross_entropy", seed=0)
    X = rng.standard_normal((300, 2))  # 300 samples: label × n overflows an 8-bit label type
    y = np.tile(np.array([0, 1, 2]), 100)
    expected = model.loss_and_grads(X, y, model.forward(X))
    for call in (lambda y: model.loss_and_grads(X, y), lambda y: model.loss_and_grads(X, y, model.forward(X))):
        loss, grads = call(y.astype(dtype))
        assert loss == pytest.approx(expected[0], rel=1e-13)
        np.testing.assert_allclose(grads[0][0], expected[1][0][0], rtol=1e-12)
        too_big = y.astype(dtype)
        too_big[5] = 3
        with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
            call(too_big)
        if np.dtype(dtype).kind == "i":
            negative = y.astype(dtype)
            negative[7] = -1
            with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
                call(negative)
    for bad in (y.astype(float), y[:-1], y.astype(bool)):
        with pytest.raises(ValueError, match="integer class labels"):
            model.loss_and_grads(X, bad)


def test_the_cross_entropy_of_confident_predictions_stays_accurate():
    # a margin of 30 gives −log p ≈ e⁻³⁰ ≈ 9.4e-14 per sample; the loss is a sum of terms ≥ 0
    model = MLP([1, 2], loss="cross_entropy")
    model.params = [(np.array([[0.0, 0.0]]), np.array([0.0, 30.0]))]
    loss, grads = model.loss_and_grads(np.zeros((4, 1)), np.array([1, 1, 1, 1]))
    assert loss == pytest.approx(np.log1p(np.exp(-30.0)), rel=1e-6)
    p_wrong = np.exp(-30) / (1 + np.exp(-30))
    assert grads[0][1][0] == pytest.approx(p_wrong, rel=1e-12)  # p of the wrong class, / n: relative
    assert grads[0][1][1] == pytest.approx(-p_wrong, abs=1e-15)  # p − 1 of the right one: absolute


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "bce"])
def test_gradients_match_torch_autograd(activation, loss, rng):
    torch = pytest.importorskip("torch")
    sizes = [2, 16, 16, 3]
    model = MLP(sizes, activation=activation, loss=loss, seed=5)
    X = rng.standard_normal((512, 2))
    y = (rng.integers(0, 3, 512) if loss == "cross_entropy" else
         rng.uniform(0, 1, (512, 3)) if loss == "bce" else rng.standard_normal((512, 3)))
    value, grads = model.loss_and_grads(X, y)
    params = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in model.params]
    h = torch.tensor(X)
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[activation](h)
    t = torch.tensor(y)
    ref = (torch.nn.functional.cross_entropy(h, t) if loss == "cross_entropy" else
           torch.nn.functional.mse_loss(h, t) if loss == "mse" else
           torch.nn.functional.binary_cross_entropy_with_logits(h, t))
    ref.backward()
    assert value == pytest.approx(ref.item(), rel=1e-12)
    for (gW, gb), (W, b) in zip(grads, params):
        np.testing.assert_allclose(gW, W.grad.numpy(), rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(gb, b.grad.numpy(), rtol=1e-9, atol=1e-15)
