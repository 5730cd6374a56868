"""A user's text is shown as plain text on every page: values in links, text inputs, expressions.

Each hostile text would be a link, HTML, bold text, maths or a code-span breakout if a page put it
into a message unescaped (tests/plaintext.py); each page is opened with it in every setting of its
link, and typed into every text input it has."""
import sys
from pathlib import Path

import pytest

from conftest import PAGE_FILES, open_page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from plaintext import live_markup_near_evil  # noqa: E402

PAYLOADS = ["('`[evil](http://evil.example)`')(x)", "<script>evil()</script> **evil** $evil$",
            ":red[evil] http://evil.example _evil_"]
MESSAGES = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
            "toast")


def assert_plain(at, where):
    assert not at.exception, (where, [e.value for e in at.exception])
    for kind in MESSAGES:
        for element in getattr(at, kind):
            bad = live_markup_near_evil(element.value)
            assert not bad, (where, kind, element.value, bad)


def link_keys(page_file: str) -> list[str]:
    at = open_page(page_file)
    return [k for k in at.query_params if k not in ("lang", "present")]


@pytest.mark.parametrize("page_file", PAGE_FILES)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_link_value_is_shown_as_plain_text(page_file, payload):
    keys = link_keys(page_file) + ["unknown_setting"]
    at = open_page(page_file, **{k: payload for k in keys})
    assert_plain(at, (page_file, "every key"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_custom_expression_in_a_link_is_shown_as_plain_text(payload):
    assert_plain(open_page("playground.py", s="custom", expr=payload), payload)


@pytest.mark.parametrize("page_file", PAGE_FILES)
def test_text_typed_into_any_input_is_shown_as_plain_text(page_file):
    query = {"s": "custom"} if page_file == "playground.py" else {}
    at = open_page(page_file, **query)
    inputs = [(kind, w.key) for kind in ("text_input", "text_area") for w in getattr(at, kind)]
    for kind, key in inputs:
        for payload in PAYLOADS:
            getattr(at, kind)(key=key).input(payload).run()
            assert_plain(at, (page_file, key, payload))


ESCAPE = __import__("re").compile(r"\\[!-/:-@\[-`{-~]")


@pytest.mark.parametrize("page_file", PAGE_FILES)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_figures_and_tables_show_no_markdown_escapes(page_file, lang):
    """Figures and tables read no Markdown: their text comes from ``plot_tr``, never from ``tr``
    (whose values are escaped for Markdown), so no backslash shows up in a legend or a cell."""
    import json

    from test_every_page import _figure_texts
    at = open_page(page_file, lang=lang)
    texts = [t for c in at.get("plotly_chart") for t in _figure_texts(json.loads(c.proto.spec))]
    for frame in list(at.dataframe) + list(at.table):
        texts += [str(v) for v in frame.value.to_numpy().ravel()] + [str(c) for c in frame.value.columns]
    for s in ("selectbox", "multiselect", "radio"):
        texts += [str(o) for w in getattr(at, s) for o in w.options]
    bad = [t for t in texts if ESCAPE.search(t)]
    assert not bad, bad
