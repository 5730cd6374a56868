"""optviz.worker: heavy work in worker processes at a lower priority, stopped when its user has gone."""
import os
import sys
import threading
import time

import numpy as np
import pytest

from optviz import budget, worker
from optviz import playground as pg
from optviz import vanishing as vg

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are POSIX's")

BEAT = ("fn", "tests.worker_helpers", "beat")
FAIL = ("fn", "tests.worker_helpers", "fail")


def _heavy(fn):
    """fn() in a thread whose work is heavy (as a page's rerun after budget.heavy); its result or error."""
    out = {}

    def run():
        budget.heavy(budget.HEAVY_SECONDS * 4)
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()
    t.join(120)
    assert not t.is_alive()
    return out


def _beating(path, within=0.3):
    before = os.path.getmtime(path)
    time.sleep(within)
    return os.path.getmtime(path) != before


def test_a_worker_is_another_process_at_the_lower_priority():
    pid = worker.call(("fn", "os", "getpid"))
    assert pid != os.getpid()
    assert worker.call(("fn", "os", "getpriority"), (os.PRIO_PROCESS, 0)) >= budget.NICE
    assert os.getpriority(os.PRIO_PROCESS, 0) < budget.NICE  # the server itself keeps its priority


@pytest.mark.skipif(not os.path.exists("/proc/self/autogroup"), reason="no scheduler autogroups here")
def test_a_worker_yields_to_the_whole_machine_not_only_to_the_server():
    """Linux shares the CPU equally between sessions (autogroups) whatever the nice values inside:
    a worker runs in a session of its own whose group has the lower priority too."""
    pid = worker.call(("fn", "os", "getpid"))
    assert worker.call(("fn", "os", "getsid"), (0,)) == pid != os.getsid(0)
    with open(f"/proc/{pid}/autogroup") as f:
        assert f.read().split()[-1] == str(budget.NICE)


SHARED = [  # every store marked offload, with a call of it: (function, args)
    (pg.cached_race, ("custom:x**2+sin(3*y)", "adam:lr=0.1|rule[m %3D beta*m + g%0Ax %3D x - lr*m]:beta=0.9,lr=0.05",
                      (-1.0, 1.0), 300, 0.1)),
    (pg.cached_race, ("rosenbrock", "nesterov:lr=0.001|adagrad:lr=0.5", (-1.5, 2.0), 300, 0.0)),
    (pg.cached_sweep, ("beale", "rmsprop:lr=0.01", (1.0, 1.0), 100)),
    (pg.cached_basin, ("himmelblau", "momentum:lr=0.01", 100, 25)),
    (pg.cached_scrub, ("custom:x**2/20+y**2", "adam:lr=0.1", "beta1", (-4.0, 2.0), 60)),
    (vg.cached_probe, ("tanh.xavier", 6, 16, 100, 3)),
    (vg.cached_run, ("relu.he", 3, 8, "moons", "adam", 0.01, 5, 1, 5)),
]


def _same(a, b):
    """Equal through arrays, containers, dataclasses and objects (what came back from the worker)."""
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if callable(a) and callable(b):  # a surface's or a rule's functions: rebuilt, so not the same objects
        return True
    if hasattr(a, "__dict__"):
        return type(a) is type(b) and _same(vars(a), vars(b))
    return a == b


@pytest.mark.parametrize("fn,args", SHARED, ids=[f"{f.memo.name}-{i}" for i, (f, _) in enumerate(SHARED)])
def test_every_offloaded_store_computes_the_same_in_a_worker_as_in_the_server(fn, args):
    assert fn.memo.offload
    fn.memo.clear()
    calls = worker.pool().calls
    out = _heavy(lambda: fn(*args))
    assert "error" not in out, out.get("error")
    assert worker.pool().calls == calls + 1  # computed by a worker
    assert _same(out["value"], fn.uncached(*args))
    assert fn(*args) is out["value"]  # stored for everyone, as before


