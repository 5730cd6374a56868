"""Scrub mode: a slider step in the figure (plotly frames, no server round trip) against the same
change through the page's widget (a rerun on the server and a new figure), in headless Chromium on
one server; how many redraws a second a drag across the scrub slider gets; and on the server, what
scrub mode adds to a rerun (the grid's trajectories or curves, the larger figure) and to the figure
sent. Both changes are timed in the browser's own clock, the same way: from the key press or pointer press
until the frame after the first change of a drawn chart (a path's data, or a chart redrawn).
*Widget*: the page's widget changed (a number typed and Enter, or a slider's arrow key).
*Scrub step*: a click on the next step of the figure's slider. A change counts once a line's path
data changed or lines were drawn anew (not a hover label, not the slider's own grip).
*Drag*: the pointer moved across every step of the slider at 60 moves a second; redraws a second =
changes of the drawn path / the drag's duration. Medians.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time

from .common import table
from .redraw import CHROMIUM, FLAGS, HAS_LINES, ROOT, Open, Server

# page, link with scrub off, the same with scrub on, the widget that makes the same change, its values
CASES = [
    ("playground", "playground?lang=en&runs=sgd:lr%3D0.05|momentum:lr%3D0.05|adam:lr%3D0.1&s=quadratic&steps=30",
     "&scrub=1:lr", "number", "lr", ["0.02", "0.03", "0.04", "0.05"]),
    ("learning_rate", "learning_rate?lang=en", "&scrub=1", "slider", "Learning rate η", None),
    ("activations", "activations?lang=en&acts=relu,leaky_relu,elu&leaky_alpha=0.1", "&scrub=leaky_relu", "slider",
     "Leaky ReLU slope α (x < 0)", None),
]


def _server_side(n: int) -> dict[str, dict]:
    """Extra server milliseconds of a rerun with scrub on (compute + figure + JSON), and payloads."""
    import plotly.io as pio

    from optviz import activations as A
    from optviz import onedim, surfaces
    from optviz import playground as pg
    from optviz.plots import activations as pa
    from optviz.plots import learning_rate as pl
    from optviz.plots import playground as pp

    def med(fn):
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times) * 1e3, out

    surf = surfaces.get("quadratic")
    runs = [pg.spec("sgd", lr=0.05), pg.spec("momentum", lr=0.05), pg.spec("adam", lr=0.1)]
    res = pg.race(surf, runs, (-7, 2), 30)
    labels = [r.label() for r in runs]
    grid_ms, sc = med(lambda: pg.scrub(surf, runs[0], "lr", (-7, 2), 30))
    on_ms, on = med(lambda: pio.to_json(pp.scrub_figure(surf, res, labels, sc, 0).to_dict(), validate=False))
    off_ms, off = med(lambda: pio.to_json(pp.contour_with_paths(surf, res, labels, step=0).to_dict(), validate=False))
    out = {"playground": dict(grid=grid_ms, extra=grid_ms + on_ms - off_ms, on=len(on), off=len(off), n=sc.values.size)}

    xs, _ = onedim.descend("quadratic", 2.5, 0.3, 20)

    def lr_grid():
        lrs = onedim.scrub_lrs(2.0, 0.3, 0.001, 5.0)
        return lrs, onedim.descend("quadratic", 2.5, lrs, 20)[0]
    grid_ms, (lrs, scrubbed) = med(lr_grid)
    on_ms, on = med(lambda: pio.to_json(pl.descent_scrub("quadratic", 1.0, 2.5, scrubbed, lrs, 10, [(0.5, ""), (1.0, "")])
                                        .to_dict(), validate=False))
    off_ms, off = med(lambda: pio.to_json(pl.descent_1d("quadratic", 1.0, xs).to_dict(), validate=False))
    out["learning_rate"] = dict(grid=grid_ms, extra=grid_ms + on_ms - off_ms, on=len(on), off=len(off), n=lrs.size)

    acts = [A.get("relu"), A.get("leaky_relu", alpha=0.1), A.get("elu")]
    grid = A.x_grid(-5.0, 5.0, pa.SCRUB_POINTS)

    def act_grid():
        values = A.scrub_values("leaky_relu", 0.1)
        return values, [A.get("leaky_relu", alpha=v) for v in values]
    grid_ms, (values, variants) = med(act_grid)
    cur = int(list(values).index(0.1))
    on_ms, on = med(lambda: pio.to_json(pa.curves_scrub(acts, grid, 1, variants, values, cur).to_dict(), validate=False))
    off_ms, off = med(lambda: pio.to_json(pa.curves(acts, A.x_grid(-5.0, 5.0)).to_dict(), validate=False))
    out["activations"] = dict(grid=grid_ms, extra=grid_ms + on_ms - off_ms, on=len(on), off=len(off), n=len(values))
    return out


# Installed in the page: the time from a key or pointer press until the frame after the first
# change of a drawn chart (a path's data, or a chart's elements replaced)
# Whether mutation records changed a drawn line: its path data, or lines drawn anew (not a hover
# label, not the slider's grip)
LINE_CHANGED = """records => records.some(r => r.type === 'attributes' ? r.target.matches('path.js-line')
  : [...r.addedNodes].some(n => n.nodeType === 1 && (n.matches('path.js-line') || !!n.querySelector('path.js-line'))))"""

LATENCY = """() => { const s = window.__lat = {start: null, done: null, seen: false};
  const begin = () => { s.start = performance.now(); s.done = null; s.seen = false; };
  document.addEventListener('pointerdown', begin, true);
  document.addEventListener('keydown', begin, true);
  const changed = """ + LINE_CHANGED + """;
  new MutationObserver(records => {
    if (s.start === null || s.seen || !changed(records)) return;
    s.seen = true;
    requestAnimationFrame(() => { s.done = performance.now() - s.start; });
  }).observe(document.querySelector('[data-testid="stMain"]'),
             {subtree: true, childList: true, attributes: true, attributeFilter: ['d', 'href']}); }"""


def _latency(page, act) -> float:
    """Seconds from ``act``'s press to the frame after the first change of a chart, in the browser."""
    page.evaluate("() => { window.__lat.start = null; window.__lat.done = null; window.__lat.seen = false; }")
    act()
    page.wait_for_function("() => window.__lat.done !== null", timeout=20_000, polling=16)
    return page.evaluate("() => window.__lat.done") / 1000


