import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

from optviz import memo


def test_a_store_never_holds_more_bytes_than_its_budget():
    calls = []

    @memo.memo(max_mb=1, name="test.arrays")
    def make(n):
        calls.append(n)
        return np.zeros(n)  # 8n bytes

    for n in range(1000, 60_000, 3000):  # 8 kB … 470 kB each, 20 distinct keys, 5 MB in all
        make(n)
        assert make.memo.bytes <= make.memo.max_bytes
    assert 1 < len(make.memo) < 20
    kept_last = make(58_000)
    assert calls.count(58_000) == 1 and kept_last.shape == (58_000,)  # the most recent is still kept


def test_the_least_recently_used_result_goes_first():
    @memo.memo(max_mb=0.25, name="test.lru")
    def make(n):
        return np.zeros(10_000) + n  # 80 kB: three fit

    make(1), make(2), make(3)
    make(1)  # used again: now 2 is the oldest
    make(4)
    assert make.memo.misses == 4
    make(1), make(3), make(4)
    assert make.memo.misses == 4
    make(2)
    assert make.memo.misses == 5


def test_a_result_larger_than_the_budget_is_returned_but_not_kept():
    @memo.memo(max_mb=0.01, name="test.large")
    def make(n):
        return np.ones(n)

    assert make(100_000).sum() == 100_000
    assert len(make.memo) == 0 and make.memo.bytes == 0


@dataclass
class Result:
    xs: np.ndarray
    parts: list


def test_cached_arrays_are_read_only_so_no_session_can_change_anothers_result():
    @memo.memo(max_mb=1, name="test.frozen")
    def make(n):
        return Result(np.arange(n, dtype=float), [np.zeros(3), {"a": np.ones(2)}])

    r = make(5)
    for a in (r.xs, r.parts[0], r.parts[1]["a"]):
        with pytest.raises(ValueError):
            a[0] = 7.0
    assert make(5) is r


def test_nbytes_counts_arrays_inside_containers_and_records():
    r = Result(np.zeros(1000), [np.zeros(500), {"k": np.zeros(250)}])
    assert 14_000 <= memo.nbytes(r) <= 16_000


def test_sessions_asking_together_wait_for_one_computation():
    calls = []

    @memo.memo(max_mb=1, name="test.together")
    def slow(n):
        calls.append(n)
        time.sleep(0.2)
        return n * 2

    out = []
    threads = [threading.Thread(target=lambda: out.append(slow(21))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [42] * 6 and calls == [21]


def test_a_failing_computation_is_not_cached_and_can_be_retried():
    calls = []

    @memo.memo(max_mb=1, name="test.fails")
    def flaky(n):
        calls.append(n)
        if len(calls) == 1:
            raise ValueError("first time")
        return n

    with pytest.raises(ValueError):
        flaky(3)
    assert flaky(3) == 3 and len(calls) == 2


def test_no_page_makes_a_store_of_its_own():
    """A page file runs again on every click: a store made there would be a new, empty one each
    time (and a leak). Shared results live in the core or the glue, imported once."""
    from pathlib import Path
    for page in (Path(__file__).resolve().parents[1] / "pages").glob("*.py"):
        assert "memo.memo(" not in page.read_text(encoding="utf-8"), page.name


def test_a_module_imported_again_replaces_its_stores():
    for _ in range(3):
        @memo.memo(max_mb=1, name="test.reimported")
        def f(n):
            return n
    assert [m.name for m in memo.stores()].count("test.reimported") == 1
