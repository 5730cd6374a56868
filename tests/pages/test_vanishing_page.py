"""The vanishing-gradient page in Streamlit's AppTest: what it shows for the classic experiment,
every activation and initialization at depth 1, 5 and 30, presets, batch norm, the URL."""
import base64
import json
import math
import re

import numpy as np
import pytest

from conftest import all_text, open_page
from optviz import vanishing as vg

PAGE = "vanishing.py"


def figures(at) -> list[dict]:
    """The page's figures but note 003's scalar chain (the expander at the foot)."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [f for f in specs if f["layout"].get("yaxis", {}).get("title", {}).get("text") not in
            ("gradient at the layer", "その層の勾配")]


def values(v) -> np.ndarray:
    """A trace's data array, whether plain JSON or plotly's typed-array form {dtype, bdata}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=float)


def summary(at) -> str:
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def test_default_page_shows_the_classic_experiment():
    at = open_page(PAGE)
    assert not at.exception and not at.error
    hist, profiles, losses = figures(at)
    assert len(hist["data"]) == 5 and all(t["type"] == "bar" for t in hist["data"])
    # sigmoid with std 1: the outer bins (next to 0 and 1) hold the tallest bars
    first = values(hist["data"][0]["y"])
    assert max(first[0], first[-1]) == first.max() > 20  # percent of all values in one bin
    # chosen + 3 comparisons, each a spread and a gradient trace, plus the 0.25ᵏ line
    assert len(profiles["data"]) == 2 * 4 + 1
    assert [len(t["x"]) for t in profiles["data"][:2]] == [5, 6]
    assert len(losses["data"]) == 4 + 1
    text = summary(at)
    assert "saturation" in text and "0.25^5" in text and "Gradient reaching layer 1" in text
    assert "Saturated, yet the gradient flows" in text  # std 1: big weights make up for σ′ ≈ 0
    assert "outermost bars" not in all_text(at)  # the sigmoid's range is the axis
    assert at.query_params["d"] == "5" and at.query_params["a"] == "sigmoid" and at.query_params["i"] == "n1"
    assert at.query_params["cmp"] == "sigmoid.n001,relu.he,sigmoid.xavier.bn"


def test_default_training_tells_the_course_story():
    """Tiny weights do not learn, ReLU · He and batch norm do; the saturated std-1 net learns too,
    and the page says why instead of contradicting itself."""
    at = open_page(PAGE)
    text = summary(at)
    assert "sigmoid · N(0, 0.01²)** is stuck at the chance level: loss 0.695" in text
    assert "**ReLU · He** learned: accuracy 100 %" in text
    assert "**sigmoid · Xavier (book) + BN** learned: accuracy 98 %" in text
    assert "**sigmoid · N(0, 1)** learned" in text
    assert "so this network can still learn" in text and "make up for f′ ≈ 0" in text
    assert "stuck" not in text.split("sigmoid · N(0, 0.01²)** is stuck")[1]  # nothing else is stuck
    profiles = figures(at)[1]
    assert profiles["data"][-1]["name"] == "0.25ᵏ × output layer: best case from σ′ alone"
    assert "not a bound on the whole gradient" in all_text(at)


@pytest.mark.parametrize("depth", [1, 5, 30])
def test_every_activation_and_init_runs_at_depth(depth):
    at = open_page(PAGE, d=str(depth), cmp="", ep="2", n="200")
    for activation in vg.ACTIVATIONS:
        for init in vg.INIT_IDS:
            at.selectbox(key="vg_act").set_value(activation)
            at.selectbox(key="vg_init").set_value(init).run()
            assert not at.exception, (activation, init, [e.value for e in at.exception])
            assert not at.error, (activation, init, [e.value for e in at.error])
            hist, profiles, losses = figures(at)
            assert len(hist["data"]) == min(depth, 10)
            assert len(profiles["data"][1]["x"]) == depth + 1
            assert len(losses["data"][0]["x"]) >= 1
            assert summary(at).count("- ") >= 3
    assert at.query_params["a"] == vg.ACTIVATIONS[-1] and at.query_params["i"] == vg.INIT_IDS[-1]


