"""Abuse: while N people browse the light pages, three participants open the heaviest work each page
allows (the heaviest link, or the button that starts it), wait 2 s so that it is running, and close
their tabs; once with nobody browsing. Measured: the browsing people's page times (quiet run vs the
run under abuse) and the seconds from the last heavy tab closing until the server's CPU is idle.
One local server and one headless Chromium on this machine; bounded in sessions, pages and time."""
from __future__ import annotations

import asyncio
import itertools
import os
import random
import re
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field

from optviz import budget

from .common import table
from .load import CHROMIUM, FLAGS, free_port, rss_mb, start_server

# the pages an ordinary participant browses (each in its own random order, the same in both runs)
LIGHT = ("/activations", "/learning_rate", "/line_fitting", "/loss_functions", "/perceptron", "/playground")
# a person reads a page before opening the next. (0.3–1.0 s, the pace of earlier runs, was ten
# browsers reloading as fast as they could: on 2 cores their own rendering loaded the machine to
# 11–26 and the quiet runs alone differed by 1.5×, so the abuse could not be told from the noise.)
PAUSE_S = (5.0, 12.0)
PAGE_TIMEOUT_S = 60  # a page slower than this counts as a failure (the person would give up)
WORK_S = 2.0  # a heavy participant lets the work run this long before closing the tab
SAMPLE_S = 0.25  # the server's CPU and memory are sampled this often
IDLE_SHARE, IDLE_WINDOW_S = 0.05, 1.0  # idle: below 5 % of one core for a whole second
RATIO_TARGET, IDLE_TARGET_S = 1.5, 15.0

# Heavy work. Each entry lists links from the heaviest down: the first that the app does not refuse
# is used (found once while warming up, so the list reads the heaviest *allowed* settings even when
# the limits change). {i} differs for every tab opened, so that no tab is served from a cache (a seed,
# or the start point or lr, which the caches are keyed by).
EXPR = ("0.1*(x*x+y*y)+sin(cos(x*y))+cos(tanh(x+y))+tanh(atan(x-y))+atan(sin(x*y))+sin(cos(x+y))"
        "+cos(tanh(x-y))+tanh(atan(x*y))")  # close to the expression limits (200 characters, 120 parts)
RUNS8 = ("adam:lr=0.1|sgd:lr=0.01|momentum:lr=0.01|nesterov:lr=0.01|rmsprop:lr=0.01|adagrad:lr=0.1"
         "|adamw:lr=0.1|adam:lr=0.05")  # the playground's eight racers
MLP = "/mlp?data=spiral&classes=6&n=2000&test=0&act=gelu&epochs=3000&seed={i}"
NETS = ("&hidden=256,256,256,256,256,256&mode=sgd", "&hidden=256,256,256&mode=mini&batch=64",
        "&hidden=256,256&mode=mini&batch=64", "&hidden=128,128&mode=mini&batch=64",
        "&hidden=64,64&mode=mini&batch=64")
PG = "/playground?s=custom&expr=" + urllib.parse.quote(EXPR, safe="") + "&y=1&x=1.{i:03d}"
VG = "/vanishing?ds=spiral&opt=adam&ep=200&seed={i}"


@dataclass
class Heavy:
    name: str
    candidates: tuple  # links, heaviest first
    start: str | None = None  # None: opening the link starts the work; else a button's catalog key, or "basin"
    chosen: str | None = None
    note: str = ""  # what the warm-up found (refusals)


CONTROL = Heavy("light pages (control)", (), chosen="/activations?seed={i}")

HEAVY = [
    Heavy("MLP Train", tuple(MLP + n for n in NETS), "mlp.train"),
    Heavy("MLP comparison of 4 optimizers",
          tuple(MLP + n + "&compare=sgd,adam,momentum,rmsprop" for n in NETS), "mlp.compare_run"),
    Heavy("vanishing gradients", (VG + "&d=30&w=200&n=5000&cmp=sigmoid.n1,relu.he,tanh.xavier",
                                  VG + "&d=30&w=200&n=5000", VG + "&d=30&w=200&n=2000",
                                  VG + "&d=20&w=100&n=2000")),
    Heavy("playground: 8 racers, custom formula, fair lr + sweep + 3-D",
          (PG + "&steps=5000&runs=" + RUNS8 + "&fair=1&sweep=1&3d=1",
           PG + "&steps=5000&runs=" + RUNS8 + "&sweep=1&3d=1", PG + "&steps=2000&runs=adam:lr=0.1")),
    Heavy("playground basin map, custom formula", (PG + "&steps=5000&runs=adam:lr=0.1{i:03d}",
                                                   PG + "&steps=2000&runs=adam:lr=0.1{i:03d}"), "basin"),
]

