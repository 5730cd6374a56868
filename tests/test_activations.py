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
    for bad, match in [("x, 1", "must be a number"), ("", "1 to 12"), ("nan", "finite"),
                       ("1," * 200, "too long")]:
        with pytest.raises(ValueError, match=match):
            activations.parse_scores(bad)
