"""The playground's and the vanishing page's results shared by every session (optviz.memo): each
store stays within its byte budget however many distinct settings fill it, returns the stored
result for the same settings, and hands out read-only arrays."""
import numpy as np
import pytest

from optviz import memo
from optviz import playground as pg
from optviz.app import playground as ui
from optviz.app import vanishing as uv

MB = 1024 * 1024


@pytest.fixture
def small(monkeypatch):
    """Shrink a store's budget to a few of the given entries (and empty it before and after)."""
    used = []

    def shrink(fn, entry_bytes: int, entries: int = 4):
        store = fn.memo
        store.clear()
        used.append(store)
        monkeypatch.setattr(store, "max_bytes", int(entries * entry_bytes))
        return store

    yield shrink
    for store in used:
        store.clear()


def _fill(store, compute, keys):
    for k in keys:
        compute(k)
        assert store.bytes <= store.max_bytes
    assert 1 <= len(store) < len(keys)  # the oldest went


def test_each_store_has_the_byte_budget_chosen_for_it():
    budgets = {s.name: s.max_bytes / MB for s in memo.stores()}
    assert budgets["playground.race"] == 64 and budgets["playground.basins"] == 32
    assert budgets["playground.sweep"] == 4 and budgets["playground.custom"] == 2
    assert budgets["vanishing.probe"] == 4 and budgets["vanishing.run"] == 16


def test_the_largest_race_is_a_small_share_of_its_store():
    # 8 runs × 5 000 steps with recorded states: the largest race a link can ask for (measured 11 MB)
    runs = pg.format_runs([pg.spec(n, lr=0.01) for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                                          "adam", "adamw", "adam")])
    entry = memo.nbytes(pg.cached_race.uncached("quadratic", runs, (-7.0, 2.0), pg.MAX_RACE_STEPS, 0.0))
    assert 5 * MB < entry <= pg.cached_race.memo.max_bytes / 4


def test_races_stay_within_the_store_and_come_back_for_the_same_settings(small):
    entry = memo.nbytes(pg.cached_race.uncached("quadratic", "sgd:lr=0.01|adam:lr=0.1", (-7.0, 2.0), 300, 0.0))
    store = small(pg.cached_race, entry)
    _fill(store, lambda x: pg.cached_race("quadratic", "sgd:lr=0.01|adam:lr=0.1", (float(x), 2.0), 300, 0.0),
          range(-7, 7))
    again = pg.cached_race("quadratic", "sgd:lr=0.01|adam:lr=0.1", (6.0, 2.0), 300, 0.0)
    hits = store.hits
    assert pg.cached_race("quadratic", "sgd:lr=0.01|adam:lr=0.1", (6.0, 2.0), 300, 0.0) is again
    assert store.hits == hits + 1
    for r in again:  # every array a session could touch is shared, so read-only
        for a in (r.points, r.losses, r.grads, *[v for s in r.states for v in s[1:]]):
            assert not a.flags.writeable
        with pytest.raises(ValueError):
            r.losses[0] = 0.0


def test_custom_surfaces_and_sweeps_stay_within_their_stores(small):
    store = small(pg.cached_custom, memo.nbytes(pg.cached_custom.uncached("x**2 + 1*y**2")))
    _fill(store, lambda k: pg.cached_custom(f"x**2 + {k}*y**2"), range(1, 20))
    assert pg.cached_custom("x**2 + 19*y**2") is pg.cached_custom("x**2 + 19*y**2")
    entry = memo.nbytes(pg.cached_sweep.uncached("quadratic", "adam:lr=0.1", (-7.0, 2.0), 50))
    store = small(pg.cached_sweep, entry)
    _fill(store, lambda steps: pg.cached_sweep("quadratic", "adam:lr=0.1", (-7.0, 2.0), steps), range(10, 40))
    sweep = pg.cached_sweep("quadratic", "adam:lr=0.1", (-7.0, 2.0), 39)
    assert pg.cached_sweep("quadratic", "adam:lr=0.1", (-7.0, 2.0), 39) is sweep
    assert not sweep.final_loss.flags.writeable


def test_basin_maps_stay_within_their_store_and_the_progress_bar_still_moves(small):
    biggest = memo.nbytes(pg.cached_basin.uncached("quadratic", "sgd:lr=0.01", 2, 200))
    assert biggest <= pg.cached_basin.memo.max_bytes / 16  # the largest grid: 16 and more fit
    store = small(pg.cached_basin, memo.nbytes(pg.cached_basin.uncached("himmelblau", "sgd:lr=0.01", 20, 25)))
    seen = []
    _fill(store, lambda steps: pg.cached_basin("himmelblau", "sgd:lr=0.01", steps, 25, progress=seen.append),
          range(20, 40))
    assert seen and seen[-1] == 1.0  # computed with the progress callback
    seen.clear()
    first = pg.cached_basin("himmelblau", "sgd:lr=0.01", 39, 25, progress=seen.append)
    assert pg.cached_basin("himmelblau", "sgd:lr=0.01", 39, 25, progress=lambda f: 1 / 0) is first  # the key
    assert not first.label.flags.writeable                                                # leaves it out