# Click the sidebar's link to ``path``, as a person moving on in the app does: the browser's clock at
# the click, or null when the link is not there.
NAVIGATE = """(path) => {
  const a = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
    .find(a => new URL(a.href).pathname.endsWith(path));
  if (!a) return null;
  const t = performance.now();
  a.click();
  return t;
}"""
# The page's title (its first heading), to tell the page that has come from the one before it.
TITLE = """() => { const h = document.querySelector('[data-testid="stMain"] h1'); return h ? h.innerText : ''; }"""
# A page is there when its title is not the page's before (``before``: '' for a link opened) and the
# script is no longer running and every chart has drawn: returns the browser's clock then, in ms
# (0 = not yet). Not by counting runs: a quick run goes running -> notRunning within one frame of
# React and the attribute never says "running", so a page that had come counted as timed out.
READY = """(before) => {
  const app = document.querySelector('[data-testid="stApp"]'), h = document.querySelector('[data-testid="stMain"] h1');
  if (!app || !h || !h.innerText || h.innerText === before || app.getAttribute('data-test-script-state') !== 'notRunning') return 0;
  if (document.querySelector('[data-testid="stSkeleton"]')) return 0;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (!c.querySelector('.js-plotly-plot svg.main-svg, canvas')) return 0;
  return performance.now();
}"""


@dataclass
class Page:
    path: str
    t0: float
    t1: float
    seconds: float | None  # None: timed out or failed, or cut by the phase's bound
    cut: bool = False


@dataclass
class Tab:
    heavy: str
    opened: float
    closed: float = 0.0
    status: str = ""  # running / finished / refused: … / failed: … (when the tab was closed)


