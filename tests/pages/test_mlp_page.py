"""AppTest runs of the MLP trainer, asserting on what it shows."""
import json
import re

import pytest

from conftest import open_page
from optviz import datasets

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
    assert [d["name"] for d in loss[0]["data"]] == ["sgd (lr=0.02)", "adam (lr=0.02)"]


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