def test_vanishing_probes_and_runs_stay_within_their_stores(small):
    store = small(uv.cached_probe, memo.nbytes(uv.cached_probe.uncached("relu.he", 3, 8, 50, 0)))
    _fill(store, lambda seed: uv.cached_probe("relu.he", 3, 8, 50, seed), range(12))
    probe = uv.cached_probe("relu.he", 3, 8, 50, 11)
    assert uv.cached_probe("relu.he", 3, 8, 50, 11) is probe and not probe.counts.flags.writeable
    store = small(uv.cached_run, memo.nbytes(uv.cached_run.uncached("relu.he", 1, 4, "moons", "sgd", 0.1, 3, 0, 3)))
    _fill(store, lambda seed: uv.cached_run("relu.he", 1, 4, "moons", "sgd", 0.1, 3, seed, 3), range(12))
    run = uv.cached_run("relu.he", 1, 4, "moons", "sgd", 0.1, 3, 11, 3)
    assert uv.cached_run("relu.he", 1, 4, "moons", "sgd", 0.1, 3, 11, 3) is run
    assert np.isfinite(run.loss).all()


def test_a_race_in_pieces_is_the_race():
    # one stored piece per run: with noise too, each run alone is the run in the race
    runs = [pg.spec("sgd", lr=0.05), pg.spec("adam", lr=0.1), pg.spec("momentum", lr=0.02)]
    whole = pg.race("rosenbrock", runs, (-1.0, 1.5), 200, noise=0.3)
    pieces = ui.race("rosenbrock", runs, (-1.0, 1.5), 200, 0.3)
    for a, b in zip(whole, pieces):
        np.testing.assert_array_equal(a.points, b.points)
        np.testing.assert_array_equal(a.losses, b.losses)


class _Gone(Exception):
    """What Streamlit raises inside a run whose tab has closed (or that another click replaced)."""


@pytest.mark.parametrize("what", ["race", "sweeps", "probes", "runs"])
def test_work_stops_at_the_next_piece_when_the_user_has_gone(monkeypatch, what):
    # every piece-wise computation of the app hands control to Streamlit between pieces: when that
    # raises (the session ended), the pieces after it are never computed
    from optviz.app import ui as glue

    calls = []

    class Bar:
        def progress(self, *a, **k):
            raise _Gone

        def empty(self):
            pass

    monkeypatch.setattr(glue.st, "progress", lambda *a, **k: Bar())
    monkeypatch.setattr(glue, "tr", lambda key, **k: key)
    runs = [pg.spec(n, lr=0.01) for n in ("sgd", "adam", "rmsprop")]
    if what in ("race", "sweeps"):
        fn = pg.cached_race if what == "race" else pg.cached_sweep
        monkeypatch.setattr(fn.memo, "fn", lambda *a: calls.append(a) or [])
        fn.memo.clear()
        with pytest.raises(_Gone):
            if what == "race":
                ui.race("quadratic", runs, (-7.0, 2.0), 123, 0.0)
            else:
                ui.sweeps("quadratic", runs, (-7.0, 2.0), 123)
    else:
        fn = uv.cached_probe if what == "probes" else uv.cached_run
        monkeypatch.setattr(fn.memo, "fn", lambda *a: calls.append(a) or [])
        fn.memo.clear()
        s = uv.Settings(*_vanishing_settings())
        with pytest.raises(_Gone):
            (uv.probes if what == "probes" else uv.runs)(s, uv.plan(s))
    fn.memo.clear()
    assert len(calls) == 1


def _vanishing_settings():
    parse = uv.vg.NetConfig.parse
    return (parse("relu.he"), (parse("sigmoid.xavier"), parse("tanh.xavier")), 3, 8, 50, 0, "moons", "sgd", 0.1, 3)


def test_the_readme_states_the_total_of_every_store():
    import importlib
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "optviz"
    for path in package.rglob("*.py"):  # every module that keeps a store
        if "memo.memo(" in path.read_text(encoding="utf-8") and path.name != "memo.py":
            importlib.import_module(".".join(path.relative_to(package.parent).with_suffix("").parts))
    total = sum(s.max_bytes for s in memo.stores() if not s.name.startswith("test.")) / MB
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"stores bounded by \*\*bytes\*\*, (\d+) MB in all", readme)
    assert stated and int(stated.group(1)) == round(total), f"README says {stated and stated.group(1)} MB, the stores hold {total:g} MB"
