import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import optviz
from optviz import expr, surfaces


@pytest.mark.parametrize("text,ref", [
    ("x**2 + 10*y**2", lambda x, y: x**2 + 10 * y**2),
    ("x^2 + 10*y^2", lambda x, y: x**2 + 10 * y**2),
    ("sin(x)*cos(y) + 0.1*(x**2+y**2)", lambda x, y: np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2)),
    ("-exp(-(x**2 + y**2)/2) / sqrt(2*pi)", lambda x, y: -np.exp(-(x**2 + y**2) / 2) / np.sqrt(2 * np.pi)),
    ("abs(x) + tanh(y) - e", lambda x, y: np.abs(x) + np.tanh(y) - np.e),
    ("x**-2 + 3", lambda x, y: x**-2.0 + 3),
    ("7", lambda x, y: 7 + 0 * x),
])
def test_expressions_evaluate_like_numpy(text, ref, rng):
    x, y = rng.uniform(0.5, 2, 50), rng.uniform(-2, 2, 50)
    np.testing.assert_allclose(expr.parse(text)(x, y), ref(x, y), rtol=1e-12)


@pytest.mark.parametrize("text,match", [
    ("__import__('os').system('ls')", "unknown function|not allowed"),
    ("x.real", "attribute"),
    ("os", "unknown name 'os'"),
    ("open('f')", "unknown function 'open'"),
    ("x**1000", "too large"),
    ("2**2**10", "plain number"),
    ("x**17", "too large"),
    ("x**y", "plain number"),
    ("[x, y]", "not allowed"),
    ("lambda: 1", "not allowed"),
    ("x if y else 1", "not allowed"),
    ("'text'", "only numbers"),
    ("sin(x, y)", "exactly one argument"),
    ("x +", "cannot read"),
    ("", "empty"),
    ("x+" * 150 + "1", "too long"),
    ("True + x", "only numbers"),
])
def test_unsafe_or_malformed_text_is_refused_with_a_message(text, match):
    with pytest.raises(expr.ExpressionError, match=match):
        expr.parse(text)


def test_custom_surface_runs_with_a_numerical_gradient():
    s = expr.custom_surface("x**2 + 10*y**2")
    ref = surfaces.get("quadratic")
    a = optviz.optimize(s, "sgd", start=(-7, 2), steps=30, lr=0.05)
    b = optviz.optimize(ref, "sgd", start=(-7, 2), steps=30, lr=0.05)
    np.testing.assert_allclose(a.points, b.points, rtol=1e-6, atol=1e-8)
    assert s.numeric_gradient and s.minima == ((0.0, 0.0),)  # a quadratic: its minimum is exact
    assert expr.custom_surface("x**4 + y**2").extra["approx_min"] == (0.0, 0.0)  # else found on a grid


def test_expression_that_is_nowhere_finite_is_refused():
    with pytest.raises(expr.ExpressionError, match="not finite"):
        expr.custom_surface("log(-1 - x**2)")


def test_every_refusal_has_a_code_with_a_message_in_both_catalogs():
    from optviz import i18n
    for code, english in expr.MESSAGES.items():
        assert f"expr.{code}" in i18n.catalog("en") and f"expr.{code}" in i18n.catalog("ja")
    with pytest.raises(expr.ExpressionError) as info:
        expr.parse("__import__('os')")
    assert info.value.code == "function" and info.value.params["name"] == "__import__"


@pytest.mark.parametrize("text,latex", [
    ("x**12 + y**0.5", "x^{12} + y^{0.5}"),
    ("x**2 + 10*y**2", "x^{2} + 10y^{2}"),
    ("y**-2 - (x-1)/(y+2)", r"y^{-2} - \frac{x - 1}{y + 2}"),
    ("sin(x)*cos(y)", r"\sin\left(x\right) \cdot \cos\left(y\right)"),
    ("x - (y - 1)", r"x - \left(y - 1\right)"),
    ("-(x+y)**2", r"-\left(x + y\right)^{2}"),
    ("sqrt(abs(x))*pi", r"\sqrt{\left|x\right|} \cdot \pi"),
    ("2**x + e**(-x**2)", "2^{x} + e^{-x^{2}}"),
])
def test_the_formula_is_set_from_the_parsed_expression(text, latex):
    assert expr.custom_surface(text).latex == latex