class Widget(Open):
    """The page's widget changed again and again, timed in the browser (``_latency``)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.page.evaluate(LATENCY)

    def change(self) -> float:
        elapsed = _latency(self.page, self.prepare())
        self.page.wait_for_timeout(800)  # let the run finish before the next change
        return elapsed


class Scrubbing:
    """One tab on a page in scrub mode, stepping its figure's slider."""

    def __init__(self, browser, url: str):
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.ctx.new_page()
        self.page.goto(url)
        self.page.wait_for_function(HAS_LINES, timeout=60_000, polling=16)
        self.page.wait_for_timeout(1500)
        chart = self.page.locator('[data-testid="stMain"] .js-plotly-plot').first
        self.ticks = [b for b in (t.bounding_box() for t in chart.locator("rect.slider-tick-rect").all()) if b]
        self.rail = chart.locator("rect.slider-rail-rect").first.bounding_box()
        self.y = self.rail["y"] + self.rail["height"] / 2
        self.k = len(self.ticks) // 2
        self.page.evaluate(LATENCY)

    def _x(self, j: int) -> float:
        return self.ticks[j]["x"] + self.ticks[j]["width"] / 2

    def step(self) -> float:
        self.k = self.k + 1 if self.k + 1 < len(self.ticks) else 1
        elapsed = _latency(self.page, lambda: self.page.mouse.click(self._x(self.k), self.y))
        self.page.wait_for_timeout(100)
        return elapsed

    def drag(self) -> float:
        """Redraws a second while the pointer drags the grip across every step, 60 moves a second."""
        self.page.evaluate("""() => { window.__changes = [];
            const chart = document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')[0];
            const changed = """ + LINE_CHANGED + """;
            window.__obs = new MutationObserver(
              records => { if (changed(records)) window.__changes.push(performance.now()); });
            window.__obs.observe(chart, {subtree: true, childList: true, attributes: true, attributeFilter: ['d']}); }""")
        grip = self.page.locator('[data-testid="stMain"] .js-plotly-plot').first.locator("rect.slider-grip-rect").first
        box = grip.bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, self.y)
        self.page.mouse.down()
        self.page.mouse.move(self._x(0), self.y)
        self.page.wait_for_timeout(200)
        self.page.evaluate("() => { window.__changes = []; window.__t0 = performance.now(); }")
        for j in range(len(self.ticks)):
            self.page.mouse.move(self._x(j), self.y)
            self.page.wait_for_timeout(16)
        self.page.wait_for_timeout(100)
        self.page.mouse.up()
        frames, seconds = self.page.evaluate("""() => { window.__obs.disconnect();
            // changes within one animation frame (16 ms) are one redraw
            const t = window.__changes; let n = 0, last = -1e9;
            for (const x of t) { if (x - last > 16) { n += 1; last = x; } }
            return [n, ((t.length ? t[t.length - 1] : window.__t0) - window.__t0) / 1000]; }""")
        return frames / seconds if seconds > 0 else 0.0

    def close(self) -> None:
        self.ctx.close()


def measure(quick: bool = False) -> list[dict]:
    from playwright.sync_api import sync_playwright

    n = 4 if quick else 8
    server_side = _server_side(5 if quick else 15)
    app = Server("app.py", ROOT)
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for name, off, on, kind, label, values in CASES:
                row = dict(page=name, **server_side[name])
                try:
                    tabs = (Widget(browser, app.url(off), kind, label, values), Scrubbing(browser, app.url(off + on)))
                    widget, steps = [], []
                    for _ in range(n):
                        widget.append(tabs[0].change())
                        steps.append(tabs[1].step())
                    rates = [tabs[1].drag() for _ in range(2 if quick else 3)]
                    for t in tabs:
                        t.close()
                    row.update(widget=statistics.median(widget), step=statistics.median(steps),
                               rate=statistics.median(rates))
                except Exception as e:  # a page that fails is reported; the rest are measured
                    row["failed"] = f"{type(e).__name__}: {str(e)[:80]}"
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
            browser.close()
    finally:
        app.stop()
    return rows


def main(quick: bool = False) -> str:
    if not os.path.exists(CHROMIUM):
        return f"(skipped: {CHROMIUM} is missing)"
    rows = measure(quick)
    head = ["page", "values", "widget change", "scrub step", "scrub faster (target ≥ 10×)",
            "drag: redraws/s (target ≥ 20)", "extra server ms (grid; rerun)", "figure kB: off → on (≤ 600)"]
    body = []
    for r in rows:
        server = [f"{r['grid']:.1f}; {r['extra']:.0f}", f"{r['off'] / 1e3:.0f} → {r['on'] / 1e3:.0f}"]
        if "failed" in r:
            body.append([r["page"], r["n"], "—", "—", r["failed"], "—", *server])
        else:
            body.append([r["page"], r["n"], f"{r['widget'] * 1e3:.0f} ms", f"{r['step'] * 1e3:.0f} ms",
                         f"**{r['widget'] / r['step']:.0f}×**", f"{r['rate']:.0f}", *server])
    return table(head, body)


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
