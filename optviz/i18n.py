"""Message catalog: one per language, stored as JSON files under ``optviz/locales/<lang>/``.

Each page keeps its strings in its own file (``playground.json``, ...); together they form the
language's catalog. Keys are dotted (``playground.title``); values are ``str.format`` templates.
Pure Python: the pages reach it through ``optviz.ui.tr``.
"""
from __future__ import annotations

import json
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
    text = catalog(normalize_lang(lang)).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, f"⟦{key}⟧")
    return text.format(**fmt) if fmt else text
