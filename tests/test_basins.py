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
    bm = basin_map("rastrigin", "sgd", steps=300, n=12, lr=0.002)
    assert (bm.label == OTHER).mean() > 0.5  # Rastrigin's local minima are not listed


def test_bad_grid_is_refused():
    with pytest.raises(ValueError, match="grid size"):
        basin_map("himmelblau", "sgd", n=1000)
