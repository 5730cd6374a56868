"""AppTest runs of the activations page, asserting on what it shows: table values with closed forms,
curve values at known points, URL state, presets, the depth bound, the step neuron, softmax."""
import base64
import json
import math

import numpy as np
import pytest

from conftest import all_text, open_page, shown
from optviz import activations as A
from optviz import i18n
from optviz.app import activations as ui

PAGE = "activations.py"
EN = i18n.catalog("en")


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def curves_chart(at):
    return charts(at)[0]


def values(arr):
    """A plotly data array: a list, or numpy's base64 form."""
    if isinstance(arr, dict):
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"]).astype(float)
    return np.array(arr, dtype=float)


def trace_xy(trace):
    y = values(trace["y"])
    x = trace["x0"] + trace["dx"] * np.arange(len(y)) if "x0" in trace else values(trace["x"])
    return x, y


def table(at):
    """The properties table (a static st.table, so its cells wrap instead of being clipped)."""
    return at.table[0].value


def steps_table(at):
    """The softmax step-by-step table."""
    return at.dataframe[0].value


def row(at, label):
    t = table(at)
    rows = t[t["activation"] == label]
    assert len(rows) == 1, list(t["activation"])
    return rows.iloc[0]


def query(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


def qp(at, key):
    v = at.query_params[key]
    return v[0] if isinstance(v, list) else v


# Closed forms: sup f', the output range, and f(0), f'(0) (the grid has 0 on it).
CLOSED = {
    "identity": (1.0, "(−∞, ∞)", 0.0, 1.0),
    "step": (0.0, "{0, 1}", 0.0, 0.0),
    "sigmoid": (0.25, "(0, 1)", 0.5, 0.25),
    "tanh": (1.0, "(−1, 1)", 0.0, 1.0),
    "relu": (1.0, "[0, ∞)", 0.0, 0.0),
    "leaky_relu": (1.0, "(−∞, ∞)", 0.0, 0.01),
    "elu": (1.0, "(−1, ∞)", 0.0, 1.0),
    "swish": (1.0998, "[−0.2785, ∞)", 0.0, 0.5),
    "gelu": (1.129, "[−0.17, ∞)", 0.0, 0.5),
    "softplus": (1.0, "(0, ∞)", math.log(2), 0.5),
}
LABELS = {"leaky_relu": "leaky_relu α=0.01", "elu": "elu α=1", "swish": "swish β=1"}


def test_defaults_show_sigmoid_tanh_relu_with_closed_form_properties():
    at = open_page(PAGE)
    assert not at.exception
    t = table(at)
    assert list(t["activation"]) == ["sigmoid", "tanh", "relu"]
    assert dict(zip(t["activation"], t["max f′"])) == {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
    assert list(t["output range"]) == ["(0, 1)", "(−1, 1)", "[0, ∞)"]
    assert list(t["zero-centred"]) == ["no", "yes", "no"]
    sat = list(t["saturates (|f′| < 0.01)"])
    # σ' = 0.01 at |x| = 4.585, 1 − tanh² = 0.01 at |x| = 2.993, ReLU' = 0 for x ≤ 0
    assert sat == ["|x| > 4.58", "|x| > 2.99", "x < 0"]
    assert "dead" in row(at, "relu")["where f′ = 0"] and row(at, "sigmoid")["where f′ = 0"] == "nowhere"
    assert [d["name"] for d in curves_chart(at)["data"]] == ["sigmoid", "sigmoid", "tanh", "tanh", "relu", "relu"]
    text = all_text(at)
    assert "after 30 layers to 8.67e-19" in text  # 0.25^30, at the slider's depth
    assert len(at.latex) >= 3 and r"\sigma(x)(1-\sigma(x))" in at.latex[0].value
    assert qp(at, "acts") == "sigmoid,tanh,relu" and qp(at, "layout") == "overlay"


def test_properties_table_wraps_its_cells_instead_of_clipping_them():
    # a st.dataframe clipped 'relative cost' and cut 'both sides: x < −4.58 a…' at a 1400 px window
    at = open_page(PAGE)
    at.multiselect(key="act_acts").set_value(list(A.NAMES)).run()
    assert not at.dataframe or "activation" not in at.dataframe[0].value.columns
    t = table(at)
    assert list(t.columns)[-1] == "relative cost" and len(t) == len(A.NAMES)
    longest = max(len(str(v)) for col in t.columns for v in t[col])
    assert longest <= 40, longest  # short enough to read in a narrow column
    assert row(at, "swish β=1")["saturates (|f′| < 0.01)"] == "x < −6.26"
    assert row(at, "relu")["where f′ = 0"] == 'x ≤ 0: "dead" units (dying ReLU)'


@pytest.mark.parametrize("name", A.NAMES)
def test_each_activation_alone_shows_its_closed_form_values(name):
    at = open_page(PAGE)
    at.multiselect(key="act_acts").set_value([name]).run()
    assert not at.exception
    max_d, out_range, f0, d0 = CLOSED[name]
    r = row(at, LABELS.get(name, name))
    assert r["max f′"] == pytest.approx(max_d, abs=5e-5)
    assert r["output range"] == out_range
    fig = curves_chart(at)
    assert len(fig["data"]) == 2
    (xf, f), (xd, d) = trace_xy(fig["data"][0]), trace_xy(fig["data"][1])
    i0 = int(np.argmin(np.abs(xf)))
    assert abs(xf[i0]) < 1e-9 and xf[0] == pytest.approx(-5) and xf[-1] == pytest.approx(5)
    assert f[i0] == pytest.approx(f0, abs=1e-6) and d[i0] == pytest.approx(d0, abs=1e-6)
    # the curve is the core's function (float32 in the figure)
    np.testing.assert_allclose(f, A.get(name)(xf), atol=1e-5, rtol=1e-6)
    assert qp(at, "acts") == name


def test_every_activation_at_once_in_one_row_each():
    at = open_page(PAGE)
    at.multiselect(key="act_acts").set_value(list(A.NAMES)).run()
    at.radio(key="act_layout").set_value("grid").run()
    assert not at.exception
    t = table(at)
    assert len(t) == len(A.NAMES)
    fig = curves_chart(at)
    assert len(fig["data"]) == 2 * len(A.NAMES)
    # shared axes: every f panel (odd y axes) on one scale, every f′ panel (even ones) on another
    lay = fig["layout"]
    f_axes = {lay["yaxis" + ("" if i == 1 else str(i))].get("matches") for i in range(1, 21, 2)}
    d_axes = {lay[f"yaxis{i}"].get("matches") for i in range(2, 21, 2)}
    assert len(f_axes - {None}) == 1 and len(d_axes - {None}) == 1 and f_axes != d_axes
    text = all_text(at)
    assert "**Step**" in text and "exploding" in text  # step: nothing passes; GELU/Swish: max f′ > 1
    assert qp(at, "layout") == "grid"


def test_leaky_slope_updates_curves_table_and_url():
    at = open_page(PAGE, acts="leaky_relu")
    at.slider(key="act_leaky_alpha").set_value(0.3).run()
    assert not at.exception
    r = row(at, "leaky_relu α=0.3")
    assert r["output range"] == "(−∞, ∞)" and r["where f′ = 0"] == "nowhere"
    x, d = trace_xy(curves_chart(at)["data"][1])
    assert d[x < 0] == pytest.approx(0.3) and d[x > 0] == pytest.approx(1.0)
    assert qp(at, "leaky_alpha") == "0.3"
    at.slider(key="act_leaky_alpha").set_value(0.0).run()  # α = 0 is ReLU: dead for x ≤ 0
    r = row(at, "leaky_relu α=0")
    assert r["output range"] == "[0, ∞)" and "dead" in r["where f′ = 0"]


def test_elu_alpha_updates_range_max_derivative_and_saturation():
    at = open_page(PAGE, acts="elu", xmin="-20")
    at.slider(key="act_elu_alpha").set_value(2.0).run()
    assert not at.exception
    r = row(at, "elu α=2")
    # ELU → −α on the left; max f′ = max(1, α); α·eˣ < 0.01 for x < ln(0.005) = −5.30
    assert r["output range"] == "(−2, ∞)" and r["max f′"] == 2.0
    assert r["saturates (|f′| < 0.01)"] == "x < −5.3"
    x, f = trace_xy(curves_chart(at)["data"][0])
    assert x[0] == pytest.approx(-20) and f.min() == pytest.approx(-2.0, abs=1e-6)
    assert "elu α=2" in all_text(at)  # max f′ above 1: the exploding-gradient note


def test_swish_beta_moves_the_minimum():
    at = open_page(PAGE, acts="swish")
    at.slider(key="act_swish_beta").set_value(2.0).run()
    assert not at.exception
    r = row(at, "swish β=2")
    # min of x·σ(βx) is −0.27846/β at x = −1.27846/β; sup f′ = 1.0998 for every β
    assert r["output range"] == "[−0.1392, ∞)" and r["max f′"] == 1.0998
    assert r["where f′ = 0"] == "only at x = −0.639 (the minimum of f)"
    x, d = trace_xy(curves_chart(at)["data"][1])
    assert d[np.argmin(np.abs(x + 1.0))] == pytest.approx(float(A.get("swish", beta=2.0).derivative(np.array(-1.0))),
                                                          abs=1e-6)
    assert qp(at, "swish_beta") == "2.0"


def test_x_range_is_used_and_a_reversed_range_is_explained():
    at = open_page(PAGE, xmin="-2", xmax="8")
    x, _ = trace_xy(curves_chart(at)["data"][0])
    assert x[0] == pytest.approx(-2) and x[-1] == pytest.approx(8) and np.min(np.abs(x)) < 1e-9
    at.number_input(key="act_xmin").set_value(0.0).run()
    at.number_input(key="act_xmax").set_value(0.0).run()
    assert not at.exception and "'from' below 'to'" in at.warning[0].value
    x, _ = trace_xy(curves_chart(at)["data"][0])
    assert x[0] == pytest.approx(-5) and x[-1] == pytest.approx(5)


@pytest.mark.parametrize("preset", list(ui.PRESETS))
def test_presets_set_the_chart_in_one_click(preset):
    at = open_page(PAGE, acts="gelu")
    assert at.selectbox(key="act_preset").value == ""
    at.selectbox(key="act_preset").set_value(preset).run()
    assert not at.exception
    p = {**ui.CHART_DEFAULTS, **ui.PRESETS[preset]}
    assert [n.split(" ")[0] for n in table(at)["activation"]] == p["acts"]
    fig = curves_chart(at)
    x, _ = trace_xy(fig["data"][0])
    assert x[0] == pytest.approx(p["xmin"]) and x[-1] == pytest.approx(p["xmax"])
    assert qp(at, "acts") == ",".join(p["acts"]) and qp(at, "layout") == p["layout"]
    if preset == "course_003":  # the notes' figure: each function beside its derivative, α 0.01
        assert len({t.get("yaxis") for t in fig["data"]}) == 10
        assert "leaky_relu α=0.01" in list(table(at)["activation"])


def test_changing_a_setting_leaves_the_preset():
    at = open_page(PAGE)
    assert at.selectbox(key="act_preset").value == "course_basic"
    at.radio(key="act_layout").set_value("grid").run()
    assert at.selectbox(key="act_preset").value == ""


def test_url_reproduces_the_view_and_bad_values_fall_back_with_a_note():
    at = open_page(PAGE, acts="gelu,swish", layout="grid", swish_beta="2.5", xmin="-8", depth="12",
                   scores="1, 2", temperature="0.5")
    assert not at.exception and not at.info
    assert at.multiselect(key="act_acts").value == ["gelu", "swish"]
    assert at.slider(key="act_swish_beta").value == 2.5 and at.number_input(key="act_xmin").value == -8
    assert at.slider(key="act_depth").value == 12 and at.text_input(key="act_scores").value == "1, 2"
    assert len(trace_xy(charts(at)[1]["data"][0])[0]) == 12
    at = open_page(PAGE, acts="relu,nonsense", xmin="abc", swish_beta="99", depth="0")
    assert not at.exception
    note = shown(at.info[0].value)
    assert all(s in note for s in ("acts=relu,nonsense", "xmin=abc", "swish_beta=99", "depth=0"))
    assert list(table(at)["activation"]) == ["sigmoid", "tanh", "relu"]


def test_depth_chart_is_the_product_of_max_derivatives():
    at = open_page(PAGE, acts="sigmoid,step,gelu")
    at.slider(key="act_depth").set_value(50).run()
    depth = charts(at)[1]
    names = [t["name"] for t in depth["data"]]
    assert names == ["sigmoid: (0.25)ᴸ", "gelu: (1.129)ᴸ"]  # the step's 0 has no place on a log axis
    assert depth["layout"]["yaxis"]["type"] == "log"
    L, y = trace_xy(depth["data"][0])
    np.testing.assert_array_equal(L, np.arange(1, 51))
    np.testing.assert_allclose(y, 0.25 ** np.arange(1, 51), rtol=1e-12)
    text = all_text(at)
    assert "**Step**: f′ = 0" in text and "(max f′)ᴸ = 431 after 50 layers" in text  # 1.12899^50 = 431.1


def test_depth_notes_follow_the_slider_and_say_one_layer():
    at = open_page(PAGE, acts="sigmoid,gelu", depth="1")
    text = all_text(at)
    assert "after 1 layer to 2.50e-01" in text and "after 1 layer." in text and "1 layers" not in text
    at.slider(key="act_depth").set_value(20).run()
    assert "after 20 layers to 9.09e-13" in all_text(at)  # 0.25^20: not capped at 10


def test_coinciding_depth_lines_stay_distinguishable():
    at = open_page(PAGE, acts="tanh,relu,identity,softplus,sigmoid")
    depth = charts(at)[1]
    dashes = [t["line"].get("dash", "solid") for t in depth["data"]]
    assert len(set(dashes[:4])) == 4  # the four lines at 1ᴸ = 1, one dash each
    assert "**tanh, relu, identity, softplus** share max f′ = 1, so their lines coincide" in all_text(at)
    assert depth["layout"]["xaxis"]["dtick"] == 5 and float(depth["layout"]["xaxis"]["dtick"]).is_integer()


def test_elu_with_alpha_zero_starts_at_zero_not_minus_zero():
    at = open_page(PAGE, acts="elu", elu_alpha="0")
    assert row(at, "elu α=0")["output range"] == "[0, ∞)"


def test_swish_with_a_small_beta_saturates_far_out():
    at = open_page(PAGE, acts="swish", swish_beta="0.1")
    assert row(at, "swish β=0.1")["saturates (|f′| < 0.01)"] == "x < −62.6"  # not 'never'


def test_step_neuron_cannot_learn_but_the_sigmoid_neuron_can():
    at = open_page(PAGE)
    fig = [c for c in charts(at) if any("gradient descent" in (t.get("name") or "") for t in c["data"])][0]
    by_name = {}
    for t in fig["data"]:
        by_name.setdefault(t["name"], []).append(t)
    step_slope = trace_xy(by_name["step"][1])[1]
    assert np.all(step_slope == 0)
    step_path = values(by_name["step: gradient descent"][0]["x"])
    sig_path = values(by_name["sigmoid: gradient descent"][0]["x"])
    assert np.all(step_path == -0.5) and sig_path[-1] > 0.8
    caption = [c.value for c in at.caption if "steps of gradient descent" in c.value][0]
    assert "stays at w = -0.500" in caption and "moves to w = 0.825" in caption


def test_softmax_probabilities_temperature_and_overflow():
    at = open_page(PAGE)
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]
    assert bars["data"][0]["text"] == ["0.659", "0.242", "0.099"]  # softmax(2, 1, 0.1)
    at.slider(key="act_temperature").set_value(0.5).run()
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]
    z = np.array([2.0, 1.0, 0.1]) / 0.5
    assert bars["data"][0]["text"] == [f"{p:.3f}" for p in np.exp(z) / np.exp(z).sum()]
    assert not at.warning
    at.text_input(key="act_scores").set_value("1000, 1001, 1002").run()
    assert not at.exception and "overflows" in at.warning[0].value
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]
    assert bars["data"][0]["text"] == ["0.016", "0.117", "0.867"]  # softmax(0, 2, 4) at T = 0.5
    steps = steps_table(at)
    assert list(steps["e^(z/T)"]) == ["∞ (overflow)"] * 3 and list(steps["naive softmax"]) == ["NaN"] * 3
    assert list(steps["z/T − max"]) == ["−4", "−2", "0"]
    assert qp(at, "scores") == "1000, 1001, 1002" and qp(at, "temperature") == "0.5"


