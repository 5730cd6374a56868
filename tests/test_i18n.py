"""The message catalogs: complete in both languages, and every key the code uses exists."""
import re
import string
from pathlib import Path

from optviz import i18n

ROOT = Path(__file__).resolve().parents[1]
KEY_USE = re.compile(r"""\btr?\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def test_both_languages_have_the_same_keys():
    en, ja = set(i18n.catalog("en")), set(i18n.catalog("ja"))
    assert not en - ja, f"missing in ja: {sorted(en - ja)}"
    assert not ja - en, f"missing in en: {sorted(ja - en)}"


def fields(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_placeholders_agree_between_languages():
    for key, text in i18n.catalog("en").items():
        assert fields(text) == fields(i18n.catalog("ja")[key]), key


def test_every_key_used_in_code_is_in_the_catalog():
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("optviz/**/*.py")]
    used = {k for p in sources for k in KEY_USE.findall(p.read_text(encoding="utf-8"))}
    assert used, "the scan found no keys: the pattern is broken"
    missing = used - set(i18n.catalog("en"))
    assert not missing, sorted(missing)


def test_unknown_language_and_missing_key_fall_back():
    assert i18n.normalize_lang("fr") == "en" and i18n.normalize_lang(None) == "en"
    assert i18n.t("nav.home", "fr") == "Home"
    assert i18n.t("no.such_key", "ja") == "⟦no.such_key⟧"
    assert i18n.t("url.fallback", "en", items="a=1").endswith("a=1")
