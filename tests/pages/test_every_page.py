"""Every file under pages/ opens without an exception, in English and in Japanese."""
import re

import pytest

from conftest import PAGE_FILES, all_text, open_page

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
