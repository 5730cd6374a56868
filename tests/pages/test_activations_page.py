"""AppTest runs of the activations page, asserting on what it shows."""
import json

import pytest

from conftest import open_page
from optviz import activations as A

PAGE = "activations.py"


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def table(at):
    return at.dataframe[0].value


def test_defaults_show_sigmoid_tanh_relu_and_their_closed_form_maxima():
    at = open_page(PAGE)
    assert not at.exception
    t = table(at)
    maxima = dict(zip(t["activation"], t["max f′"]))
    assert maxima == {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
    curves = charts(at)[0]
    assert [d["name"] for d in curves["data"]] == ["sigmoid", "sigmoid", "tanh", "tanh", "relu", "relu"]
    assert "0.25 per layer" in at.info[0].value and "9.54e-07" in at.info[0].value  # 0.25^10


def test_every_activation_can_be_selected_with_grid_layout():
    at = open_page(PAGE)
    at.multiselect(key="act_acts").set_value(list(A.NAMES)).run()
    at.radio(key="act_layout").set_value("grid").run()
    assert not at.exception
    t = table(at)
    assert list(t["activation"]) == list(A.NAMES)
    expected = {"identity": 1.0, "step": 0.0, "sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "softplus": 1.0}
    for name, value in expected.items():
        assert dict(zip(t["activation"], t["max f′"]))[name] == value
    assert len(charts(at)[0]["data"]) == 2 * len(A.NAMES)


@pytest.mark.parametrize("key,value,name,check", [
    ("act_leaky_alpha", 0.3, "leaky_relu", lambda t: "(−∞, ∞)" in t),
    ("act_elu_alpha", 2.0, "elu", lambda t: "(-2, ∞)" in t),
    ("act_swish_beta", 2.0, "swish", lambda t: "(-0.1392, ∞)" in t),
])
def test_parameters_update_curves_and_table(key, value, name, check):
    at = open_page(PAGE, acts=name)
    at.slider(key=key).set_value(value).run()
    assert not at.exception
    row = table(at)
    assert check(row["output range"][0]), row["output range"][0]
    ys = charts(at)[0]["data"][0]["y"]
    assert ys  # redrawn with the new parameter
    assert f"{key[4:]}={value!r}" in "&".join(f"{k}={v}" for k, v in at.query_params.items())


def test_elu_parameter_reaches_the_left_limit():
    at = open_page(PAGE, acts="elu", elu_alpha="2.0", xmin="-20")
    curve = charts(at)[0]["data"][0]
    import base64
    import numpy as np
    y = curve["y"]
    y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)
    assert y.min() == pytest.approx(-2.0, abs=1e-6)


def test_softmax_probabilities_and_overflow_warning():
    at = open_page(PAGE)
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]
    assert bars["data"][0]["text"] == ["0.659", "0.242", "0.099"]  # softmax(2, 1, 0.1)
    at.text_input(key="act_scores").set_value("1000, 1001, 1002").run()
    assert not at.exception and "overflows" in at.warning[0].value
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]
    assert bars["data"][0]["text"] == ["0.090", "0.245", "0.665"]


@pytest.mark.parametrize("text", ["a, b", "", "1, inf", ",".join(["1"] * 20)])
def test_bad_scores_show_a_message(text):
    at = open_page(PAGE)
    at.text_input(key="act_scores").set_value(text).run()
    assert not at.exception and at.error[0].value.startswith("These scores cannot be used")


def test_presets_and_malformed_url():
    at = open_page(PAGE, acts="relu,nonsense", xmin="abc")
    assert not at.exception and "acts=relu,nonsense" in at.info[0].value
    at.selectbox(key="act_preset").set_value("step_vs_sigmoid").run()
    assert list(table(at)["activation"]) == ["step", "sigmoid"]
    at.multiselect(key="act_acts").set_value([]).run()
    assert "Choose at least one" in at.info[0].value


def test_japanese():
    at = open_page(PAGE, lang="ja")
    assert at.title[0].value == "活性化関数"
    assert "活性化関数" in table(at).columns
