"""Line fitting: the closed form against numpy.polyfit, gradient descent against the closed form and
against a plain reference loop, the batch modes' bookkeeping."""
import numpy as np
import pytest

from optviz import linefit, optimizers


def reference_fit(x, y, optimizer, epochs, batch_size, seed=0, **hp):
    """The textbook loop, one numpy gradient per batch: what fit_gd must reproduce."""
    opt = optimizers.get(optimizer, **hp)
    rng = np.random.default_rng(seed)
    n = len(x)
    p = np.zeros(2)
    state, path = opt.init(p), [p]
    for _ in range(epochs):
        order = rng.permutation(n) if batch_size < n else np.arange(n)
        for s in range(0, n, batch_size):
            idx = order[s:s + batch_size]
            p, state = opt.update(p, linefit.grad(x[idx], y[idx], *p), state)
            path.append(p)
    return np.array(path)


@pytest.mark.parametrize("n,noise,seed", [(60, 0.5, 3), (2, 1.0, 0), (500, 3.0, 7)])
def test_least_squares_equals_polyfit(n, noise, seed):
    x, y = linefit.make_line(2.0, -1.0, noise, n, seed=seed)
    np.testing.assert_allclose(linefit.least_squares(x, y), np.polyfit(x, y, 1), rtol=1e-9, atol=1e-12)


def test_least_squares_recovers_the_line_without_noise_and_passes_through_two_points():
    x, y = linefit.make_line(-1.5, 0.25, 0.0, 30, seed=4)
    np.testing.assert_allclose(linefit.least_squares(x, y), [-1.5, 0.25], rtol=1e-12)
    x, y = linefit.make_line(2.0, 1.0, 1.0, 2, seed=0)
    assert linefit.mse(x, y, *linefit.least_squares(x, y)) < 1e-25
    with pytest.raises(ValueError, match="two different x"):
        linefit.least_squares(np.ones(5), np.arange(5.0))


def test_gradient_matches_finite_differences():
    x, y = linefit.make_line(1.0, 2.0, 1.0, 30, seed=1)
    a, b, h = 0.3, -0.4, 1e-6
    num = [(linefit.mse(x, y, a + h, b) - linefit.mse(x, y, a - h, b)) / (2 * h),
           (linefit.mse(x, y, a, b + h) - linefit.mse(x, y, a, b - h)) / (2 * h)]
    np.testing.assert_allclose(linefit.grad(x, y, a, b), num, rtol=1e-6)


def test_mse_along_a_path_equals_the_direct_mean():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 80, seed=5)
    path = np.random.default_rng(0).normal(size=(50, 2)) * 3
    np.testing.assert_allclose(linefit.mse_along(x, y, path), linefit.mse(x, y, path[:, 0], path[:, 1]), rtol=1e-10)
    x0, y0 = np.full(4, 2.0), np.arange(4.0)  # no unique least-squares point: evaluated directly
    np.testing.assert_allclose(linefit.mse_along(x0, y0, path), linefit.mse(x0, y0, path[:, 0], path[:, 1]))


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.1), ("momentum", 0.05), ("adam", 0.05)])
def test_gradient_descent_converges_to_the_closed_form(optimizer, lr):
    x, y = linefit.make_line(2.0, 1.0, 1.0, 50, seed=0)
    fit = linefit.fit_gd(x, y, optimizer, epochs=2000, lr=lr)
    np.testing.assert_allclose(fit.path[-1], linefit.least_squares(x, y), atol=1e-5)
    assert fit.updates_per_epoch == 1 and fit.seen[-1] == 2000 * 50 and not fit.diverged


@pytest.mark.parametrize("batch_size", [1, 7, 40])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_fit_equals_the_textbook_loop(batch_size, optimizer):
    x, y = linefit.make_line(2.0, 1.0, 1.0, 40, seed=2)
    fit = linefit.fit_gd(x, y, optimizer, epochs=3, batch_size=batch_size, seed=9, lr=0.01)
    ref = reference_fit(x, y, optimizer, 3, batch_size, seed=9, lr=0.01)
    np.testing.assert_allclose(fit.path, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fit.loss, linefit.mse(x, y, ref[:, 0], ref[:, 1]), rtol=1e-9)