def test_sigmoid_with_tiny_weights_is_reported_as_vanishing():
    at = open_page(PAGE, d="10", a="sigmoid", i="n001", cmp="", ep="3")
    text = summary(at)
    assert "the first layers barely learn" in text and "within 0.05 of 0.5" in text
    assert "is stuck at the chance level" in text


def test_batch_norm_toggle_changes_what_is_shown():
    at = open_page(PAGE, d="10", a="sigmoid", i="n1", cmp="", ep="3")
    before = summary(at)
    assert "saturation" in before and "Batch normalization" not in before
    at.toggle(key="vg_bn").set_value(True).run()
    after = summary(at)
    assert not at.exception
    assert "Batch normalization:" in after and "saturation" not in after
    assert at.query_params["bn"] == "1"
    assert "+ BN" in figures(at)[0]["layout"]["title"]["text"]


def test_a_preset_sets_every_widget_in_one_click():
    at = open_page(PAGE)
    at.selectbox(key="vg_preset").set_value("deep_30").run()
    assert not at.exception
    p = vg.PRESETS["deep_30"]
    assert at.slider(key="vg_depth").value == 30 and at.selectbox(key="vg_act").value == "relu"
    assert at.multiselect(key="vg_cmp").value == list(p.comparisons)
    assert len(figures(at)[0]["data"]) == 10  # 10 of 30 layers as panels
    assert "10 of the 30 layers are shown" in all_text(at)
    assert "Exact zeros" in all_text(at) and "outermost bars" in all_text(at)  # ReLU: zeros and clipping
    # changing a setting by hand leaves the preset
    at.slider(key="vg_depth").set_value(12).run()
    assert at.selectbox(key="vg_preset").value == ""


def test_settings_come_from_the_url():
    at = open_page(PAGE, d="7", w="30", a="tanh", i="xavier", bn="1", n="300", seed="4",
                   cmp="relu.he", ds="circles", opt="adam", lr="0.002", ep="4")
    assert not at.exception and not at.info
    assert at.slider(key="vg_depth").value == 7 and at.slider(key="vg_width").value == 30
    assert at.toggle(key="vg_bn").value is True and at.number_input(key="vg_n").value == 300
    assert at.selectbox(key="vg_preset").value == ""
    hist, profiles, losses = figures(at)
    assert len(profiles["data"]) == 4  # no sigmoid shown: no 0.25ᵏ line
    assert len(losses["data"][0]["x"]) == 4
    assert "circles" in all_text(at) and "Adam" in all_text(at)


def test_malformed_url_falls_back_with_a_note():
    at = open_page(PAGE, d="99", a="softmax", i="zeros", cmp="relu.he,nonsense", lr="-1", ep="x")
    assert not at.exception and not at.error
    note = " ".join(i.value for i in at.info)
    for item in ("d=99", "a=softmax", "i=zeros", "lr=-1", "ep=x"):
        assert item in note
    assert at.slider(key="vg_depth").value == 5 and at.selectbox(key="vg_act").value == "sigmoid"


def test_a_repeated_or_overlong_comparison_list_keeps_each_once_and_says_so():
    at = open_page(PAGE, cmp="relu.he,relu.he,sigmoid.xavier", ep="2")
    assert not at.exception
    assert at.multiselect(key="vg_cmp").value == ["relu.he", "sigmoid.xavier"]
    assert "cmp=relu.he,relu.he,sigmoid.xavier" in " ".join(i.value for i in at.info)
    ids = [c.id for c in vg.COMPARISONS]
    at = open_page(PAGE, cmp=",".join(ids[:5]), ep="2")
    assert at.multiselect(key="vg_cmp").value == ids[:3]


def test_no_comparisons_from_an_empty_list_in_the_url():
    at = open_page(PAGE, cmp="", ep="2")
    assert not at.exception
    assert len(figures(at)[1]["data"]) == 2 + 1 and len(figures(at)[2]["data"]) == 2


