"""optviz.budget: long work yields the CPU to light reruns."""
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
        out["is_heavy"] = budget.is_heavy()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return out


def test_heavy_work_keeps_its_threads_priority_and_says_it_is_heavy():
    """A niced thread that holds the interpreter lock stalls every light rerun (a priority
    inversion): heavy work's *processes* run at a lower priority (test_worker), never its thread."""
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    light, heavy = _nice_after(0.1), _nice_after(budget.HEAVY_SECONDS * 4)
    assert light == {"heavy": False, "nice": base, "is_heavy": False}
    assert heavy == {"heavy": True, "nice": base, "is_heavy": True}
    assert not budget.is_heavy()  # only that thread


def test_the_fused_worker_threads_are_heavy_work():
    from optviz import trajectory
    nice = trajectory._threads().submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert nice.result() >= budget.NICE


# --- heavy work makes way for light reruns (the interpreter lock is shared by every session) -------

def _in_thread(fn):
    out = {}
    t = threading.Thread(target=lambda: out.update(result=fn()))
    t.start()
    t.join()
    return out["result"]


def test_make_way_waits_while_a_light_rerun_runs_and_costs_nothing_otherwise():
    started, release = threading.Event(), threading.Event()

    def rerun():
        with budget.light():
            started.set()
            release.wait(30)

    def heavy_waits(max_wait):
        budget.heavy(budget.HEAVY_SECONDS * 4)
        return budget.make_way(max_wait)

    assert _in_thread(lambda: heavy_waits(1.0)) == 0.0  # nobody light: no wait at all
    light = threading.Thread(target=rerun)
    light.start()
    started.wait(30)
    try:
        assert budget.light_running() == 1
        assert _in_thread(lambda: budget.make_way(1.0)) == 0.0  # light work never waits
        assert _in_thread(lambda: heavy_waits(0.05)) >= 0.05  # heavy work waits, up to its bound
        threading.Timer(0.05, release.set).start()
        waited = _in_thread(lambda: heavy_waits(30.0))
        assert 0.0 < waited < 30.0  # it went on when the light rerun ended, not at its bound
    finally:
        release.set()
        light.join()
    assert budget.light_running() == 0


def test_a_rerun_that_turns_heavy_stops_counting_as_light():
    def rerun():
        with budget.light():
            before = budget.light_running()
            budget.heavy(budget.HEAVY_SECONDS * 4)
            return before, budget.light_running()

    assert _in_thread(rerun) == (1, 0)
    assert budget.light_running() == 0


def _make_way_calls(monkeypatch, work):
    calls = []
    monkeypatch.setattr(budget, "make_way", lambda *a, **k: calls.append(1) or 0.0)
    work()
    return len(calls)


@pytest.mark.parametrize("starts, record", [(1, False), (5, False), (3, True)],
                         ids=["one start (scalar loop)", "several (in-place kernel)", "recorded (pure loop)"])
def test_every_python_step_loop_makes_way(monkeypatch, starts, record):
    from optviz import trajectory
    import numpy as np
    x0 = np.tile([[2.5], [-1.5]], (1, starts)).T
    steps = 64 * 10
    n = _make_way_calls(monkeypatch, lambda: trajectory.optimize(
        "rastrigin", "adam", x0 if starts > 1 else x0[0], steps, record_states=record, lr=1e-3))
    assert n >= steps // (trajectory.MAKE_WAY_MASK + 1)


def test_training_makes_way_every_mini_batch(monkeypatch):
    import numpy as np
    from optviz import optimizers, training
    from optviz.mlp import MLP
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 2)), rng.integers(0, 2, 100)
    n = _make_way_calls(monkeypatch, lambda: training.train(
        MLP([2, 8, 2], loss="cross_entropy"), X, y, optimizers.get("sgd", lr=0.1), epochs=3, batch_size=10))
    assert n == 3 * 10


def test_the_app_run_counts_as_light_work():
    from optviz.app import ui
    with ui.app_run():
        assert budget.light_running() == 1
    assert budget.light_running() == 0
