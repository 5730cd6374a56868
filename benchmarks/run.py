"""`make bench`: every benchmark, side by side on this machine, written to benchmarks/RESULTS.md.

    python -m benchmarks.run [--quick] [--only trajectories,pages,redraw,scrub,mlp,memory,load,abuse,rooms,landscape]
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
from pathlib import Path

SECTIONS = {
    "trajectories": ("Trajectories: K starts × N steps on Rosenbrock", "benchmarks.trajectories"),
    "mlp": ("MLP training", "benchmarks.bench_mlp"),
    "pages": ("Pages: rerun script time and figure payload", "benchmarks.pages"),
    "redraw": ("Browser: first paint and redraw against a bare page", "benchmarks.redraw"),
    "scrub": ("Scrub mode: a slider step in the figure against the widget round trip", "benchmarks.scrub"),
    "memory": ("Memory: the largest basin map", "benchmarks.memory"),
    "load": ("Capacity: concurrent sessions on one server", "benchmarks.load"),
    "abuse": ("Abuse: heavy work started and abandoned while others browse", "benchmarks.abuse"),
    "rooms": ("Classroom: 60 students answering at once", "benchmarks.rooms"),
    "landscape": ("MLP trainer: loss landscape and network view", "benchmarks.landscape"),
}
OUT = Path(__file__).with_name("RESULTS.md")
NOTES = Path(__file__).with_name("NOTES.md")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=",".join(SECTIONS))
    args = ap.parse_args()
    from optviz.system import keep_freed_memory, single_threaded_blas

    keep_freed_memory()  # as app.py does: measure what the app runs
    single_threaded_blas()
    previous = _sections(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    parts = [f"# Benchmark results\n\nMeasured {datetime.date.today()} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()} by `make bench`"
             f"{' --quick' if args.quick else ''}. Ratios are measured side by side in the same run.\n"]
    chosen = args.only.split(",")
    for key, (title, module) in SECTIONS.items():
        if key not in chosen:  # keep the last measured figures of the sections not run now
            if title in previous:
                parts.append(previous[title])
            continue
        try:
            mod = importlib.import_module(module)
        except ImportError as e:
            parts.append(f"## {title}\n\n(skipped: {e})\n")
            continue
        parts.append(f"## {title}\n\n{(mod.__doc__ or '').strip()}\n\n{mod.main(quick=args.quick)}\n")
    if NOTES.exists():
        parts.append(NOTES.read_text(encoding="utf-8"))
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {OUT}")


def _sections(text: str) -> dict[str, str]:
    out = {}
    for chunk in text.split("\n## ")[1:]:
        title = chunk.split("\n", 1)[0]
        if not title.startswith("Where the time goes"):
            out[title] = "## " + chunk.split("\n## Where the time goes")[0].rstrip() + "\n"
    return out


if __name__ == "__main__":
    main()
