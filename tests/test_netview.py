"""The MLP trainer's network view (optviz.netview): pictures equal each unit's own output, gradients
equal backprop's, dead and saturated units found, big networks summarised, formulas as written."""
import numpy as np
import pytest

from optviz import datasets, netview, optimizers
from optviz.mlp import MLP
from optviz.training import train


def test_each_picture_is_the_unit_s_output_over_the_plane():
    X, y = datasets.make("moons", 60, noise=0.1, seed=0)
    m = MLP([2, 5, 3, 2], activation="tanh", loss="cross_entropy", seed=1)
    v = netview.view(m, X, y)
    plane = netview._plane(X, False)
    h1 = np.tanh(plane @ m.params[0][0] + m.params[0][1])
    for u in v.units[1]:
        np.testing.assert_allclose(u.picture.ravel(), h1[:, u.index], rtol=1e-6)
    np.testing.assert_allclose(v.units[0][1].picture.ravel(), plane[:, 1], rtol=1e-6)  # input x₂
    p = m.predict_proba(plane)
    np.testing.assert_allclose(v.units[3][0].picture.ravel(), p[:, 0], rtol=1e-5)  # output: probability
    assert v.units[0][0].picture[0, 0] < v.units[0][0].picture[0, -1]  # x₁ grows to the right
    assert v.units[0][1].picture[0, 0] > v.units[0][1].picture[-1, 0]  # x₂ grows upward
    assert [len(r) for r in v.units] == [2, 5, 3, 2] and v.weights[1].shape == (5, 3)


@pytest.mark.parametrize("loss,act", [("cross_entropy", "tanh"), ("cross_entropy", "relu"), ("mse", "sigmoid")])
def test_unit_gradients_of_one_sample_equal_the_bias_gradients(loss, act, rng):
    m = MLP([2, 4, 3, 2], activation=act, loss=loss, seed=3, init="normal", init_std=0.8)
    X = rng.standard_normal((1, 2))
    y = np.array([1]) if loss == "cross_entropy" else rng.standard_normal((1, 2))
    _, grads = m.loss_and_grads(X, y)
    for g, (_, db) in zip(netview._unit_gradients(m, X, y), grads):
        np.testing.assert_allclose(g, np.abs(db), rtol=1e-9, atol=1e-15)


def test_dead_relu_units_and_saturated_sigmoid_units_are_marked():
    X, y = datasets.make("circles", 80, noise=0.05, seed=0)
    m = MLP([2, 6, 2], activation="relu", loss="cross_entropy", seed=0)
    W, b = m.params[0]
    b[2] = -100.0  # never active on data in a box of ±1.5
    v = netview.view(m, X, y)
    assert [u.state for u in v.units[1]].count("dead") == 1 and v.units[1][2].state == "dead"
    assert v.units[1][2].active == 0 and v.units[1][2].grad == 0
    s = MLP([2, 4, 2], activation="sigmoid", loss="cross_entropy", seed=0)
    s.params[0][0][:, 1] = [80.0, 0.0]  # a step at x₁ = 0: 0 or 1 almost everywhere
    v = netview.view(s, X, y)
    assert v.units[1][1].state == "saturated" and v.units[1][0].state == ""


def test_a_large_network_shows_its_most_important_units_per_layer():
    X, y = datasets.make("spiral", 100, noise=0.1, seed=0)
    m = MLP([2] + [256] * 6 + [3], activation="relu", loss="cross_entropy", seed=0)
    v = netview.view(m, X, y)
    assert [len(s) for s in v.shown] == [2] + [netview.MAX_SHOWN] * 6 + [3]
    assert all(a == sorted(a) for a in v.shown)
    # the chosen ones have the largest scores: zero one unit's outgoing weights and it drops out
    kept = v.shown[2][0]
    m.params[2][0][kept, :] = 0.0
    assert kept not in netview.view(m, X, y).shown[2]
    assert v.weights[2].shape == (16, 16)


def test_regression_pictures_are_curves_over_x():
    X, y = datasets.make("regression", 50, noise=0.1, seed=0)
    m = MLP([1, 4, 1], activation="tanh", loss="mse", seed=0)
    v = netview.view(m, X, y)
    assert v.regression and v.units[1][0].picture.shape == (netview.TILE,)
    assert v.input_names == ["x"]


def test_training_moves_the_view_and_extra_features_are_named():
    X, y = datasets.make("xor", 80, noise=0.1, seed=0)
    m = MLP([3, 4, 2], activation="tanh", loss="cross_entropy", seed=0)
    before = netview.view(m, X, y, extra=["xy"])
    from optviz import features
    train(m, features.expand(X, ["xy"]), y, optimizers.get("adam", lr=0.05), 30, batch_size=80, seed=0)
    after = netview.view(m, X, y, extra=["xy"])
    assert before.input_names == ["x₁", "x₂", "x₁x₂"]
    assert not np.allclose(before.units[1][0].picture, after.units[1][0].picture)


def test_formula_lists_the_largest_weights_with_signs():
    u = netview.Unit(1, 0, np.zeros((2, 2)), np.array([0.5, -1.25, 0.01]), -0.1, 0.0, "", 1.0)
    assert netview.formula(u, ["x₁", "x₂", "x₁x₂"], "tanh") == "tanh(−1.25·x₂ + 0.50·x₁ + 0.01·x₁x₂ − 0.10)"
    assert netview.formula(u, ["a", "b", "c"], "relu", most=1) == "relu(−1.25·b + … (2) − 0.10)"
    assert netview.formula(u, ["a", "b", "c"], "", most=2) == "−1.25·b + 0.50·a + … (1) − 0.10"
