"""1-D gradient descent: iterates against the closed form, regimes against what the iterates do."""
import numpy as np
import pytest

from optviz import onedim


def test_quadratic_descent_follows_the_closed_form():
    a, lr, x0 = 1.5, 0.2, 3.0
    xs, div = onedim.descend("quadratic", x0, lr, 20, a=a)
    np.testing.assert_allclose(xs, x0 * (1 - 2 * a * lr) ** np.arange(21), rtol=1e-12)
    assert div == -1


@pytest.mark.parametrize("name", onedim.FUNCTIONS)
def test_derivatives_match_central_differences(name):
    x, h = np.linspace(-2, 2, 41), 1e-5
    f = lambda z: onedim.f(name, z, 0.7)  # noqa: E731
    df = lambda z: onedim.df(name, z, 0.7)  # noqa: E731
    np.testing.assert_allclose(onedim.df(name, x, 0.7), (f(x + h) - f(x - h)) / (2 * h), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(onedim.d2f(name, x, 0.7), (df(x + h) - df(x - h)) / (2 * h), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("lr,expected", [(0.01, "slow"), (0.1, "slow"), (0.3, "good"), (0.5, "good"),
                                         (0.75, "oscillating"), (1.0, "edge"), (1.2, "diverging")])
def test_regimes_for_x_squared(lr, expected):
    # f = x², f'' = 2: 1/f'' = 0.5 (one step to the minimum), 2/f'' = 1 (edge of stability)
    assert onedim.regime(lr, 2.0) == expected
    assert onedim.thresholds(2.0) == (0.5, 1.0)


@pytest.mark.parametrize("a", [0.25, 1.0, 3.7])
@pytest.mark.parametrize("r", [0.05, 0.6, 1.0, 1.5, 2.0, 2.3])
def test_named_regime_matches_what_the_iterates_do(a, r):
    """Name from the closed form, behaviour from the simulation: they must agree."""
    lr = r / (2 * a)
    xs, _ = onedim.descend("quadratic", 2.0, lr, 30, a=a)
    name = onedim.regime(lr, 2 * a)
    dist, signs = np.abs(xs), np.sign(xs[:-1]) * np.sign(xs[1:])
    if name in ("slow", "good"):
        assert np.all(signs[np.abs(xs[1:]) > 1e-12] >= 0) and dist[-1] < dist[0]  # one side, closer
        assert (dist[1] / dist[0] >= 0.8) == (name == "slow")
    elif name == "oscillating":
        assert np.all(signs < 0) and np.all(np.diff(dist) < 0)  # sides alternate, closer each time
    elif name == "edge":
        assert np.all(signs < 0)
        np.testing.assert_allclose(dist, 2.0, rtol=1e-9)  # the same height for ever
    else:
        assert name == "diverging" and np.all(np.diff(dist) > 0)


def test_vectorized_lrs_and_divergence():
    lrs = np.array([0.1, 0.9, 1.1])
    xs, div = onedim.descend("quadratic", 1.0, lrs, 200)
    assert div[0] == -1 and div[1] == -1 and div[2] > 0
    assert np.isnan(xs[-1, 2]) and abs(xs[-1, 1]) < 1e-6
    # |1 − 2.2|^k exceeds 1e6 first at k = ceil(log 1e6 / log 1.2)
    assert div[2] == int(np.ceil(np.log(1e6) / np.log(1.2)))


def test_vectorized_runs_equal_single_runs():
    lrs = np.array([0.01, 0.05, 0.2])
    xs, _ = onedim.descend("nonconvex", 2.0, lrs, 40, sched="cosine")
    for i, lr in enumerate(lrs):
        np.testing.assert_array_equal(xs[:, i], onedim.descend("nonconvex", 2.0, lr, 40, sched="cosine")[0])


def test_schedules():
    t = np.arange(5)
    np.testing.assert_allclose(onedim.schedule("step", 1.0, t, 10, drop_every=2), [1, 1, .5, .5, .25])
    np.testing.assert_allclose(onedim.schedule("exponential", 2.0, t, 10, gamma=0.5), 2 * 0.5**t)
    np.testing.assert_allclose(onedim.schedule("cosine", 1.0, [0, 5, 10], 10), [1, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(onedim.schedule("constant", 0.3, t, 10), 0.3)
    with pytest.raises(ValueError, match="unknown schedule"):
        onedim.schedule("warm", 1, 0, 1)


def test_scheduled_descent_uses_the_rate_of_each_step():
    xs, _ = onedim.descend("quadratic", 1.0, 0.4, 25, sched="step")
    rates = onedim.schedule("step", 0.4, np.arange(25), 25)
    np.testing.assert_allclose(xs[1:] / xs[:-1], 1 - 2 * rates, rtol=1e-12)  # x_{t+1} = (1 − η_t f'') x_t


def test_nonconvex_minima_are_where_the_derivative_vanishes():
    mins = onedim.minima("nonconvex")
    assert len(mins) == 2
    np.testing.assert_allclose(onedim.df("nonconvex", mins), 0, atol=1e-9)
    grid = np.linspace(-3, 3, 60001)
    x, fx = onedim.minimum("nonconvex")
    assert fx <= onedim.f("nonconvex", grid).min() + 1e-12
    assert x == mins[0] < 0 < mins[1]  # the global minimum is the left one; x ≈ 1.13 is only local
    with pytest.raises(ValueError, match="unknown function"):
        onedim.f("cubic", 1.0)


@pytest.mark.parametrize("x0,lr,expected,side", [
    (-1.5, 0.05, "good", -1), (1.5, 0.005, "slow", 1), (1.5, 0.2, "oscillating", 1),
    (-1.5, 0.15, "bouncing", -1), (1.5, 0.25, "bouncing", 1), (-1.5, 0.3, "diverging", None)])
def test_nonconvex_regime_by_local_curvature(x0, lr, expected, side):
    xs, div = onedim.descend("nonconvex", x0, lr, 200)
    name, x_star, curv = onedim.local_regime("nonconvex", lr, xs)
    assert name == expected and (side is None or np.sign(x_star) == side)
    assert curv == pytest.approx(12 * x_star**2 - 6)
    if name == "bouncing":  # bounded, never settling: the last steps stay apart
        assert div == -1 and abs(xs[-1] - xs[-2]) > 0.1
    if name in ("good", "oscillating"):
        assert abs(xs[-1] - x_star) < 1e-8
    if name == "oscillating":
        assert np.sign(xs[-3] - x_star) != np.sign(xs[-4] - x_star)


def test_local_regime_of_the_quadratic_is_the_closed_form():
    for lr in (0.05, 0.3, 0.7, 1.0, 1.01, 3.0):
        xs, _ = onedim.descend("quadratic", 2.0, lr, 30)
        assert onedim.local_regime("quadratic", lr, xs) == (onedim.regime(lr, 2.0), 0.0, 2.0)


def test_loss_gap_and_schedule_comparison():
    assert onedim.loss_gap("nonconvex", onedim.minima("nonconvex")[1]) == pytest.approx(
        onedim.f("nonconvex", onedim.minima("nonconvex")[1]) - onedim.f("nonconvex", onedim.minima("nonconvex")[0]))
    runs = onedim.compare_schedules("quadratic", 2.0, 0.95, 50)
    assert list(runs) == list(onedim.SCHEDULES)
    rates, gaps = runs["constant"]
    np.testing.assert_allclose(gaps, 4.0 * (1 - 1.9) ** (2 * np.arange(51)), rtol=1e-9)  # f = x², x_k = 2·(−0.9)^k
    assert all(runs[s][1][-1] < gaps[-1] for s in ("step", "exponential", "cosine"))  # decay settles sooner here


@pytest.mark.parametrize("x0,lr", [(-1.5, 0.05), (-1.5, 0.15), (1.5, 0.05)])
def test_gap_floor_lies_above_the_rounding_noise_of_converged_runs(x0, lr):
    """Near x* the gap f − f* is 0 or a few ulps of |f*| (4.4e-16 each); the floor must hide that
    noise, and stay far below any gap worth seeing (the start's)."""
    floor = onedim.gap_floor("nonconvex", x0)
    f_star = onedim.minimum("nonconvex")[1]
    assert floor == pytest.approx(1e-15 * max(1.0, x0**4 - 3 * x0**2 + x0 - f_star, abs(f_star)))
    for _, gaps in onedim.compare_schedules("nonconvex", x0, lr, 40).values():
        noise = gaps[np.abs(gaps) <= 4 * np.spacing(abs(f_star))]
        assert np.all(noise < floor)
    assert floor < 1e-12 * onedim.loss_gap("nonconvex", x0)


def test_gap_floor_of_the_quadratic_scales_with_the_start():
    assert onedim.gap_floor("quadratic", 2.5, a=1.0) == pytest.approx(6.25e-15)  # f(x0) − f* = 6.25
    assert onedim.gap_floor("quadratic", 0.1, a=1.0) == pytest.approx(1e-15)
