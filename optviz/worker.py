"""Heavy work in worker processes, at a lower OS priority, so that it cannot hold up the room.

Every session of a Streamlit server runs in one Python process, and its threads share one interpreter
lock. A heavy computation in a thread of its own, even at a lower OS priority, stalls the light pages
of everyone else: on a busy machine the OS sets the low-priority thread aside *while it holds the
lock*, and every light rerun waits for it (a priority inversion; measured by the abuse bench at 4×
the quiet page time). So the shared computations that a page marks as heavy (``optviz.budget``)
run in a few worker processes of their own, each with its own interpreter lock and a lower priority
(``budget.NICE``): the server's threads only wait for the answer, without the lock.

A worker runs one call at a time: a function of a shared store (``optviz.memo``, by the store's
name) or any module-level function, given picklable arguments. While it computes, the waiting thread
calls ``tick`` about every TICK_SECONDS (the app glue passes a call into Streamlit, which raises when
the user has gone or clicked something else); if ``tick`` or a progress callback raises, the worker
is killed on the spot, so nothing keeps computing for a user who has gone, and a fresh one is started
for the next call. A worker that dies (killed by the OS for memory, say) is replaced the same way.

Workers are plain ``python -c 'from optviz.worker import serve; ...'`` processes connected by a socket pair, not
``multiprocessing``'s pools: a pool cannot stop one running task, and its start methods would run
the server's main script again in every worker. ``OPTVIZ_WORKERS=0`` computes everything in the
calling thread instead.
"""
from __future__ import annotations

import atexit
import importlib
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from . import budget

TICK_SECONDS = 0.5  # how often a waiting thread calls its tick (and so notices that its user left)
PROGRESS_SECONDS = 0.2  # a worker forwards progress at most this often
START_SECONDS = 60.0  # a worker that has not said it is ready by then is taken as broken


def _workers_wanted() -> int:
    if os.name != "posix":
        return 0
    try:
        return max(0, int(os.environ.get("OPTVIZ_WORKERS", os.cpu_count() or 1)))
    except ValueError:
        return os.cpu_count() or 1


class WorkerError(RuntimeError):
    """The worker stopped without an answer (killed by the OS, or an error that could not be sent)."""