def test_a_positive_number_may_be_raised_to_a_variable_power():
    x = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(expr.parse("2**x + e**(-y**2)")(x, x), 2.0**x + np.exp(-x**2), rtol=1e-13)
    with pytest.raises(expr.ExpressionError, match="plain number"):
        expr.parse("(-2)**x")


def test_a_custom_surface_with_a_steep_rim_gets_log_contour_levels_like_the_registrys():
    assert expr.custom_surface("(1-x)**2 + 100*(y-x**2)**2").log_levels  # as the registry's Rosenbrock
    assert expr.custom_surface("x**2 + y**2 + 0.001*x**12").log_levels
    assert not expr.custom_surface("x**2 + 10*y**2").log_levels
    assert not expr.custom_surface("sin(x)*cos(y) + 0.1*(x**2 + y**2)").log_levels


QUADRATICS = ["x**2 + 10*y**2", "(x-1)**2 + 3*(y+2)**2 + x*y", "x/20 + y**2/4 + x**2/20",
              "(x+y)**2/2 + 0.1*(x-y)**2", "0.5*(2*x - y + 1)**2 + y**2 - pi*x", "-(x**2) * -3 + y^2"]


@pytest.mark.parametrize("text", QUADRATICS)
def test_a_typed_quadratic_has_the_hessian_and_minimum_of_its_function(text):
    s = expr.custom_surface(text, view=((-6, 6), (-6, 6)))
    rng = np.random.default_rng(1)
    for x, y in rng.uniform(-3, 3, (5, 2)):  # second differences of f: exact for a quadratic up to rounding
        h = 1e-3
        fxx = (s.f(x + h, y) - 2 * s.f(x, y) + s.f(x - h, y)) / h**2
        fyy = (s.f(x, y + h) - 2 * s.f(x, y) + s.f(x, y - h)) / h**2
        fxy = (s.f(x + h, y + h) - s.f(x + h, y - h) - s.f(x - h, y + h) + s.f(x - h, y - h)) / (4 * h**2)
        np.testing.assert_allclose(np.array(s.hessian), [[fxx, fxy], [fxy, fyy]], atol=1e-5)
    (mx, my), = s.minima
    np.testing.assert_allclose(s.grad(np.float64(mx), np.float64(my)), 0.0, atol=1e-6)
    assert s.f(mx, my) <= s.f(rng.uniform(-6, 6, 1000), rng.uniform(-6, 6, 1000)).min()
    assert s.stability_limit == pytest.approx(2 / np.linalg.eigvalsh(np.array(s.hessian)).max())
    assert "approx_min" not in s.extra


@pytest.mark.parametrize("text,hessian", [("x**2 - y**2", ((2.0, 0.0), (0.0, -2.0))), ("x*y", ((0.0, 1.0), (1.0, 0.0))),
                                          ("(x+1)**2 - x**2 + y**2", ((0.0, 0.0), (0.0, 2.0)))])
def test_a_quadratic_without_a_minimum_has_its_hessian_but_no_limit(text, hessian):
    s = expr.custom_surface(text)
    assert s.hessian == hessian and s.minima == () and s.stability_limit is None
    assert s.quadratic.kind == "unbounded"
    assert "approx_min" not in s.extra  # the grid's lowest point of a surface that falls without end: a corner


# Degenerate and unbounded quadratics, by kind: what they are, and never an infinite minimum or limit
DEGENERATE = {
    "unbounded": [  # zero or subnormal curvature along a slope, negative curvature, saddles, planes
        "1e-320*x**2 + 1e-320*y**2 + x", "1e-320*x**2 + y**2 + x", "1e-300*x**2 + y**2 - 3*x",
        "1e-13*x**2 + y**2 + x", "-x**2 - y**2", "-(x**2) + 1e-320*y**2", "-0.001*x**2 - 5*y**2 + x",
        "x**2 - y**2", "x*y", "x**2 + 3*x*y + y**2", "(x - y)*(x + 2*y) + 7", "x + y", "2*x", "-y/3 + 1",
        "1e-320*x", "(x+1)**2 - x**2 + y**2", "1e-11*x**2 + 1e300*x + y**2"],
    "valley": [  # positive semi-definite and singular, the slope within the curved directions
        "1e-320*x**2 + y**2", "y**2", "(x + y)**2", "(x + y + 1)**2", "1e6*(x - 2*y)**2 + 3",
        "(x + y)**2 + 1e-14*x**2 - 2*(x + y)", "1e-320*x*y + x**2"],
    "flat": ["1e-320*x**2 + 1e-320*y**2", "1e-300*x*y + 1e-320*y**2 - 4", "1e-13*(x**2 + y**2)"],
}


