"""The loss landscape of a trained network (optviz.landscape): the centre is the network's loss, every
grid point the loss of the network with those weights, filter normalisation as Li et al. define it,
the PCA plane reproduces a path lying in it."""
import math

import numpy as np
import pytest

from optviz import datasets, landscape as ls, optimizers
from optviz.mlp import MLP
from optviz.training import train


@pytest.fixture(scope="module")
def trained():
    X, y = datasets.make("moons", 80, noise=0.1, seed=0)
    m = MLP([2, 6, 5, 2], activation="tanh", loss="cross_entropy", seed=0)
    train(m, X, y, optimizers.get("adam", lr=0.03), 30, batch_size=16, seed=0)
    return m, X, y


def test_the_centre_of_the_landscape_is_the_trained_network_s_loss(trained):
    m, X, y = trained
    plane = ls.random_plane(m, seed=3)
    land = ls.surface(m, X, y, plane, n=5, alphas=np.linspace(-1, 1, 5), betas=np.linspace(-1, 1, 5))
    assert land.loss[2, 2] == pytest.approx(m.loss_value(m.predict(X), y), rel=1e-12)
    assert land.centre_loss == pytest.approx(m.loss_value(m.predict(X), y), rel=1e-12)


@pytest.mark.parametrize("loss,act", [("cross_entropy", "relu"), ("mse", "sigmoid"), ("cross_entropy", "gelu")])
def test_every_grid_point_is_the_loss_of_the_network_with_those_weights(loss, act, rng):
    X = rng.standard_normal((30, 2))
    y = rng.integers(0, 3, 30) if loss == "cross_entropy" else rng.standard_normal((30, 3))
    m = MLP([2, 7, 4, 3], activation=act, loss=loss, seed=1)
    plane = ls.random_plane(m, seed=0)
    alphas, betas = np.array([-0.7, 0.0, 0.4]), np.array([-1.0, 0.3])
    land = ls.surface(m, X, y, plane, alphas=alphas, betas=betas)
    for j, b in enumerate(betas):
        for i, a in enumerate(alphas):
            other = ls.with_weights(m, plane.centre + a * plane.d1 + b * plane.d2)
            assert land.loss[j, i] == pytest.approx(other.loss_value(other.predict(X), y), rel=1e-10)


def test_chunks_do_not_change_the_result(trained, monkeypatch):
    m, X, y = trained
    plane = ls.random_plane(m)
    whole = ls.surface(m, X, y, plane, n=7)
    monkeypatch.setattr(ls, "CHUNK_FLOATS", 1)  # one grid point at a time
    seen = []
    parts = ls.surface(m, X, y, plane, n=7, on_progress=lambda d, t: seen.append((d, t)))
    np.testing.assert_allclose(parts.loss, whole.loss, rtol=1e-12)
    assert seen[-1] == (49, 49) and len(seen) == 49


def test_filter_normalisation_gives_each_filter_the_trained_filter_s_norm(trained):
    m, _, _ = trained
    d = ls.filter_normalized(m, seed=5)
    for (W, b), (dW, db) in zip(m.params, ls._split(m, d)):
        np.testing.assert_allclose(np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
        assert not db.any()
    assert not np.allclose(d, ls.filter_normalized(m, seed=6))


def test_the_pca_plane_reproduces_a_path_that_lies_in_a_plane(rng):
    P = 40
    e1, e2 = np.linalg.qr(rng.standard_normal((P, 2)))[0].T
    t = np.linspace(0, 1, 25)
    centre = rng.standard_normal(P)
    u, v = 3 * (1 - t) ** 2, np.sin(4 * t) * (1 - t)  # a curved path ending at the centre
    path = centre + u[:, None] * e1 + v[:, None] * e2
    plane = ls.pca_plane(path)
    np.testing.assert_allclose(plane.centre, path[-1])
    back = plane.centre + plane.path[:, :1] * plane.d1 + plane.path[:, 1:] * plane.d2
    np.testing.assert_allclose(back, path, atol=1e-10)
    assert sum(plane.explained) == pytest.approx(1.0)
    assert abs(plane.d1 @ plane.d2) < 1e-10 and np.linalg.norm(plane.d1) == pytest.approx(1.0)
    np.testing.assert_allclose(plane.path[-1], 0, atol=1e-12)


def test_two_runs_share_one_plane_through_the_first_run_s_end(rng):
    start = rng.standard_normal(10)
    a = start + np.outer(np.linspace(0, 1, 6), rng.standard_normal(10))
    b = start + np.outer(np.linspace(0, 1, 6), rng.standard_normal(10))
    plane, paths = ls.joint_pca_plane([a, b])
    np.testing.assert_allclose(plane.centre, a[-1])
    np.testing.assert_allclose(paths[0][0], paths[1][0])  # the same start, the same point
    np.testing.assert_allclose(paths[0][-1], 0, atol=1e-12)


def test_too_few_points_or_too_much_work_is_refused(trained):
    m, _, _ = trained
    with pytest.raises(ValueError, match="at least 3"):
        ls.pca_plane(np.zeros((2, 5)))
    big = MLP([2] + [256] * 6 + [3], seed=0)
    assert ls.seconds(big, 2000) > 10 > ls.seconds(m, 400)  # refused by the page / allowed
    assert math.isfinite(ls.seconds(m, 400))


def test_the_path_recorder_stays_bounded_and_spread_over_the_run():
    rec = ls.PathRecorder(n_params=10, max_points=8)
    for epoch in range(100):
        rec.add(epoch, np.full(10, float(epoch)))
    assert len(rec.points) <= 8 and rec.epochs[0] == 0 and rec.epochs[-1] >= 64
    assert rec.epochs == sorted(rec.epochs) and len(set(np.diff(rec.epochs))) == 1  # evenly spaced
    path = rec.trajectory(np.full(10, 100.0))
    assert path.shape == (len(rec.points) + 1, 10) and path[-1, 0] == 100.0
    assert ls.PathRecorder(n_params=330_000).limit == 3 and ls.PathRecorder(n_params=2_000).limit == 200
    assert ls.PathRecorder(n_params=10**9).limit == 3  # always enough for a plane


def test_a_comparison_records_each_run_s_path_from_the_shared_start():
    from optviz.training import compare
    X, y = datasets.make("moons", 60, noise=0.1, seed=0)
    m = MLP([2, 5, 2], activation="tanh", loss="cross_entropy", seed=0)
    runs = compare(m, {"sgd": optimizers.get("sgd", lr=0.1), "adam": optimizers.get("adam", lr=0.05)}, X, y, 12,
                   batch_size=20, seed=0, record=True)
    for r in runs:
        assert r.path.shape == (13, m.n_params)
        np.testing.assert_array_equal(r.path[0], ls.flat(m))  # the same initial weights
        np.testing.assert_array_equal(r.path[-1], ls.flat(r.model))  # its trained weights
    plane, paths = ls.joint_pca_plane([r.path for r in runs])
    np.testing.assert_allclose(paths[0][0], paths[1][0])
    assert compare(m, {"sgd": optimizers.get("sgd", lr=0.1)}, X, y, 2)[0].path is None
