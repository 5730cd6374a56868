"""AppTest runs of the MLP trainer, asserting on what it shows."""
import base64
import json
import re

import numpy as np
import pytest

from conftest import open_page
from optviz import datasets, drawn

PAGE = "mlp.py"


def summary(at):
    return [s.value for s in at.success if "epochs" in s.value][0]


def kinds(at):
    return [d["type"] for c in at.get("plotly_chart") for d in json.loads(c.proto.spec)["data"]]


def test_defaults_show_the_data_before_training():
    at = open_page(PAGE)
    assert not at.exception
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "press Train" in fig["layout"]["title"]["text"] and "heatmap" not in kinds(at)


@pytest.mark.parametrize("data", [*datasets.CLASSIFICATION, "regression"])
def test_training_on_every_data_set_reports_a_summary(data):
    at = open_page(PAGE, data=data, epochs="30", n="80")
    at.button(key="mlp_train").click().run()
    assert not at.exception and not at.error
    text = summary(at)
    assert text.startswith("After 30 epochs (30 updates")  # full batch: one update per epoch
    if data != "regression":
        assert "heatmap" in kinds(at)


@pytest.mark.parametrize("mode,updates", [("full", 10), ("mini", 10 * 4), ("sgd", 10 * 60)])
def test_batch_modes_do_the_expected_number_of_updates(mode, updates):
    at = open_page(PAGE, data="moons", n="80", test="0.25", epochs="10", mode=mode, batch="16")
    at.button(key="mlp_train").click().run()
    assert f"({updates} updates" in summary(at)  # 60 training points; B = 16 → 4 per epoch


def test_xor_preset_is_solved_and_training_is_deterministic():
    at = open_page(PAGE)
    at.selectbox(key="mlp_preset").set_value("xor_2").run()
    at.button(key="mlp_train").click().run()
    first = summary(at)
    assert re.search(r"accuracy 1 \(training\)", first), first
    at.button(key="mlp_train").click().run()
    assert summary(at).split(" s):")[1] == first.split(" s):")[1]  # same numbers again


def test_continue_training_marks_the_change_and_reset_clears():
    at = open_page(PAGE, data="moons", n="80", epochs="20")
    at.button(key="mlp_train").click().run()
    at.number_input(key="mlp_lr").set_value(0.005).run()
    at.button(key="mlp_continue").click().run()
    assert "After 40 epochs" in summary(at)
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert any("lr 0.005" in a.get("text", "") for a in spec["layout"].get("annotations", []))
    at.button(key="mlp_reset").click().run()
    assert not [s for s in at.success if "epochs" in s.value]


def test_compare_optimizers_from_the_same_weights():
    at = open_page(PAGE, data="moons", n="80", epochs="20", compare="sgd,adam")
    at.button(key="mlp_compare_run").click().run()
    assert not at.exception
    loss = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
            if "Training loss of each" in json.dumps(json.loads(c.proto.spec)["layout"].get("title", {}))]
    assert [d["name"] for d in loss[0]["data"]] == ["SGD (lr=0.02)", "Adam (lr=0.02)"]


@pytest.mark.parametrize("hidden", ["a, b", "1000", "1,1,1,1,1,1,1"])
def test_bad_hidden_layers_show_a_message(hidden):
    at = open_page(PAGE, hidden=hidden)
    assert not at.exception and at.error[0].value.startswith("Cannot use these settings")


def test_upload_without_file_asks_for_one_and_malformed_url_notes():
    at = open_page(PAGE, n="99999", act="nope")
    assert not at.exception and "n=99999" in at.info[0].value
    at.selectbox(key="mlp_data").set_value("upload").run()
    assert "Upload a CSV" in at.error[0].value