def test_japanese_summary():
    at = open_page(PAGE, lang="ja", ep="2")
    assert not at.exception
    assert "勾配" in summary(at) and "飽和" in summary(at)
    assert at.title[0].value == "勾配消失"


def test_a_loss_far_above_chance_is_not_called_stuck():
    # tanh · N(0, 1) at depth 30: after 3 epochs the loss is several times ln 2 (its exact value is
    # chaotic in the last bits of the arithmetic: 7.05 or 2.86 by the order of a product's sums)
    at = open_page(PAGE, a="tanh", i="n1", d="30", cmp="", ep="3")
    text = summary(at)
    assert "stuck at the chance level" not in text
    found = re.search(r"does worse than guessing: loss (\d+\.\d{3}) is ([\d.]+)× the chance level ln K = 0\.693", text)
    assert found, text
    loss, times = float(found[1]), float(found[2])
    assert loss > 2 * math.log(2) and times == float(f"{loss / math.log(2):.2g}")
    assert "start from smaller weights" in text  # saturated by its large weights, not a learning-rate issue
    ja = summary(open_page(PAGE, lang="ja", a="tanh", i="n1", d="30", cmp="", ep="3"))
    assert "チャンスレベルにとどまっています" not in ja and "当てずっぽうより悪い" in ja


def test_exploding_gradients_are_not_reported_as_healthy():
    # ReLU · N(0, 1) at depth 30: every ‖∂L/∂W‖ is 10²⁵–10²⁷, although layer 1 / output is only 0.03
    at = open_page(PAGE, a="relu", i="n1", d="30", cmp="", ep="3")
    text = summary(at)
    assert "reaches every layer" not in text
    assert "every layer's gradient is huge (from 2.0×10²⁵ to 7.0×10²⁶)" in text and "gradient explosion" in text
    assert "diverged" in text and "no learning rate can help" in text and "smaller learning rate" not in text
    ja = summary(open_page(PAGE, lang="ja", a="relu", i="n1", d="30", cmp="", ep="3"))
    assert "勾配爆発" in ja and "学習率を小さく" not in ja


def test_a_diverged_run_with_sane_weights_still_points_to_the_learning_rate():
    at = open_page(PAGE, a="relu", i="he", d="5", cmp="", opt="sgd", lr="1", ep="20")
    text = summary(at)
    assert "diverged" in text and "try a smaller learning rate" in text


def test_deep_wide_long_training_is_capped_and_says_so():
    at = open_page(PAGE, d="30", w="200", a="relu", i="he", cmp="", ep="200", n="200")
    assert not at.exception
    losses = figures(at)[2]
    allowed = vg.plan([vg.NetConfig("relu", "he")], 30, 200, 200, 200).epochs
    assert 1 < allowed < 200 and len(losses["data"][0]["x"]) == allowed
    assert f"Trained for {allowed} of the 200 epochs asked for" in all_text(at)
    assert "after 200 epochs" not in summary(at)  # the summary tells of the epochs trained, if of any
    at = open_page(PAGE, ep="200", cmp="")  # 5 × 100: far below the cap
    assert len(figures(at)[2]["data"][0]["x"]) == 200 and "Trained for" not in all_text(at)


def test_one_layer_and_one_epoch_are_singular():
    at = open_page(PAGE, d="1", a="sigmoid", i="xavier", cmp="", ep="1")
    text, shown = summary(at), all_text(at)
    assert "through 1 hidden layer of 100 units" in shown and "(input 2, 1 hidden layer of 100" in shown
    assert "over 1 layer the activation derivatives" in text and "after 1 epoch" in text
    assert "1 hidden layers" not in shown and "1 layers" not in shown and "1 epochs" not in shown


