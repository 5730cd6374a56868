"""optviz.budget: long work yields the CPU (a lower OS priority for its own thread only)."""
import os
import sys
import threading

import pytest

from optviz import budget

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def _nice_after(seconds):
    out = {}

    def work():
        out["heavy"] = budget.heavy(seconds)
        out["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return out


def test_heavy_work_runs_at_a_lower_priority_and_light_work_does_not():
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    light, heavy = _nice_after(0.1), _nice_after(budget.HEAVY_SECONDS * 4)
    assert light == {"heavy": False, "nice": base}
    assert heavy == {"heavy": True, "nice": max(base, budget.NICE)}
    # only that thread: this one (and the process) keep their priority
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base
    assert os.getpriority(os.PRIO_PROCESS, 0) == os.getpriority(os.PRIO_PROCESS, os.getpid())


def test_the_fused_worker_threads_are_heavy_work():
    from optviz import trajectory
    nice = trajectory._threads().submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert nice.result() >= budget.NICE
