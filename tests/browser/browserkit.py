"""Helpers for the browser tests: the app's pages, the server, and a browser tab with the checks
every test wants. Imported by conftest.py and the test modules (a unique name, so it never clashes
with tests/pages/conftest.py)."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("OPTVIZ_CHROMIUM", "/usr/bin/chromium")  # Debian's; the override is for testing the skip
# Headless without a sandbox (we run as root in a container); no background traffic: this machine
# has no network, and chromium's own attempts would only fill the console.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
IN_CI = os.environ.get("CI", "").lower() == "true"


def catalog(lang: str = "en") -> dict[str, str]:
    """Every message of ``lang``, so tests find widgets by the same label a person reads."""
    out: dict[str, str] = {}
    for f in sorted((ROOT / "optviz" / "locales" / lang).glob("*.json")):
        out.update(json.loads(f.read_text(encoding="utf-8")))
    return out


def app_pages() -> list[tuple[str, str]]:
    """(file, URL path) of each page of the page list whose file exists: what the navigation shows."""
    from optviz.app.pages import present

    return [(p.file, p.name) for p in present()]


def url_of(path: str) -> str:
    """The URL path of a page: the default page (home) is served at /."""
    return "/" if path == "home" else "/" + path


# --- the browser is Debian's chromium; never `playwright install` -------------------------------

def chromium_missing_message() -> str:
    return (f"!!! BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install Debian's chromium with "
            "`make browser-deps` (apt-get install chromium; needs root).")


def require_chromium() -> None:
    """Skip loudly without the browser; under CI=true a missing browser is a failure."""
    if os.path.exists(CHROMIUM):
        return
    message = chromium_missing_message()
    if IN_CI:
        pytest.fail(message + " Under CI=true the browser tests must run.", pytrace=False)
    warnings.warn(message)
    pytest.skip(message)


# --- the app's server ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free localhost port, with its log in test-artifacts/."""

    def __init__(self, name: str = "streamlit", env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"{name}.log"
        streamlit = Path(sys.executable).with_name("streamlit")  # the venv's streamlit
        cmd = [str(streamlit)] if streamlit.exists() else [sys.executable, "-m", "streamlit"]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            cmd + ["run", "app.py", "--server.headless", "true", "--server.port", str(self.port),
                   "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                   "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        self._wait_healthy(timeout=90)

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"the app's server did not answer {self.url}/_stcore/health; its log:\n"
                    + self.log_path.read_text()[-3000:], pytrace=False)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# --- a browser tab ---------------------------------------------------------------------------------

# Installed in every document before the app's own scripts: counts the script runs that finished
# (stApp's data-test-script-state turning to notRunning) and the messages the server sent over
# Streamlit's WebSocket, and notes whether a progress bar was ever shown, so a test can wait for
# *the* rerun its action caused. Under load the front end may show a run's state a second after
# its messages arrived, so a finished run is what normally proves it; a very short run may show no
# "running" state at all (both changes in one render), so messages followed by a long silence
# count too.
_OBSERVER = """
(() => {
  const s = window.__optviz = {doc: Math.random(), messages: 0, last: performance.now(),
                               finished: 0, sawProgress: false};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { s.messages++; s.last = performance.now(); });
    }
  };
  const isProgress = n => n.nodeType === 1 &&
      (n.matches('[data-testid="stProgress"]') || n.querySelector('[data-testid="stProgress"]'));
  new MutationObserver(muts => {
    for (const m of muts) {
      if (m.type === 'attributes') {
        if (m.target.getAttribute('data-test-script-state') === 'notRunning') s.finished++;
        s.last = performance.now();
      } else if (!s.sawProgress) {
        for (const n of m.addedNodes) if (isProgress(n)) { s.sawProgress = true; break; }
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""
_SNAPSHOT = """() => {
  const s = window.__optviz || {doc: 0, messages: 0, last: 0, finished: 0, sawProgress: false};
  const app = document.querySelector('[data-testid="stApp"]');
  return {doc: s.doc, messages: s.messages, finished: s.finished, quiet: performance.now() - s.last,
          state: app ? app.getAttribute('data-test-script-state') : null};
}"""
QUIET_MS = 400  # nothing from the server for this long after a finished run: the page is done
SILENT_RUN_MS = 2500  # ... or this long after messages without a visible run


def _is_browser_noise(msg) -> bool:
    """Console errors that are not the app's: failed loads of addresses other than the app's
    server (chromium's own attempts; there is no network here), and Streamlit's front end probing
    for its base path on a deep link (it asks /<page>/_stcore/health first, gets 404, then /)."""
    url = (msg.location or {}).get("url", "")
    text = msg.text
    if not ("ERR_" in text or text.startswith("Failed to load resource")) or not url:
        return False
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        return True
    path = urllib.parse.urlsplit(url).path
    return ("404" in text and path.endswith(("/_stcore/health", "/_stcore/host-config"))
            and path.count("/") > 2)


class Tab:
    """A browser tab on the app."""

    def __init__(self, page, server: str):
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        page.add_init_script(_OBSERVER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))

    def _on_console(self, msg) -> None:
        if msg.type == "error" and not _is_browser_noise(msg):
            self.console_errors.append(f"{msg.text} ({(msg.location or {}).get('url', '')})")

    # waiting -------------------------------------------------------------------------------------

    def snapshot(self) -> dict:
        return self.page.evaluate(_SNAPSHOT)

    def saw_progress(self) -> bool:
        return self.page.evaluate("() => !!(window.__optviz && window.__optviz.sawProgress)")

    def state(self) -> str | None:
        return self.page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")

    def settle(self, before: dict | None = None, timeout: float = 60) -> "Tab":
        """Wait until the script has run since ``before`` (a snapshot taken before an action; None
        after loading a page), is no longer running, and the server has been quiet for a moment
        (so an st.rerun has run too); then until every chart has drawn."""
        self.page.locator('[data-testid="stApp"]').wait_for(timeout=timeout * 1000)
        deadline = time.time() + timeout
        while time.time() < deadline:
            now = self.snapshot()
            new_doc = before is None or now["doc"] != before["doc"]
            ran = now["finished"] > (0 if new_doc else before["finished"])
            answered = now["messages"] > (0 if new_doc else before["messages"])
            if now["state"] == "notRunning" and (ran and now["quiet"] >= QUIET_MS
                                                 or answered and now["quiet"] >= SILENT_RUN_MS):
                self._wait_charts(deadline)
                return self
            self.page.wait_for_timeout(50)
        raise AssertionError(f"the app did not finish a run within {timeout} s ({self.snapshot()})")

    def _wait_charts(self, deadline: float) -> None:
        # Streamlit loads the plotly element lazily: until its code is parsed (about 0.5 s in each
        # new tab) a chart is a stSkeleton placeholder, not yet a stPlotlyChart, so wait for those too
        while time.time() < deadline and not self.page.evaluate(
                """() => !document.querySelector('[data-testid="stSkeleton"]') &&
                         [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                         .every(c => c.querySelector('.js-plotly-plot svg.main-svg, canvas'))"""):
            self.page.wait_for_timeout(50)

    def wait_until(self, condition: Callable[[], object], what: str, timeout: float = 15):
        """Poll ``condition`` until it is truthy (the front end may draw a moment after the run)."""
        deadline = time.time() + timeout
        while True:
            value = condition()
            if value or time.time() > deadline:
                assert value, f"timed out waiting for: {what}"
                return value
            self.page.wait_for_timeout(100)

    def act(self, action: Callable[[], object], timeout: float = 60) -> "Tab":
        """Do something that makes the script rerun, then wait for that rerun to finish."""
        before = self.snapshot()
        action()
        return self.settle(before, timeout=timeout)

    # navigating ----------------------------------------------------------------------------------

    def open(self, path: str = "/", timeout: float = 60) -> "Tab":
        self.page.goto(self.server + path)
        return self.settle(timeout=timeout)

    def nav_paths(self) -> list[str]:
        """URL paths of the links in the sidebar's navigation."""
        hrefs = self.page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)")
        return sorted(set(hrefs))

    # reading -------------------------------------------------------------------------------------

    def title(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def exceptions(self) -> list[str]:
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def charts(self):
        return self.page.locator('[data-testid="stPlotlyChart"]')

    def chart_traces(self, index: int = 0) -> list[dict]:
        """name, mode, type and number of points of each trace of chart ``index``, read from plotly."""
        return self.charts().nth(index).locator(".js-plotly-plot").evaluate(
            """gd => (gd.data || []).map(t => ({name: t.name || '', mode: t.mode || '', type: t.type,
                      n: t.x ? t.x.length : (t.z ? t.z.length : 0)}))""")

    def grown_margins(self) -> list[str]:
        """Each drawn chart whose margins plotly had to grow (a side's drawn size beyond the figure's
        margin): such a chart is drawn twice on every change, once to measure and once again."""
        return self.page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(
            (g, i) => ['l', 'r', 't', 'b'].filter(k => g._fullLayout._size[k] > g._fullLayout.margin[k] + 0.5)
                .map(k => `chart ${i}: ${k} ${g._fullLayout.margin[k]} -> ${Math.round(g._fullLayout._size[k])}`))""")

    def chart_title(self, index: int = 0) -> str:
        """The chart's title as drawn (plotly's markup such as <b> removed)."""
        title = self.charts().nth(index).locator(".js-plotly-plot").evaluate(
            "gd => (gd.layout && gd.layout.title && (gd.layout.title.text || gd.layout.title)) || ''")
        return re.sub(r"<[^>]+>", "", str(title))

    def assert_healthy(self) -> None:
        """No exception box, no error in the console, and every plotly chart drew an SVG or canvas."""
        assert not self.exceptions(), f"exception shown on {self.page.url}: {self.exceptions()}"
        assert not self.console_errors, f"console errors on {self.page.url}: {self.console_errors}"
        charts = self.charts()
        for i in range(charts.count()):
            drawn = charts.nth(i).locator(".js-plotly-plot svg.main-svg, canvas").count()
            assert drawn > 0, f"chart {i} of {charts.count()} on {self.page.url} did not render"

    # widgets -------------------------------------------------------------------------------------

    def select(self, label: str, option: str) -> "Tab":
        """Choose ``option`` in the selectbox labelled ``label`` and wait for the rerun."""
        def choose():
            self.page.get_by_role("combobox", name=label).first.click()
            self.page.get_by_role("option").filter(has_text=option).first.click()
        return self.act(choose)

    def number_input(self, label: str):
        return self.page.locator('[data-testid="stNumberInput"]').filter(has_text=label).locator("input").first

    def set_number(self, label: str, value: float) -> "Tab":
        box = self.number_input(label)
        return self.act(lambda: (box.fill(str(value)), box.press("Enter")))

    # pictures ------------------------------------------------------------------------------------

    def screenshot(self, name: str, docs: bool = True) -> Path:
        """A full-page screenshot in test-artifacts/ (and, if ``docs``, in $OPTVIZ_SCREENSHOTS: docs/).
        Streamlit scrolls inside its main pane, so the viewport is grown to the content first."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        size = self.page.viewport_size
        height = size["height"]
        for _ in range(6):  # content below the fold (tables, lazy parts) grows once it is in view
            content = self.page.evaluate(
                """() => Math.max(...['stMain', 'stSidebarContent']
                     .map(id => document.querySelector(`[data-testid="${id}"]`))
                     .filter(Boolean).map(e => e.scrollHeight))""")
            if content <= height or height >= 8000:
                break
            height = min(int(content), 8000)
            self.page.set_viewport_size({"width": size["width"], "height": height})
            self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(path), full_page=True)
        if height != size["height"]:
            self.page.set_viewport_size(size)
        target = os.environ.get("OPTVIZ_SCREENSHOTS")
        if target and docs:
            (ROOT / target).mkdir(exist_ok=True)
            shutil.copy(path, ROOT / target / path.name)
        return path
