"""The course map on the home page: every section of the notes links to a page and settings that
exist; each link opens its page with those settings (the page writes them back to its link)."""
import pytest

from conftest import open_page
from optviz import course, i18n
from optviz.app.pages import PAGES


def test_the_map_covers_every_note_and_every_entry_is_in_both_languages():
    assert {e.note for e in course.MAP} >= {"000", "001", "002", "003", "004"}
    names = {p.name for p in PAGES}
    for e in course.MAP:
        assert e.page in names, e
        for lang in i18n.LANGS:
            assert e.text_key() in i18n.catalog(lang), (e.id, lang)
    assert len({e.id for e in course.MAP}) == len(course.MAP)


def _same(a: str, b: str, key: str = "") -> bool:
    if key == "runs":  # the page leaves out hyperparameters at their defaults
        from optviz import playground as pg
        full = lambda t: [(r.name, r.full_params()) for r in pg.parse_runs(t)]  # noqa: E731
        return full(a) == full(b)
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


@pytest.mark.parametrize("entry", course.MAP, ids=[e.id for e in course.MAP])
def test_every_map_link_opens_its_page_with_its_settings(entry):
    at = open_page(f"{entry.page}.py", **entry.query)
    assert not at.exception, entry
    for k, v in entry.query.items():
        assert k in at.query_params and _same(at.query_params[k], v, k), (k, v, dict(at.query_params))


def test_the_home_page_shows_the_map_in_both_languages():
    for lang, title, first in (("en", "Course map", "Note 000"), ("ja", "講義との対応表", "講義ノート 000")):
        at = open_page(None, lang=lang)
        assert not at.exception
        assert title in [s.value for s in at.subheader]
        assert any(first in m.value for m in at.markdown)
