"""AppTest runs of the perceptron and backprop pages."""
import base64
import json
import re

import numpy as np
import pytest

from optviz import backprop as bp
from optviz import perceptron as pc

from conftest import open_page


@pytest.mark.parametrize("preset,gate", [("and", "AND"), ("nand", "NAND"), ("or", "OR"), ("note002", "AND")])
def test_perceptron_presets_implement_their_gate(preset, gate):
    at = open_page("perceptron.py")
    at.selectbox(key="perceptron_preset").set_value(preset).run()
    assert not at.exception
    assert at.success[0].value == f"These weights implement {gate}."
    assert list(at.dataframe[0].value[""]) == ["✓"] * 4


def test_perceptron_xor_is_impossible_and_two_layers_work():
    at = open_page("perceptron.py", gate="XOR")
    assert "No weights can do this" in at.warning[0].value
    table = at.dataframe[1].value
    assert list(table["y = AND(s₁, s₂)"]) == list(table["XOR"]) == [0, 1, 1, 0]


def test_perceptron_wrong_weights_say_how_many_rows_differ():
    at = open_page("perceptron.py", w1="-1", w2="-1", b="0.5", gate="AND")
    assert at.info[0].value.startswith("2 of the 4 rows differ")  # outputs NOR: rows (0,0) and (1,1)


def test_backprop_shows_the_worked_example_and_steps_down():
    at = open_page("backprop.py")
    assert not at.exception
    assert "0.298371109" in at.latex[0].value
    grads = at.table[1].value
    w5 = grads[grads["parameter"] == "w5"].iloc[0]
    assert w5["∂E/∂w (backprop)"] == "0.082167041" and float(w5["difference"]) < 1e-8
    at.button(key="backprop_next").click().run()
    assert "0.29102" in at.latex[0].value  # E after one update with η = 0.5 (weights only)
    at.button(key="backprop_next").click().run()
    assert "2 updates applied" in at.caption[-2].value or any("2 updates" in c.value for c in at.caption)
    at.button(key="backprop_reset").click().run()
    assert "0.298371109" in at.latex[0].value


def test_backprop_malformed_parameters_fall_back_to_the_example():
    at = open_page("backprop.py", p="1,2,abc", lr="100")
    assert not at.exception
    assert "0.298371109" in at.latex[0].value and "lr=100" in at.info[0].value


def test_backprop_names_follow_the_worked_example():
    grads = open_page("backprop.py").table[1].value
    value = dict(zip(grads["parameter"], grads["value"]))
    assert [value[f"w{i}"] for i in range(1, 9)] == ["0.150000", "0.200000", "0.250000", "0.300000",
                                                     "0.400000", "0.450000", "0.500000", "0.550000"]


def test_backprop_rows_are_in_name_order_and_show_the_update_before_it_is_applied():
    at = open_page("backprop.py")
    grads = at.table[1].value
    assert list(grads["parameter"]) == ["w1", "w2", "w3", "w4", "b(h1)", "b(h2)", "w5", "w6", "w7", "w8",
                                        "b(o1)", "b(o2)"]
    new = dict(zip(grads["parameter"], grads["after the update: w − η·∂E/∂w"]))
    # Mazur (2015), η = 0.5: w5⁺ = 0.35891648, w1⁺ = 0.149780716; biases fixed
    assert new["w5"] == "0.358916" and new["w1"] == "0.149781" and new["b(h1)"] == "0.350000"
    at.button(key="backprop_next").click().run()
    after = dict(zip(at.table[1].value["parameter"], at.table[1].value["value"]))
    assert after == new  # Next step applied exactly what the table announced
    assert at.number_input(key="backprop_w_w5").value == pytest.approx(0.35891648, abs=1e-8)


def test_backprop_weights_can_be_typed_in():
    at = open_page("backprop.py")
    at.number_input(key="backprop_w_w1").set_value(1.0).run()
    at.number_input(key="backprop_w_bo2").set_value(-0.25).run()
    assert not at.exception
    grads = at.table[1].value
    value = dict(zip(grads["parameter"], grads["value"]))
    assert value["w1"] == "1.000000" and value["b(o2)"] == "-0.250000"
    # E from an independent forward pass with the edited weights
    p = bp.Params.example()
    p.W1[0, 0], p.b2[1] = 1.0, -0.25
    x, t = (0.05, 0.10), (0.01, 0.99)
    out_o = bp.sigmoid(bp.sigmoid(np.array(x) @ p.W1 + p.b1) @ p.W2 + p.b2)
    assert f"{0.5 * np.sum((np.array(t) - out_o) ** 2):.9f}" in at.latex[0].value
    assert at.query_params["p"][0].split(",")[0] == "1"  # the URL keeps the edited weights
    at.button(key="backprop_next").click().run()
    assert at.number_input(key="backprop_w_w1").value < 1.0


def test_backprop_weights_from_the_url_fill_the_inputs():
    flat = ",".join(str(v) for v in range(1, 13))
    at = open_page("backprop.py", p=flat)
    assert [at.number_input(key=f"backprop_w_{k}").value for k in ("w1", "w3", "w2", "w4")] == [1, 2, 3, 4]


