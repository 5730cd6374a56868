"""Timing helpers: best of a few repeats, measured side by side so ratios stay meaningful."""
from __future__ import annotations

import time


def best_time(fn, repeat: int = 3, budget: float = 0.3) -> float:
    """The best of ``repeat`` runs, and of more while they fit in ``budget`` seconds (up to 50): a
    run of a millisecond is at the mercy of one scheduler hiccup on a shared machine."""
    best, spent, runs = float("inf"), 0.0, 0
    while runs < repeat or (spent < budget and runs < 50):
        t = time.perf_counter()
        fn()
        took = time.perf_counter() - t
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best


def have_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)