def test_diverging_lr_is_reported():
    at = open_page(PAGE, data="regression", n="80", epochs="30", opt="sgd", lr="1", act="relu", hidden="64, 64")
    at.button(key="mlp_train").click().run()
    assert not at.exception
    assert "learning rate is too large" in at.error[0].value
    assert "inf" in summary(at) or "nan" in summary(at)  # the history keeps the finite part
    # the diverged network's curve (≈1e175) leaves the chart instead of flattening the data
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    y = arr(fig["data"][0]["y"])
    lo, hi = fig["layout"]["yaxis"]["range"]
    span = y.max() - y.min()
    assert y.min() - 1.2 * span <= lo <= y.min() and y.max() <= hi <= y.max() + 1.2 * span
    assert np.nanmax(np.abs(arr(fig["data"][1]["y"]).astype(float))) > 1e6 * span



def test_a_diverged_classifier_draws_its_confusion_matrix_without_a_warning():
    # found by fuzzing the trainer's settings: the confusion matrix predicted with the overflowing
    # weights outside np.errstate (RuntimeWarnings are errors in the tests)
    at = open_page(PAGE, data="spiral", hidden="8, 8", act="identity", opt="nesterov", lr="10", epochs="300",
                   mode="mini", batch="1000", n="2000", classes="3", feats="x2,y2")
    at.button(key="mlp_train").click().run()
    assert not at.exception
    assert "learning rate is too large" in at.error[0].value

