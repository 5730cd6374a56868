"""Message catalog: one per language, stored as JSON files under ``optviz/locales/<lang>/``.

Each page keeps its strings in its own file (``playground.json``, ...); together they form the
language's catalog. Keys are dotted (``playground.title``); values are ``str.format`` templates.
Pure Python: the pages reach it through ``optviz.ui.tr``.
"""
from __future__ import annotations

import json
import numbers
import re
import string
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "ja")
DEFAULT_LANG = "en"
_ROOT = Path(__file__).parent / "locales"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All messages of ``lang``; a key defined in two files of one language is an error."""
    if lang not in LANGS:
        lang = DEFAULT_LANG
    merged: dict[str, str] = {}
    for path in sorted((_ROOT / lang).glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice in {lang} ({path.name})")
            merged[key] = value
    return merged


def normalize_lang(value) -> str:
    """``ja`` or ``en``; anything else (missing, unknown) falls back to English."""
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The message ``key`` in ``lang``, formatted with ``fmt``. A missing key shows as ⟦key⟧."""
    text = template(key, lang)
    return text.format(**fmt) if fmt else text


def template(key: str, lang: str = DEFAULT_LANG) -> str:
    """The unformatted message ``key`` in ``lang``, else in English, else ⟦key⟧."""
    text = catalog(normalize_lang(lang)).get(key)
    return text if text is not None else catalog(DEFAULT_LANG).get(key, f"⟦{key}⟧")


# --- user text inside messages ---------------------------------------------------------------------
# A message is Markdown (Streamlit renders st.error, st.info, captions and labels as Markdown, with
# LaTeX between $ signs and links). A value put into it may be a user's text: an expression, a CSV
# cell, a value from a link. It must be shown as it is, never interpreted: a link typed into an
# expression must not become a working link in the error box, `**` must not turn text bold.

# Markdown's inline syntax (emphasis, code, links, HTML, maths, tables, Streamlit's :color[] and
# :emoji: codes, entities, headings, e-mail links). Not . , + - ( ) =: a number (4.58, 1e+06) or a
# name (SGD (one point)) often goes into a message and then into a table or a figure, which would
# show the backslashes; those characters start nothing inline once line breaks are gone.
_SYNTAX = frozenset("\\`*_[]<>$~|:&#@!{}")


def _has_field(template: str) -> bool:
    return any(name for _, name, _, _ in string.Formatter().parse(template))


class Markdown(str):
    """Text that is already safe Markdown (a message made by ``markdown``): not escaped again when
    it is put into another message."""


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly ``text``: each character of Markdown's inline syntax
    backslash-escaped (CommonMark allows it for any ASCII punctuation; ``http\\://`` and ``www\\.``
    also stop GFM's bare-URL links), line breaks as spaces."""
    text = " ".join(str(text).splitlines())
    text = "".join("\\" + c if c in _SYNTAX else c for c in text)
    return re.sub(r"(?i)(www)\.", r"\1\\.", text)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span that shows exactly ``text``, backticks included: fenced by
    one more backtick than its longest run of backticks (CommonMark), padded when it starts or ends
    with one."""
    text = " ".join(str(text).splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown(key: str, lang: str = DEFAULT_LANG, **fmt) -> Markdown:
    """The message ``key`` as Markdown, with every text value in ``fmt`` shown as plain text:
    inside a code span of the template (```{value}```) as a safe code span, elsewhere escaped.
    Numbers, and values that are themselves ``Markdown`` messages, go in as they are."""
    text = template(key, lang)
    if not fmt:
        return Markdown(text)
    # numbers and finished messages go in as they are; anything else (text, an exception, a list) is
    # shown as its text
    escaped = {k: v if isinstance(v, (numbers.Number, Markdown)) else escape_markdown(str(v))
               for k, v in fmt.items()}
    out = []
    for part in re.split(r"(`[^`]*`)", text):  # the template's code spans, and the text between them
        if len(part) > 1 and part[0] == part[-1] == "`" and _has_field(part):
            out.append(code_span(part[1:-1].format(**fmt)))  # filled with the raw values, fenced safely
        else:
            out.append(part.format(**escaped))
    return Markdown("".join(out))
