"""Browser tests: the real app served by `streamlit run`, opened in Debian's headless Chromium.

Without /usr/bin/chromium the tests are skipped with a loud message, except under CI=true, where a
missing browser is a failure. Screenshots go to test-artifacts/ (ignored by git); with
OPTVIZ_SCREENSHOTS=docs they are also copied to docs/ for the README.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
# What the browser itself logs on a closed network, not errors of the app.
BENIGN_CONSOLE = ("net::ERR_", "Failed to load resource", "favicon", "third-party cookie",
                  "WebSocket connection")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    message = (f"!!! {CHROMIUM} is missing: the browser tests cannot run. "
               "Install it with `make browser-deps` (Debian's chromium package).")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " Under CI=true a missing browser is a failure.", pytrace=False)
    warnings.warn(message)
    sys.stderr.write("\n" + message + "\n")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    pytest.fail("the app's server did not answer /_stcore/health", pytrace=False)


@pytest.fixture(scope="session")
def server():
    require_chromium()
    proc = start_server(free_port())
    port = proc.args[proc.args.index("--server.port") + 1]
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


class Page:
    """A browser tab on the app with the checks every test wants."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    def _on_console(self, msg):
        if msg.type == "error" and not any(b in msg.text for b in BENIGN_CONSOLE):
            self.console_errors.append(msg.text)

    def open(self, url: str) -> "Page":
        self.page.goto(url)
        return self.settle()

    def settle(self, timeout: float = 60) -> "Page":
        """Wait until the script has finished running and stayed finished for a moment."""
        app = self.page.locator('[data-testid="stApp"]')
        app.wait_for(timeout=timeout * 1000)
        deadline = time.time() + timeout
        quiet_since = None
        while time.time() < deadline:
            state = app.get_attribute("data-test-script-state")
            if state == "notRunning":
                quiet_since = quiet_since or time.time()
                if time.time() - quiet_since > 0.6:
                    self.page.wait_for_timeout(200)  # let the charts draw
                    return self
            else:
                quiet_since = None
            self.page.wait_for_timeout(100)
        raise AssertionError(f"the script was still running after {timeout} s")

    def exceptions(self) -> list[str]:
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def charts(self):
        return self.page.locator('[data-testid="stPlotlyChart"]')

    def chart_traces(self, index: int = 0) -> list[dict]:
        """name and mode of each trace of chart ``index``, read from plotly in the page."""
        return self.charts().nth(index).locator(".js-plotly-plot").evaluate(
            "gd => gd.data.map(t => ({name: t.name || '', mode: t.mode || '', type: t.type}))")

    def assert_healthy(self) -> None:
        assert not self.exceptions(), self.exceptions()
        assert not self.console_errors, self.console_errors
        charts = self.charts()
        for i in range(charts.count()):
            drawn = charts.nth(i).locator("svg.main-svg, canvas").count()
            assert drawn > 0, f"chart {i} did not render"

    def select(self, label: str, option: str) -> "Page":
        """Choose ``option`` in the Streamlit selectbox labelled ``label``."""
        self.page.get_by_role("combobox", name=label).first.click()
        self.page.get_by_role("option").filter(has_text=option).first.click()
        return self.settle()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if os.environ.get("OPTVIZ_SCREENSHOTS"):
            target = ROOT / os.environ["OPTVIZ_SCREENSHOTS"]
            target.mkdir(exist_ok=True)
            shutil.copy(path, target / path.name)
        return path


@pytest.fixture
def tab(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="en-US")
    page = Page(ctx.new_page())
    yield page
    ctx.close()
