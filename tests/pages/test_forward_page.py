"""The forward-pass page (note 002's 2-3-2-2 network) in AppTest: the book's numbers on screen, every
preset, the step slider, the output functions and losses, typed matrices and bad ones."""
import json

import pytest

from conftest import all_text, open_page
from optviz import forward as fw

PAGE = "forward.py"


def latex(at) -> str:
    return "\n".join(e.value for e in at.latex)


def test_defaults_show_the_book_s_pass_and_output():
    at = open_page(PAGE)
    assert not at.exception and not at.error
    text = latex(at)
    assert r"\begin{pmatrix}0.3 & 0.7 & 1.1\end{pmatrix}" in text  # A1, as the book prints it
    assert r"Y = \mathrm{id}(A^{(3)}) = \begin{pmatrix}0.3168 & 0.6963\end{pmatrix}" in text
    net = json.loads(at.get("plotly_chart")[0].proto.spec)
    labels = [t for t in net["data"][-1]["text"]]
    assert "y1<br>0.3168" in labels and "y2<br>0.6963" in labels
    assert "Cross-entropy needs probabilities" in all_text(at)  # identity output: no cross-entropy


def test_the_step_slider_walks_through_the_layers():
    at = open_page(PAGE, step="1")
    assert "A^{(1)}" in latex(at) and "A^{(2)}" not in latex(at) and not at.metric
    labels = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][-1]["text"]
    assert "y1" in labels and not any(t.startswith("y1<br>") for t in labels)  # not computed yet
    at.slider(key="forward_step").set_value(2).run()
    assert "A^{(2)}" in latex(at) and "A^{(3)}" not in latex(at)
    at.slider(key="forward_step").set_value(3).run()
    assert "A^{(3)}" in latex(at) and at.query_params["step"] == "3"


def test_softmax_output_gives_probabilities_and_the_cross_entropy_picture():
    at = open_page(PAGE)
    at.selectbox(key="forward_preset").set_value("book_softmax").run()
    assert not at.exception
    y = fw.forward(fw.BOOK_X, output="softmax")[-1].z
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["cross-entropy E = −Σ tₖ log yₖ"] == f"{fw.cross_entropy(y, 1):.6f}"
    assert metrics["sum of squares E = ½Σ(yₖ − tₖ)²"] == f"{fw.sum_squares(y, 1):.6f}"
    curve = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert curve["data"][1]["x"] == [pytest.approx(y[1])]


def test_a_confident_wrong_answer_costs_the_most():
    at = open_page(PAGE)
    at.selectbox(key="forward_preset").set_value("confident_wrong").run()
    ce = float({m.label: m.value for m in at.metric}["cross-entropy E = −Σ tₖ log yₖ"])
    right = open_page(PAGE, out="softmax", label="1", w3="-3, 3; -3, 3")
    assert ce > 3 and ce > 10 * float({m.label: m.value for m in right.metric}["cross-entropy E = −Σ tₖ log yₖ"])


def test_typed_weights_change_every_number_and_travel_in_the_link():
    at = open_page(PAGE)
    at.text_input(key="forward_w1").input("1, 0, 0; 0, 1, 0").run()
    assert not at.error
    assert r"\begin{pmatrix}1.1 & 0.7 & 0.3\end{pmatrix}" in latex(at)  # x W1 + b1 = (1, .5, 0) + b1
    assert at.query_params["w1"] == "1, 0, 0; 0, 1, 0"


@pytest.mark.parametrize("bad", ["1, 2", "a, b, c; d, e, f", "1e9, 0, 0; 0, 0, 0", "1, 2, 3; 4, 5, 6; 7"])
def test_a_bad_matrix_is_refused_and_the_book_s_is_used(bad):
    at = open_page(PAGE, w1=bad)
    assert not at.exception and len(at.error) == 1
    assert "W1" in at.error[0].value and "book's values" in at.error[0].value
    assert r"\begin{pmatrix}0.3 & 0.7 & 1.1\end{pmatrix}" in latex(at)


@pytest.mark.parametrize("act", fw.HIDDEN)
def test_every_hidden_activation_draws(act):
    at = open_page(PAGE, act=act, out="softmax")
    assert not at.exception and not at.error and len(at.get("plotly_chart")) == 2


def test_japanese():
    at = open_page(PAGE, lang="ja", out="softmax")
    assert at.title[0].value == "順伝播をステップごとに" and "第 1 層" in all_text(at)
    assert any("交差エントロピー誤差" in m.label for m in at.metric)


def test_an_overlong_matrix_in_a_link_falls_back_with_a_note():
    at = open_page(PAGE, w1="1," * 150)
    assert not at.exception and not at.error and at.info
    assert r"\begin{pmatrix}0.3 & 0.7 & 1.1\end{pmatrix}" in latex(at)