def test_only_the_stores_marked_offload_and_only_heavy_work_go_to_a_worker():
    args = ("booth", "sgd:lr=0.01", (1.0, 1.0), 50, 0.0)
    pg.cached_race.memo.clear()
    calls = worker.pool().calls
    pg.cached_race(*args)  # this thread's work is light
    assert worker.pool().calls == calls
    import optviz.memo as memo
    offloaded = {m.name for m in memo.stores() if m.offload}
    assert {"playground.race", "playground.sweep", "playground.basins", "playground.scrub",
            "vanishing.probe", "vanishing.run"} <= offloaded


def test_the_workers_error_is_raised_in_the_server_with_its_type_and_message():
    with pytest.raises(ValueError, match="a clear message"):
        worker.call(FAIL, ("value",))
    with pytest.raises(worker.WorkerError, match="Unpicklable: 1-2"):
        worker.call(FAIL, ("unpicklable",))
    with pytest.raises(worker.WorkerError, match="could not be sent"):
        worker.call(FAIL, ("result",))
    # a page's bad input raises in the worker as it would in the server
    out = _heavy(lambda: pg.cached_race("custom:x**", "adam:lr=0.1", (0.0, 0.0), 10, 0.0))
    with pytest.raises(type(out["error"])):
        pg.cached_race.uncached("custom:x**", "adam:lr=0.1", (0.0, 0.0), 10, 0.0)
    assert worker.call(("fn", "os", "getpid")) != os.getpid()  # and the workers go on


def test_a_worker_that_dies_is_an_error_and_is_replaced():
    started = worker.pool().started
    with pytest.raises(worker.WorkerError, match="stopped"):
        worker.call(FAIL, ("exit",))
    assert worker.pool().started > started  # a new process (and any others the pool lacked)
    assert worker.call(("fn", "operator", "add"), (2, 3)) == 5


def test_a_worker_killed_while_idle_is_replaced_before_it_is_given_work():
    worker.warm()
    for w in list(worker.pool()._idle):
        w.proc.kill()
        w.proc.wait()
    assert worker.call(("fn", "operator", "mul"), (6, 7)) == 42


def test_a_user_who_leaves_stops_the_worker_at_once(tmp_path):
    """The tick raises (Streamlit does, in the page's next call, once the tab has closed or another
    click came): the worker is killed, nothing computes on, and the next call gets a fresh one."""
    path = str(tmp_path / "beat")
    started = time.monotonic()
    left = started + 1.0

    def tick():
        if time.monotonic() > left:
            raise KeyboardInterrupt("the user has gone")  # any exception: Streamlit's is StopException

    with worker.ticking(tick), pytest.raises(KeyboardInterrupt):
        worker.call(BEAT, (path, 60.0))
    assert time.monotonic() - started < 1.0 + 2 * worker.TICK_SECONDS + 1.0
    assert not _beating(path)
    assert worker.call(BEAT, (path, 0.1)) != os.getpid()


def test_progress_is_forwarded_and_a_raise_in_it_stops_the_worker(tmp_path):
    path = str(tmp_path / "beat")
    seen = []
    worker.call(BEAT, (path, 1.0), progress=seen.append)
    assert len(seen) >= 3 and seen == sorted(seen) and 0 <= seen[0] < seen[-1] <= 1

    def stop(f):
        if f > 0.1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        worker.call(BEAT, (path, 60.0), progress=stop)
    assert not _beating(path)


