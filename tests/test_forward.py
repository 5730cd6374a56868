"""Note 002's forward pass (optviz.forward): the book's printed result, the layer formulas, the output
functions and losses against independent computations, and typed matrices read safely."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from optviz import forward as fw


def test_the_book_network_gives_the_book_s_printed_output():
    # ゼロから作る Deep Learning 3.4.3 (note 002 §3.3's network): print(y) → [0.31682708 0.69627909]
    layers = fw.forward(fw.BOOK_X)
    np.testing.assert_allclose(layers[-1].z, [0.31682708, 0.69627909], atol=5e-9)
    np.testing.assert_allclose(layers[0].a, [0.3, 0.7, 1.1])  # the book's A1
    np.testing.assert_allclose(layers[0].z, [0.57444252, 0.66818777, 0.75026011], atol=5e-9)  # its Z1
    np.testing.assert_allclose(layers[1].a, [0.51615984, 1.21402696], atol=5e-9)


def _by_hand(x, params, h, out):
    """The same pass written out unit by unit, without matrices."""
    z = list(x)
    for layer in range(3):
        W, b = params[2 * layer], params[2 * layer + 1]
        a = [b[j] + sum(z[i] * W[i][j] for i in range(len(z))) for j in range(len(b))]
        if layer < 2:
            z = [h(v) for v in a]
        elif out == "softmax":
            m = max(a)
            e = [math.exp(v - m) for v in a]
            z = [v / sum(e) for v in e]
        else:
            z = a
    return z


HAND = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "relu": lambda v: max(v, 0.0), "tanh": math.tanh,
        "step": lambda v: 1.0 if v > 0 else 0.0, "identity": lambda v: v}
finite = st.floats(-5, 5, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=25, max_size=25), st.sampled_from(fw.HIDDEN), st.sampled_from(fw.OUTPUTS))
def test_every_network_equals_the_pass_written_out_unit_by_unit(v, h, out):
    x, rest = v[:2], np.array(v[2:])
    params, i = [], 0
    for shape in fw.SHAPES:
        n = int(np.prod(shape))
        params.append(rest[i:i + n].reshape(shape))
        i += n
    y = fw.forward(x, params, h, out)[-1].z
    np.testing.assert_allclose(y, _by_hand(x, [p.tolist() for p in params], HAND[h], out), rtol=1e-9, atol=1e-12)
    if out == "softmax":
        assert y.sum() == pytest.approx(1.0) and np.all(y >= 0)


def test_losses_are_the_note_s_equations():
    y = fw.forward(fw.BOOK_X, output="softmax")[-1].z
    assert fw.cross_entropy(y, 1) == pytest.approx(-math.log(y[1]))
    assert fw.sum_squares(y, 0) == pytest.approx(0.5 * ((y[0] - 1) ** 2 + y[1] ** 2))
    with pytest.raises(ValueError, match="probabilities"):
        fw.cross_entropy(fw.forward(fw.BOOK_X)[-1].z, 0)  # the identity output is no distribution
    assert fw.cross_entropy(np.array([0.0, 1.0]), 0) == math.inf


def test_matrices_round_trip_through_their_text():
    for p, shape in zip(fw.book_params(), fw.SHAPES):
        np.testing.assert_array_equal(fw.parse(fw.matrix_text(p), shape), p)
    np.testing.assert_array_equal(fw.parse(" 1  2\n 3,4 ", (2, 2)), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(fw.parse("−1, 2", (2,)), [-1, 2])  # a typed minus sign


@pytest.mark.parametrize("text,code", [
    ("1, 2; 3", "shape"), ("1, 2, 3", "shape"), ("", "shape"), ("__import__('os')", "not_number"),
    ("1e999, 1", "too_large"), ("nan, 1", "too_large"), ("1e4, 0", "too_large"), ("1," * 300, "too_long"),
    ("<script>, 1", "not_number"), ("[1](http://a.co), 2", "not_number")])
def test_a_matrix_that_cannot_be_read_is_refused_with_its_reason(text, code):
    with pytest.raises(fw.MatrixError) as e:
        fw.parse(text, (2,), "b3")
    assert e.value.code == code and "b3" in str(e.value)


def test_the_latex_shows_each_layer_s_numbers():
    layers = fw.forward(fw.BOOK_X)
    first, second = fw.latex(layers[0], 1)
    assert "A^{(1)} = X W^{(1)} + B^{(1)}" in first and r"0.3 & 0.7 & 1.1\end{pmatrix}" in first
    assert second.startswith(r"Z^{(1)} = \sigma(A^{(1)})") and "0.5744" in second
    assert fw.latex(layers[2], 3)[1].startswith(r"Y = \mathrm{id}(A^{(3)})")
