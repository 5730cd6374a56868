"""Pages: script time of a rerun under AppTest (default settings, and each page's heaviest preset)
and the figure payload each page sends (bytes of plotly JSON)."""
from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import _run_through_navigation  # every run through app.py, as in a browser

from .common import table

ROOT = Path(__file__).resolve().parents[1]
_run_through_navigation()


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(f"pages/{page}")
    at.run()
    return at


def rerun_time(at: AppTest, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        at.run()
        best = min(best, time.perf_counter() - t)
    return best


def payload(at: AppTest) -> int:
    return sum(len(c.proto.spec) for c in at.get("plotly_chart"))


def preset_ids(page: str, box) -> list[str]:
    """The raw preset ids of a page (AppTest can only choose a formatted option by its raw value);
    the fundamentals pages' Specs register themselves when the page runs."""
    from optviz import playground, vanishing
    from optviz.app import activations, mlp, spec as small_pages

    known = {"playground.py": playground.PRESETS, "activations.py": activations.PRESETS,
             "mlp.py": mlp.PRESETS, "vanishing.py": vanishing.PRESETS}
    if page in known:
        return list(known[page])
    spec = small_pages.SPECS.get(box.key.removesuffix("_preset"))
    return list(spec.presets) if spec else []


def preset_box(at: AppTest):
    boxes = [b for b in at.selectbox if b.key and b.key.endswith("preset")]
    return boxes[0] if boxes else None


def main(quick: bool = False) -> str:
    rows = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        at = open_page(path.name)
        if at.exception:
            rows.append([path.name, "exception", "", "", ""])
            continue
        default_t, default_b = rerun_time(at), payload(at)
        heavy = ("—", 0.0, 0)
        box = preset_box(at)
        if box is not None and not quick:
            for name in preset_ids(path.name, box):
                at = open_page(path.name)
                preset_box(at).set_value(name).run()  # the first run after the change computes
                t, b = rerun_time(at, 3), payload(at)
                if t > heavy[1]:
                    heavy = (name, t, b)
        rows.append([path.name, f"{default_t * 1e3:.0f}", f"{default_b / 1e3:.0f}",
                     heavy[0] if heavy[0] == "—" else f"{heavy[0]}: {heavy[1] * 1e3:.0f} ms",
                     f"{heavy[2] / 1e3:.0f}" if heavy[2] else "—"])
        print("pages", rows[-1], flush=True)
    if not quick:
        rows.append(basin_view_row())
        print("pages", rows[-1], flush=True)
    return table(["page", "default rerun ms", "default figures kB", "heaviest preset (rerun)",
                  "its figures kB"], rows)


def basin_view_row() -> list[str]:
    """The playground's heaviest view: two 200 × 200 basin maps side by side, for each colouring."""
    at = open_page("playground.py")
    at.toggle(key="pg_basin").set_value(True).run()
    at.select_slider(key="pg_basin_n").set_value(200).run()
    at.multiselect(key="pg_basin_runs").set_value([0, 4]).run()
    sizes = {}
    for colour in ("minimum", "steps", "loss"):
        at.radio(key="pg_basin_color").set_value(colour).run()
        sizes[colour] = (rerun_time(at, 3), payload(at))
    worst = max(sizes, key=lambda c: sizes[c][1])
    return ["playground.py, two 200×200 basin maps", "—", "—",
            f"colour by {worst}: {sizes[worst][0] * 1e3:.0f} ms (cached maps)", f"{sizes[worst][1] / 1e3:.0f}"]


if __name__ == "__main__":
    print(main())