def arr(v):
    """A trace's data array, from plotly's base64 encoding of numpy arrays where it is used."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v)


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def title(fig):
    t = fig["layout"].get("title", {})
    return t.get("text", "") if isinstance(t, dict) else str(t)


def change_marks(at):
    spec = [f for f in charts(at) if title(f) == "" and any(d.get("name") == "train" for d in f["data"])]
    return [a.get("text", "") for f in spec for a in f["layout"].get("annotations", [])
            if a.get("text", "") not in ("Loss", "Accuracy")]


@pytest.mark.parametrize("bad", ["hidden", "upload"])
def test_a_bad_input_keeps_the_training_settings(bad):
    at = open_page(PAGE, opt="momentum", lr="0.05", epochs="77", mode="mini", batch="16", beta="0.8",
                   compare="sgd,adam")
    if bad == "hidden":
        at.text_input(key="mlp_hidden").set_value("a,b").run()
    else:
        at.selectbox(key="mlp_data").set_value("upload").run()
    assert at.error and at.error[0].value.startswith("Cannot use these settings")
    assert at.selectbox(key="mlp_opt").value == "momentum"  # still shown while the input is bad
    if bad == "hidden":
        at.text_input(key="mlp_hidden").set_value("8, 8").run()
    else:
        at.selectbox(key="mlp_data").set_value("moons").run()
    assert not at.error
    assert at.selectbox(key="mlp_opt").value == "momentum" and at.number_input(key="mlp_lr").value == 0.05
    assert at.number_input(key="mlp_epochs").value == 77 and at.number_input(key="mlp_batch").value == 16
    assert at.multiselect(key="mlp_compare").value == ["sgd", "adam"]
    assert at.number_input(key="mlp_hp_momentum_beta").value == 0.8
    q = {k: at.query_params[k] for k in ("opt", "lr", "epochs", "compare", "beta")}
    q = {k: v[0] if isinstance(v, list) else v for k, v in q.items()}
    assert q == dict(opt="momentum", lr="0.05", epochs="77", compare="sgd,adam", beta="0.8")


def test_a_hidden_widget_keeps_its_value():
    at = open_page(PAGE, mode="mini", batch="16")
    at.selectbox(key="mlp_mode").set_value("full").run()
    assert "mlp_batch" not in {n.key for n in at.number_input}
    at.selectbox(key="mlp_mode").set_value("mini").run()
    assert at.number_input(key="mlp_batch").value == 16


def test_continue_with_nothing_changed_equals_one_longer_run():
    one = open_page(PAGE, data="moons", n="80", epochs="40", mode="mini", batch="16")
    one.button(key="mlp_train").click().run()
    two = open_page(PAGE, data="moons", n="80", epochs="20", mode="mini", batch="16")
    two.button(key="mlp_train").click().run()
    assert not two.button(key="mlp_continue").disabled  # usable right after the first run
    two.button(key="mlp_continue").click().run()
    assert two.session_state["mlp_trainer"].history.loss == one.session_state["mlp_trainer"].history.loss
    assert not change_marks(two) and "After 40 epochs (160 updates" in summary(two)


def test_a_new_learning_rate_keeps_adams_state_and_the_history_says_so():
    at = open_page(PAGE, data="moons", n="80", epochs="20")
    at.button(key="mlp_train").click().run()
    at.number_input(key="mlp_lr").set_value(0.005).run()
    at.button(key="mlp_continue").click().run()
    assert at.session_state["mlp_trainer"].opt_state[0].step == 40
    assert change_marks(at) == ["Adam, lr 0.005, no regularization, full batch; optimizer state kept"]
    at.selectbox(key="mlp_opt").set_value("momentum").run()
    at.button(key="mlp_continue").click().run()
    assert at.session_state["mlp_trainer"].opt_state[0].step == 20
    assert change_marks(at)[-1] == "Momentum, lr 0.005, no regularization, full batch; optimizer state reset"


def test_a_change_of_batch_size_or_regularization_is_marked():
    at = open_page(PAGE, data="moons", n="80", epochs="10", mode="mini", batch="16")
    at.button(key="mlp_train").click().run()
    at.number_input(key="mlp_batch").set_value(8).run()
    at.button(key="mlp_continue").click().run()
    at.selectbox(key="mlp_reg").set_value("l2").run()
    at.button(key="mlp_continue").click().run()
    assert change_marks(at) == ["Adam, lr 0.02, no regularization, mini-batch B=8; optimizer state kept",
                                "Adam, lr 0.02, L2 (weight decay) 0.001, mini-batch B=8; optimizer state kept"]


def test_optimizer_hyperparameters_are_shown_used_and_kept_in_the_url():
    at = open_page(PAGE, data="moons", n="80", epochs="10", opt="adamw")
    keys = {n.key for n in at.number_input if n.key.startswith("mlp_hp_")}
    assert keys == {f"mlp_hp_adamw_{h}" for h in ("beta1", "beta2", "eps", "weight_decay")}
    assert at.number_input(key="mlp_hp_adamw_weight_decay").value == 0.01  # the core's default
    at.number_input(key="mlp_hp_adamw_beta1").set_value(0.5).run()
    assert at.query_params["beta1"] in ("0.5", ["0.5"])
    at.button(key="mlp_train").click().run()
    opt = at.session_state["mlp_trainer"].optimizer
    assert opt.name == "adamw" and opt.hyperparams["beta1"] == 0.5 and opt.hyperparams["weight_decay"] == 0.01
    at.number_input(key="mlp_hp_adamw_beta1").set_value(0.9).run()
    at.button(key="mlp_continue").click().run()
    assert at.session_state["mlp_trainer"].opt_state[0].step == 10  # another β₁: fresh moments
    assert change_marks(at) == ["AdamW, lr 0.02, no regularization, full batch; optimizer state reset"]


def test_hyperparameters_from_the_url_are_checked():
    at = open_page(PAGE, opt="rmsprop", beta="1.5", eps="1e-6")
    assert "beta=1.5" in at.info[0].value
    assert at.number_input(key="mlp_hp_rmsprop_beta").value == 0.99
    assert at.number_input(key="mlp_hp_rmsprop_eps").value == 1e-6
    at = open_page(PAGE, opt="sgd")
    assert not [n for n in at.number_input if n.key.startswith("mlp_hp_")]
    assert not [e for e in at.expander if "Optimizer settings" in e.label]


def test_stop_at_test_loss_is_offered_in_every_batch_mode():
    for mode in ("full", "mini", "sgd"):
        at = open_page(PAGE, mode=mode, stop="0.3")
        assert at.number_input(key="mlp_stop").value == 0.3


def interrupt_after(monkeypatch, epochs):
    """What a Stop click does: the page reruns in the middle of Trainer.run (once)."""
    import time

    import streamlit as st

    from optviz.training import Trainer

    real, calls = Trainer.run, []

    def run(self, X, y, n, *args, callback=None, **kw):
        def cb(epoch, h):
            time.sleep(0.01)
            if h.epochs >= epochs and not calls:
                calls.append(epoch)
                st.stop()
            return callback(epoch, h) if callback else None
        return real(self, X, y, n, *args, callback=cb, **kw)

    monkeypatch.setattr(Trainer, "run", run)


def test_a_stopped_run_reports_its_time_and_the_settings_it_used(monkeypatch):
    interrupt_after(monkeypatch, 15)
    at = open_page(PAGE, data="moons", n="80", epochs="100")
    at.button(key="mlp_train").click().run()
    assert charts(at), "the data is drawn before training starts, not only at the first live update"
    at.run()
    text = summary(at)
    assert text.startswith("After 15 epochs"), text
    assert float(re.search(r"([\d.]+) s\)", text).group(1)) >= 0.1, text
    at.button(key="mlp_continue").click().run()
    assert "After 115 epochs" in summary(at) and not change_marks(at)  # the same settings: no mark


def test_regression_summary_has_no_accuracy():
    at = open_page(PAGE, data="regression", n="80", epochs="10")
    at.button(key="mlp_train").click().run()
    assert "accuracy" not in summary(at) and "training loss" in summary(at)


@pytest.mark.parametrize("test,expected", [("0.25", "(test points)"), ("0", "(training points")])
def test_confusion_matrix_is_titled_by_the_points_it_counts(test, expected):
    at = open_page(PAGE, data="moons", n="80", epochs="5", test=test)
    at.button(key="mlp_train").click().run()
    titles = [title(f) for f in charts(at) if title(f).startswith("Confusion matrix")]
    assert len(titles) == 1 and expected in titles[0]
    counts = arr([f for f in charts(at) if title(f).startswith("Confusion")][0]["data"][0]["z"])
    assert counts.sum() == (20 if test == "0.25" else 80)


def test_comparison_starts_at_epoch_0_and_its_caption_keeps_its_settings():
    at = open_page(PAGE, data="moons", n="80", epochs="20", compare="sgd,adam", mode="mini", batch="16")
    at.button(key="mlp_compare_run").click().run()
    loss = [f for f in charts(at) if "Training loss of each" in title(f)][0]
    assert [arr(d["x"])[0] for d in loss["data"]] == [0, 0] and len(arr(loss["data"][0]["x"])) == 21
    assert arr(loss["data"][0]["y"])[0] == arr(loss["data"][1]["y"])[0]  # the same initial weights
    at.number_input(key="mlp_epochs").set_value(50).run()
    at.number_input(key="mlp_lr").set_value(0.1).run()
    note = [c.value for c in at.caption if c.value.startswith("Each optimizer")][0]
    assert "for 20 epochs with lr 0.02, mini-batch B=16" in note


def test_a_link_with_more_optimizers_to_compare_than_allowed_keeps_the_first_four_and_says_so():
    at = open_page(PAGE, compare="sgd,momentum,nesterov,adagrad,rmsprop")
    assert not at.exception
    assert at.multiselect(key="mlp_compare").value == ["sgd", "momentum", "nesterov", "adagrad"]
    assert "compare=sgd,momentum,nesterov,adagrad,rmsprop" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("lr,step", [(0.001, 0.0001), (0.003, 0.001), (0.05, 0.01), (0.1, 0.01), (2.0, 1.0),
                                     (1e-5, 1e-6), (0.0011, 0.001), (0.0009, 0.0001), (0.0, 0.001),
                                     (float("nan"), 0.001), (None, 0.001), ("x", 0.001)])
def test_lr_step_is_a_unit_of_the_leading_digit(lr, step):
    from optviz.app.ui import lr_step
    assert lr_step(lr) == pytest.approx(step, rel=1e-12)


# --- one participant cannot stall the room ----------------------------------------------------

HEAVY = dict(data="spiral", classes="6", n="2000", test="0", hidden="256,256,256,256,256,256", act="gelu",
             epochs="3000", mode="sgd", compare="sgd,adam,momentum,rmsprop")


@pytest.mark.parametrize("button", ["mlp_train", "mlp_compare_run"])
def test_the_heaviest_link_is_refused_before_training_with_what_to_reduce(monkeypatch, button):
    """The issue's link: 12 h of CPU per optimizer at batch size 1. Nothing is trained; the message
    says what to reduce."""
    from optviz.training import Trainer
    runs = []
    monkeypatch.setattr(Trainer, "run", lambda self, *a, **k: runs.append(1))
    at = open_page(PAGE, **HEAVY)
    at.button(key=button).click().run()
    assert not at.exception and runs == []
    assert any("One epoch" in e.value and "larger batches" in e.value for e in at.error)
    assert at.session_state["mlp_trainer"] is None


def test_a_comparison_too_long_for_one_click_says_how_many_epochs_fit(monkeypatch):
    at = open_page(PAGE, data="moons", n="2000", test="0", hidden="64,64", mode="sgd",
                   epochs="3000", compare="sgd,adam,momentum,rmsprop")
    at.button(key="mlp_compare_run").click().run()
    assert not at.exception and at.session_state["mlp_compare_result"] is None
    fit = int(re.search(r"at most (\d+) epochs", at.error[0].value).group(1))
    assert 1 <= fit < 3000
    from optviz.training import Trainer
    monkeypatch.setattr(Trainer, "run", lambda self, *a, **k: self.history)  # the training itself is not the point
    at.number_input(key="mlp_epochs").set_value(fit).run()
    at.button(key="mlp_compare_run").click().run()
    assert not at.exception and not at.error and at.session_state["mlp_compare_result"] is not None


def test_training_stops_at_its_budget_and_continue_goes_on(monkeypatch):
    from optviz import budget
    monkeypatch.setattr(budget, "MAX_SECONDS", 0.0)  # every run is over budget after its first epoch
    at = open_page(PAGE, epochs="50")
    at.button(key="mlp_train").click().run()
    assert not at.exception
    assert at.session_state["mlp_trainer"].history.epochs == 1
    assert any("stopped after 0 s" in w.value and "epoch 1 of 50" in w.value for w in at.warning)
    at.button(key="mlp_continue").click().run()
    assert at.session_state["mlp_trainer"].history.epochs == 2


def test_a_comparison_over_its_budget_stops_and_says_so(monkeypatch):
    from optviz import budget
    at = open_page(PAGE, epochs="50", compare="sgd,adam")
    monkeypatch.setattr(budget, "MAX_SECONDS", 0.0)
    monkeypatch.setattr("optviz.app.mlp.too_slow", lambda *a, **k: None)  # past the estimate
    at.button(key="mlp_compare_run").click().run()
    assert not at.exception and at.session_state["mlp_compare_result"] is None
    assert any("stopped after 0 s" in w.value for w in at.warning)


@pytest.mark.parametrize("preset", ["", *__import__("optviz.app.mlp", fromlist=["PRESETS"]).PRESETS])
def test_every_preset_trains_and_compares_within_the_budget(preset):
    at = open_page(PAGE)
    if preset:
        at.selectbox(key="mlp_preset").set_value(preset).run()
    at.button(key="mlp_train").click().run()
    assert not at.exception and not at.error and not at.warning, [e.value for e in at.error]
    assert at.session_state["mlp_trainer"].history.epochs > 0


@pytest.mark.parametrize("init", ["xavier_glorot", "xavier", "he", "normal", "glorot_uniform", "zero"])
@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu"])
def test_every_initialization_trains_and_only_zero_makes_identical_units(init, act):
    """Note 003's table: zero initialization leaves every unit of a layer a copy of the others
    (sigmoid), or every hidden weight at 0 (f(0) = 0: tanh, ReLU); the page says which and shows the
    first layer's weights. Every other initialization gives distinct units and no such warning."""
    at = open_page(PAGE, init=init, act=act, epochs="20", n="80", hidden="6, 6")
    at.button(key="mlp_train").click().run()
    assert not at.exception and not at.error
    assert summary(at).startswith("After 20 epochs")
    warnings = " ".join(w.value for w in at.warning)
    if init != "zero":
        assert "Identical units" not in warnings and "Nothing below" not in warnings
        assert not at.dataframe
        return
    table = at.dataframe[0].value
    if act == "sigmoid":
        assert warnings.startswith("**Identical units**") and warnings.count("1 different of 6") == 2
        assert np.ptp(table["w1"].to_numpy()) == 0 and np.abs(table["w1"]).max() > 0
    else:
        assert f"f(0) = 0 ({act})" in warnings
        assert not np.any(table.to_numpy())