def test_very_negative_scores_are_an_underflow_not_an_overflow():
    at = open_page(PAGE, scores="-1000, -1001, -1002")
    warning = at.warning[0].value
    assert not at.exception and "underflows" in warning and "0/0 = NaN" in warning
    assert "overflows" not in warning and "∞" not in warning
    steps = steps_table(at)
    assert list(steps["e^(z/T)"]) == ["0 (underflow)"] * 3 and list(steps["naive softmax"]) == ["NaN"] * 3
    bars = [c for c in charts(at) if c["data"][0]["type"] == "bar"][0]
    assert bars["data"][0]["text"] == ["0.665", "0.245", "0.090"]  # softmax(0, −1, −2)
    assert "アンダーフロー" in open_page(PAGE, lang="ja", scores="-1000, -1001, -1002").warning[0].value


@pytest.mark.parametrize("text,code", [("a, b", "not_number"), ("", "count"), ("1, inf", "not_finite"),
                                       (",".join(["1"] * 13), "count"), ("1" * 301, "too_long"),
                                       ("1e7, 2", "too_large")])
def test_bad_scores_say_what_is_wrong(text, code):
    at = open_page(PAGE)
    at.text_input(key="act_scores").set_value(text).run()
    assert not at.exception
    expected = EN[f"activations.scores_error_{code}"].format(n=12, chars=300, max="1e+06")
    assert at.error[0].value == expected
    assert not [c for c in charts(at) if c["data"][0]["type"] == "bar"]


