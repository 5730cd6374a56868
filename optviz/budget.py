"""What one click may cost the server, so that one participant cannot stall a room.

Every page estimates the work a setting asks for before it starts. Work estimated above the budget is
refused with a message saying what to reduce; long work that is allowed runs in pieces and checks a
``Deadline`` between them, so it stops in time even where the estimate was optimistic.
"""
from __future__ import annotations

import time

MAX_SECONDS = 10.0  # of server CPU for one rerun (one click or one link)
MAX_BYTES = 400 * 1024 * 1024  # of extra memory for one rerun


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