def network_view(at) -> dict:
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [f for f in figs if f["layout"].get("title", {}).get("text", "").startswith("Each neuron's output")][0]


def test_the_network_view_appears_after_training_with_every_unit_and_its_hover_text():
    at = open_page(PAGE, epochs="20", n="60", hidden="5, 3", act="tanh")
    with pytest.raises(IndexError):  # nothing to look inside before training
        network_view(at)
    at.button(key="mlp_train").click().run()
    fig = network_view(at)
    hover = [t for t in fig["data"] if t.get("hovertext")][0]["hovertext"]
    assert len(hover) == 2 + 5 + 3 + 2
    assert hover[0] == "input x₁" and hover[2].startswith("layer 1, unit 1: ") and "tanh(" in hover[2]
    assert "mean |∂L/∂z|" in hover[-1]
    assert "Inside the network" in [h.value for h in at.subheader]


def test_the_largest_network_is_summarised_per_layer():
    at = open_page(PAGE, epochs="1", n="40", hidden="256, 256, 256, 256, 256, 256", act="relu")
    at.button(key="mlp_train").click().run()
    assert not at.exception
    fig = network_view(at)
    more = [a["text"] for a in fig["layout"]["annotations"] if a["text"].startswith("+")]
    assert more == ["+240 more"] * 6
    assert len(json.dumps(fig)) < 400_000  # a projector's page stays light


