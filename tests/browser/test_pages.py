"""Every page reachable from the navigation, in English and Japanese, in headless Chromium: the
script finishes, no exception box, no console error, every chart drawn, a full-page screenshot."""
import re

import pytest

from browserkit import Server, Tab, app_pages, catalog, require_chromium, url_of

pytestmark = pytest.mark.browser

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EN, JA = catalog("en"), catalog("ja")
PAGES = app_pages()
IDS = [path for _, path in PAGES]


def test_navigation_links_every_page_of_app_py(tab):
    tab.open("/")
    assert tab.nav_paths() == sorted(url_of(path) for _, path in PAGES)
    nav = tab.page.locator('[data-testid="stSidebarNav"]').inner_text()
    for _, path in PAGES:
        assert EN[f"app.nav.{path}"] in nav


@pytest.mark.parametrize("path", IDS)
def test_page_renders_in_english(tab, path):
    tab.open(url_of(path))
    tab.assert_healthy()
    title = tab.title()
    assert title in EN.values() and not JAPANESE.search(title), title
    assert "⟦" not in tab.page.locator('[data-testid="stMain"]').inner_text(), "a message key is missing"
    assert not tab.grown_margins(), "margins too small for what they hold: every change draws twice"
    tab.screenshot(f"page-{path}")


@pytest.mark.parametrize("path", IDS)
def test_page_renders_in_japanese(tab, path):
    tab.open(url_of(path) + "?lang=ja")
    tab.assert_healthy()
    assert not tab.grown_margins(), "margins too small for what they hold: every change draws twice"
    title = tab.title()
    assert title in JA.values() and JAPANESE.search(title), title
    assert JA[f"app.nav.{path}"] in tab.page.locator('[data-testid="stSidebarNav"]').inner_text()
    tab.screenshot(f"page-{path}-ja", docs=path == "playground")


def test_language_switch_in_the_sidebar_is_kept_across_pages(tab):
    tab.open("/playground")
    assert tab.title() == EN["playground.title"]
    tab.select(EN["app.sidebar.language"], "日本語")
    assert tab.title() == JA["playground.title"]
    assert "lang=ja" in tab.page.url
    tab.assert_healthy()
    # to another page through the navigation: still Japanese
    tab.act(lambda: tab.page.locator('[data-testid="stSidebarNav"] a').filter(has_text=JA["app.nav.home"]).click())
    assert tab.title() == JA["home.title"]
    tab.select(JA["app.sidebar.language"], "English")
    assert tab.title() == EN["home.title"]
    tab.assert_healthy()


def test_deep_link_as_a_fresh_servers_first_request_runs_through_the_navigation(context):
    """Regression: Streamlit's legacy pages/ mode used to run the page alone (no language, no nav)."""
    require_chromium()
    fresh = Server("streamlit-fresh")
    tab = Tab(context.new_page(), fresh.url)
    try:
        tab.open("/playground?lang=ja")
        assert tab.title() == JA["playground.title"]
        nav = tab.page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert JA["app.nav.home"] in nav and "playground" not in nav.lower()
        tab.assert_healthy()
    finally:
        tab.page.close()
        fresh.stop()


def test_a_room_opening_the_link_at_once_on_a_fresh_server_all_get_the_navigation(context):
    """Regressions on a fresh server, tabs opening deep links together (a workshop room):
    - three of four ran the page alone in legacy mode (file names as nav, no language), having
      started before the switch;
    - with every page opened at once, sessions importing the same modules in different orders got
      half-initialized ones ("partially initialized module 'pandas'", "cannot import name
      'axis_ref'"): optviz/preload.py."""
    require_chromium()
    fresh = Server("streamlit-fresh-room")
    room = [url_of(path) for _file, path in app_pages()]
    tabs = [Tab(context.new_page(), fresh.url) for _ in room]
    try:
        for tab, path in zip(tabs, room):  # all requests go out before any page has run
            tab.page.goto(fresh.url + path + "?lang=ja", wait_until="commit")
        for tab in tabs:
            # twelve tabs drawing at once share this machine's 2 cores with the server: 40–55 s
            # here when quiet, so a minute was too tight when anything else ran
            tab.settle(timeout=180)
            nav = tab.page.locator('[data-testid="stSidebarNav"]').inner_text()
            assert JA["app.nav.home"] in nav and "playground" not in nav.lower(), nav[:80]
            tab.assert_healthy()
    finally:
        for tab in tabs:
            tab.page.close()
        fresh.stop()
