"""The cost models that let the playground and the vanishing page refuse or shrink work before it
starts (optviz.budget: 10 s of CPU and 400 MB per change). No timing here (CI machines differ):
the estimates' units, their growth with the work asked for, that every preset and the defaults
fit, and that the most expensive settings a link can ask for do not."""
import itertools

import numpy as np
import pytest

from optviz import basins, budget, expr, surfaces, trajectory
from optviz import playground as pg
from optviz import vanishing as vg
from optviz.app.playground import DEFAULT_EXPR, basin_plan

BIG_EXPR = "+".join(["sin(x*y)"] * 11)  # 120 parts: the largest expression accepted
EIGHT = [pg.spec(n, lr=0.01) for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adam")]


# --- units and growth ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["x", DEFAULT_EXPR, "x**2 + 10*y**2", BIG_EXPR])
def test_a_gradients_cost_is_in_seconds_per_call_and_per_point(text):
    call, point = expr.custom_surface(text).cost
    assert 1e-5 < call < 1e-2  # tens of µs to ms per call
    assert 1e-9 < point < 1e-5  # ns to µs per point


def test_a_longer_or_heavier_expression_costs_more():
    costs = [expr.custom_surface("+".join(["x*y"] * k)).cost for k in range(1, 15)]
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(costs, costs[1:]))
    base, cheap, heavy = (expr.custom_surface(t).cost[1] for t in ("x + y", "x*y + y", "sin(x) + y"))
    assert heavy - base > 5 * (cheap - base) > 0  # a transcendental function costs far more per point than ×
    assert expr.custom_surface("x**3 + y").cost[1] > expr.custom_surface("x**2 + y").cost[1]  # x² is fast


@pytest.mark.parametrize("surface", [*surfaces.IDS, "custom"])
def test_a_runs_estimate_grows_with_steps_starts_and_noise(surface):
    surf = expr.custom_surface(DEFAULT_EXPR) if surface == "custom" else surface
    est = trajectory.estimate_seconds
    for opt in ("sgd", "adam"):
        by_steps = [est(surf, opt, 1, s) for s in (0, 10, 100, 1000, 5000)]
        assert all(0 <= a < b for a, b in zip(by_steps, by_steps[1:]))
        by_starts = [est(surf, opt, k, 500) for k in (1, 41, 1000, 16384)]
        assert all(a < b for a, b in zip(by_starts, by_starts[1:]))
        assert est(surf, opt, 1, 500, noise=0.5) >= est(surf, opt, 1, 500)
        assert est(surf, opt, 1, 5000) < 5  # one run of 5 000 steps: seconds at most, not minutes


def test_a_race_costs_its_runs_and_a_sweep_more_than_one_run():
    surf = expr.custom_surface(BIG_EXPR)
    one = pg.race_seconds(surf, EIGHT[:1], 1000)
    assert pg.race_seconds(surf, EIGHT[:4], 1000) == pytest.approx(sum(pg.race_seconds(surf, [s], 1000)
                                                                      for s in EIGHT[:4]))
    assert pg.race_seconds(surf, EIGHT, 1000) > 7 * one
    assert pg.sweep_seconds(surf, EIGHT[0], 1000) > one  # 41 learning rates at once


def test_a_basin_maps_estimate_grows_with_its_grid_and_steps():
    for surf in ("himmelblau", "ackley", expr.custom_surface(DEFAULT_EXPR)):
        opt = pg.spec("adam", lr=0.01).build()
        grid = [basins.estimate_seconds_map(surf, opt, 500, n) for n in basins.GRIDS]
        assert all(a < b for a, b in zip(grid, grid[1:]))
        steps = [basins.estimate_seconds_map(surf, opt, s, 100) for s in (1, 10, 100, 1000, 2000)]
        assert all(a < b for a, b in zip(steps, steps[1:]))


