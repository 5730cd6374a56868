import numpy as np
import pytest

import optviz
from optviz.basins import DIVERGED, NOT_CONVERGED, OTHER, basin_map


def test_every_start_of_himmelblau_finds_one_of_the_four_minima_with_small_lr():
    bm = basin_map("himmelblau", "sgd", steps=400, n=30, lr=0.01)
    assert bm.label.shape == (30, 30) and set(np.unique(bm.label)) == {0, 1, 2, 3}
    # each label is the minimum a single run from that start actually reaches
    for i, j in [(0, 0), (29, 29), (15, 3), (4, 22)]:
        run = optviz.optimize("himmelblau", "sgd", (bm.xs[j], bm.ys[i]), 400, lr=0.01)
        end = run.points[-1]
        assert np.hypot(*(np.array(bm.minima[bm.label[i, j]]) - end)) < 1e-2


def test_large_lr_marks_diverged_starts_and_small_steps_mark_unsettled_ones():
    bm = basin_map("quadratic", "sgd", steps=50, n=10, lr=0.2)
    assert (bm.label == DIVERGED).sum() > 0 and np.isnan(bm.final_loss[bm.label == DIVERGED]).all()
    slow = basin_map("quadratic", "sgd", steps=3, n=10, lr=0.001)
    assert (slow.label == NOT_CONVERGED).all()


def test_steps_needed_matches_the_closed_form_on_a_quadratic():
    # SGD on x²+10y² with lr 0.05: y vanishes after one step (1 − 20·0.05 = 0); x shrinks by 0.9
    bm = basin_map("quadratic", "sgd", steps=400, n=5, tol=1e-3, lr=0.05)
    x0 = bm.xs[0]  # −8: |x_k| = 8·0.9^k; the path stays within tol of the end (≈0) from
    k = int(np.ceil(np.log(1e-3 / 8) / np.log(0.9)))  # the first k with 8·0.9^k < 1e-3
    assert abs(x0) == 8 and bm.steps_needed[2, 0] in (k, k + 1)


def test_stationary_points_that_are_not_listed_are_other():
    # x² − y²: starts on the axis y = 0 (n odd puts a grid row there) slide into the saddle at the
    # origin, a stationary point but no minimum; every other start runs off to y = ±∞
    bm = basin_map("saddle", "sgd", steps=200, n=21, lr=0.1)
    assert (bm.label[10] == OTHER).all() and bm.ys[10] == 0
    assert (np.delete(bm.label, 10, axis=0) == DIVERGED).all()


def test_a_slow_run_that_is_still_far_from_everything_is_not_converged():
    # lr 1e-5: every step is shorter than tol, yet no start is anywhere near the minimum
    assert (basin_map("quadratic", "sgd", steps=10, n=10, lr=1e-5).label == NOT_CONVERGED).all()
    # Rosenbrock with a tiny lr crawls along the valley: short steps, gradient still large
    crawl = basin_map("rosenbrock", "sgd", steps=500, n=20, lr=1e-4)
    assert (crawl.label == NOT_CONVERGED).mean() > 0.95
    assert np.isnan(crawl.steps_needed[crawl.label == NOT_CONVERGED]).all()
    assert (basin_map("quadratic", "sgd", steps=0, n=5, lr=0.1).label == NOT_CONVERGED).all()


def test_rastrigin_starts_are_labelled_with_the_local_minimum_they_reach():
    bm = basin_map("rastrigin", "sgd", steps=300, n=20, lr=0.002)
    assert (bm.label >= 0).all() and len(bm.minima) == 121
    for i, j in [(0, 0), (19, 7), (10, 10), (3, 15)]:
        end = optviz.optimize("rastrigin", "sgd", (bm.xs[j], bm.ys[i]), 300, lr=0.002).points[-1]
        assert np.hypot(*(np.array(bm.minima[bm.label[i, j]]) - end)) < 1e-6
    assert len(np.unique(bm.label)) > 50  # small-lr descent stays in its start's cell: many basins


def test_blocks_bound_the_stored_trajectory_and_do_not_change_the_result(monkeypatch):
    from optviz import basins
    assert basins.block_size(5000) * 5001 <= max(basins.TRAJECTORY_BUDGET, 1024 * 5001)
    whole = basin_map("himmelblau", "adam", steps=200, n=40, lr=0.05)
    monkeypatch.setattr(basins, "TRAJECTORY_BUDGET", 1)  # the smallest block: 1024 starts
    parts = basin_map("himmelblau", "adam", steps=200, n=40, lr=0.05)
    np.testing.assert_array_equal(whole.label, parts.label)
    np.testing.assert_array_equal(whole.steps_needed, parts.steps_needed)


def test_bad_grid_is_refused():
    with pytest.raises(ValueError, match="grid size"):
        basin_map("himmelblau", "sgd", n=1000)
    with pytest.raises(ValueError, match="0 to 2000 steps"):
        basin_map("himmelblau", "sgd", steps=5000)


def test_basin_figure_sends_one_byte_per_start_and_its_colour_bar_reads_in_steps():
    from optviz import surfaces
    from optviz.plots.playground import basin_figure
    bm = basin_map("himmelblau", "adam", steps=300, n=60, lr=0.05)
    heat = basin_figure(surfaces.get("himmelblau"), bm, "adam", "steps").data[0]
    z = np.asarray(heat.z)
    assert z.dtype == np.uint8 and z.shape == (60, 60)
    finite = np.isfinite(bm.steps_needed)
    assert (z[~finite] == 0).all() and (z[finite] >= 1).all()
    lo, hi = np.nanmin(bm.steps_needed), np.nanmax(bm.steps_needed)
    assert z[bm.steps_needed == lo].max() == 1 and z[bm.steps_needed == hi].min() == 255
    # each tick sits at the code of the value it names
    for code, text in zip(heat.colorbar.tickvals[1:], heat.colorbar.ticktext[1:]):
        assert code == pytest.approx(1 + (float(text) - lo) / (hi - lo) * 254)


def test_basin_figure_names_rastrigins_local_minima_together():
    from optviz import surfaces
    from optviz.plots.playground import basin_figure
    bm = basin_map("rastrigin", "sgd", steps=100, n=30, lr=0.002)
    bar = basin_figure(surfaces.get("rastrigin"), bm, "sgd").data[0].colorbar
    assert len(bar.ticktext) == 5 and bar.ticktext[-1].startswith("local minima (120")