def test_a_regression_network_view_draws_curves():
    at = open_page(PAGE, data="regression", epochs="10", n="40", hidden="4")
    at.button(key="mlp_train").click().run()
    fig = network_view(at)
    assert not [t for t in fig["data"] if t["type"] == "heatmap"]
    assert any(t["type"] == "scatter" and t.get("mode") == "lines" and t["line"]["width"] == 1.5 for t in fig["data"])


def landscape_figure(at) -> dict:
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [f for f in figs if f["layout"].get("title", {}).get("text", "").startswith("Training loss on a 2-D slice")][0]


@pytest.mark.parametrize("kind", ["pca", "random"])
def test_the_loss_landscape_is_drawn_on_a_click_with_the_trained_loss_at_its_centre(kind):
    at = open_page(PAGE, epochs="40", n="80", hidden="6, 6")
    at.button(key="mlp_train").click().run()
    at.radio(key="mlp_land_kind").set_value(kind).run()
    at.button(key="mlp_land_draw").click().run()
    assert not at.exception and not at.error
    fig = landscape_figure(at)
    contour = fig["data"][0]
    assert contour["type"] == "contour"
    loss = float(summary(at).split("training loss ")[1].split(",")[0])
    shown = float(re.search(r"★, loss ([0-9.e-]+)\)", " ".join(c.value for c in at.caption)).group(1))
    assert shown == pytest.approx(loss, rel=1e-3)  # the centre is the trained network's loss
    names = [t.get("name") for t in fig["data"]]
    assert ("the training path, projected" in names) == (kind == "pca")
    if kind == "pca":
        path = [t for t in fig["data"] if t.get("name") == "the training path, projected"][0]
        xs, ys = (np.frombuffer(base64.b64decode(path[k]["bdata"]), path[k]["dtype"]) for k in ("x", "y"))
        assert len(xs) == 41  # the initial weights and 40 epochs
        assert xs[-1] == pytest.approx(0, abs=1e-9) and ys[-1] == pytest.approx(0, abs=1e-9)
    # training on hides the landscape of weights that are no longer the network's
    at.button(key="mlp_continue").click().run()
    with pytest.raises(IndexError):
        landscape_figure(at)


