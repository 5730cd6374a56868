"""Every file under pages/ opens without an exception, in English and in Japanese."""
import json
import re

import pytest

from conftest import PAGE_FILES, all_text, open_page
from optviz.app.ui import SHARE_KEY

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("page_file", PAGE_FILES)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_page_opens_without_exception_in_each_language(page_file, lang):
    at = open_page(page_file, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert "⟦" not in text, "a message key is missing from the catalog"
    if lang == "ja":
        assert JAPANESE.search(at.title[0].value), at.title[0].value
    else:
        assert not JAPANESE.search(at.title[0].value)


def test_unknown_language_falls_back_to_english_quietly():
    at = open_page("home.py", lang="xx")
    assert not at.exception and not at.error
    assert at.title[0].value.startswith("optviz")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_home_links_to_the_pages_that_exist():
    at = open_page()
    assert not at.exception
    assert "optviz" in at.title[0].value


@pytest.mark.parametrize("page_file", PAGE_FILES)
def test_presentation_mode_from_the_url_enlarges_figures(page_file):
    at = open_page(page_file, present="1")
    assert not at.exception
    assert at.toggle(key="present").value is True
    for c in at.get("plotly_chart"):
        layout = json.loads(c.proto.spec)["layout"]
        assert layout["font"]["size"] >= 20 and layout["height"] >= 620, (
            "draw figures with optviz.app.ui.chart(fig), not st.plotly_chart, so presentation mode applies")


def test_presentation_mode_is_kept_in_the_url():
    at = open_page("home.py")
    at.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] == "1"
    at.toggle(key="present").set_value(False).run()
    assert "present" not in at.query_params


def test_share_box_holds_the_link_with_every_setting_once_opened():
    at = open_page("playground.py", s="rosenbrock", steps="77")
    assert not at.code  # closed: no code box, whose highlighter a new tab would have to load
    at.session_state[SHARE_KEY] = True
    at.run()
    link = [c.value for c in at.code if "steps=77" in c.value]
    assert link and "s=rosenbrock" in link[0] and "lang=en" in link[0]


# Names that stay as they are in Japanese text: optimizers, activations, surfaces, people, units.
KEEP = {w.lower() for w in """optviz sgd momentum nesterov adagrad rmsprop adam adamw relu leaky elu swish silu
gelu softplus softmax sigmoid tanh step identity xavier glorot uniform normal rosenbrock beale himmelblau
rastrigin booth ackley six hump camel english language xor moons circles spiral blobs batchnorm batch norm
mse csv png lambda max min log exp sin cos sqrt eps beta beta1 beta2 weight_decay alpha mlp lr std pca
prelu he nan inf course book lecun
net out""".split()}  # net, out: the worked backprop example's symbols (net_h1, out_h1)
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")


def visible_strings(at):
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                 "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "slider", "number_input", "toggle", "checkbox", "radio", "multiselect",
                 "text_input", "button", "select_slider", "text_area"):
        out += [str(e.label) for e in getattr(at, kind)]
    out += [str(e.value) for e in at.toast]
    for c in at.get("plotly_chart"):  # chart titles, axis titles, legends, colour bars, notes
        out += _figure_texts(json.loads(c.proto.spec))
    for frame in list(at.dataframe) + list(at.table):
        df = frame.value
        out += [str(col) for col in df.columns]
        out += [str(v) for v in df.to_numpy().ravel() if isinstance(v, str)]
    return out


def _figure_texts(fig: dict) -> list[str]:
    layout, out = fig.get("layout", {}), []

    def title(obj):
        t = (obj or {}).get("title")
        return [t.get("text", "") if isinstance(t, dict) else str(t)] if t else []

    out += title(layout)
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            out += title(axis)
        if key.startswith("scene"):
            out += [t for ax in ("xaxis", "yaxis", "zaxis") for t in title(axis.get(ax))]
    out += [a.get("text", "") for a in layout.get("annotations", [])]
    for trace in fig.get("data", []):
        if trace.get("showlegend", True) and trace.get("name"):
            out.append(trace["name"])
        bar = (trace.get("colorbar") or {})
        out += title(bar) + [str(t) for t in bar.get("ticktext", [])]
    return [t for t in out if t]


@pytest.mark.parametrize("page_file", PAGE_FILES)
def test_japanese_pages_show_no_untranslated_text(page_file):
    at = open_page(page_file, lang="ja")
    untranslated = []
    for text in visible_strings(at):
        if JAPANESE.search(text):
            continue
        words = [w for w in ENGLISH_WORD.findall(text) if w.lower() not in KEEP]
        if len(words) >= 2:
            untranslated.append(text)
    assert not untranslated, f"English text on the Japanese page (add it to the catalog): {untranslated}"


def _settings(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params if k not in ("lang", "present")}


@pytest.mark.parametrize("page_file", [p for p in PAGE_FILES if p != "home.py"])
def test_a_visit_to_another_page_keeps_this_pages_settings(page_file):
    """Regression: Streamlit drops the values of widgets a run does not draw, so home and back
    brought pages back with every slider at its minimum, or a KeyError (loss functions,
    autoencoders)."""
    at = open_page(page_file)
    before = _settings(at)
    at.switch_page("pages/home.py")
    at.run()
    at.switch_page(f"pages/{page_file}")
    at.run()
    assert not at.exception, at.exception
    assert _settings(at) == before


def test_a_link_with_settings_the_page_does_not_know_says_they_were_ignored():
    at = open_page("learning_rate.py", eta="0.3", lr="0.5")  # an older name for the lr
    assert any("eta=0.3" in t.value for t in at.toast)
    assert "eta" not in at.query_params and at.query_params["lr"] == "0.5"
    at.slider(key="learning_rate_lr").set_value(0.6).run()  # later runs say nothing more
    assert not at.toast


def test_navigating_between_pages_raises_no_unknown_setting_note():
    at = open_page("learning_rate.py")
    at.switch_page("pages/line_fitting.py")
    at.run()
    assert not at.toast and not at.exception