def test_no_activation_chosen_still_shows_the_rest():
    at = open_page(PAGE)
    at.multiselect(key="act_acts").set_value([]).run()
    assert not at.exception and "Choose at least one" in at.info[0].value
    assert len(charts(at)) == 2  # the step neuron and softmax remain
    assert qp(at, "acts") == ""
    at = open_page(PAGE, acts="")  # that link opens the same view, without a note
    assert not at.exception and at.multiselect(key="act_acts").value == []
    assert [i.value for i in at.info] == [EN["activations.none_chosen"]]


def test_japanese_page_uses_the_course_terms():
    at = open_page(PAGE, lang="ja", acts="sigmoid,relu")
    assert at.title[0].value == "活性化関数"
    t = table(at)
    assert "活性化関数" in t.columns and "f′ の最大値" in t.columns
    text = all_text(at)
    assert "勾配消失" in text and "勾配降下法" in text
    assert "死んだニューロン" in list(t["f′ = 0 となる所"])[1]
    at.text_input(key="act_scores").set_value("x").run()
    assert "数" in at.error[0].value


def test_settings_of_hidden_widgets_survive():
    at = open_page(PAGE, acts="leaky_relu", leaky_alpha="0.2", depth="12")
    at.multiselect(key="act_acts").set_value([]).run()  # no α slider, no depth slider now
    at.run()
    at.multiselect(key="act_acts").set_value(["sigmoid"]).run()
    at.run()
    at.multiselect(key="act_acts").set_value(["sigmoid", "leaky_relu"]).run()
    assert not at.exception
    assert at.slider(key="act_leaky_alpha").value == 0.2 and at.slider(key="act_depth").value == 12
    assert "leaky_relu α=0.2" in list(table(at)["activation"])
    assert qp(at, "depth") == "12"