def test_a_landscape_too_costly_or_without_a_path_is_refused_with_what_to_do():
    at = open_page(PAGE, epochs="1", n="2000", test="0", hidden="256, 256, 256", act="relu")
    at.button(key="mlp_train").click().run()
    at.button(key="mlp_land_draw").click().run()
    assert not at.exception and "use fewer points or a smaller network" in at.error[0].value
    at = open_page(PAGE, epochs="1", n="60", hidden="4")
    at.button(key="mlp_train").click().run()
    at.button(key="mlp_land_draw").click().run()
    assert "fewer than 3 recorded points" in at.error[0].value
    at.radio(key="mlp_land_kind").set_value("random").run()
    at.button(key="mlp_land_draw").click().run()
    assert not at.error and landscape_figure(at)


def test_compared_optimizers_share_one_loss_landscape():
    at = open_page(PAGE, epochs="30", n="80", hidden="6", compare="sgd,adam")
    at.button(key="mlp_compare_run").click().run()
    at.button(key="mlp_land_compare").click().run()
    assert not at.exception and not at.error
    fig = landscape_figure(at)
    names = [t.get("name") for t in fig["data"] if t.get("mode") == "lines+markers"]
    assert len(names) == 2 and names[0].startswith("SGD") and names[1].startswith("Adam")
    assert any("the two directions along which all the runs' weights moved most" in c.value for c in at.caption)


