import numpy as np
import pytest

from optviz import surfaces

KNOWN_MIN_VALUE = {  # published values of each test function at its global minimum
    "quadratic": 0.0, "quadratic_book": 0.0, "rosenbrock": 0.0, "beale": 0.0, "himmelblau": 0.0,
    "rastrigin": 0.0, "booth": 0.0, "ackley": 0.0, "six_hump_camel": -1.0316284534898774,
}


@pytest.mark.parametrize("surface", surfaces.ALL, ids=lambda s: s.id)
def test_gradient_matches_central_differences(surface, rng):
    (x0, x1), (y0, y1) = surface.view
    x = rng.uniform(x0, x1, 200)
    y = rng.uniform(y0, y1, 200)
    h = 1e-6
    gx = (surface.f(x + h, y) - surface.f(x - h, y)) / (2 * h)
    gy = (surface.f(x, y + h) - surface.f(x, y - h)) / (2 * h)
    ax, ay = surface.grad(x, y)
    scale = 1 + np.abs(surface.f(x, y))
    np.testing.assert_allclose(ax, gx, rtol=1e-6, atol=1e-6 * scale.max())
    np.testing.assert_allclose(ay, gy, rtol=1e-6, atol=1e-6 * scale.max())


@pytest.mark.parametrize("surface", [s for s in surfaces.ALL if s.minima], ids=lambda s: s.id)
def test_global_minima_have_the_published_value_and_zero_gradient(surface):
    for mx, my in surface.minima:
        assert surface.f(np.float64(mx), np.float64(my)) == pytest.approx(
            KNOWN_MIN_VALUE[surface.id], abs=1e-9)
        g = surface.grad(np.float64(mx), np.float64(my))
        assert np.hypot(*g) < 1e-6


@pytest.mark.parametrize("surface", [s for s in surfaces.ALL if s.minima], ids=lambda s: s.id)
def test_no_grid_point_in_view_is_below_the_global_minimum(surface):
    (x0, x1), (y0, y1) = surface.view
    X, Y = np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301))
    assert surface.f(X, Y).min() >= surface.min_value - 1e-9


@pytest.mark.parametrize("surface", [s for s in surfaces.ALL if s.local_minima], ids=lambda s: s.id)
def test_listed_local_minima_are_stationary_with_a_positive_definite_hessian(surface):
    m = np.array(surface.local_minima)
    x, y = m[:, 0], m[:, 1]
    assert np.hypot(*surface.grad(x, y)).max() < 1e-5
    assert (surface.f(x, y) > surface.min_value).all()
    h = 1e-5  # Hessian by central differences of the analytic gradient
    hxx = (surface.grad(x + h, y)[0] - surface.grad(x - h, y)[0]) / (2 * h)
    hyy = (surface.grad(x, y + h)[1] - surface.grad(x, y - h)[1]) / (2 * h)
    hxy = (surface.grad(x, y + h)[0] - surface.grad(x, y - h)[0]) / (2 * h)
    assert (hxx > 0).all() and (hxx * hyy - hxy * hxy > 0).all()
    # and no two listed minima are the same point
    assert len(np.unique(np.round(m, 6), axis=0)) == len(m)


def test_rastrigin_lists_a_local_minimum_in_every_unit_cell_of_its_view():
    s = surfaces.get("rastrigin")
    assert len(s.local_minima) == 11 * 11 - 1
    m = np.array(s.local_minima)
    np.testing.assert_array_equal(np.unique(np.round(m[:, 0])), np.arange(-5, 6))
    assert (np.abs(m) <= np.abs(np.round(m))).all()  # each lies a little closer to 0 than its integer


def test_stability_limit_is_two_over_largest_hessian_eigenvalue():
    assert surfaces.get("quadratic").stability_limit == pytest.approx(0.1)
    assert surfaces.get("quadratic_book").stability_limit == pytest.approx(1.0)
    assert surfaces.get("booth").stability_limit == pytest.approx(2 / 18)
    assert surfaces.get("saddle").stability_limit is None  # not positive definite
    assert surfaces.get("rosenbrock").stability_limit is None


@pytest.mark.parametrize("sid", ["quadratic", "quadratic_book", "booth", "saddle"])
def test_stated_hessian_matches_finite_differences(sid):
    s = surfaces.get(sid)
    h = 1e-4
    x, y = np.float64(0.3), np.float64(-0.7)
    H = np.array([
        [(s.grad(x + h, y)[i] - s.grad(x - h, y)[i]) / (2 * h) for i in range(2)],
        [(s.grad(x, y + h)[i] - s.grad(x, y - h)[i]) / (2 * h) for i in range(2)],
    ]).T
    np.testing.assert_allclose(H, np.array(s.hessian), atol=1e-6)


def test_unknown_surface_names_the_valid_ids():
    with pytest.raises(ValueError, match="rosenbrock") as e:
        surfaces.get("rosenbrok")
    assert "rosenbrok" in str(e.value)


def test_required_ids_are_registered():
    for sid in ["quadratic", "quadratic_book", "rosenbrock", "beale", "himmelblau", "rastrigin",
                "saddle", "booth", "ackley", "six_hump_camel"]:
        assert surfaces.get(sid).id == sid


def test_distance_to_minimum_picks_the_nearest_of_several():
    s = surfaces.get("himmelblau")
    d = s.distance_to_minimum(np.array([3.0, -2.8]), np.array([2.5, 3.1]))
    np.testing.assert_allclose(d, [0.5, np.hypot(0.005118086952745, 0.031312518250573)], rtol=1e-9)


def test_numeric_gradient_matches_analytic(rng):
    s = surfaces.get("beale")
    x, y = rng.uniform(-2, 2, 50), rng.uniform(-1, 1, 50)
    gx, gy = surfaces.numeric_gradient(s.f)(x, y)
    ax, ay = s.grad(x, y)
    np.testing.assert_allclose(gx, ax, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(gy, ay, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("sid", [s.id for s in surfaces.ALL if s.hessian is not None])
def test_a_quadratic_is_its_second_order_taylor_expansion_with_the_hessian_read_off_its_gradient(sid):
    # the Hessian comes from the gradient (constant_hessian); checked here against f itself
    s = surfaces.get(sid)
    p = np.random.default_rng(1).uniform(-3, 3, (50, 2))
    H, g0 = np.array(s.hessian), np.array(s.grad(0.0, 0.0), dtype=float)
    taylor = s.value(0.0, 0.0) + p @ g0 + 0.5 * np.einsum("ki,ij,kj->k", p, H, p)
    np.testing.assert_allclose(s.value(p[:, 0], p[:, 1]), taylor, rtol=1e-12, atol=1e-12)
    assert sid in ("quadratic", "quadratic_book", "booth", "saddle")  # the registry's quadratics
