"""Capacity: N concurrent browser sessions (headless Chromium) against one local server, each
changing the playground's settings; reports the redraw latency (median, 95th percentile) and the
server's memory. Localhost only, bounded in sessions, changes and time."""
from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .common import table

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHANGES = 5
DEADLINE_S = 480


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the server did not come up")


async def session(browser, url: str, seed: int, latencies: list, failures: list) -> None:
    """One person: open the playground, then change the steps CHANGES times. A page or a redraw
    that takes over 60 s counts as a failure (the room would give up), not as a crash."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    rng = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    try:
        await page.goto(url + "/playground", timeout=120_000)
        await page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=120_000)
        box = page.get_by_label("Steps")
        for _ in range(CHANGES):
            steps = rng.randint(20, 400)
            t = time.perf_counter()
            await box.fill(str(steps))
            await box.press("Enter")
            await page.wait_for_url(f"**steps={steps}**", timeout=60_000)  # the rerun has finished
            latencies.append(time.perf_counter() - t)
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # a person looks at the result
    except PlaywrightTimeout:
        failures.append(seed)
    finally:
        await ctx.close()


async def run(n: int, url: str, pid: int) -> tuple[list, float, int]:
    from playwright.async_api import async_playwright

    latencies: list = []
    failures: list = []
    peak = [rss_mb(pid)]

    async def sample():
        while True:
            peak.append(rss_mb(pid))
            await asyncio.sleep(0.25)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        sampler = asyncio.create_task(sample())
        try:
            await asyncio.wait_for(asyncio.gather(*(session(browser, url, s, latencies, failures)
                                                    for s in range(n))),
                                   DEADLINE_S)
        except asyncio.TimeoutError:  # report what was measured within the bound
            print(f"load: {n} sessions stopped at the {DEADLINE_S} s bound", flush=True)
        sampler.cancel()
        await browser.close()
    return latencies, max(peak), len(failures)


def main(quick: bool = False) -> str:
    if not os.path.exists(CHROMIUM):
        return "(skipped: no /usr/bin/chromium; run `make browser-deps`)"
    port = free_port()
    proc = start_server(port)
    rows = []
    try:
        sizes = [int(v) for v in os.environ.get("OPTVIZ_LOAD_SESSIONS", "").split(",") if v] or (
            [1, 5] if quick else [1, 5, 10, 30])
        for n in sizes:
            lat, peak, failed = asyncio.run(run(n, f"http://127.0.0.1:{port}", proc.pid))
            lat.sort()
            if not lat:
                rows.append([n, 0, "—", "—", f"{peak:.0f}", failed])
                continue
            p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
            rows.append([n, len(lat), f"{statistics.median(lat) * 1e3:.0f}", f"{p95 * 1e3:.0f}",
                         f"{peak:.0f}", failed])
            print("load", rows[-1], flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    return table(["sessions", "changes", "median redraw ms", "p95 redraw ms", "server peak RSS MB",
                  "sessions timed out"], rows) + (
        "\n\nRedraw = from typing a new step count until the browser has the rerun's result (its URL "
        "holds the new setting). The headless browsers run on the same 2 cores as the server and each "
        "renders every figure, so beyond a few sessions this measures the browsers as much as the "
        "server; `OPTVIZ_LOAD_SESSIONS=1,5 make bench` runs fewer.")


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
