"""Browser side: first paint and redraw of each page against a bare Streamlit page, in headless
Chromium, side by side in one run (the two servers alternate, measurement by measurement).

The bare page is Streamlit's floor for this kind of page: one lr number input, one contour and one
30-step path (`BARE` below). *First paint*: a new tab opened on a warm server until the page's first
chart has drawn its lines. *Redraw*: the page's most common change made in its widget until the
drawn figure differs (a line, marker or shape path, or a heatmap image, changed; the URL changes
before the browser has drawn anything, so it is not waited for). Medians of alternating runs.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .common import table

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

BARE = '''
import numpy as np
import plotly.graph_objects as go
import streamlit as st

lr = st.number_input("lr", 0.0001, 1.0, 0.05, format="%g", key="lr")
xs, ys = np.linspace(-8, 8, 90), np.linspace(-3, 3, 90)
X, Y = np.meshgrid(xs, ys)
p = np.empty((31, 2))
p[0] = (-7.0, 2.0)
for k in range(30):
    p[k + 1] = p[k] - lr * np.array([2 * p[k, 0], 20 * p[k, 1]])
st.plotly_chart(go.Figure([go.Contour(x=xs, y=ys, z=X**2 + 10 * Y**2, showscale=False),
                           go.Scatter(x=p[:, 0], y=p[:, 1], mode="lines+markers")]))
'''

# the figure drawn: every line, marker and shape path's data and every heatmap image, as one string
DRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')).map(
  p => Array.from(p.querySelectorAll('path.js-line, path.js-fill, path.point, .shapelayer path, image')).map(
    e => (e.getAttribute('d') || e.getAttribute('href') || '') + (e.getAttribute('transform') || '')).join('|')).join('#')"""
HAS_LINES = """() => document.querySelector('[data-testid="stMain"] .js-plotly-plot path.js-line, ' +
                                          '[data-testid="stMain"] .js-plotly-plot path.point, ' +
                                          '[data-testid="stMain"] .js-plotly-plot image') !== null"""


class Server:
    def __init__(self, script: str, cwd: Path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"{script}: the server did not come up")

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# each page's most common change: (page, widget kind, its label, the values a number input takes)
CASES = [
    ("playground", "number", "lr", ["0.02", "0.03", "0.04", "0.05"]),
    ("activations", "number", "x to", ["4", "5", "6", "7"]),
    ("vanishing", "slider", "Hidden layers (depth)", None),
    ("learning_rate", "slider", "Learning rate η", None),
    ("line_fitting", "number", "Learning rate η", ["0.04", "0.06", "0.05", "0.07"]),
    ("batch_modes", "number", "Mini-batch size B", ["20", "5", "25", "10"]),
    ("loss_functions", "slider", "Weight w of the toy classifier", None),
    ("perceptron", "number", "w1", ["0.6", "0.7", "0.5", "0.8"]),
    ("backprop", "button", "Next step", None),
    ("mlp", "button", "Train", None),
    ("autoencoder", "slider", "Code size (latent dimension)", None),
]


def first_paint(browser, url: str) -> float:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(HAS_LINES, timeout=60_000, polling=16)
    elapsed = time.perf_counter() - t0
    ctx.close()
    return elapsed


class Open:
    """One tab on a page, making one change again and again and timing until the figure differs."""

    def __init__(self, browser, url: str, kind: str, label: str, values=None):
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.ctx.new_page()
        self.page.goto(url)
        self.page.wait_for_function(HAS_LINES, timeout=60_000, polling=16)
        self.page.wait_for_timeout(1500)  # the first run's late messages
        self.kind, self.values, self.count = kind, values, 0
        if kind == "number":
            self.target = self.page.locator(f'[data-testid="stNumberInput"] input[aria-label="{label}"]').first
        elif kind == "slider":
            self.target = self.page.locator(f'[data-testid="stSlider"] input[type="range"][aria-label="{label}"]').first
        else:
            self.target = self.page.get_by_role("button", name=label).first

    def prepare(self):
        """Set up the next change (a number typed, a slider focused) and return the act that makes it."""
        k, self.count = self.count, self.count + 1
        if self.kind == "number":
            self.target.fill(self.values[k % len(self.values)])
            return lambda: self.target.press("Enter")
        if self.kind == "slider":
            self.target.focus()
            return lambda: self.target.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
        return self.target.click

    def change(self) -> float:
        before = self.page.evaluate(DRAWN)
        act = self.prepare()
        t0 = time.perf_counter()
        act()
        self.page.wait_for_function(f"(b) => ({DRAWN})() !== b", arg=before, timeout=20_000, polling=16)
        elapsed = time.perf_counter() - t0
        self.page.wait_for_timeout(600)  # let the run finish before the next change
        return elapsed

    def close(self) -> None:
        self.ctx.close()


def measure(quick: bool = False, only=None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    n_paint, n_redraw = (3, 4) if quick else (5, 8)
    tmp = Path(tempfile.mkdtemp(prefix="optviz-bare-"))
    (tmp / "bare.py").write_text(BARE, encoding="utf-8")
    bare, app = Server("bare.py", tmp), Server("app.py", ROOT)
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for name, kind, label, values in CASES:
                if only and name not in only:
                    continue
                try:
                    path = f"{name}?lang=en"
                    first_paint(browser, bare.url()), first_paint(browser, app.url(path))  # warm both
                    paints = {"bare": [], name: []}
                    for _ in range(n_paint):
                        paints["bare"].append(first_paint(browser, bare.url()))
                        paints[name].append(first_paint(browser, app.url(path)))
                    tabs = {"bare": Open(browser, bare.url(), "number", "lr", ["0.02", "0.03", "0.04", "0.05"]),
                            name: Open(browser, app.url(path), kind, label, values)}
                    redraws = {"bare": [], name: []}
                    for _ in range(n_redraw):
                        redraws["bare"].append(tabs["bare"].change())
                        redraws[name].append(tabs[name].change())
                    for t in tabs.values():
                        t.close()
                    med = {k: (statistics.median(paints[k]), statistics.median(redraws[k])) for k in paints}
                    rows.append(dict(page=name, change=f"{kind} {label}", paint=med[name][0], bare_paint=med["bare"][0],
                                     redraw=med[name][1], bare_redraw=med["bare"][1]))
                except Exception as e:  # a page that does not draw its change counts, it does not stop the rest
                    rows.append(dict(page=name, change=f"{kind} {label}", failed=f"{type(e).__name__}: {str(e)[:80]}"))
                print(rows[-1], file=sys.stderr, flush=True)
            browser.close()
    finally:
        bare.stop()
        app.stop()
    return rows


def main(quick: bool = False, only=None) -> str:
    if not os.path.exists(CHROMIUM):
        return f"(skipped: {CHROMIUM} is missing)"
    rows = measure(quick, only)
    return table(["page", "change", "first paint: bare", "page", "ratio (target ≤ 1.5×)",
                  "redraw: bare", "page", "ratio (target ≤ 2×)"],
                 [[r["page"], r["change"], f"{r['bare_paint']:.2f} s", f"{r['paint']:.2f} s",
                   f"{r['paint'] / r['bare_paint']:.1f}×", f"{r['bare_redraw']:.2f} s", f"{r['redraw']:.2f} s",
                   f"{r['redraw'] / r['bare_redraw']:.1f}×"] if "failed" not in r else
                  [r["page"], r["change"], "—", "—", "—", "—", "—", r["failed"]] for r in rows])


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv, only=[a for a in sys.argv[1:] if not a.startswith("-")] or None))