def test_a_probes_and_a_training_epochs_estimates_grow_with_the_network():
    for c in (vg.NetConfig(), vg.NetConfig("relu", "he"), vg.NetConfig("swish", "he", True)):
        sizes = [(1, 10), (5, 100), (10, 100), (30, 100), (30, 200)]
        for (d0, w0), (d1, w1) in zip(sizes, sizes[1:]):
            assert vg.probe_seconds(c, d0, w0, 1000) < vg.probe_seconds(c, d1, w1, 1000)
            assert vg.probe_bytes(c, d0, w0, 1000) < vg.probe_bytes(c, d1, w1, 1000)
            assert vg.epoch_seconds(c, d0, w0) < vg.epoch_seconds(c, d1, w1)
        assert vg.probe_seconds(c, 5, 100, 100) < vg.probe_seconds(c, 5, 100, 1000)
    # a 30 × 200 probe of 5 000 inputs with batch norm holds about a gigabyte (measured: 1 GB)
    assert 0.8e9 < vg.probe_bytes(vg.NetConfig("relu", "he", True), 30, 200, 5000) < 2e9
    assert vg.probe_bytes(vg.NetConfig("relu", "he", True), 5, 100, 1000) \
        > vg.probe_bytes(vg.NetConfig("relu", "he"), 5, 100, 1000)


# --- what is allowed, what is not --------------------------------------------------------------------

def _page_cost(surface, runs, steps, noise=0.0, fair=False, sweep_tab=True, basin_runs=2, grid=100):
    """What the playground computes for these settings with every optional part shown."""
    need = pg.race_seconds(surface, runs, steps, noise)
    if fair or sweep_tab:
        need += sum(pg.sweep_seconds(surface, r, steps) for r in runs)
    return need + sum(basins.estimate_seconds_map(surface, r.build(), min(steps, basins.MAX_BASIN_STEPS), grid)
                      for r in runs[:basin_runs])


@pytest.mark.parametrize("preset", list(pg.PRESETS))
def test_every_preset_fits_with_the_sweep_and_two_basin_maps_at_the_default_grid(preset):
    p = pg.PRESETS[preset]
    assert _page_cost(p.surface, list(p.runs), p.steps, p.noise, fair=True) <= budget.MAX_SECONDS


def test_the_default_custom_expression_with_the_default_racers_fits():
    p = pg.PRESETS[pg.DEFAULT_PRESET]
    assert _page_cost(expr.custom_surface(DEFAULT_EXPR), list(p.runs), p.steps, fair=True) <= budget.MAX_SECONDS


def test_the_most_expensive_playground_links_are_over_the_budget():
    surf = expr.custom_surface(BIG_EXPR)
    assert pg.race_seconds(surf, EIGHT, pg.MAX_RACE_STEPS) > budget.MAX_SECONDS  # refused before it starts
    with_fair = pg.race_seconds(surf, EIGHT, pg.MAX_RACE_STEPS) + sum(pg.sweep_seconds(surf, r, pg.MAX_RACE_STEPS) for r in EIGHT)
    assert with_fair > 2 * budget.MAX_SECONDS
    # a basin map of the largest grid and steps, on the slowest registry surface and on that expression
    opt = pg.spec("adam").build()
    assert basins.estimate_seconds_map("ackley", opt, basins.MAX_BASIN_STEPS, basins.MAX_GRID) > budget.MAX_SECONDS / 2
    assert basins.estimate_seconds_map(surf, opt, basins.MAX_BASIN_STEPS, 100) > budget.MAX_SECONDS


@pytest.mark.parametrize("surface", ["ackley", "himmelblau", "custom"])
@pytest.mark.parametrize("seconds", [0.5, 3.0, budget.MAX_SECONDS])
def test_a_basin_plan_fits_what_is_left_and_keeps_what_fits(surface, seconds):
    surf = expr.custom_surface(BIG_EXPR) if surface == "custom" else surface
    specs = [pg.spec("sgd", lr=0.01), pg.spec("adam", lr=0.01)]

    def cost(n, steps):
        return sum(basins.estimate_seconds_map(surf, s.build(), steps, n) for s in specs)

    for n, steps in itertools.product(basins.GRIDS, (30, 300, basins.MAX_BASIN_STEPS)):
        g, k = basin_plan(surf, specs, steps, n, seconds)
        assert g <= n and k <= steps
        if k >= 1:
            assert cost(g, k) <= seconds
        if cost(n, steps) <= seconds:
            assert (g, k) == (n, steps)  # nothing is cut that fits


