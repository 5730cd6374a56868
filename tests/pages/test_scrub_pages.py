"""Scrub mode on the learning-rate and activations pages (the playground's is in its own tests):
every frame is the core's own result for its value, the switch and its link, presets keep it."""
import base64
import json

import numpy as np
import pytest

from conftest import open_page
from optviz import activations as A
from optviz import onedim
from optviz.app import ui


def figures(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def array(v):
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).astype(float)
    return np.array(v, dtype=float)


# --- learning rate -----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [dict(), dict(a="5.0", lr="0.05"), dict(fn="nonconvex", x0="-1.5", lr="0.15"),
                                   dict(lr="1.05", steps="100"), dict(lr="0.3337")])
def test_each_lr_frame_is_gradient_descent_at_that_lr(query):
    at = open_page("learning_rate.py", scrub="1", **query)
    assert not at.exception
    fig = figures(at)[0]
    lrs = np.array(at.session_state["learning_rate_scrub_chart_values"])
    assert len(fig["frames"]) == lrs.size >= 40
    fn, a = query.get("fn", "quadratic"), float(query.get("a", 1.0))
    x0, steps = float(query.get("x0", 2.5)), int(query.get("steps", 20))
    for j in (0, lrs.size // 2, lrs.size - 1):
        xs, _ = onedim.descend(fn, x0, lrs[j], steps, a=a)
        it = fig["frames"][j]["data"][0]
        k = array(it["customdata"]).reshape(-1, 2)[:, 0].astype(int)
        np.testing.assert_allclose(array(it["x"]), xs[k], rtol=1e-6)
        np.testing.assert_allclose(array(it["customdata"]).reshape(-1, 2)[:, 1], lrs[j], rtol=1e-6)
        assert list(k) == list(np.flatnonzero(np.isfinite(xs)))  # every finite iterate, none after divergence
    assert float(query.get("lr", 0.3)) in lrs  # the page's own η is on the slider


def test_lr_scrub_crosses_one_and_two_over_f2_and_survives_a_preset():
    at = open_page("learning_rate.py", scrub="1", a="2.0")
    lrs = at.session_state["learning_rate_scrub_chart_values"]
    assert 0.25 in lrs and 0.5 in lrs and min(lrs) < 0.05 and max(lrs) > 0.5  # 1/f″, 2/f″ for f″ = 4
    at.sidebar.selectbox(key="learning_rate_preset").set_value("diverging").run()
    assert at.toggle(key="learning_rate_scrub").value and figures(at)[0]["frames"]
    at.toggle(key="learning_rate_scrub").set_value(False).run()
    assert "frames" not in figures(at)[0] or not figures(at)[0]["frames"]
    assert at.query_params["scrub"] in ("0", ["0"])


# --- activations -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(A.SCRUB_PARAMS))
@pytest.mark.parametrize("layout", ["overlay", "grid"])
def test_each_activation_frame_is_the_function_at_that_value(name, layout):
    at = open_page("activations.py", acts=f"relu,{name},sigmoid", scrub=name, layout=layout)
    assert not at.exception and not at.error
    fig = figures(at)[0]
    values = at.session_state["act_scrub_chart_values"]
    assert len(fig["frames"]) == len(values) >= 40
    param = A.SCRUB_PARAMS[name][0]
    for j in (0, len(values) // 3, len(values) - 1):
        f, d = fig["frames"][j]["data"][:2]
        assert fig["frames"][j]["traces"][:2] == [2, 3]  # the second activation's f and f′
        base = fig["data"][2]
        x = base["x0"] + base["dx"] * np.arange(array(f["y"]).size)
        act = A.get(name, **{param: values[j]})
        np.testing.assert_allclose(array(f["y"]), act.forward(x), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(array(d["y"]), act.derivative(x), rtol=1e-5, atol=1e-6)
        assert np.isclose(x, 0).any()  # the kink stays on the grid
    # every value's curve fits in the fixed ranges
    lo, hi = fig["layout"]["yaxis"]["range"]
    assert all(lo <= array(fr["data"][0]["y"]).min() and array(fr["data"][0]["y"]).max() <= hi for fr in fig["frames"])


def test_activation_scrub_link_and_switch():
    at = open_page("activations.py", acts="relu,leaky_relu,elu", scrub="elu")
    assert at.toggle(key="act_scrub_on").value and at.radio(key="act_scrub").value == "elu"
    at.radio(key="act_scrub").set_value("leaky_relu").run()
    assert at.query_params["scrub"] == "leaky_relu"
    at.toggle(key="act_scrub_on").set_value(False).run()
    assert at.query_params["scrub"] == ""
    at = open_page("activations.py", acts="relu,sigmoid", scrub="elu")  # no such curve chosen: no switch
    assert not at.exception and not at.get("toggle") or all(t.key != "act_scrub_on" for t in at.toggle)
    at = open_page("activations.py", scrub="nope")
    assert not at.exception and "scrub=nope" in "\n".join(e.value for e in at.get("caption") + at.get("warning")
                                                          + at.get("info"))


@pytest.mark.parametrize("name", list(A.SCRUB_PARAMS))
def test_scrub_values_sit_on_the_slider_steps(name):
    lo, hi, step = A.SCRUB_PARAMS[name][1:]
    v = A.scrub_values(name, 0.37)
    assert 40 <= v.size <= 60 and 0.37 in v and v.min() >= lo and v.max() <= hi
    on_steps = v[v != 0.37]
    assert np.allclose(on_steps * 100, np.round(on_steps * 100))  # multiples of the slider's step 0.01


@pytest.mark.parametrize("name,link", [("leaky_relu", "leaky_alpha=0.123"), ("elu", "elu_alpha=0.37"),
                                       ("swish", "swish_beta=7.777")])
def test_a_value_off_the_slider_steps_still_scrubs_from_itself(name, link):
    key, value = link.split("=")
    at = open_page("activations.py", acts=name, scrub=name, **{key: value})
    assert not at.exception and not at.error
    fig = figures(at)[0]
    assert fig["layout"]["sliders"][0]["steps"][fig["layout"]["sliders"][0]["active"]]["label"] == f"{float(value):g}"


def test_a_click_value_is_snapped_to_the_drawn_values():
    values = [0.1, 0.2, 0.3]
    assert ui.scrub_value([{"customdata": 0.2000000029}], values, scalar=True) == 0.2
    assert ui.scrub_value([{"customdata": 0.2000000029}], values) is None  # a step index, not a value
    assert ui.scrub_value([{"customdata": {"0": 4, "1": 0.29}}], values) == 0.3
    assert ui.scrub_value([{"x": 1}], values) is None and ui.scrub_value([{"customdata": [1, 0.1]}], []) is None
