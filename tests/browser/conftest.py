"""Browser tests: the real app served by `streamlit run`, opened in Debian's headless Chromium.

One server and one browser for the whole session; each test gets a fresh tab (a fresh Streamlit
session). Without /usr/bin/chromium the tests are skipped with a loud message, except under
CI=true, where a missing browser is a failure. Screenshots go to test-artifacts/ (ignored by git);
with OPTVIZ_SCREENSHOTS=docs they are also copied to docs/ for the README (`make screenshots`).
A failing test leaves test-artifacts/failed-<test>.png and the server's log streamlit.log.
"""
from __future__ import annotations

import os
import re

import pytest

from browserkit import ARTIFACTS, CHROMIUM, FLAGS, Server, Tab, chromium_missing_message, require_chromium


def pytest_terminal_summary(terminalreporter):
    """Say it once more at the very end, where nobody can miss it."""
    if not os.path.exists(CHROMIUM) and any(
            "browser" in r.keywords for r in terminalreporter.stats.get("skipped", [])):
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(chromium_missing_message(), red=True, bold=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def server():
    require_chromium()
    s = Server()
    yield s.url
    s.stop()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for the session, so the app's scripts are fetched once and cached."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def tab(context, server, request):
    t = Tab(context.new_page(), server)
    yield t
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            t.page.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - the failure itself is what matters
            pass
    t.page.close()
