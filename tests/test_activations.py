import numpy as np
import pytest

from optviz import activations

PARAMS = {"leaky_relu": [{}, {"alpha": 0.2}], "elu": [{}, {"alpha": 0.5}], "swish": [{}, {"beta": 2.0}]}
CASES = [(n, p) for n in activations.NAMES for p in PARAMS.get(n, [{}])]


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_derivative_matches_central_differences_away_from_kinks(name, params, rng):
    a = activations.get(name, **params)
    x = rng.uniform(-6, 6, 500)
    x = x[np.abs(x) > 1e-3]  # step, relu, leaky_relu and elu have a kink at 0
    h = 1e-6
    fd = (a.forward(x + h) - a.forward(x - h)) / (2 * h)
    np.testing.assert_allclose(a.derivative(x), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_stated_max_derivative_and_output_range_match_a_dense_grid(name, params):
    a = activations.get(name, **params)
    x = np.linspace(-30, 30, 600_001)
    d = a.derivative(x)
    assert d.max() == pytest.approx(a.max_derivative, rel=1e-4, abs=1e-12)
    f = a.forward(x)
    lo, hi = a.output_range
    assert f.min() >= lo - 1e-9 and f.max() <= hi + 1e-9
    if np.isfinite(lo) and name not in ("sigmoid", "tanh", "softplus"):
        assert f.min() == pytest.approx(lo, rel=1e-4)  # the bound is attained (ELU tends to it)


def test_classic_values():
    assert activations.get("sigmoid").forward(0.0) == 0.5
    assert activations.get("sigmoid").derivative(0.0) == 0.25
    assert activations.get("tanh").derivative(0.0) == 1.0
    assert activations.get("relu").derivative(0.0) == 0.0  # the convention at the kink
    assert activations.get("step").forward(0.0) == 0.0 and activations.get("step").forward(1e-9) == 1.0
    assert activations.get("leaky_relu").forward(-2.0) == pytest.approx(-0.02)
    assert activations.get("elu").forward(-50.0) == pytest.approx(-1.0)
    assert activations.get("softplus").forward(0.0) == pytest.approx(np.log(2))
    # GELU tanh approximation at 1: 0.5(1 + tanh(√(2/π)(1.044715))) = 0.8411919906
    assert activations.get("gelu").forward(1.0) == pytest.approx(0.8411919906082768, rel=1e-12)
    assert activations.get("swish").forward(1.0) == pytest.approx(1 / (1 + np.exp(-1)), rel=1e-12)


def test_sigmoid_is_stable_for_huge_inputs():
    s = activations.get("sigmoid")
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(s.forward(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        assert np.isfinite(activations.get("softplus").forward(np.array([-1000.0, 1000.0]))).all()


def test_softmax_sums_to_one_and_survives_large_scores():
    p = activations.softmax(np.array([1000.0, 1001.0, 1002.0]))
    np.testing.assert_allclose(p, activations.softmax(np.array([0.0, 1.0, 2.0])))
    assert p.sum() == pytest.approx(1.0)
    assert np.isnan(activations.softmax_naive(np.array([1000.0, 1001.0]))).all()


def test_softmax_temperature_sharpens_and_flattens():
    z = np.array([1.0, 2.0, 3.0])
    assert activations.softmax(z, 0.1).max() > activations.softmax(z).max() > activations.softmax(z, 10).max()
    np.testing.assert_allclose(activations.softmax(z, 2.0), np.exp(z / 2) / np.exp(z / 2).sum())
    with pytest.raises(ValueError, match="temperature"):
        activations.softmax(z, 0)


def test_unknown_names_and_bad_parameters_are_clear():
    with pytest.raises(ValueError, match="unknown activation 'rellu'; choose one of: identity"):
        activations.get("rellu")
    with pytest.raises(ValueError, match="takes no parameter"):
        activations.get("relu", alpha=0.1)
    with pytest.raises(ValueError, match="alpha"):
        activations.get("elu", alpha=-1)


def test_gradient_bound_is_max_derivative_to_the_depth():
    np.testing.assert_allclose(activations.gradient_bound(activations.get("sigmoid"), [1, 2, 10]),
                               [0.25, 0.0625, 0.25**10])
    assert activations.gradient_bound(activations.get("relu"), 30) == 1.0


def test_parse_scores_accepts_numbers_and_explains_bad_input():
    np.testing.assert_array_equal(activations.parse_scores("2, 1.5,-3e2"), [2.0, 1.5, -300.0])
    np.testing.assert_array_equal(activations.parse_scores("1、2"), [1.0, 2.0])  # Japanese comma
    for bad, match, code in [("x, 1", "must be a number", "not_number"), ("", "1 to 12", "count"),
                             ("nan", "finite", "not_finite"), ("1," * 200, "too long", "too_long"),
                             (",".join(["1"] * 13), "1 to 12", "count"), ("1e7, 1", "between", "too_large")]:
        with pytest.raises(ValueError, match=match) as info:
            activations.parse_scores(bad)
        assert info.value.code == code
    # the largest allowed scores at the lowest temperature still give probabilities
    p = activations.softmax(activations.parse_scores("1e6, -1e6, 999999"), 0.05)
    assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0)


# --- metadata added for the activations page ---------------------------------------------------------

@pytest.mark.parametrize("name,params", CASES + [("leaky_relu", {"alpha": 0.0}), ("elu", {"alpha": 0.0})],
                         ids=[f"{n}{p}" for n, p in CASES] + ["leaky_relu-alpha0", "elu-alpha0"])
def test_dead_region_matches_where_the_derivative_is_exactly_zero(name, params):
    a = activations.get(name, **params)
    x = np.linspace(-6, 6, 120_001)  # has 0 and ±0.0001 on it; |x| ≤ 6 keeps f' clear of float64 underflow
    d = a.derivative(x)
    zero = d == 0.0
    if a.dead_region == "everywhere":
        assert zero.all()
    elif a.dead_region == "left":
        np.testing.assert_array_equal(zero, x <= 0)
    elif a.dead_region == "point":  # f' changes sign once, at the stated x
        assert not zero.any()
        x0 = a.zero_derivative_at
        assert a.derivative(np.array([x0]))[0] == pytest.approx(0.0, abs=1e-12)
        assert np.all(np.sign(d[x < x0 - 1e-3]) == -1) and np.all(np.sign(d[x > x0 + 1e-3]) == 1)
    else:
        assert a.dead_region == "none" and not zero.any()


@pytest.mark.parametrize("name,params", CASES + [("leaky_relu", {"alpha": 0.0})],
                         ids=[f"{n}{p}" for n, p in CASES] + ["leaky_relu-alpha0"])
def test_range_attained_flags_agree_with_the_function(name, params):
    a = activations.get(name, **params)
    # |x| ≤ 8 keeps sigmoid, tanh, softplus and ELU visibly away from their asymptotes in float64
    x = np.concatenate([np.linspace(-8, 8, 160_001), [a.zero_derivative_at or 0.0]])
    f = a.forward(x)
    lo, hi = a.output_range
    assert a.range_attained[0] == bool(np.isfinite(lo) and np.any(np.abs(f - lo) < 1e-12))
    assert a.range_attained[1] == bool(np.isfinite(hi) and np.any(np.abs(f - hi) < 1e-12))
    if a.outputs is not None:
        assert set(np.unique(f)) == set(a.outputs)


def test_swish_minimum_is_where_its_derivative_vanishes_for_any_beta():
    for beta in (0.5, 1.0, 3.0):
        a = activations.get("swish", beta=beta)
        x0 = a.zero_derivative_at
        assert a.forward(np.array([x0]))[0] == pytest.approx(a.output_range[0], rel=1e-12)
        assert x0 == pytest.approx(-1.2784645427610738 / beta)


def test_saturation_edges_match_closed_forms():
    tol = 0.01
    s = (1 + np.sqrt(1 - 4 * tol)) / 2  # σ(1 − σ) = tol
    sig = np.log(s / (1 - s))
    assert activations.saturation_edges(activations.get("sigmoid"), tol) == pytest.approx((-sig, sig), abs=1e-9)
    th = np.arctanh(np.sqrt(1 - tol))  # 1 − tanh² = tol
    assert activations.saturation_edges(activations.get("tanh"), tol) == pytest.approx((-th, th), abs=1e-9)
    for alpha in (0.5, 1.0, 3.0):  # α e^x = tol
        left, right = activations.saturation_edges(activations.get("elu", alpha=alpha), tol)
        assert left == pytest.approx(np.log(tol / alpha), abs=1e-9) and right is None
    left, right = activations.saturation_edges(activations.get("softplus"), tol)  # σ(x) = tol
    assert left == pytest.approx(np.log(tol / (1 - tol)), abs=1e-9) and right is None
    left, right = activations.saturation_edges(activations.get("relu"), tol)
    assert left == 0.0 and right is None
    assert activations.saturation_edges(activations.get("leaky_relu", alpha=0.1), tol) == (None, None)
    assert activations.saturation_edges(activations.get("identity"), tol) == (None, None)
    assert activations.saturation_edges(activations.get("step"), tol) == (np.inf, -np.inf)


@pytest.mark.parametrize("lo,hi", [(-5, 5), (-3.3, 7.1), (-20, 0.5), (0, 4), (-1e-3, 20)])
def test_x_grid_is_even_covers_the_range_and_has_zero_on_it(lo, hi):
    x0, dx, n = activations.x_grid(lo, hi, 401)
    x = activations.grid_points(x0, dx, n)
    assert lo - 1e-9 <= x[0] < lo + dx and hi - dx < x[-1] <= hi + 1e-9
    assert np.min(np.abs(x)) < 1e-9 * max(1, abs(lo), abs(hi))
    assert 399 <= n <= 401
    with pytest.raises(ValueError, match="lo < hi"):
        activations.x_grid(2, 1)


def test_softmax_stages_show_the_overflow_and_its_fix():
    st = activations.softmax_stages(np.array([1000.0, 1001.0, 1002.0]))
    assert np.isinf(st.naive_exp).all() and np.isnan(st.naive).all()
    np.testing.assert_array_equal(st.shifted, [-2.0, -1.0, 0.0])
    np.testing.assert_allclose(st.probs, np.exp([-2, -1, 0]) / np.exp([-2, -1, 0]).sum(), rtol=1e-15)
    small = activations.softmax_stages(np.array([2.0, 1.0, 0.1]), temperature=0.5)
    np.testing.assert_allclose(small.naive, small.probs, rtol=1e-12)  # same value when nothing overflows
    np.testing.assert_allclose(small.scaled, [4.0, 2.0, 0.2])


def test_neuron_loss_slope_matches_central_differences():
    ex = activations.STEP_EXAMPLE
    w = np.linspace(*ex.w_range, 61)
    for name in ("sigmoid", "tanh", "softplus"):
        a = activations.get(name)
        h = 1e-6
        fd = (activations.neuron_loss(a, w + h, ex.x, ex.t, ex.b)[0]
              - activations.neuron_loss(a, w - h, ex.x, ex.t, ex.b)[0]) / (2 * h)
        np.testing.assert_allclose(activations.neuron_loss(a, w, ex.x, ex.t, ex.b)[1], fd, rtol=1e-6, atol=1e-10)


def test_a_step_neuron_never_moves_while_a_sigmoid_neuron_learns():
    ex = activations.STEP_EXAMPLE
    step, sig = activations.get("step"), activations.get("sigmoid")
    w = np.linspace(*ex.w_range, 3001)
    loss, slope = activations.neuron_loss(step, w, ex.x, ex.t, ex.b)
    assert np.all(slope == 0.0)
    # piecewise constant: it only changes where w·x_i + b crosses 0, i.e. at w = −b/x_i
    jumps = w[1:][np.diff(loss) != 0]
    assert all(min(abs(j - (-ex.b / xi)) for xi in ex.x) < 2e-3 for j in jumps)
    np.testing.assert_array_equal(activations.neuron_descent(step, ex), np.full(ex.steps + 1, ex.w0))
    path = activations.neuron_descent(sig, ex)
    losses = activations.neuron_loss(sig, path, ex.x, ex.t, ex.b)[0]
    assert np.all(np.diff(losses) < 0) and losses[-1] < 0.5 * losses[0]


def test_the_step_example_has_a_perfect_weight_that_gradient_descent_cannot_reach():
    # the page says: loss 0 exactly for 0.5 < w <= 2/3 (w·2 − 1 > 0 and w·1.5 − 1 <= 0), slope 0 everywhere
    ex = activations.STEP_EXAMPLE
    step = activations.get("step")
    w = np.linspace(0.3, 0.8, 50_001)
    loss, _ = activations.neuron_loss(step, w, ex.x, ex.t, ex.b)
    perfect = w[loss == 0]
    assert perfect.min() == pytest.approx(0.5, abs=2e-5) and perfect.max() == pytest.approx(2 / 3, abs=2e-5)
    path = activations.neuron_descent(step, ex)
    assert activations.neuron_loss(step, path[-1], ex.x, ex.t, ex.b)[0] == pytest.approx(0.25)


def test_formulas_show_parameters_without_a_coefficient_of_one():
    assert activations.get("swish").latex == r"x\,\sigma(x)"
    assert activations.get("swish", beta=2.0).latex == r"x\,\sigma(2\,x)"
    assert r"\\(e^x-1)" in activations.get("elu").latex and r"0.5\,e^x" in activations.get("elu", alpha=0.5).dlatex
    assert r"0.2\,x" in activations.get("leaky_relu", alpha=0.2).latex


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_derivative_from_the_output_equals_the_derivative_bit_for_bit(name):
    act = activations.get(name)
    x = np.concatenate([np.linspace(-30, 30, 2001), [0.0, -0.0, 1e-300, -1e-300, np.nan]])
    np.testing.assert_array_equal(act.derivative_from_output(act.forward(x)), act.derivative(x))


def test_naive_softmax_failure_is_named_by_its_cause():
    assert activations.naive_failure(activations.softmax_stages(np.array([1000.0, 1001.0]))) == "overflow"
    assert activations.naive_failure(activations.softmax_stages(np.array([1000.0, -1000.0]))) == "overflow"
    under = activations.softmax_stages(np.array([-1000.0, -1001.0, -1002.0]))
    assert (under.naive_exp == 0).all() and np.isnan(under.naive).all()
    assert activations.naive_failure(under) == "underflow"
    assert activations.naive_failure(activations.softmax_stages(np.array([-1000.0, 0.0]))) is None  # e^0 = 1 saves it
    assert activations.naive_failure(activations.softmax_stages(np.array([2.0, 1.0]))) is None


@pytest.mark.parametrize("beta", [0.1, 0.5, 1.0, 4.0])
def test_swish_saturation_edge_scales_with_one_over_beta(beta):
    left, right = activations.saturation_edges(activations.get("swish", beta=beta))
    assert right is None and left == pytest.approx(-6.2593 / beta, rel=1e-3)
    assert abs(activations.get("swish", beta=beta).derivative(np.array([left]))[0]) == pytest.approx(0.01, rel=1e-6)


def test_neuron_comparison_is_each_activations_descent_and_its_losses():
    c = activations.neuron_comparison()
    ex = activations.STEP_EXAMPLE
    for name in ("step", "sigmoid"):
        act = activations.get(name)
        path, losses = c.paths[name]
        np.testing.assert_array_equal(path, activations.neuron_descent(act, ex))
        np.testing.assert_array_equal(losses, activations.neuron_loss(act, path, ex.x, ex.t, ex.b)[0])
        assert c.summary[name] == (path[-1], losses[0], losses[-1])
    assert c.summary["step"][0] == ex.w0 and c.summary["sigmoid"][2] < c.summary["sigmoid"][1]
