"""AppTest runs of the fundamentals pages, asserting on what they show."""
import json

import pytest

from conftest import open_page


def titles(at):
    return [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]


@pytest.mark.parametrize("lr,box,text", [(0.02, "info", "Too small"), (0.3, "success", "Good"),
                                         (0.8, "warning", "Oscillating"), (1.0, "warning", "On the edge"),
                                         (1.05, "error", "Diverging")])
def test_learning_rate_regimes_are_named(lr, box, text):
    at = open_page("learning_rate.py", lr=str(lr))
    assert not at.exception
    assert getattr(at, box)[0].value.startswith(text)


def test_learning_rate_beyond_two_over_f2_diverges_and_says_when():
    at = open_page("learning_rate.py", lr="2.0", a="5", steps="100")
    assert not at.exception
    assert any("Diverged at step" in e.value for e in at.error)
    assert len(at.get("plotly_chart")) == 3


def test_nonconvex_presets_end_in_different_minima():
    at = open_page("learning_rate.py")
    at.selectbox(key="lr1d_preset").set_value("nonconvex_local").run()
    local = at.info[0].value
    at.selectbox(key="lr1d_preset").set_value("nonconvex_global").run()
    assert "x = 1.13" in local and "x = -1.30" in at.info[0].value


def test_line_fitting_defaults_reach_least_squares():
    at = open_page("line_fitting.py")
    assert not at.exception and not at.error
    assert any("least squares" in x.value for x in at.latex)
    gap = [c.value for c in at.caption if "away from the least-squares" in c.value][0]
    assert "e-0" in gap  # 100 updates from (0, 0) end within 1e-5 of the closed form


@pytest.mark.parametrize("query", [dict(n="2"), dict(noise="0"), dict(lr="0.4", epochs="30"), dict(opt="adam", lr="0.1")])
def test_line_fitting_extremes(query):
    at = open_page("line_fitting.py", **query)
    assert not at.exception
    if query.get("lr") == "0.4":
        assert "diverged" in at.error[0].value
    if query.get("noise") == "0":
        assert "a^* = 2.0000" in at.latex[-1].value and "b^* = 1.0000" in at.latex[-1].value


def test_batch_modes_table_has_measured_values():
    at = open_page("batch_modes.py", n="100", b="10", epochs="5")
    assert not at.exception
    t = at.dataframe[0].value
    assert list(t.iloc[:, 1]) == [1, 10, 100]  # updates per epoch: batch, B = 10, one at a time
    noise = list(t.iloc[:, 2])
    assert noise[0] == 0 and noise[2] > noise[1] > 0


def test_batch_modes_with_two_points():
    at = open_page("batch_modes.py", n="2", b="10")
    assert not at.exception and list(at.dataframe[0].value.iloc[:, 1]) == [1, 1, 2]


def test_loss_functions_match_the_book_and_react():
    at = open_page("loss_functions.py")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["cross-entropy"] == "0.5108"  # −log 0.6 (ゼロから作る, 4.2.2)
    at.selectbox(key="loss_preset").set_value("sure_wrong").run()
    assert float({m.label: m.value for m in at.metric}["cross-entropy"]) > 10


def test_loss_functions_all_zero_predictions():
    at = open_page("loss_functions.py", p0="0", p1="0", p2="0", p3="0")
    assert not at.exception and "equal probabilities" in at.warning[0].value