@pytest.mark.parametrize("preset", list(vg.PRESETS))
def test_every_vanishing_preset_runs_in_full(preset):
    p = vg.PRESETS[preset]
    configs = [p.config] + [vg.NetConfig.parse(c) for c in p.comparisons]
    plan = vg.plan(configs, p.depth, p.width, p.n_samples, p.epochs)
    assert (plan.n_samples, plan.epochs) == (p.n_samples, p.epochs)
    assert plan.probe_seconds + plan.train_seconds <= budget.MAX_SECONDS


WORST = [vg.NetConfig("swish", "n1", True)] + [vg.NetConfig.parse(c) for c in ("sigmoid.n1.bn", "sigmoid.xavier.bn",
                                                                               "relu.he.bn")]


@pytest.mark.parametrize("depth,width,n,epochs,k", [(30, 200, 5000, 200, 4), (30, 200, 5000, 200, 1), (1, 200, 5000, 200, 4),
                                                    (30, 1, 5000, 200, 4), (10, 150, 3000, 100, 2), (5, 100, 1000, 40, 4)])
def test_a_vanishing_plan_stays_within_one_changes_seconds_and_memory(depth, width, n, epochs, k):
    plan = vg.plan(WORST[:k], depth, width, n, epochs)
    assert vg.MIN_SAMPLES <= plan.n_samples <= n and 1 <= plan.epochs <= epochs
    assert plan.probe_seconds <= vg.PROBE_SHARE * budget.MAX_SECONDS
    assert plan.probe_seconds + plan.train_seconds <= budget.MAX_SECONDS
    assert max(vg.probe_bytes(c, depth, width, plan.n_samples) for c in WORST[:k]) <= vg.PROBE_MAX_BYTES
    assert vg.PROBE_MAX_BYTES < budget.MAX_BYTES


def test_the_link_that_cost_19_seconds_and_a_gigabyte_is_shrunk_to_readable_numbers():
    plan = vg.plan(WORST, 30, 200, 5000, 200)
    assert plan.n_samples < 5000 and plan.epochs < 200
    assert str(plan.n_samples)[2:].strip("0") == ""  # two significant digits: 1 000, 680, not 1 026
    more = vg.plan(WORST[:1], 30, 200, 5000, 200)  # one network alone gets more of the budget
    assert more.n_samples >= plan.n_samples and more.epochs > plan.epochs


def test_noise_is_rounded_to_few_distinct_levels():
    assert pg.round_noise(0.123456) == 0.12 and pg.round_noise(0.777) == 0.78 and pg.round_noise(37.77) == 38
    assert pg.round_noise(0.004) == 0.0 and pg.round_noise(0.0) == 0.0 and pg.round_noise(100) == 100
    assert pg.round_noise(0.006) == 0.01 and pg.round_noise(1e-300) == 0.0
    levels = {pg.round_noise(v) for v in np.random.default_rng(0).uniform(0, 100, 100_000)}
    levels |= {pg.round_noise(v) for v in np.geomspace(1e-9, 100, 100_000)}
    assert len(levels) < 400


def test_a_rule_costs_by_its_length():
    from optviz import optimizers
    from optviz.trajectory import estimate_seconds
    short = optimizers.parse_rule("x = x - lr*g", lr=0.1)
    long = optimizers.parse_rule("m = b*m + (1 - b)*g; v = b*v + (1 - b)*g*g; x = x - lr*m/(sqrt(v) + 1e-8)",
                                 lr=0.1, b=0.9)
    for k in (1, 10_000):
        assert estimate_seconds("rastrigin", long, k, 500) > estimate_seconds("rastrigin", short, k, 500)
    # on a fused surface the built-in runs in C, the typed SGD (the same rule, typed) in numpy
    assert estimate_seconds("quadratic", short, 10_000, 500) > 3 * estimate_seconds("quadratic", "sgd", 10_000, 500)
