"""The first visitor of a freshly started server (the teacher who starts it) keeps the language and
presentation mode they opened the app with, across a click on another page.

Streamlit keeps its legacy ``pages/`` mode until a session runs ``st.navigation``, so that
visitor's first run differs from every later one: ``/`` runs app.py as a page of that mode, a deep
link runs ``pages/<page>.py`` alone. The language used to be lost on the first click (English and
``lang=en``), and a language chosen in that first run did nothing. Each test starts its own server,
since only a fresh server shows this."""
import pytest

from browserkit import Server, Tab, app_pages, catalog, require_chromium

pytestmark = pytest.mark.browser

EN, JA = catalog("en"), catalog("ja")
PATHS = [path for _file, path in app_pages()]
# catalog key of the title of the pages opened here; the one clicked on is a light page
TITLE = {"home": "home.title", "mlp": "mlp.title", "learning_rate": "learning_rate.title",
         "activations": "activations.title"}
TARGET = next((p for p in ("learning_rate", "activations") if p in PATHS), None)
needs_pages = pytest.mark.skipif(TARGET is None or "mlp" not in PATHS, reason="the pages do not exist yet")


@pytest.fixture
def fresh(context, request):
    """A tab on a server of its own, started for this test (its first visitor)."""
    require_chromium()
    server = Server(f"streamlit-first-visitor-{request.node.name}")
    tab = Tab(context.new_page(), server.url)
    yield tab
    tab.page.close()
    server.stop()


def nav_text(tab) -> str:
    return tab.page.locator('[data-testid="stSidebarNav"]').inner_text()


def click_nav(tab, label: str) -> None:
    link = tab.page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first
    tab.act(link.click)


def assert_japanese(tab, page: str) -> None:
    assert tab.title() == JA[TITLE[page]], (tab.title(), tab.page.url)
    assert "lang=ja" in tab.page.url, tab.page.url
    nav = nav_text(tab)
    assert JA["app.nav.home"] in nav and JA[f"app.nav.{TARGET}"] in nav, nav[:200]
    tab.assert_healthy()


@needs_pages
def test_home_link_keeps_japanese_after_a_sidebar_click(fresh):
    fresh.open("/?lang=ja")
    assert_japanese(fresh, "home")
    click_nav(fresh, JA[f"app.nav.{TARGET}"])
    assert_japanese(fresh, TARGET)


@needs_pages
def test_deep_link_keeps_japanese_after_a_sidebar_click(fresh):
    fresh.open("/mlp?lang=ja")
    assert_japanese(fresh, "mlp")
    click_nav(fresh, JA[f"app.nav.{TARGET}"])
    assert_japanese(fresh, TARGET)


@needs_pages
def test_japanese_chosen_in_the_first_run_is_kept_after_a_sidebar_click(fresh):
    fresh.open("/")
    assert fresh.title() == EN[TITLE["home"]]
    fresh.select(EN["app.sidebar.language"], "日本語")
    assert_japanese(fresh, "home")
    click_nav(fresh, JA[f"app.nav.{TARGET}"])
    assert_japanese(fresh, TARGET)


@needs_pages
def test_presentation_mode_from_the_first_link_is_kept_on_the_next_page(fresh):
    """Same mechanism as the language: the sidebar switch was reset by the first click."""
    switch = fresh.page.get_by_role("switch", name=EN["app.sidebar.presentation"])
    fresh.open("/?present=1")
    assert switch.is_checked()
    # presentation mode starts with the sidebar collapsed: go on with the home page's own link
    fresh.act(fresh.page.locator('[data-testid="stMain"] a').filter(has_text=EN[f"app.nav.{TARGET}"]).first.click)
    assert fresh.title() == EN[TITLE[TARGET]]
    assert switch.is_checked() and "present=1" in fresh.page.url, fresh.page.url
    fresh.assert_healthy()
