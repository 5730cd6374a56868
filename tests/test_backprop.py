import numpy as np
import pytest

from optviz import backprop as bp
from optviz import perceptron as pc
from optviz.mlp import MLP


def test_worked_example_forward_values():
    tr = bp.forward_backward(bp.Params.example(), *_xt())
    # Mazur (2015): net_h1 = 0.3775, out_h1 = 0.593269992, out_o1 = 0.75136507, out_o2 = 0.772928465,
    # E_total = 0.298371109
    assert tr.net_h[0] == pytest.approx(0.3775)
    assert tr.out_h[0] == pytest.approx(0.593269992, abs=1e-9)
    np.testing.assert_allclose(tr.out_o, [0.75136507, 0.772928465], atol=1e-8)
    assert tr.loss == pytest.approx(0.298371109, abs=1e-9)


def test_worked_example_gradients_and_update():
    p = bp.Params.example()
    tr = bp.forward_backward(p, *_xt())
    # ∂E/∂w5 = 0.082167041 (w5 is hidden 1 → output 1), w5 after one step (η = 0.5) = 0.35891648
    assert tr.grads.W2[0, 0] == pytest.approx(0.082167041, abs=1e-9)
    new = bp.step(p, tr.grads, 0.5, update_biases=False)
    assert new.W2[0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert new.W2[1, 1] == pytest.approx(0.56137012, abs=1e-8)  # w8
    assert new.W1[0, 0] == pytest.approx(0.149780716, abs=1e-9)  # w1
    assert new.W1[1, 1] == pytest.approx(0.29950229, abs=1e-8)  # w4


def test_chain_rule_equals_finite_differences_for_random_weights(rng):
    p = bp.Params.from_flat(rng.normal(size=12))
    x, t = rng.uniform(-1, 1, 2), rng.uniform(0, 1, 2)
    np.testing.assert_allclose(bp.forward_backward(p, x, t).grads.flat(), bp.numeric_grads(p, x, t).flat(),
                               rtol=1e-6, atol=1e-9)


def test_same_gradients_as_the_core_mlp():
    p = bp.Params.example()
    x, t = _xt()
    m = MLP([2, 2, 2], activation="sigmoid", loss="mse")
    m.params = [(p.W1.copy(), p.b1.copy()), (p.W2.copy(), p.b2.copy())]
    # the MLP's output layer is linear: compare through the hidden layer only, on net_o
    fwd = m.forward(np.array([x]))
    np.testing.assert_allclose(fwd.zs[1][0], bp.forward_backward(p, x, t).net_o)


def test_training_lowers_the_loss():
    p, (x, t) = bp.Params.example(), _xt()
    losses = []
    for _ in range(100):
        tr = bp.forward_backward(p, x, t)
        losses.append(tr.loss)
        p = bp.step(p, tr.grads, 0.5)
    assert losses[-1] < 0.05 * losses[0] and np.all(np.diff(losses) < 0)


def _xt():
    return bp.EXAMPLE["x"], bp.EXAMPLE["t"]


# --- perceptron ----------------------------------------------------------------------------------

@pytest.mark.parametrize("gate", ["AND", "NAND", "OR"])
def test_book_weights_give_the_truth_tables(gate):
    assert pc.truth_table(*pc.WEIGHTS[gate]) == pc.TARGETS[gate]


def test_xor_is_not_separable_by_one_line_but_two_layers_build_it():
    assert not pc.separable(pc.TARGETS["XOR"])
    for g in ("AND", "NAND", "OR"):
        assert pc.separable(pc.TARGETS[g])
    out = pc.xor_two_layers(pc.INPUTS)
    assert tuple(out["y"]) == pc.TARGETS["XOR"]
    assert tuple(out["s1"]) == pc.TARGETS["NAND"] and tuple(out["s2"]) == pc.TARGETS["OR"]


def test_table_rows_follow_the_names_and_multiply_out_to_the_gradients(rng):
    p = bp.Params.from_flat(rng.normal(size=12))
    x, t, lr = rng.uniform(-1, 1, 2), rng.uniform(0, 1, 2), 0.7
    rows = bp.table(p, x, t, lr, update_biases=False)
    assert [r.name for r in rows] == ["w1", "w2", "w3", "w4", "b(h1)", "b(h2)", "w5", "w6", "w7", "w8",
                                      "b(o1)", "b(o2)"]
    numeric = bp.numeric_grads(p, x, t)  # independent reference: central differences of E
    by_name = {r.name: r for r in rows}
    for (i, j), name in {(0, 0): "w1", (1, 0): "w2", (0, 1): "w3", (1, 1): "w4"}.items():
        assert by_name[name].value == p.W1[i, j]  # w1, w2 feed h1 (from i1, i2)
        assert by_name[name].analytic == pytest.approx(numeric.W1[i, j], rel=1e-6, abs=1e-10)
    for (j, k), name in {(0, 0): "w5", (1, 0): "w6", (0, 1): "w7", (1, 1): "w8"}.items():
        assert by_name[name].value == p.W2[j, k]
        assert by_name[name].analytic == pytest.approx(numeric.W2[j, k], rel=1e-6, abs=1e-10)
    for r in rows:
        assert np.prod(r.factors) == pytest.approx(r.analytic, rel=1e-12, abs=1e-15)
        assert r.numeric == pytest.approx(r.analytic, rel=1e-6, abs=1e-10)
        fixed = r.name.startswith("b")  # biases stay when update_biases is off
        assert r.new_value == (r.value if fixed else pytest.approx(r.value - lr * r.analytic, rel=1e-12))
    assert by_name["w5"].chain.startswith("(")  # (o − t) written out


def test_weight_names_on_the_edges_match_the_table():
    assert [bp.weight_name(1, i, j) for j in range(2) for i in range(2)] == ["w1", "w2", "w3", "w4"]
    assert [bp.weight_name(2, j, k) for k in range(2) for j in range(2)] == ["w5", "w6", "w7", "w8"]
    for layer, offset in ((1, 0), (2, 6)):
        for src in range(2):
            for dst in range(2):
                assert bp.NAMES[offset + 2 * src + dst] == bp.weight_name(layer, src, dst)


@pytest.mark.parametrize("scale", [1.0, 30.0, 800.0, 1e4, 1e6])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_large_weights_saturate_without_overflow(scale, sign):
    """Weights typed in by hand (or grown by a large lr) may be huge: the neurons saturate at 0 or 1
    and every quantity of the table stays finite, with no overflow warning (warnings are errors)."""
    rng = np.random.default_rng(int(scale))
    p = bp.Params.from_flat(sign * scale * rng.uniform(0.5, 1.0, 12) * rng.choice([-1, 1], 12))
    for x in [(0.05, 0.10), (5.0, -5.0), (-5.0, -5.0)]:
        rows = bp.table(p, x, (0.01, 0.99), lr=10.0, update_biases=True)
        tr = bp.forward_backward(p, x, (0.01, 0.99))
        assert np.all((tr.out_h >= 0) & (tr.out_h <= 1)) and np.all((tr.out_o >= 0) & (tr.out_o <= 1))
        assert all(np.isfinite([r.analytic, r.numeric, r.new_value, *r.factors]).all() for r in rows)


@pytest.mark.parametrize("z", [-1e6, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e6])
def test_sigmoid_is_the_textbook_formula_where_that_does_not_overflow(z):
    expected = 1.0 / (1.0 + np.exp(-z)) if abs(z) < 700 else (1.0 if z > 0 else 0.0)
    assert bp.sigmoid(z) == pytest.approx(expected, rel=1e-15, abs=1e-300)
