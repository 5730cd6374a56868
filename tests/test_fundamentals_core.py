import numpy as np
import pytest

from optviz import linefit, losses, onedim


# --- one dimension -----------------------------------------------------------------------------

def test_quadratic_descent_follows_the_closed_form():
    a, lr, x0 = 1.5, 0.2, 3.0
    xs, div = onedim.descend("quadratic", x0, lr, 20, a=a)
    np.testing.assert_allclose(xs, x0 * (1 - 2 * a * lr) ** np.arange(21), rtol=1e-12)
    assert div == -1


@pytest.mark.parametrize("name", ["quadratic", "nonconvex"])
def test_derivatives_match_central_differences(name):
    x = np.linspace(-2, 2, 41)
    h = 1e-6
    np.testing.assert_allclose(onedim.df(name, x, 0.7), (onedim.f(name, x + h, 0.7) - onedim.f(name, x - h, 0.7)) / (2 * h),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("lr,expected", [(0.01, "slow"), (0.3, "good"), (0.5, "good"), (0.75, "oscillating"),
                                         (1.0, "edge"), (1.2, "diverging")])
def test_regimes_for_a_equal_one(lr, expected):
    # f = x², f'' = 2: 1/f'' = 0.5 (one step to the minimum), 2/f'' = 1 (edge of stability)
    assert onedim.regime(lr, 1.0) == expected
    assert onedim.thresholds(1.0) == (0.5, 1.0)


def test_vectorized_lrs_and_divergence():
    lrs = np.array([0.1, 0.9, 1.1])
    xs, div = onedim.descend("quadratic", 1.0, lrs, 200)
    assert div[0] == -1 and div[1] == -1 and div[2] > 0
    assert np.isnan(xs[-1, 2]) and abs(xs[-1, 1]) < 1e-6
    # |1 − 2.2|^k exceeds 1e6 first at k = ceil(log 1e6 / log 1.2)
    assert div[2] == int(np.ceil(np.log(1e6) / np.log(1.2)))


def test_schedules():
    t = np.arange(5)
    np.testing.assert_allclose(onedim.schedule("step", 1.0, t, 10, drop_every=2), [1, 1, .5, .5, .25])
    np.testing.assert_allclose(onedim.schedule("exponential", 2.0, t, 10, gamma=0.5), 2 * 0.5**t)
    np.testing.assert_allclose(onedim.schedule("cosine", 1.0, [0, 5, 10], 10), [1, 0.5, 0], atol=1e-12)
    with pytest.raises(ValueError, match="unknown schedule"):
        onedim.schedule("warm", 1, 0, 1)


# --- line fitting ------------------------------------------------------------------------------

def test_least_squares_equals_polyfit():
    x, y = linefit.make_line(2.0, -1.0, 0.5, 60, seed=3)
    np.testing.assert_allclose(linefit.least_squares(x, y), np.polyfit(x, y, 1), rtol=1e-10)


def test_gradient_matches_finite_differences():
    x, y = linefit.make_line(1.0, 2.0, 1.0, 30, seed=1)
    a, b, h = 0.3, -0.4, 1e-6
    num = [(linefit.mse(x, y, a + h, b) - linefit.mse(x, y, a - h, b)) / (2 * h),
           (linefit.mse(x, y, a, b + h) - linefit.mse(x, y, a, b - h)) / (2 * h)]
    np.testing.assert_allclose(linefit.grad(x, y, a, b), num, rtol=1e-6)


def test_gradient_descent_converges_to_the_closed_form():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 50, seed=0)
    fit = linefit.fit_gd(x, y, "sgd", epochs=300, lr=0.1)
    np.testing.assert_allclose(fit.path[-1], linefit.least_squares(x, y), atol=1e-6)
    assert fit.updates_per_epoch == 1 and fit.seen[-1] == 300 * 50


def test_mini_batch_of_n_equals_full_batch_exactly():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 40, seed=2)
    full = linefit.fit_gd(x, y, "momentum", epochs=20, lr=0.05)
    same = linefit.fit_gd(x, y, "momentum", epochs=20, batch_size=40, lr=0.05)
    np.testing.assert_array_equal(full.path, same.path)


def test_batch_modes_count_updates_and_noise():
    x, y = linefit.make_line(2.0, 1.0, 1.0, 40, seed=2)
    sgd = linefit.fit_gd(x, y, "sgd", epochs=2, batch_size=1, lr=0.01)
    mini = linefit.fit_gd(x, y, "sgd", epochs=2, batch_size=8, lr=0.01)
    assert sgd.updates_per_epoch == 40 and len(sgd.path) == 81 and mini.updates_per_epoch == 5
    assert sgd.grad_noise > mini.grad_noise > 0


# --- losses --------------------------------------------------------------------------------------

def test_losses_match_the_course_examples():
    # ゼロから作る 4.2: t = "2" one-hot, y with 0.6 on the right class → SSE 0.0975, CE 0.510825457
    y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
    t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert losses.sum_squares(y, t) == pytest.approx(0.0975)
    assert losses.cross_entropy(y, 2) == pytest.approx(0.510825457, rel=1e-6)
    y2 = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0]
    assert losses.sum_squares(y2, t) == pytest.approx(0.5975)
    assert losses.cross_entropy(y2, 2) == pytest.approx(2.302584092, rel=1e-6)


def test_loss_gradients_match_finite_differences():
    p = np.array([0.2, 0.5, 0.3])
    t = np.array([0.0, 1.0, 0.0])
    h = 1e-7
    for i in range(3):
        e = np.eye(3)[i] * h
        np.testing.assert_allclose(losses.mse_grad(p, t)[i], (losses.mse(p + e, t) - losses.mse(p - e, t)) / (2 * h), rtol=1e-5)
        np.testing.assert_allclose(losses.cross_entropy_grad(p, 1)[i],
                                   (losses.cross_entropy(p + e, 1) - losses.cross_entropy(p - e, 1)) / (2 * h),
                                   rtol=1e-5, atol=1e-6)


def test_accuracy_is_a_step_function_of_w_but_cross_entropy_is_smooth():
    x, y = losses.toy_classification()
    ws = np.linspace(-3, 3, 601)
    acc, ce = losses.accuracy_and_loss_vs_w(x, y, ws)
    d_acc = np.diff(acc)
    assert np.mean(d_acc == 0) > 0.9  # flat almost everywhere: zero gradient
    assert np.all(np.diff(ce)[ws[:-1] > 0.5] != 0)  # the loss changes everywhere


def test_nonconvex_minimum_is_where_the_derivative_vanishes_and_lowest():
    x, fx = onedim.minimum("nonconvex")
    assert abs(onedim.df("nonconvex", x)) < 1e-9
    grid = np.linspace(-3, 3, 60001)
    assert fx <= onedim.f("nonconvex", grid).min() + 1e-12
    assert x < 0  # the global minimum is the left one; the right one (x ≈ 1.13) is only local