def test_backprop_drawing_names_the_weights_and_the_loss_chart_counts_whole_steps():
    at = open_page("backprop.py")
    net = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {"w1 = 0.1500", "w2 = 0.2000", "w3 = 0.2500", "w6 = 0.4500", "w7 = 0.5000"} <= {
        a["text"] for a in net["layout"]["annotations"]}  # Mazur's w1 … w8
    for _ in range(3):
        at.button(key="backprop_next").click().run()
    net, loss = (json.loads(f.proto.spec) for f in at.get("plotly_chart"))
    labels = {a["text"] for a in net["layout"]["annotations"]}
    assert labels == {f"w{i} = {at.number_input(key=f'backprop_w_w{i}').value:.4f}" for i in range(1, 9)}
    assert loss["layout"]["xaxis"]["dtick"] == 1 and loss["layout"]["xaxis"]["tick0"] == 0


def array(v):
    """A trace's data array, whether plain JSON or plotly's typed-array form {dtype, bdata, shape}."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v)


def test_perceptron_xor_section_draws_the_nand_and_or_lines():
    at = open_page("perceptron.py")
    assert not at.exception
    figs = [json.loads(f.proto.spec) for f in at.get("plotly_chart")]
    assert len(figs) == 2
    lines = {d["name"]: d for d in figs[1]["data"] if d.get("mode") == "lines"}
    assert set(lines) == {"NAND line", "OR line"}
    for gate in ("NAND", "OR"):  # every drawn point lies on w1·x1 + w2·x2 + b = 0
        w1, w2, b = pc.WEIGHTS[gate]
        x, y = array(lines[f"{gate} line"]["x"]), array(lines[f"{gate} line"]["y"])
        np.testing.assert_allclose(w1 * x + w2 * y + b, 0, atol=1e-9)
    # the shaded strip is 1 exactly where XOR is 1 at the four inputs
    heat = figs[1]["data"][0]
    g, z = array(heat["x"]), array(heat["z"])
    assert [z[np.argmin(abs(g - x2)), np.argmin(abs(g - x1))] for x1, x2 in pc.INPUTS] == list(pc.TARGETS["XOR"])


def _loss(v, x, t):
    """E of the 2-2-2 sigmoid network for the 12 numbers v (Params.flat() order), written out."""
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h = s(np.array(x) @ np.reshape(v[:4], (2, 2)) + v[4:6])
    o = s(h @ np.reshape(v[6:10], (2, 2)) + v[10:12])
    return 0.5 * np.sum((np.array(t) - o) ** 2)


def _loss_after_step(lr, biases, x=(0.05, 0.10), t=(0.01, 0.99)):
    """One gradient step from the worked example by central differences (independent of optviz)."""
    v = np.array([0.15, 0.25, 0.20, 0.30, 0.35, 0.35, 0.40, 0.50, 0.45, 0.55, 0.60, 0.60])
    g = np.array([(_loss(v + e, x, t) - _loss(v - e, x, t)) / 2e-6 for e in np.eye(12) * 1e-6])
    if not biases:
        g[[4, 5, 10, 11]] = 0
    return _loss(v - lr * g, x, t)


def shown_loss(at):
    return float(re.search(r"= (\d\.\d{9})", at.latex[0].value).group(1))


@pytest.mark.parametrize("preset,lr,biases", [("worked", 0.5, False), ("biases", 0.5, True), ("large_lr", 10.0, False)])
def test_backprop_presets_restore_the_worked_example_weights_and_step_as_they_say(preset, lr, biases):
    at = open_page("backprop.py")
    at.number_input(key="backprop_w_w1").set_value(1.0).run()  # other weights first, and a step taken
    at.button(key="backprop_next").click().run()
    at.toggle(key="backprop_biases").set_value(not biases).run()  # the preset sets it back
    at.selectbox(key="backprop_preset").set_value(preset).run()
    assert not at.exception
    assert at.number_input(key="backprop_w_w1").value == 0.15 and at.number_input(key="backprop_w_w8").value == 0.55
    assert at.number_input(key="backprop_lr").value == lr and at.toggle(key="backprop_biases").value == biases
    assert shown_loss(at) == pytest.approx(0.298371109, abs=1e-9)  # Mazur's E before training
    assert any("0 updates" in c.value for c in at.caption)  # a new run of steps
    at.button(key="backprop_next").click().run()
    assert shown_loss(at) == pytest.approx(_loss_after_step(lr, biases), abs=1e-7)


def test_perceptron_reaches_note_002_s_bias_of_minus_20():
    """Note 002: with a bias of −20 the neuron fires only when the weighted sum passes 20."""
    at = open_page("perceptron.py", w1="15", w2="15", b="-20", gate="AND")
    assert not at.exception and at.number_input(key="perceptron_b").value == -20.0
    assert at.success[0].value == "These weights implement AND."
    assert pc.truth_table(15, 15, -20) == (0, 0, 0, 1) and pc.truth_table(15, 15, -10) == (0, 1, 1, 1)
    at = open_page("perceptron.py", b="-99")  # beyond the range: said, and the default kept
    assert not at.exception and at.number_input(key="perceptron_b").value == -0.7
