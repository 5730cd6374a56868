"""Losses against the book's worked examples and central differences."""
import numpy as np
import pytest

from optviz import losses

BOOK_Y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]  # ゼロから作る 4.2: "2" is right
BOOK_Y_WRONG = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0]  # most weight on "7"
T = np.eye(10)[2]


def test_losses_match_the_course_examples():
    assert losses.sum_squares(BOOK_Y, T) == pytest.approx(0.0975)
    assert losses.cross_entropy(BOOK_Y, 2) == pytest.approx(0.510825457, rel=1e-6)
    assert losses.sum_squares(BOOK_Y_WRONG, T) == pytest.approx(0.5975)
    assert losses.cross_entropy(BOOK_Y_WRONG, 2) == pytest.approx(2.302584092, rel=1e-6)
    assert losses.mse(BOOK_Y, T) == pytest.approx(2 * 0.0975 / 10)


def test_loss_gradients_match_finite_differences():
    p, t, h = np.array([0.2, 0.5, 0.3]), np.array([0.0, 1.0, 0.0]), 1e-7
    for i in range(3):
        e = np.eye(3)[i] * h
        for loss, grad in [(losses.mse, losses.mse_grad), (losses.sum_squares, losses.sum_squares_grad)]:
            np.testing.assert_allclose(grad(p, t)[i], (loss(p + e, t) - loss(p - e, t)) / (2 * h), rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(losses.cross_entropy_grad(p, 1)[i],
                                   (losses.cross_entropy(p + e, 1) - losses.cross_entropy(p - e, 1)) / (2 * h),
                                   rtol=1e-5, atol=1e-6)


def test_parse_predictions():
    np.testing.assert_array_equal(losses.parse_predictions("0.1, 0.05 0.6,0.25"), [0.1, 0.05, 0.6, 0.25])
    np.testing.assert_array_equal(losses.parse_predictions("1、2"), [1, 2])
    for text, message, code, params in [
            ("0.1, x", "'x' is not a number", "not_number", dict(value="x")),
            ("1", "2 to 10", "count", dict(max=10, got=1)), (", ".join(["0.1"] * 11), "2 to 10", "count", dict(max=10, got=11)),
            ("0.5, -0.1", "≥ 0", "range", {}), ("0, 0", "above 0", "all_zero", {}), ("nan, 1", "finite", "range", {})]:
        with pytest.raises(losses.PredictionError, match=message) as e:
            losses.parse_predictions(text)
        assert (e.value.code, e.value.params) == (code, params)  # what the page translates


def test_probabilities_are_scaled_only_when_needed():
    p, scaled = losses.as_probabilities(BOOK_Y)
    assert not scaled and p is not None and list(p) == BOOK_Y
    p, scaled = losses.as_probabilities([1, 3])
    assert scaled and list(p) == [0.25, 0.75]


def test_accuracy_is_a_step_function_of_w_but_cross_entropy_is_smooth():
    x, y = losses.toy_classification()
    ws = np.linspace(-3, 3, 601)
    acc, ce = losses.accuracy_and_loss_vs_w(x, y, ws, losses.TOY_BIAS)
    assert np.mean(np.diff(acc) == 0) > 0.9  # flat almost everywhere: zero gradient
    assert len(np.unique(acc)) > 10  # ... yet a staircase of many levels, not one step
    assert np.all(np.diff(ce) != 0)  # the loss changes with every change of w
    assert -3 < ws[np.argmin(ce)] < 3 and np.all(np.diff(ce[ws < 1]) < 0)  # a minimum inside, reached downhill
    assert set(np.round(acc * len(y)).astype(int)) <= set(range(len(y) + 1))  # multiples of 1/n


def test_cross_entropy_gradient_in_w_matches_finite_differences():
    x, y = losses.toy_classification()
    h = 1e-6
    for w in (-2.0, 0.0, 0.7, 2.5):
        _, ce = losses.accuracy_and_loss_vs_w(x, y, [w - h, w + h], 0.5)
        assert losses.ce_grad_w(x, y, w, 0.5) == pytest.approx((ce[1] - ce[0]) / (2 * h), rel=1e-4, abs=1e-7)


def test_accuracy_slope_is_zero_between_jumps_and_large_at_one():
    x, y = losses.toy_classification()
    ws = np.linspace(-3, 3, 601)
    b = losses.TOY_BIAS
    acc, _ = losses.accuracy_and_loss_vs_w(x, y, ws, b)
    flat = [w for w, a0, a1 in zip(ws[1:-1], acc[:-2], acc[2:]) if a0 == a1]
    assert len(flat) > 400 and all(losses.accuracy_slope(x, y, w, b) == 0 for w in flat)
    jump = ws[np.argmax(np.diff(acc) != 0)]  # acc changes between jump and the next grid point
    jumps = np.linspace(jump, jump + 0.01, 201)
    assert max(abs(losses.accuracy_slope(x, y, w, b, h=1e-4)) for w in jumps) >= 1 / (len(x) * 2e-4) * 0.99