def test_a_gradient_that_grows_toward_the_input_is_not_called_a_share():
    at = open_page(PAGE, a="tanh", i="n1", d="5", cmp="", ep="2")  # layer 1 gets 38.7 × the output's
    text = summary(at)
    assert "at layer 1 it is 38.7 times the output layer's: it grows toward the input" in text
    assert "38.7 of the output layer" not in text


def test_layer_ticks_are_evenly_spaced_whole_layers():
    profiles = figures(open_page(PAGE, d="30", cmp="", ep="1", n="200"))[1]["layout"]
    assert profiles["xaxis"]["tickvals"] == list(range(1, 31, 3))
    assert profiles["xaxis2"]["tickvals"] == list(range(1, 32, 3)) and profiles["xaxis2"]["ticktext"][-1] == "out"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_most_expensive_link_is_shrunk_to_one_changes_budget_before_it_starts(monkeypatch, lang):
    """d=30&w=200&n=5000&ep=200 cost 19 s of CPU and +973 MB in one rerun: the probes now get fewer
    inputs and the runs fewer epochs, decided before anything starts, and the page says so."""
    from optviz import budget
    from optviz.app import vanishing as ui

    probed, trained = [], []
    real_probe, real_run = vg.probe, vg.learning_run

    def probe(config, depth, width, n_samples, seed=0):
        probed.append((config, depth, width, n_samples))
        return real_probe(config, 2, 8, 50, seed)  # the test needs only the shapes of the page

    def learning_run(config, depth, width, dataset, optimizer, lr, epochs, seed, allowed=None):
        trained.append((config, allowed))
        return real_run(config, 2, 8, dataset, optimizer, lr, epochs, seed, allowed=1)

    monkeypatch.setattr(vg, "probe", probe)
    monkeypatch.setattr(vg, "learning_run", learning_run)
    monkeypatch.setenv("OPTVIZ_WORKERS", "0")  # the stand-ins live in this process, not in a worker's
    for store in (ui.cached_probe.memo, ui.cached_run.memo):
        store.clear()
    try:
        at = open_page(PAGE, lang=lang, d="30", w="200", n="5000", ep="200")
    finally:
        for store in (ui.cached_probe.memo, ui.cached_run.memo):
            store.clear()  # the stand-ins must serve no one else
    assert not at.exception
    configs = [c for c, *_ in probed]
    plan = vg.plan(configs, 30, 200, 5000, 200)
    assert len(configs) == 4 and {p[1:] for p in probed} == {(30, 200, plan.n_samples)}  # never 5 000
    assert {a for _, a in trained} == {plan.epochs} and 1 <= plan.epochs < 200
    assert plan.n_samples < 5000 and plan.probe_seconds + plan.train_seconds <= budget.MAX_SECONDS
    assert max(vg.probe_bytes(c, 30, 200, plan.n_samples) for c in configs) <= vg.PROBE_MAX_BYTES
    text = all_text(at)
    if lang == "en":
        assert f"The probe uses {plan.n_samples} of the 5000 inputs asked for" in text and "10 s" in text
        assert f"{plan.n_samples} Gaussian inputs pass through" in text
    else:
        assert f"指定された 5000 個の入力のうち {plan.n_samples} 個を使っています" in text


def _chain_table(at):
    tables = [d.value for d in at.dataframe if any("gradient at the layer" in str(c) or "その層の勾配" in str(c)
                                                    for c in d.value.columns)]
    assert len(tables) == 1
    return tables[0]


def test_note_003_s_scalar_chain_is_one_click_away_with_the_note_s_numbers():
    at = open_page(PAGE)
    table = _chain_table(at)
    grads = list(table.iloc[:, 2])
    assert grads[0] == "7.261e-10" and grads[-1] == "1.225e-01" and len(grads) == 10
    assert any("Note 003" in e.label for e in at.expander)
    at.number_input(key="vg_chain_depth").set_value(30).run()
    at.selectbox(key="vg_chain_act").set_value("relu").run()
    assert len(_chain_table(at)) == 30 and not at.exception
    ja = open_page(PAGE, lang="ja")
    assert "講義ノート 003" in " ".join(e.label for e in ja.expander)


