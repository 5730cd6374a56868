"""The message catalogs: complete in both languages, and every key the code uses exists."""
import re
import string
from pathlib import Path

import pytest

from optviz import i18n

ROOT = Path(__file__).resolve().parents[1]
KEY_USE = re.compile(r"""\btr?\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def test_both_languages_have_the_same_keys():
    en, ja = set(i18n.catalog("en")), set(i18n.catalog("ja"))
    assert not en - ja, f"missing in ja: {sorted(en - ja)}"
    assert not ja - en, f"missing in en: {sorted(ja - en)}"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_keys_prefix_names_its_catalog_file(lang):
    import json

    for path in (ROOT / "optviz" / "locales" / lang).glob("*.json"):
        wrong = [k for k in json.loads(path.read_text(encoding="utf-8")) if k.split(".")[0] != path.stem]
        assert not wrong, f"{path.name}: {wrong[:5]}"


def test_each_page_is_found_from_its_name():
    """pages/<name>.py: its strings <name>.* in locales/<lang>/<name>.json, its figures in
    optviz/plots/<name>.py, its title app.nav.<name>; the page list names every file of pages/."""
    from optviz.app.pages import PAGES

    assert sorted(p.name for p in PAGES) == sorted(f.stem for f in ROOT.glob("pages/*.py"))
    catalog = i18n.catalog("en")
    for page in PAGES:
        assert (ROOT / "optviz" / "locales" / "en" / f"{page.name}.json").exists(), page.name
        assert page.title_key in catalog
        if page.name != "home":
            assert (ROOT / "optviz" / "plots" / f"{page.name}.py").exists(), page.name
    shared = {"__init__", "common", "classroom"}, {"__init__", "ui", "spec", "pages", "preload", "rule_editor", "classroom"}
    for folder, common in zip(("plots", "app"), shared):
        stray = {p.stem for p in (ROOT / "optviz" / folder).glob("*.py")} - common - {p.name for p in PAGES}
        assert not stray, f"optviz/{folder}: modules that are no page's and not shared: {stray}"


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
    assert i18n.t("app.nav.home", "fr") == "Home"
    assert i18n.t("no.such_key", "ja") == "⟦no.such_key⟧"
    assert i18n.t("app.url.fallback", "en", items="a=1").endswith("a=1")


# --- user text in messages stays plain text ---------------------------------------------------

from plaintext import HOSTILE, live_markup_near_evil  # noqa: E402


def _fields(template: str) -> dict:
    """Each str.format field of ``template``: its format spec and conversion."""
    return {name: (":" + spec if spec else "") for _, name, spec, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_every_message_shows_a_users_text_as_plain_text(lang, payload):
    """Any value may come from a user (an expression, a CSV cell, a link): in every message of
    the catalog, in a code span of the template or outside one, it must not become Markdown."""
    checked = 0
    for key, template in i18n.catalog(lang).items():
        fields = _fields(template)
        if not fields:
            continue
        # a field with a number format ({n:,}) gets a number; every other field the hostile text
        fmt = {f: 12345 if spec.startswith(":") and not spec.startswith(":s") else payload
               for f, spec in fields.items()}
        shown = i18n.markdown(key, lang, **fmt)
        assert not live_markup_near_evil(shown), (key, shown, live_markup_near_evil(shown))
        checked += 1
    assert checked > 100


def test_the_plaintext_check_catches_unescaped_text():
    for payload in HOSTILE:
        assert live_markup_near_evil(f"error: {payload}") or live_markup_near_evil(f"name `{payload}`"), payload


def test_escaped_text_reads_as_the_original():
    payload = "a_b *c* [d](e) `f` $g$ <h> \\ 1.5"
    unescaped = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", i18n.escape_markdown(payload))
    assert unescaped == payload
    span = i18n.code_span("x ``y`` `z`")
    assert span.startswith("```") and span[3:-3].strip() == "x ``y`` `z`"


def test_an_exception_or_other_object_in_a_message_is_shown_as_its_plain_text():
    shown = i18n.markdown("app.error", "en", message=ValueError("[evil](http://evil.example)"))
    assert not live_markup_near_evil(shown), shown


def test_japanese_sentences_hold_no_stray_half_width_spaces():
    """A half-width space between two Japanese characters (「。 バイアス」, 「のは 学習率」) is a typo in
    Japanese text; spaces beside Latin letters, numbers, formulas and placeholders are the usual style."""
    import re
    japanese = r"[\u3001-\u30ff\u4e00-\u9fff\uff01-\uff5e]"
    stray = re.compile(rf"(?<={japanese})[ \t]+(?={japanese})")
    found = [(k, v[max(0, m.start() - 6):m.end() + 6]) for k, v in i18n.catalog("ja").items()
             for m in stray.finditer(v)]
    assert not found, found
    assert stray.search("値。 バイアス") and stray.search("のは 学習率") and not stray.search("学習率 lr = 0.1 のとき")


def test_japanese_uses_the_course_notes_own_terms():
    """The notes' words (note 000: オートエンコーダ, バッチ/ミニバッチ; 002: 訓練データ), not a
    translator's: 自己符号化器, 符号 for the code (it reads as "sign"), 学習データ, 偶然のレベル, 掃引."""
    ja = i18n.catalog("ja")
    avoided = {"自己符号化器": "オートエンコーダ", "学習データ": "訓練データ", "偶然のレベル": "チャンスレベル",
               "掃引": "学習率を変えて比較", "2 つの月": "2 つの三日月"}
    for word, instead in avoided.items():
        hits = [k for k, v in ja.items() if word in v]
        assert not hits, f"{word} in {hits}: the course says {instead}"
    code = [k for k, v in ja.items() if "符号" in v and k.startswith("autoencoder.")]
    assert not code, f"符号 for the code in {code}: 潜在表現 / 潜在空間"
    assert ja["app.nav.autoencoder"] == "オートエンコーダ" and ja["activations.name_tanh"] == "tanh 関数"


def test_a_preset_said_to_be_the_course_s_names_its_note():
    """Presets from a course note say which (Note 003 §3.3 / 講義ノート 003); the app's own examples do
    not claim to be the course's."""
    import re
    for lang, course, note in (("en", r"\bCourse\b", r"^Note 00\d|^Course notes 00\d"), ("ja", "講義", r"^講義ノート 00\d")):
        for k, v in i18n.catalog(lang).items():
            if ".preset_" in k and re.search(course, v):
                assert re.search(note, v), (k, v)