def test_more_callers_than_workers_wait_their_turn_and_a_waiting_user_can_leave(tmp_path):
    size = worker.pool().size
    paths = [str(tmp_path / f"beat{i}") for i in range(size + 1)]
    out = [None] * (size + 1)

    def run(i):
        out[i] = worker.call(BEAT, (paths[i], 0.5))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(size + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(isinstance(pid, int) and pid != os.getpid() for pid in out)
    assert len(set(out)) <= size  # never more processes than the pool's size

    # every worker busy: a caller waiting for one stops when its user leaves
    busy = [threading.Thread(target=worker.call, args=(BEAT, (paths[i], 2.0))) for i in range(size)]
    for t in busy:
        t.start()
    time.sleep(0.3)
    started = time.monotonic()

    def gone():
        raise KeyboardInterrupt

    with worker.ticking(gone), pytest.raises(KeyboardInterrupt):
        worker.call(BEAT, (paths[size], 30.0))
    assert time.monotonic() - started < 2.0
    for t in busy:
        t.join(30)
    assert not os.path.exists(paths[size]) or not _beating(paths[size])


def test_no_workers_when_disabled(monkeypatch):
    monkeypatch.setenv("OPTVIZ_WORKERS", "0")
    assert not worker.enabled()
    out = _heavy(lambda: worker.wanted())
    assert out["value"] is False


# --- the MLP trainer: the trainer goes to a worker and comes back, piece after piece ---------------

def _mlp_setup(seed=0):
    from optviz import datasets, optimizers, training
    from optviz.mlp import MLP
    X, y = datasets.make("spiral", n=200, seed=seed, classes=3)
    model = MLP([2, 16, 16, 3 if y.max() >= 2 else 2], activation="leaky_relu", init="he", loss="cross_entropy",
                seed=seed, batch_norm=True, alpha=0.05)
    return training, optimizers, model, X, y


def test_training_in_pieces_in_a_worker_is_the_same_run_as_training_at_once():
    training, optimizers, model, X, y = _mlp_setup()
    Xte, yte = X[:40], y[:40]
    rule = optimizers.parse_rule("m = beta*m + (1-beta)*g\nx = x - lr*m", lr=0.05, beta=0.9)
    for opt in (optimizers.get("adam", lr=0.01), rule):
        whole = training.Trainer(model.copy(), opt, 16, 3, l2=1e-3)
        whole.run(X, y, 9, Xte, yte)
        piecewise = training.Trainer(model.copy(), opt, 16, 3, l2=1e-3)
        records = []
        while piecewise.history.epochs < 9:
            piecewise, rec, cpu, reached = worker.call(
                ("fn", "optviz.training", "train_piece"), (piecewise, X, y, 9 - piecewise.history.epochs, Xte, yte),
                dict(seconds=0.0, record_every=2))  # one epoch a piece
            records += rec
            assert cpu > 0 and not reached
        assert piecewise.history.loss == whole.history.loss
        assert piecewise.history.test_accuracy == whole.history.test_accuracy
        for a, b in zip(piecewise.model.flat(), whole.model.flat()):
            assert np.array_equal(a, b)
        assert [e for e, _ in records] == [2, 4, 6, 8]
        # a target test loss ends the piece at once
        first = whole.history.test_loss[0]
        t, _, _, reached = training.train_piece(training.Trainer(model.copy(), opt, 16, 3, l2=1e-3), X, y, 9, Xte, yte,
                                                seconds=60, stop_loss=first)
        assert reached and t.history.epochs == 1


def test_a_comparison_in_a_worker_is_the_comparison_and_reports_its_progress():
    training, optimizers, model, X, y = _mlp_setup(1)
    opts = {n: optimizers.get(n, lr=0.01) for n in ("sgd", "adam", "rmsprop")}
    seen = []
    there = worker.call(("fn", "optviz.training", "compare_within"), (model, opts, X, y, 6, 32, 2),
                        dict(record=True), progress=lambda i, e: seen.append((i, e)))
    here = training.compare(model, opts, X, y, 6, 32, 2, record=True)
    assert [r.name for r in there] == list(opts)
    for a, b in zip(there, here):
        assert a.history.loss == b.history.loss and a.initial == b.initial
        assert np.array_equal(a.path, b.path)
    assert seen and seen == sorted(seen)
    assert training.compare_within(model, opts, X, y, 6, 32, 2, seconds=0.0) is None  # out of its budget