# --- a data set drawn by hand ----------------------------------------------------------------------------

FOUR = drawn.encode(np.array([[-1, -1, 0], [1, 1, 0], [-1, 1, 1], [1, -1, 1]], dtype=float))


def test_an_empty_drawing_asks_for_points_and_shows_the_pad():
    at = open_page(PAGE, data="draw")
    assert not at.exception
    assert "Draw at least 4 points of at least 2 classes" in at.error[0].value
    pad = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert pad["layout"]["title"]["text"].startswith("Your data")
    assert at.query_params["data"] == "draw" and at.query_params.get("pts", "") == ""


def test_a_drawing_in_the_link_trains_and_travels_on():
    at = open_page(PAGE, data="draw", pts=FOUR, test="0", epochs="50", hidden="4")
    assert not at.error
    at.button(key="mlp_train").click().run()
    assert not at.exception and summary(at).startswith("After 50 epochs")
    assert at.query_params["pts"] == FOUR
    assert network_view(at)  # the network view on the drawn data


@pytest.mark.parametrize("bad", ["AB", "<script>", "ABC" * 2000, "___", "A%20B", "**bold**", "$x$"])
def test_a_drawing_link_that_cannot_be_read_starts_empty_and_says_why(bad):
    at = open_page(PAGE, data="draw", pts=bad)
    assert not at.exception
    said = " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)
    assert "could not be read" in said or "pts=" in said
    assert "Draw at least 4 points" in at.error[0].value


def test_start_from_a_generated_set_then_clear():
    at = open_page(PAGE, data="draw")
    at.selectbox(key="mlp_draw_base").set_value("circles").run()
    at.button(key="mlp_draw_use").click().run()
    assert not at.error
    pts = drawn.decode(at.query_params["pts"])
    assert len(pts) == 120 and set(pts[:, 2]) == {0.0, 1.0}
    at.button(key="mlp_draw_clear").click().run()
    assert at.query_params.get("pts", "") == "" and "Draw at least 4 points" in at.error[0].value