@dataclass
class Server:
    url: str
    pid: int
    samples: list = field(default_factory=list)  # (monotonic time, CPU seconds, RSS MB, load average)


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (the server's workers, optviz.worker)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat(int(entry))[1]) == pid:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return out


def cpu_seconds(pid: int, kids: list[int]) -> float:
    """The CPU seconds of the server with its worker processes (``kids``): its own
    utime + stime, those of the workers it has waited for (cutime + cstime: killed or replaced
    ones), and the live workers'."""
    try:
        fields = _stat(pid)
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    except (OSError, IndexError, ValueError):
        return float("nan")
    for child in kids:
        try:
            fields = _stat(child)
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def server_rss_mb(pid: int, kids: list[int]) -> float:
    """The server's resident memory with its worker processes' (``kids``)."""
    return rss_mb(pid) + sum(rss_mb(c) for c in kids)


async def sampler(server: Server) -> None:
    while True:
        kids = children(server.pid)  # one look through /proc a sample
        server.samples.append((time.monotonic(), cpu_seconds(server.pid, kids), server_rss_mb(server.pid, kids),
                               os.getloadavg()[0]))
        await asyncio.sleep(SAMPLE_S)


def idle_after(samples: list, since: float) -> float | None:
    """Seconds from ``since`` until the first whole IDLE_WINDOW_S during which the server used less
    than IDLE_SHARE of one core; None if that has not happened yet."""
    s = [x for x in samples if x[0] >= since - SAMPLE_S]
    for a in range(len(s)):
        for b in range(a + 1, len(s)):
            dt = s[b][0] - s[a][0]
            if dt >= IDLE_WINDOW_S:
                if (s[b][1] - s[a][1]) / dt < IDLE_SHARE:
                    return max(0.0, s[a][0] - since)
                break
    return None


async def wait_idle(server: Server, since: float, cap: float) -> float | None:
    while True:
        got = idle_after(server.samples, since)
        if got is not None or time.monotonic() > since + cap:
            return got
        await asyncio.sleep(SAMPLE_S)


def cpu_between(samples: list, t0: float, t1: float) -> float:
    a = min(samples, key=lambda x: abs(x[0] - t0))
    b = min(samples, key=lambda x: abs(x[0] - t1))
    return b[1] - a[1]


def peak_rss(samples: list, t0: float, t1: float) -> float:
    return max((x[2] for x in samples if t0 <= x[0] <= t1), default=float("nan"))


def mean_load(samples: list, t0: float, t1: float) -> float:
    v = [x[3] for x in samples if t0 <= x[0] <= t1]
    return sum(v) / len(v) if v else float("nan")


async def new_context(browser):
    """A fresh browser context (a person)."""
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    ctx.set_default_timeout(PAGE_TIMEOUT_S * 1000)
    return ctx


# --- the people ----------------------------------------------------------------------------------

async def browse(browser, url: str, seed: int, pages: list) -> None:
    """One person: every light page once, in an order of their own (the same in every run)."""
    from playwright.async_api import Error as PlaywrightError

    rng = random.Random(seed)
    order = rng.sample(LIGHT, len(LIGHT))
    ctx = await new_context(browser)
    try:
        tab = await ctx.new_page()
        for k, path in enumerate(order):
            t0 = time.monotonic()
            try:
                before, start = "", None
                if k:  # on from the page before, by the sidebar
                    before = await tab.evaluate(TITLE)
                    start = await tab.evaluate(NAVIGATE, path)
                if start is None:  # the first page: a link (the clock starts at the navigation)
                    before, start = "", 0.0
                    await tab.goto(url + path, timeout=PAGE_TIMEOUT_S * 1000)
                ms = await (await tab.wait_for_function(READY, arg=before, polling=50,
                                                        timeout=PAGE_TIMEOUT_S * 1000)).json_value()
                pages.append(Page(path, t0, time.monotonic(), (ms - start) / 1000))
            except PlaywrightError:  # a timeout (or a crash of that page): a failure, not a crash
                pages.append(Page(path, t0, time.monotonic(), None))
            except asyncio.CancelledError:  # the phase's bound: this page did not come in time
                pages.append(Page(path, t0, time.monotonic(), None, cut=True))
                raise
            await asyncio.sleep(rng.uniform(*PAUSE_S))
    finally:
        await ctx.close()


def _widgets(fm, found: dict, errors: list) -> None:
    """Record the widgets (label -> id) and error boxes of one ForwardMsg's delta."""
    d = fm.delta
    if d.WhichOneof("type") == "new_element":
        kind = d.new_element.WhichOneof("type")
        el = getattr(d.new_element, kind) if kind else None
        if kind == "alert" and el.format == el.ERROR:
            errors.append(el.body)
        elif el is not None and getattr(el, "id", "") and hasattr(el, "label"):
            found[el.label] = el.id
    elif d.WhichOneof("type") == "add_block" and d.add_block.WhichOneof("type") == "tab_container":
        found["tabs"] = d.add_block.tab_container.id


async def heavy_tab(url: str, heavy: Heavy, link: str, tabs: list, labels: dict, wait: float = WORK_S) -> Tab:
    """Open ``link``, start its work (a click where it needs one), let it run ``wait`` seconds (less
    when the run is over sooner, as a refused one is), close the tab.

    Spoken in Streamlit's own protocol (the binary messages a browser tab sends and receives over
    /_stcore/stream), not by a browser: in a room the heavy participants' browsers run on their own
    laptops, so on this one machine they must cost nothing but what the server does for them. (A
    browser here, even at nice 19 as another user, took a whole share of the CPU: each session it
    starts is a scheduler autogroup, shared out equally whatever the nice values; put at autogroup
    nice 19 instead it was starved so that its tabs took minutes to open.) To the server this is a
    browser tab: the same messages, the same session, the same widget states for a click, and
    closing the socket is what closing a tab does."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    path, _, query = link.lstrip("/").partition("?")
    tab = Tab(heavy.name, time.monotonic())
    tabs.append(tab)
    found: dict = {}
    errors: list = []
    try:
        async with websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None, open_timeout=PAGE_TIMEOUT_S) as ws:
            async def run(states: list, timeout: float) -> bool:
                """One script run of the page (by its name: a page hash would be the entry
                script's) with these widget states (the others keep theirs); whether it finished
                within ``timeout``."""
                msg = BackMsg()
                msg.rerun_script.query_string, msg.rerun_script.page_name = query, path
                msg.rerun_script.widget_states.widgets.extend(states)
                await ws.send(msg.SerializeToString())
                errors.clear()
                end = time.monotonic() + timeout
                while (left := end - time.monotonic()) > 0:
                    try:
                        fm = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), left))
                    except asyncio.TimeoutError:
                        break
                    kind = fm.WhichOneof("type")
                    if kind == "delta":
                        _widgets(fm, found, errors)
                    elif kind == "script_finished":
                        return True
                return False

            def state(label: str, **value) -> WidgetState:
                if label not in found:
                    raise LookupError(f"no widget {label!r} on {path}")
                w = WidgetState(id=found[label])
                for k, v in value.items():
                    setattr(w, k, v)
                return w

            if heavy.start is None:  # opening the link starts the work
                done = await run([], wait)
            else:  # the page's first run ends, then the click starts the work
                if not await run([], PAGE_TIMEOUT_S):
                    raise TimeoutError("the page's first run did not finish")
                if heavy.start == "basin":  # the basin tab, then its switch
                    basin = state("tabs", string_value=labels["playground.tab_basin"])
                    if not await run([basin], PAGE_TIMEOUT_S):
                        raise TimeoutError("the basin tab did not open")
                    clicks = [basin, state(labels["playground.basin_show"], bool_value=True)]
                else:
                    clicks = [state(labels[heavy.start], trigger_value=True)]
                done = await run(clicks, wait)
            tab.status = (f"refused: {errors[0]}" if errors else "finished") if done else "running"
    except (OSError, LookupError, TimeoutError, websockets.WebSocketException) as e:
        tab.status = f"failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    finally:
        tab.closed = time.monotonic()  # the socket is closed: the server knows the tab has gone
    return tab


def refine(link: str, status: str) -> str | None:
    """The link with as much as a refusal says fits: a comparison says how many epochs, a race how
    many seconds it would need (its steps are then scaled down to the budget)."""
    m = re.search(r"at most (\d+) epochs", status)
    if m and re.search(r"epochs=\d+", link):
        fewer = re.sub(r"epochs=\d+", f"epochs={m.group(1)}", link)
        return fewer if fewer != link else None
    m, steps = re.search(r"need about (\d+) s", status), re.search(r"steps=(\d+)", link)
    if m and steps and int(m.group(1)) > 0:
        fit = int(int(steps.group(1)) * 0.9 * budget.MAX_SECONDS / int(m.group(1))) // 100 * 100
        if 0 < fit < int(steps.group(1)):
            return link.replace(steps.group(0), f"steps={fit}")
    return None


async def choose_heavy(server: Server, heavy: Heavy, labels: dict, ids) -> None:
    """The heaviest link of ``heavy`` that is not refused (this also warms the page up)."""
    refused = []
    queue = list(heavy.candidates)
    while queue and len(refused) < 8:
        link = queue.pop(0)
        # longer than a participant waits: a refusal on a loaded machine may take more than WORK_S to come
        tab = await heavy_tab(server.url, heavy, link.format(i=next(ids)), [], labels, wait=3 * WORK_S)
        if tab.status.startswith(("refused", "failed")):
            refused.append((link, tab.status))
            better = refine(link, tab.status)
            if better:
                queue.insert(0, better)
            continue
        heavy.chosen = link
        break
    heavy.note = f"{len(refused)} heavier refused" if refused else "not refused"
    for link, why in refused:
        print(f"abuse:   refused {link}: {why[:160]}", flush=True)
    if heavy.chosen is None:
        heavy.note = f"every link refused ({refused[-1][1][:80]})" if refused else "every link failed"
    print(f"abuse: {heavy.name}: {heavy.note}; using {heavy.chosen}", flush=True)


async def abuser(url: str, j: int, heavies: list, tabs: list, labels: dict, ids, done) -> None:
    """Heavy participant j: every heavy link once (starting at its own one), until browsing is over."""
    await asyncio.sleep(1.0 * j)
    for k in range(len(heavies)):
        if done.is_set():
            return
        h = heavies[(j + k) % len(heavies)]
        await heavy_tab(url, h, h.chosen.format(i=next(ids)), tabs, labels)


# --- the phases ----------------------------------------------------------------------------------

async def browse_phase(browser, server: Server, sessions: int, deadline: float, abusers: int = 0,
                       labels: dict | None = None, ids=None,
                       heavies: list | None = None) -> tuple[list, list, float, float]:
    pages: list = []
    tabs: list = []
    done = asyncio.Event()
    heavies = [h for h in HEAVY if h.chosen] if heavies is None else heavies
    t0 = time.monotonic()

    async def people():
        try:
            await asyncio.gather(*(browse(browser, server.url, s, pages) for s in range(sessions)))
        finally:
            done.set()

    jobs = [people()] + [abuser(server.url, j, heavies, tabs, labels, ids, done)
                         for j in range(abusers if heavies else 0)]
    try:
        await asyncio.wait_for(asyncio.gather(*jobs), deadline)
    except asyncio.TimeoutError:
        print(f"abuse: a phase stopped at its {deadline:.0f} s bound", flush=True)
    return pages, tabs, t0, time.monotonic()


async def idle_phase(server: Server, heavies: list, labels: dict, ids, cap: float) -> dict:
    """The heavy tabs ``heavies`` opened at once on an idle server, and closed; then the seconds until
    the server is idle again."""
    await wait_idle(server, time.monotonic(), cap)  # start from an idle server
    t0 = time.monotonic()
    tabs: list = []
    await asyncio.gather(*(heavy_tab(server.url, h, h.chosen.format(i=next(ids)), tabs, labels)
                           for h in heavies))
    last = max(t.closed for t in tabs)
    idle = await wait_idle(server, last, cap)
    t1 = time.monotonic()
    return dict(tabs=tabs, idle=idle, cap=cap, open_cpu=cpu_between(server.samples, t0, last),
                after_cpu=cpu_between(server.samples, last, t1), rss=peak_rss(server.samples, t0, t1),
                load=mean_load(server.samples, t0, t1))


async def run(url: str, pid: int, quick: bool) -> dict:
    from playwright.async_api import async_playwright

    from optviz.i18n import catalog

    labels = catalog("en")
    server = Server(url, pid)
    sessions, abusers = (4, 3) if quick else (10, 3)
    ids = itertools.count(1)
    out: dict = dict(sessions=sessions, abusers=abusers, quick=quick)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        sample = asyncio.create_task(sampler(server))
        try:
            t = time.monotonic()
            warm: list = []
            await browse(browser, url, 12345, warm)  # each light page once: imports, caches
            for h in HEAVY:
                await choose_heavy(server, h, labels, ids)
            out["warm_s"] = time.monotonic() - t
            await wait_idle(server, time.monotonic(), 30)
            deadline = out["deadline"] = 120 if quick else 210  # a safety net: a quiet phase takes about 140 s
            out["quiet"] = await browse_phase(browser, server, sessions, deadline)
            await wait_idle(server, time.monotonic(), 30)
            out["abuse"] = await browse_phase(browser, server, sessions, deadline, abusers, labels, ids)
            await wait_idle(server, time.monotonic(), 30)
            # quiet again: the reference is both quiet runs, around the abuse (other work on the machine drifts)
            out["quiet2"] = await browse_phase(browser, server, sessions, deadline)
            await wait_idle(server, time.monotonic(), 30)
            # the control: the same 3 participants, opening and closing light pages in the same rhythm
            # (what their page loads cost the others, without any heavy work)
            out["control"] = await browse_phase(browser, server, sessions, deadline, abusers, labels, ids,
                                                heavies=[CONTROL] * len([h for h in HEAVY if h.chosen]))
            await wait_idle(server, time.monotonic(), 30)
            t = time.monotonic()
            await asyncio.sleep(2.0)
            out["baseline"] = cpu_between(server.samples, t, time.monotonic()) / (time.monotonic() - t)
            out["idle"] = []
            chosen = [h for h in HEAVY if h.chosen]
            # each heavy work on its own (three tabs of it), or, quick, every one at once
            rounds = [[h] * abusers for h in chosen] if not quick else [chosen] if chosen else []
            for heavies in rounds:
                m = await idle_phase(server, heavies, labels, ids, 20 if quick else 30)
                out["idle"].append((heavies, m))
                print(f"abuse: idle after {len(heavies)} tabs of {heavies[0].name}…: {m['idle']}", flush=True)
            out["rss"] = max(x[2] for x in server.samples)
            out["samples"] = server.samples
        finally:
            sample.cancel()
            await browser.close()
    return out


# --- the report ----------------------------------------------------------------------------------

def _quantile(v: list, q: float) -> float:
    v = sorted(v)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def _row(label: str, pages: list, quiet_median: float | None, note: str = "", cpu: str = "",
         load: str = "") -> list:
    ok = [p.seconds for p in pages if p.seconds is not None]
    failed = sum(p.seconds is None and not p.cut for p in pages)
    cut = sum(p.cut for p in pages)
    failed = f"{failed}" + (f" (+{cut} cut)" if cut else "")
    if not ok:
        return [label, len(pages), failed, "—", "—", "—", note, cpu, load]
    med = statistics.median(ok)
    ratio = f"{med / quiet_median:.2f}×" if quiet_median else "—"
    return [label, len(pages), failed, f"{med:.2f}", f"{_quantile(ok, 0.9):.2f}", ratio, note, cpu, load]


def _cell(link: str) -> str:
    """A link as code in a table cell, readable (not %-encoded); a | would end the cell."""
    return "`" + urllib.parse.unquote(link).replace("|", "\\|") + "`"


def report(r: dict) -> str:
    qp, _, q0, q1 = r["quiet"]
    ap, tabs, a0, a1 = r["abuse"]
    qp2, _, r0, r1 = r["quiet2"]
    quiet_ok = [p.seconds for p in qp + qp2 if p.seconds is not None]
    qmed = statistics.median(quiet_ok) if quiet_ok else None
    windows = [(t.opened, t.closed) for t in tabs]
    during = [p for p in ap if any(p.t0 < c and p.t1 > o for o, c in windows)]
    open_s = sum(c - o for o, c in windows)
    samples = r["samples"]
    def where(a, b):  # the server's CPU (cores) and the machine's load average during a run
        return f"{cpu_between(samples, a, b) / max(b - a, 1e-9):.2f}", f"{mean_load(samples, a, b):.1f}"

    rows = [_row(f"quiet: {r['sessions']} browsing", qp, qmed, f"{q1 - q0:.0f} s", *where(q0, q1)),
            _row(f"abuse: {r['sessions']} browsing + {r['abusers']} heavy", ap, qmed,
                 f"{a1 - a0:.0f} s; {len(tabs)} heavy tabs open {open_s:.0f} s in all", *where(a0, a1)),
            _row("… of which pages loading while a heavy tab was open", during, qmed),
            _row(f"quiet again: {r['sessions']} browsing", qp2, qmed, f"{r1 - r0:.0f} s", *where(r0, r1))]
    control = None
    if r.get("control"):
        cp, ctabs, c0, c1 = r["control"]
        c_ok = [p.seconds for p in cp if p.seconds is not None]
        control = statistics.median(c_ok) / qmed if c_ok and qmed else None
        rows.append(_row(f"control: {r['sessions']} browsing + {r['abusers']} opening and closing /activations "
                         f"the same way", cp, qmed, f"{c1 - c0:.0f} s; {len(ctabs)} tabs", *where(c0, c1)))
    browse = table(["run", "pages", "timed out", "median page s", "p90 page s", "median vs quiet", "duration",
                    "server CPU (cores)", "machine load (1-min avg)"], rows)
    ap_ok = [p.seconds for p in ap if p.seconds is not None]
    ratio = statistics.median(ap_ok) / qmed if ap_ok and qmed else float("nan")
    failed = sum(p.seconds is None for p in qp + ap + qp2)  # timed out, or cut by a phase's bound

    idle_rows, worst = [], 0.0
    for heavies, m in r["idle"]:
        statuses = sorted({(t.heavy.split(":")[0] + ": " if len(heavies) > 1 and len(set(map(id, heavies))) > 1
                            else "") + t.status.split(":")[0] for t in m["tabs"]})
        idle = m["idle"]
        worst = max(worst, idle if idle is not None else float("inf"))
        what = (f"{len(heavies)} × {heavies[0].name}" if len(set(map(id, heavies))) == 1
                else "every heavy link above at once, " + f"{len(heavies)} tabs")
        idle_rows.append([what, "; ".join(statuses), f"{m['open_cpu']:.1f}", f"{m['after_cpu']:.1f}",
                          f"{idle:.1f}" if idle is not None else f"> {m['cap']:.0f}", f"{m['rss']:.0f}",
                          f"{m['load']:.1f}"])
    heavy_table = table(["heavy work", "link (the heaviest the app allows)", "warm-up found"],
                        [[h.name, _cell(h.chosen.format(i=0)) + (" + click" if h.start else "")
                          if h.chosen else "—", h.note] for h in HEAVY])
    idle_table = table(["heavy tabs", "at close", "server CPU s while open", "server CPU s after closing",
                        "s to idle after closing", "server peak RSS MB", "machine load (1-min avg)"], idle_rows)
    loads = [mean_load(samples, a, b) for a, b in ((q0, q1), (a0, a1), (r0, r1))]
    cores = os.cpu_count() or 1
    busy = max(loads) > 2 * cores
    unused = [h.name for h in HEAVY if not h.chosen]
    met = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    text = [
        f"Each of {r['sessions']} people (a fresh browser context each) opens {', '.join(LIGHT)} in an "
        f"order of their own, the same in every run: the first by a link, the others by the sidebar's "
        f"navigation, pausing {PAUSE_S[0]}–{PAUSE_S[1]} s on each. Page time = from the navigation (the "
        f"link opened, or the click) until the page's script has run and every chart has drawn, in the "
        f"browser's clock; a page not there within {PAGE_TIMEOUT_S} s counts as timed out. Under abuse, {r['abusers']} more people each open every heavy link below once (each "
        f"starting at a different one), start its work (the click, where the link needs one), wait "
        f"{WORK_S:g} s and close the tab. Their tabs speak Streamlit's protocol directly (the messages a browser tab "
        f"sends over /_stcore/stream: the page's run, the click as its widget state, then the socket closed), with no "
        f"browser: in a room they run on their own laptops, so what they may take from the people browsing is the "
        f"server's work, not their browsers'. (A headless Chromium for them on this machine took a whole share of "
        f"its 2 cores whatever its nice value, as the kernel shares the CPU out equally between sessions, its "
        f"scheduler autogroups; put at autogroup nice 19 it was starved and opened 3 tabs in a whole phase instead of about 15.) "
        f"The heavy links, found while warming up: the first of a list, heaviest first, that "
        "the app does not refuse (where a refusal says how much fits, exactly that); shown unencoded.",
        "",
        heavy_table,
        "",
        browse,
        "",
        f"Target: the median page time under abuse within {RATIO_TARGET}× of the quiet runs' (their pages "
        f"together: one run before the abuse and one after, as the machine's other load drifts): "
        f"{ratio:.2f}× — {met(ratio <= RATIO_TARGET and failed == 0)}"
        + (f" ({failed} pages timed out or were cut by a run's bound of {r['deadline']:.0f} s)" if failed else "")
        + "."
        + (f" The control, the same participants opening and closing a light page in the same rhythm "
           f"(no heavy work at all): {control:.2f}× the quiet median, so of the slowdown under abuse "
           f"the heavy work itself accounts for {ratio / control:.2f}×." if control else "")
        + (f" The machine was loaded far beyond its {cores} cores while this ran (1-min load average "
           f"{min(loads):.0f}–{max(loads):.0f}, mostly the browsing people's own browsers, whose page times "
           f"these are): the page times say as much about this machine as about the server; see the notes."
           if busy else ""),
        "",
        f"Idle: the {r['abusers']} heavy participants alone, "
        + ("every heavy link at once" if r["quick"] else "the same heavy work at once")
        + f" (each tab its own seed or start, so no cache answers), closing after {WORK_S:g} s of work; then the seconds from the last "
        f"tab closing until the server process with its worker processes (utime + stime of /proc/<pid>/stat, "
        f"with its children's, sampled every "
        f"{SAMPLE_S} s) stays below {IDLE_SHARE:.0%} of one core for {IDLE_WINDOW_S:g} s. The server's own "
        f"CPU at rest before: {r['baseline']:.1%} of a core.",
        "",
        idle_table,
        "",
        f"Target: idle within {IDLE_TARGET_S:g} s of the tabs closing: worst "
        f"{worst:.1f} s — {met(worst <= IDLE_TARGET_S)}." if worst != float("inf") else
        f"Target: idle within {IDLE_TARGET_S:g} s of the tabs closing: **missed** (not idle within the bound).",
        "",
        f"Server peak RSS over the whole section: {r['rss']:.0f} MB. Warm-up (each page once, and finding "
        f"the heaviest allowed links): {r['warm_s']:.0f} s."
        + (f" Every link of {', '.join(unused)} was refused or failed." if unused else "")
        + " The browsers (Chromium renders every figure of every person) run on the same cores as the "
          "server, so the page times measure the machine as much as the server.",
    ]
    return "\n".join(text)


def main(quick: bool = False) -> str:
    if not os.path.exists(CHROMIUM):
        return "(skipped: no /usr/bin/chromium; run `make browser-deps`)"
    port = free_port()
    proc = start_server(port)
    try:
        r = asyncio.run(run(f"http://127.0.0.1:{port}", proc.pid, quick))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:
            proc.kill()
            proc.wait(5)
    return report(r)


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