@pytest.mark.parametrize("kind,text", [(k, t) for k, texts in DEGENERATE.items() for t in texts])
def test_a_degenerate_or_unbounded_quadratic_is_said_to_be_so_with_no_infinite_minimum_or_limit(kind, text):
    s = expr.custom_surface(text)
    assert s.minima == () and "approx_min" not in s.extra  # no minimum at ±inf, no star on a corner
    limit = s.stability_limit
    lam_max = np.linalg.eigvalsh(np.array(s.hessian)).max()
    if kind == "valley":  # bounded below with λmax > 0: 2/λmax still holds, and is finite
        assert limit == pytest.approx(2 / lam_max) and np.isfinite(limit)
    else:
        assert limit is None
    assert s.quadratic.kind == kind and s.quadratic.minimum is None
    if kind == "unbounded":  # it does fall without end: along some direction f goes far below f(0)
        f0 = float(s.f(0.0, 0.0))
        far = min(float(s.f(r * np.cos(a), r * np.sin(a)))
                  for a in np.linspace(0, 2 * np.pi, 73) for r in (1e3, 1e6, 1e9))
        assert far < f0 or not np.isfinite(far)


@pytest.mark.parametrize("text", QUADRATICS)
def test_well_posed_quadratics_keep_the_exact_minimum_and_limit(text):
    s = expr.custom_surface(text)
    H = np.array(s.hessian)
    p = expr.polynomial(expr._tree(text))
    g = np.array([p.get((1, 0), 0.0), p.get((0, 1), 0.0)])
    assert s.minima == (tuple(float(v) + 0.0 for v in np.linalg.solve(H, -g)),)  # bit for bit as before
    assert s.stability_limit == 2 / np.linalg.eigvalsh(H).max()
    assert s.quadratic.kind == "minimum"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1e-320, -1e-320, 1e-300, 1e-13, -1e-13, 1e-9, 0.5, -0.5, 1.0, -2.0, 3.0, 1e6,
                                 -1e6, 1e300]), min_size=6, max_size=6))
def test_no_quadratic_ever_reports_an_infinite_or_false_minimum_or_limit(c):
    text = f"{c[0]!r}*x**2 + {c[1]!r}*x*y + {c[2]!r}*y**2 + {c[3]!r}*x + {c[4]!r}*y + {c[5]!r}"
    s = expr.custom_surface(text)
    limit = s.stability_limit
    assert limit is None or (np.isfinite(limit) and limit > 0)
    for mx, my in s.minima:  # a minimum is a finite point where the gradient vanishes, and the lowest
        assert np.isfinite(mx) and np.isfinite(my)
        assert np.linalg.eigvalsh(np.array(s.hessian)).min() > 0
    if s.hessian is None:  # a constant (or coefficients that overflow): no quadratic at all
        assert limit is None and s.quadratic is None
        return
    q = s.quadratic
    assert q.kind in ("minimum", "valley", "flat", "unbounded")
    assert (limit is not None) == (q.kind in ("minimum", "valley"))
    assert bool(s.minima) == (q.kind == "minimum")
    assert "approx_min" not in s.extra


@pytest.mark.parametrize("text", ["sin(x) + y**2", "x**4 + y**2", "2**x + y**2", "x/y + y**2", "x**3",
                                  "(x**2 + y**2)**3", "abs(x) + y**2", "x**2.5 + y**2", "7"])
def test_anything_else_is_no_quadratic(text):
    s = expr.custom_surface(text)
    assert s.hessian is None and s.stability_limit is None