def test_the_replay_slider_shows_the_network_as_it_was_at_an_earlier_epoch():
    from optviz import netview
    from optviz.mlp import MLP
    at = open_page(PAGE, epochs="40", n="80", hidden="6", act="tanh", test="0")
    at.button(key="mlp_train").click().run()
    replay = at.select_slider(key="mlp_replay")
    assert replay.options[0] == "0" and replay.options[-1] == "40" and replay.value == 40
    trained = network_view(at)
    at.select_slider(key="mlp_replay").set_value(0).run()
    assert not at.exception
    hover = [t for t in network_view(at)["data"] if t.get("hovertext")][0]["hovertext"]
    X, y = datasets.make("moons", 80, noise=0.2, seed=0)
    start = MLP([2, 6, 2], activation="tanh", init="xavier", loss="cross_entropy", seed=0)
    unit = netview.view(start, X, y).units[1][0]
    assert netview.formula(unit, ["x₁", "x₂"], "tanh") in hover[2]  # the initial weights
    assert network_view(at) != trained
    at.button(key="mlp_train").click().run()  # a new run is shown at its end
    assert at.select_slider(key="mlp_replay").value == 40


def test_a_network_whose_landscape_is_refused_records_no_weights_along_its_run():
    at = open_page(PAGE, epochs="2", n="2000", test="0", hidden="256, 256, 256", act="relu", compare="sgd,adam")
    at.button(key="mlp_train").click().run()
    assert at.session_state["mlp_path"] is None  # 330 000 weights × its epochs: not kept for nothing
    assert "mlp_replay" not in at.session_state
    at.button(key="mlp_compare_run").click().run()
    at.button(key="mlp_land_compare").click().run()
    assert not at.exception and "use fewer points or a smaller network" in at.error[0].value
    small = open_page(PAGE, epochs="3", n="60", hidden="4")
    small.button(key="mlp_train").click().run()
    assert small.session_state["mlp_path"].epochs == [0, 1, 2, 3]


def _trained_in(monkeypatch, workers: str, **query):
    """Train then Continue, and a comparison, with every training counted as heavy work (so it goes
    to a worker process unless ``workers`` is "0")."""
    from optviz import budget, worker

    monkeypatch.setattr(budget, "HEAVY_SECONDS", 0.0)
    monkeypatch.setenv("OPTVIZ_WORKERS", workers)
    calls = worker.pool().calls
    at = open_page(PAGE, **query)
    at.button(key="mlp_train").click().run()
    at.number_input(key="mlp_lr").set_value(0.01).run()
    at.button(key="mlp_continue").click().run()
    at.button(key="mlp_compare_run").click().run()
    assert not at.exception and not at.error
    return at, worker.pool().calls - calls


@pytest.mark.parametrize("query", [dict(data="moons", n="80", epochs="12", mode="mini", batch="16", test="0.25",
                                        compare="sgd,adam"),
                                   dict(data="spiral", n="120", epochs="6", act="elu", reg="l2", hidden="8,8",
                                        opt="rule", compare="momentum,rmsprop")])
def test_heavy_training_in_a_worker_is_the_same_run_as_in_the_server(monkeypatch, query):
    """Train, Continue and Compare go to a worker process in pieces when heavy: the page shows the
    same run, the same weights and the same recorded path as when the server computes it."""
    there, calls = _trained_in(monkeypatch, "2", **query)
    here, none = _trained_in(monkeypatch, "0", **query)
    assert calls >= 3 and none == 0
    a, b = there.session_state["mlp_trainer"], here.session_state["mlp_trainer"]
    assert a.history.loss == b.history.loss and a.history.test_loss == b.history.test_loss
    assert a.history.changes == b.history.changes and a.history.epochs == 2 * int(query["epochs"])
    assert all(np.array_equal(x, y) for x, y in zip(a.model.flat(), b.model.flat()))
    pa, pb = there.session_state["mlp_path"], here.session_state["mlp_path"]
    assert pa.epochs == pb.epochs and all(np.array_equal(x, y) for x, y in zip(pa.points, pb.points))
    ca, cb = there.session_state["mlp_compare_result"], here.session_state["mlp_compare_result"]
    assert [r[0] for r in ca["runs"]] == [r[0] for r in cb["runs"]]
    assert all(ra[1].loss == rb[1].loss for ra, rb in zip(ca["runs"], cb["runs"]))
    assert summary(there).split(" s):")[1] == summary(here).split(" s):")[1]
