"""What one click may cost the server, so that one participant cannot stall a room.

Every page estimates the work a setting asks for before it starts. Work estimated above the budget is
refused with a message saying what to reduce; long work that is allowed runs in pieces and checks a
``Deadline`` between them, so it stops in time even where the estimate was optimistic. Work
estimated above HEAVY_SECONDS runs at a lower OS priority (``heavy``), so that while it computes the
light pages of everyone else (and their browsers, on a machine that serves and browses) go first.
"""
from __future__ import annotations

import os
import threading
import time

MAX_SECONDS = 10.0  # of server CPU for one rerun (one click or one link)
MAX_BYTES = 400 * 1024 * 1024  # of extra memory for one rerun
HEAVY_SECONDS = 0.5  # work estimated above this yields the CPU to lighter work
NICE = 10  # the OS priority (nice value) of heavy work: about a tenth of the CPU when others want it


def lower_priority() -> None:
    """From now on, this thread yields the CPU to threads at normal priority (Linux: the thread's own
    nice value; elsewhere nothing). Streamlit runs each rerun of a session in a thread of its own, so
    only this run (and reruns queued behind it in the same session) is affected; a thread cannot
    raise its priority again without privileges, and need not."""
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < NICE:
            os.setpriority(os.PRIO_PROCESS, tid, NICE)
    except (AttributeError, OSError):
        pass


def heavy(seconds: float) -> bool:
    """Called with the estimated CPU seconds of the work about to run: above HEAVY_SECONDS, the
    work runs at a lower priority (``lower_priority``). Returns whether it does."""
    if seconds > HEAVY_SECONDS:
        lower_priority()
        return True
    return False


class Deadline:
    """``expired()`` once ``seconds`` of this thread's CPU time have passed since it was made.
    CPU time, not wall time: a server shared by a room is slow for everyone, and a run must not be
    cut short because others were computing at the same moment."""

    def __init__(self, seconds: float = MAX_SECONDS):
        self.seconds = float(seconds)
        self.start = time.thread_time()

    def used(self) -> float:
        return time.thread_time() - self.start

    def expired(self) -> bool:
        return self.used() >= self.seconds
