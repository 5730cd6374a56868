"""A room of 60 students answering at once. The projector is a real page: the teacher's tab in
headless Chromium on one app server, asking "where will run 1 of this view end?". The students are
simulated: 60 threads that join and answer within the same second through the room store, as the
students' own sessions would. With Redis (`OPTVIZ_ROOMS`, a redis-server of its own) they answer
through their own connections, as from a second app process, while the teacher's server reads the
same room; the in-memory store is measured in one process (what one `make run` serves). Measured:
answers counted (none lost, none twice), the time from each answer until the projector's tally
shows it (the page polls every 2 s), the time of an answer in the store, and the server's memory.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time

from optviz import rooms

from .common import table
from .load import CHROMIUM, FLAGS, free_port, rss_mb, start_server

STUDENTS = 60
PAGES = ("playground",)
QUESTION = {"kind": "point", "text": "where?", "box": [-2.0, 2.0, -1.0, 3.0]}


def _answer_at_once(store, code: str, ids: list[str], number: int) -> tuple[list[float], list[float]]:
    """Every student answers at the same moment (a barrier): (when each answer was stored, each
    answer's seconds in the store)."""
    barrier = threading.Barrier(len(ids))
    stored, took = [0.0] * len(ids), [0.0] * len(ids)

    def one(i: int) -> None:
        barrier.wait()
        t = time.perf_counter()
        store.answer(code, ids[i], number, [round(-1.9 + 0.06 * i, 3), 2.0])
        stored[i], took[i] = time.time(), time.perf_counter() - t

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stored, took


def _q(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def memory_store() -> list:
    store = rooms.MemoryStore(pages=PAGES)
    code, token = store.create()
    ids = [store.join(code, f"s{i}") for i in range(STUDENTS)]
    number = store.ask(code, token, QUESTION)
    _, took = _answer_at_once(store, code, ids, number)
    t = store.tally(code)
    return ["in memory (one process)", f"{t['answered']} of {STUDENTS}", f"{statistics.median(took) * 1e3:.2f}",
            f"{_q(took, 0.95) * 1e3:.2f}", "—", "—", "—"]


def _redis_server() -> tuple[subprocess.Popen, str] | None:
    exe = "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else shutil.which("redis-server")
    if not exe:
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", tempfile.mkdtemp()], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    import redis
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    return None


def projector(url: str, server_url: str, pid: int) -> list:
    """The teacher's tab on the app server; the students through their own Redis connections."""
    from playwright.sync_api import sync_playwright

    from optviz.i18n import catalog

    en = catalog("en")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server_url + "/playground?s=rosenbrock&x=-1.5&y=2.0&steps=30&runs=adam:lr%3D0.05", timeout=120_000)
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)  # the page has run
        page.get_by_text(en["classroom.title"]).click()
        start = page.get_by_role("button", name=en["classroom.start"])
        start.wait_for(timeout=60_000)
        start.click()
        shown = page.get_by_text(re.compile(r"Room code: [A-Z0-9]{6}"))
        shown.wait_for(timeout=60_000)
        code = re.search(r"([A-Z0-9]{6})", shown.inner_text()).group(1)
        store = rooms.RedisStore(url, pages=PAGES)
        ids = [store.join(code, f"s{i}") for i in range(STUDENTS)]
        page.get_by_role("button", name=en["classroom.ask"]).click()
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text(f"0 of {STUDENTS} answered").wait_for(timeout=60_000)
        number = store.question(code)[0]
        rss0 = rss_mb(pid)
        stored, took = _answer_at_once(store, code, ids, number)
        shown_at: dict[int, float] = {}  # answered count -> when the projector first showed it
        deadline = time.time() + 30
        while time.time() < deadline and STUDENTS not in shown_at:
            m = re.search(rf"(\d+) of {STUDENTS} answered", main.inner_text())
            if m:
                shown_at.setdefault(int(m.group(1)), time.time())
            time.sleep(0.05)
        rss1 = rss_mb(pid)
        browser.close()
    order = sorted(stored)
    # answer k (in the order stored) is on the projector once a count ≥ k + 1 is shown
    delays = []
    for k, t in enumerate(order):
        seen = [when for count, when in shown_at.items() if count >= k + 1]
        delays.append(min(seen) - t if seen else float("nan"))
    counted = store.tally(code)["answered"]
    ok = [d for d in delays if d == d]
    return ["Redis (students through their own connections)", f"{counted} of {STUDENTS}",
            f"{statistics.median(took) * 1e3:.2f}", f"{_q(took, 0.95) * 1e3:.2f}",
            f"{statistics.median(ok):.2f}" if ok else "not shown", f"{_q(ok, 0.95):.2f}" if ok else "—",
            f"{rss0:.0f} → {rss1:.0f}"]


def main(quick: bool = False) -> str:
    rows = [memory_store()]
    note = ""
    started = _redis_server()
    if started is None:
        note = "\n\n(Redis: skipped, no redis-server; `make test` installs Debian's.)"
    elif not os.path.exists(CHROMIUM):
        note = "\n\n(the projector: skipped, no /usr/bin/chromium; run `make browser-deps`)"
    else:
        proc, url = started
        port = free_port()
        os.environ["OPTVIZ_ROOMS"] = url
        server = start_server(port)
        try:
            rows.append(projector(url, f"http://127.0.0.1:{port}", server.pid))
        finally:
            del os.environ["OPTVIZ_ROOMS"]
            server.terminate()
            server.wait(10)
            proc.terminate()
    return table(["store", "answers counted", "answer in the store, median ms", "p95 ms",
                  "answer → projector, median s", "p95 s", "server RSS MB (before → after)"], rows) + note + (
        "\n\nThe projector's tally is a fragment that polls the room every 2 s, so an answer shows within "
        "one poll (plus its rerun): the median is about half a poll.")


if __name__ == "__main__":
    print(main())