def test_mini_batch_of_n_equals_full_batch_exactly():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 40, seed=2)
    full = linefit.fit_gd(x, y, "momentum", epochs=20, lr=0.05)
    same = linefit.fit_gd(x, y, "momentum", epochs=20, batch_size=40, lr=0.05)
    np.testing.assert_array_equal(full.path, same.path)
    assert full.grad_noise == 0.0


def test_batch_modes_count_updates_and_examples():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 40, seed=2)
    sgd = linefit.fit_gd(x, y, "sgd", epochs=2, batch_size=1, lr=0.01)
    mini = linefit.fit_gd(x, y, "sgd", epochs=2, batch_size=16, lr=0.01)  # batches of 16, 16, 8
    assert sgd.updates_per_epoch == 40 and sgd.updates == 80 and len(sgd.path) == 81
    assert mini.updates_per_epoch == 3 and list(mini.seen) == [0, 16, 32, 40, 56, 72, 80]


def test_gradient_noise_matches_sampling_theory():
    """Standing still (tiny lr), the mean squared deviation of a batch gradient of B examples drawn
    without replacement from n is (1/B)·(n − B)/(n − 1)·tr Σ, Σ the per-example gradients' covariance."""
    x, y = linefit.make_line(2.0, 1.0, 1.0, 60, seed=3)
    per_example = np.stack([linefit.grad(x[i:i + 1], y[i:i + 1], 0.0, 0.0) for i in range(60)])
    trace = per_example.var(axis=0).sum()
    for B in (1, 6):  # 6 divides 60, so every batch has B examples
        fit = linefit.fit_gd(x, y, "sgd", epochs=400, batch_size=B, seed=1, lr=1e-12)
        expected = trace / B * (60 - B) / 59
        assert fit.grad_noise**2 == pytest.approx(expected, rel=0.05)


def test_divergence_stops_the_run_and_thinning_keeps_the_ends():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 30, seed=0)
    bad = linefit.fit_gd(x, y, "sgd", epochs=500, lr=0.9)
    assert bad.diverged and bad.updates < 500
    long = linefit.fit_gd(x, y, "sgd", epochs=100, batch_size=1, lr=0.01)
    thin = long.thinned(300)
    assert len(thin.path) <= 300 and thin.update[-1] == long.updates == 3000
    np.testing.assert_array_equal(thin.path[-1], long.path[-1])
    np.testing.assert_array_equal(thin.loss, long.loss[thin.update])


def test_errors_are_for_people():
    x, y = linefit.make_line(n=10)
    with pytest.raises(ValueError, match="at least 1"):
        linefit.fit_gd(x, y, batch_size=0, lr=0.1)
    with pytest.raises(ValueError, match="more than"):
        linefit.fit_gd(x, y, epochs=10**6, batch_size=1, lr=0.1)
    with pytest.raises(ValueError, match="unknown optimizer"):
        linefit.fit_gd(x, y, "adm")
    with pytest.raises(ValueError, match="n must be"):
        linefit.make_line(n=1)


def test_shown_loss_prints_rounding_of_an_exact_fit_as_zero():
    x, y = linefit.make_line(2.0, 1.0, 0.0, 30, 0)  # no noise: the least-squares MSE is 0
    start = float(np.mean(y**2))  # the MSE at (a, b) = (0, 0)
    floor = float(linefit.mse(x, y, *linefit.least_squares(x, y)))
    assert 0 <= floor < 1e-25
    assert linefit.shown_loss(floor, start) == 0.0
    assert linefit.shown_loss(2e-12 * start, start) == 2e-12 * start  # a real, small loss stays