def test_residual_toggle_lets_the_gradient_reach_layer_1_and_says_so():
    at = open_page(PAGE, d="10", a="sigmoid", i="xavier_glorot", cmp="", ep="3")
    before = vg.probe(vg.NetConfig("sigmoid", "xavier_glorot"), 10, 100, 1000).gradient_ratio
    assert "Residual connections:" not in summary(at) and "0.25^10" in summary(at)
    at.toggle(key="vg_res").set_value(True).run()
    assert not at.exception and at.query_params["res"] == "1"
    text = summary(at)
    after = vg.probe(vg.NetConfig("sigmoid", "xavier_glorot", residual=True), 10, 100, 1000).gradient_ratio
    assert after > 1e3 * before
    assert f"layer 1 gets {vg.power_of_ten(after)} of the output layer's gradient" in text
    assert "0.25^10" not in text  # the σ′ bound does not hold past a shortcut
    assert "+ residual" in figures(at)[0]["layout"]["title"]["text"]
    assert len(figures(at)[1]["data"]) == 2  # spread and gradient, no 0.25ᵏ line


@pytest.mark.parametrize("flags", ["", ".bn", ".res", ".bn.res"])
def test_every_combination_of_the_remedies_round_trips_through_the_link(flags):
    cid = f"sigmoid.xavier_glorot{flags}"
    assert vg.NetConfig.parse(cid).id == cid
    at = open_page(PAGE, d="3", w="20", a="sigmoid", i="xavier_glorot", bn=str(int("bn" in flags)),
                   res=str(int("res" in flags)), cmp="", ep="2", n="100")
    assert not at.exception and not at.info
    assert at.toggle(key="vg_bn").value == ("bn" in flags) and at.toggle(key="vg_res").value == ("res" in flags)


def test_the_remedies_preset_shows_note_003s_four_remedies_at_work():
    at = open_page(PAGE)
    at.selectbox(key="vg_preset").set_value("course_remedies").run()
    assert not at.exception
    text = summary(at)
    assert "**sigmoid · Xavier** is stuck at the chance level" in text
    assert "**ReLU · He** learned" in text and "**sigmoid · Xavier + BN** learned" in text
    assert "**sigmoid · Xavier + residual**" in text
    res = vg.probe(vg.NetConfig("sigmoid", "xavier_glorot", residual=True), 10, 100, 1000)
    plain = vg.probe(vg.NetConfig("sigmoid", "xavier_glorot"), 10, 100, 1000)
    assert f"sigmoid · Xavier + residual\\: {vg.power_of_ten(res.gradient_ratio)}" in text  # ":" escaped
    assert res.gradient_ratio > 1e3 * plain.gradient_ratio
    # the note recommends Xavier for the sigmoid; the page says why it is stuck here
    assert "Why sigmoid · Xavier is stuck though note 003 recommends Xavier" in text
    assert f"layer 1 gets {vg.power_of_ten(plain.gradient_ratio)}" in text and "40 epochs at learning rate 0.01" in text


def test_the_advice_preset_is_one_where_note_003s_table_visibly_holds():
    at = open_page(PAGE)
    at.selectbox(key="vg_preset").set_value("course_advice_holds").run()
    assert not at.exception and at.selectbox(key="vg_init").value == "xavier_glorot"
    text = summary(at)
    assert "**tanh · Xavier** learned" in text and "**ReLU · He** learned" in text
    assert "**tanh · N(0, 1)** does worse than guessing" in text
    assert "**tanh · N(0, 0.01²)** is stuck at the chance level" in text
    assert "Why sigmoid" not in text


@pytest.mark.parametrize("pid", [p for p in vg.PRESETS if p.startswith("course_")])
def test_the_course_presets_use_note_003s_xavier(pid):
    p = vg.PRESETS[pid]
    for c in [p.config] + [vg.NetConfig.parse(c) for c in p.comparisons]:
        assert c.init != "xavier", (pid, c.id)  # the book form is for the book's classic experiment
