"""What one click may cost the server, so that one participant cannot stall a room.

Every page estimates the work a setting asks for before it starts. Work estimated above the budget is
refused with a message saying what to reduce; long work that is allowed runs in pieces and checks a
``Deadline`` between them, so it stops in time even where the estimate was optimistic. A rerun
whose work is estimated above HEAVY_SECONDS says so (``heavy``): its shared computations then run in
worker processes at a lower OS priority (``optviz.worker``), so that while they compute the light
pages of everyone else (and their browsers, on a machine that serves and browses) go first.

Not a lower priority for the heavy *thread*: the threads of one Python process share one interpreter
lock, and a thread that the OS sets aside (as it does a low-priority one on a loaded machine) while
it holds the lock stalls every light rerun waiting for it, a priority inversion that the abuse bench
measured at 4× the quiet page time. Work that still runs in the server's threads (light work, or all
of it when workers are off) keeps the normal priority, and heavy work calls ``make_way`` between its
small steps (a mini-batch, 64 optimizer steps): every rerun counts as light work (``light``, around
the app's whole run) until it says it is heavy, and while any light rerun is running the heavy one
sleeps, without the lock, for up to MAKE_WAY_SECONDS at a time. Threads that compute without the lock (the
fused C library's) do run at a lower priority (``lower_priority``).
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager

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


MAKE_WAY_SECONDS = 0.25  # the longest a heavy thread waits at one step for light reruns to end
_WAIT = 0.002  # how often a waiting heavy thread looks again
_light = 0  # light reruns running now, in this process
_light_lock = threading.Lock()
_thread = threading.local()  # .light: this thread is counted in _light; .heavy: it runs heavy work


def _leave_light() -> None:
    global _light
    if getattr(_thread, "light", False):
        _thread.light = False
        with _light_lock:
            _light -= 1


@contextmanager
def light():
    """Around one rerun: it counts as light work, for which heavy work makes way, until it calls
    ``heavy`` with an estimate above HEAVY_SECONDS."""
    global _light
    if getattr(_thread, "light", False):  # nested (a page run inside the app's run)
        yield
        return
    _thread.light, _thread.heavy = True, False
    with _light_lock:
        _light += 1
    try:
        yield
    finally:
        _leave_light()


def light_running() -> int:
    """How many light reruns are running now."""
    return _light


def make_way(max_wait: float = MAKE_WAY_SECONDS) -> float:
    """Called by heavy work between its small steps: while light reruns are running, wait for them
    (sleeping, so without the interpreter lock) for up to ``max_wait`` seconds. Free for light work
    and when nothing else runs (one global read). Returns the seconds waited."""
    if not _light or not getattr(_thread, "heavy", False):
        return 0.0
    start = time.monotonic()
    end = start + max_wait
    while _light and time.monotonic() < end:
        time.sleep(_WAIT)
    return time.monotonic() - start


def heavy(seconds: float) -> bool:
    """Called with the estimated CPU seconds of the work about to run: above HEAVY_SECONDS, the
    work stops counting as light work: its shared computations go to worker processes at a lower
    priority (``optviz.worker``), and its steps in this process make way for light reruns
    (``make_way``). Returns whether it does."""
    if seconds > HEAVY_SECONDS:
        _leave_light()
        _thread.heavy = True
        return True
    return False


def is_heavy() -> bool:
    """Whether this thread has said its work is heavy (``heavy``)."""
    return getattr(_thread, "heavy", False)


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