class _Worker:
    def __init__(self):
        ours, theirs = socket.socketpair()
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen([sys.executable, "-c", f"from optviz.worker import serve; serve({theirs.fileno()})"],
                                     pass_fds=(theirs.fileno(),), cwd=root, env=env, stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def wait_ready(self, tick) -> None:
        if self.ready:
            return
        end = time.monotonic() + START_SECONDS
        while not self.conn.poll(TICK_SECONDS):
            if time.monotonic() > end or self.proc.poll() is not None:
                raise WorkerError("a worker process did not start")
            tick()
        if self.conn.recv() != "ready":
            raise WorkerError("a worker process did not start")
        self.ready = True

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:
            self.conn.close()
        except OSError:
            pass


class _Pool:
    """At most ``size`` workers; a caller waits (ticking) for one to be free."""

    def __init__(self, size: int):
        self.size = size
        self._idle: list[_Worker] = []
        self._count = 0  # workers alive, busy or idle
        self._cond = threading.Condition()
        self.started = 0  # workers started so far (for the tests)
        self.calls = 0  # calls sent to a worker so far

    def acquire(self, tick) -> _Worker:
        while True:
            with self._cond:
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    self.started += 1
                    break
                self._cond.wait(TICK_SECONDS)
                if self._idle or self._count < self.size:
                    continue
            tick()  # every worker busy: wait on, unless this user has gone
        try:
            return _Worker()
        except BaseException:
            self.discard(None)
            raise

    def release(self, w: _Worker) -> None:
        with self._cond:
            self._idle.append(w)
            self._cond.notify()

    def discard(self, w: _Worker | None) -> None:
        """Kill ``w`` (stopped mid-call, or broken) and start its replacement, which loads while
        nobody waits for it."""
        if w is not None:
            w.kill()
        with self._cond:
            self._count -= 1
            self._cond.notify()
        if w is not None:
            self.warm()

    def warm(self) -> None:
        """Start every worker not yet running (they load in the background: a first heavy click
        need not wait for Python and numpy to start)."""
        while True:
            with self._cond:
                if self._count >= self.size:
                    return
                self._count += 1
                self.started += 1
            try:
                w = _Worker()
            except OSError:
                with self._cond:
                    self._count -= 1
                return
            self.release(w)

    def shutdown(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for w in idle:
            w.kill()


_pool: _Pool | None = None
_pool_lock = threading.Lock()
_local = threading.local()  # .tick: this thread's tick while it waits


def pool() -> _Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _Pool(max(1, _workers_wanted()))  # (used only while enabled)
            atexit.register(_pool.shutdown)
        return _pool


def warm() -> None:
    """Start the workers now, in the background (the app calls this once a server is up)."""
    if enabled():
        pool().warm()


def enabled() -> bool:
    return _workers_wanted() > 0


def wanted() -> bool:
    """Whether work started now by this thread goes to a worker: the thread has said its work is
    heavy (``budget.heavy``) and workers are enabled."""
    return budget.is_heavy() and enabled()


@contextmanager
def ticking(tick: Callable[[], Any]):
    """Within this block, this thread calls ``tick()`` while it waits for a worker."""
    before = getattr(_local, "tick", None)
    _local.tick = tick
    try:
        yield
    finally:
        _local.tick = before


def _no_tick() -> None:
    pass


def call(ref: tuple, args: tuple = (), kwargs: dict | None = None, progress: Callable | None = None):
    """``fn(*args, **kwargs)`` in a worker, where ``ref`` names fn: ``("memo", module, store name)``
    or ``("fn", module, qualified name)``. ``progress``, if given, is passed to fn as its ``progress``
    argument and called here with what fn reports. Raises what fn raised (or WorkerError)."""
    tick = getattr(_local, "tick", None) or _no_tick
    p = pool()
    w = p.acquire(tick)
    while w.proc.poll() is not None:  # died while idle (killed by the OS): another one
        p.discard(w)
        w = p.acquire(tick)
    try:
        w.wait_ready(tick)
        w.conn.send((ref, args, kwargs or {}, progress is not None))
        p.calls += 1
        while True:
            if not w.conn.poll(TICK_SECONDS):
                if w.proc.poll() is not None:
                    raise WorkerError("the worker process stopped")
                tick()
                continue
            try:
                kind, value = w.conn.recv()
            except (EOFError, OSError):
                raise WorkerError("the worker process stopped") from None
            if kind == "progress":
                progress(*value)
                continue
            break
    except BaseException:
        p.discard(w)  # stopped mid-call (the user left, or the worker broke): nothing computes on
        raise
    p.release(w)
    if kind == "error":
        raise value
    return value


# --- the worker's side --------------------------------------------------------------------------

def _resolve(ref: tuple) -> Callable:
    kind, module, name = ref
    mod = importlib.import_module(module)
    if kind == "memo":
        from . import memo
        return memo.store(name).fn
    obj = mod
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _sendable(e: BaseException) -> BaseException:
    """``e`` if it survives pickling (the caller's page may catch its type), else a WorkerError."""
    try:
        back = pickle.loads(pickle.dumps(e))
        if type(back) is type(e) and str(back) == str(e):
            return e
    except Exception:
        pass
    return WorkerError(f"{type(e).__name__}: {e}")


def _lower_priority() -> None:
    """This process at nice ``budget.NICE``, yielding the CPU to every other program on the machine,
    not only to the server. On Linux the scheduler shares the CPU out equally between sessions
    (autogroups, ``/proc/sys/kernel/sched_autogroup_enabled``), whatever the nice values inside
    them: a niced worker in the server's session would yield to the server's threads alone, and take
    its session's whole share from a browser on the same machine (the teacher's, on the laptop that
    serves the room). So the worker starts a session of its own and gives that group the same nice
    value. Where there are no autogroups, the process's nice value is all there is."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, max(budget.NICE, os.getpriority(os.PRIO_PROCESS, 0)))
    except (AttributeError, OSError):
        pass
    try:
        os.setsid()  # its own session: it ends with the server's connection, not the terminal's signals
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(budget.NICE))
    except (AttributeError, OSError):
        pass


def serve(fd: int) -> None:
    """The worker's loop: one call at a time until the server closes the connection."""
    _lower_priority()
    conn = Connection(fd)
    for module in ("optviz.playground", "optviz.vanishing", "optviz.autoencoder", "optviz.training"):
        importlib.import_module(module)  # what heavy work needs, loaded before the first call
    conn.send("ready")
    while True:
        try:
            ref, args, kwargs, wants_progress = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if wants_progress:
                last = [0.0]

                def forward(*a):
                    now = time.monotonic()
                    if now - last[0] >= PROGRESS_SECONDS:
                        last[0] = now
                        conn.send(("progress", a))

                kwargs = {**kwargs, "progress": forward}
            value = _resolve(ref)(*args, **kwargs)
            message = ("ok", value)
        except Exception as e:  # sent to the caller, which raises it there
            message = ("error", _sendable(e))
        try:
            conn.send(message)
        except (OSError, EOFError):
            return
        except Exception as e:  # a result that cannot be pickled
            conn.send(("error", _sendable(WorkerError(f"the result could not be sent: {e}"))))

