"""Results shared by every session of a server, bounded by bytes, not by entries.

A workshop room opens the same preset thirty times: one computation should serve them all. But one
playground race of 5 000 steps × 8 runs holds 15 MB, so a cache bounded by a count of entries
(Streamlit's ``max_entries``) grows with whatever links a room sends it (123 distinct links took a
server from 176 MB to 2 GB). ``memo`` keeps the most recently used results up to ``max_bytes`` and
drops the least recently used beyond that; a result larger than the whole budget is computed and
returned but not kept.

These caches are the app's own, not ``st.cache_data``: Streamlit's "clear cache" request, which any
client may send, clears its caches for every user, and would throw the room's shared work away.

Values are shared, not copied: numpy arrays inside a cached value are made read-only, so a caller
that tried to change one in place fails at once instead of corrupting everyone's result.
"""
from __future__ import annotations

import dataclasses
import functools
import sys
import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np

MB = 1024 * 1024
_ALL: dict[str, "Memo"] = {}  # by name: a module imported again replaces its stores, never adds


def nbytes(value: Any, _seen: set | None = None) -> int:
    """A value's memory, counted through arrays, containers, dataclasses and plain objects."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, (str, bytes, int, float, complex, bool)) or value is None:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(nbytes(k, seen) + nbytes(v, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(nbytes(v, seen) for v in value)
    if dataclasses.is_dataclass(value):
        return sys.getsizeof(value) + sum(nbytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if hasattr(value, "__dict__"):
        return sys.getsizeof(value) + nbytes(vars(value), seen)
    return sys.getsizeof(value)


def freeze(value: Any, _seen: set | None = None) -> Any:
    """Make every numpy array reachable from ``value`` read-only (in place); returns ``value``."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for v in value.values():
            freeze(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            freeze(v, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            freeze(getattr(value, f.name), seen)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for v in vars(value).values():
            freeze(v, seen)
    return value


class Memo:
    """A least-recently-used store of results of one function, at most ``max_bytes`` in all.
    Sessions asking for the same key at the same moment wait for one computation."""

    def __init__(self, fn: Callable, max_bytes: int, name: str, offload: bool = False):
        self.fn, self.max_bytes, self.name, self.offload = fn, int(max_bytes), name, offload
        self._store: OrderedDict = OrderedDict()  # key -> (value, bytes)
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict = {}  # key -> Lock held while one thread computes it
        self.hits = self.misses = 0

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._store)

    def get(self, key, *args, **kwargs):
        """The cached value for ``key``, computing ``fn(*args, **kwargs)`` when it is missing."""
        with self._lock:
            if key in self._store:
                self._store.move_to_end(key)
                self.hits += 1
                return self._store[key][0]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:  # one computation per key; the others wait here and then find it stored
            with self._lock:
                if key in self._store:
                    self._store.move_to_end(key)
                    self.hits += 1
                    return self._store[key][0]
                self.misses += 1
            try:
                value = freeze(self._compute(args, kwargs))
                self._put(key, value)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return value

    def _compute(self, args, kwargs):
        """``fn(*args, **kwargs)``: in a worker process when the store is marked ``offload`` and this
        thread's work is heavy (``optviz.worker``), else here. A ``progress`` callback is called
        here with what the worker reports."""
        if self.offload:
            from . import worker

            if worker.wanted():
                progress = kwargs.pop("progress", None)
                return worker.call(("memo", self.fn.__module__, self.name), args, kwargs, progress=progress)
        return self.fn(*args, **kwargs)

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._store

    def _put(self, key, value) -> None:
        size = nbytes(value)
        with self._lock:
            if size > self.max_bytes:
                return  # larger than the whole budget: returned, not kept
            self._store[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._store.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._store.clear()
            self._bytes = 0


def _key(args, kwargs):
    return (args, tuple(sorted(kwargs.items())))


def memo(max_mb: float, name: str | None = None, key: Callable | None = None, offload: bool = False):
    """Decorator: share ``fn``'s results across sessions, at most ``max_mb`` megabytes of them.
    ``key(*args, **kwargs)`` makes the cache key (default: the arguments, which must be hashable).
    ``offload``: heavy work (``budget.heavy``) is computed in a worker process (``optviz.worker``);
    its arguments and result must then be picklable.
    The decorated function has ``.memo`` (the store), ``.uncached`` (the plain function) and
    ``.stored(*args, **kwargs)`` (whether that call would be answered from the store)."""
    def wrap(fn):
        store = Memo(fn, max_mb * MB, name or f"{fn.__module__}.{fn.__qualname__}", offload)
        _ALL[store.name] = store
        make_key = key or (lambda *a, **k: _key(a, k))

        @functools.wraps(fn)
        def cached(*args, **kwargs):
            return store.get(make_key(*args, **kwargs), *args, **kwargs)

        cached.memo, cached.uncached = store, fn
        cached.stored = lambda *a, **k: make_key(*a, **k) in store
        return cached

    return wrap


def stores() -> list[Memo]:
    """Every memo of this process (for the README's total and the tests)."""
    return list(_ALL.values())


def store(name: str) -> Memo:
    """The store called ``name`` (its module must have been imported)."""
    return _ALL[name]


def total_bytes() -> int:
    return sum(m.max_bytes for m in _ALL.values())
