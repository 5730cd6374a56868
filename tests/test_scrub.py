"""Scrub mode's core: the grid of values a run is scrubbed over, and every value's trajectory
computed in one batched run, each equal to that value's own run."""
import numpy as np
import pytest

from optviz import optimizers, surfaces
from optviz import playground as pg
from optviz.trajectory import optimize


def own_run(surface, spec, param, value, start, steps):
    return optimize(surface, spec.with_params(**{param: float(value)}).build(), start=start, steps=steps)


@pytest.mark.parametrize("name,param", [(n, p) for n in optimizers.NAMES for p in pg.scrub_params(pg.spec(n))])
def test_every_column_of_a_scrub_is_that_value_s_own_run(name, param):
    # the class: every optimizer × every hyperparameter it has, on a surface with the C kernels
    # and on one without (Rastrigin's gradient runs the numpy kernels)
    for sid in ("rosenbrock", "rastrigin"):
        spec = pg.spec(name, lr=0.01)
        sc = pg.scrub(sid, spec, param, (-1.2, 1.0), 40)
        assert 40 <= sc.values.size <= 60
        assert np.all(np.diff(sc.values) > 0)
        assert sc.values[sc.current] == spec.full_params()[param]  # the run's own value is among them
        for j in (0, sc.values.size // 2, sc.values.size - 1, sc.current):
            ref = own_run(sid, spec, param, sc.values[j], (-1.2, 1.0), 40)
            np.testing.assert_allclose(sc.result.points[:, j], ref.points, rtol=1e-12, atol=1e-12)
            assert sc.result.diverged_at[j] == ref.diverged_at


def test_lr_spans_the_closed_form_stable_range_and_a_little_beyond():
    # SGD on x²+10y²: stable for lr < 2/λmax = 0.1; heavy-ball momentum for lr < 2(1+β)/λmax
    for spec, limit in ((pg.spec("sgd", lr=0.05), 0.1), (pg.spec("momentum", lr=0.05, beta=0.9), 0.19)):
        v = pg.scrub_values(surfaces.get("quadratic"), spec, "lr", (-7, 2), 30)
        assert v.max() == pytest.approx(1.5 * limit, rel=0.01)
        assert v.min() == pytest.approx(limit / 1000, rel=0.01)
        assert (v < limit).sum() > 0.8 * v.size  # most of the slider is the stable range
        sc = pg.scrub("quadratic", spec, "lr", (-7, 2), 200)
        diverged = sc.result.diverged_at >= 0
        assert not diverged[v < 0.99 * limit].any() and diverged[v > 1.1 * limit].all()


def test_lr_without_a_closed_form_ends_a_little_beyond_the_largest_lr_that_did_not_diverge():
    spec = pg.spec("sgd", lr=0.001)
    sweep = pg.lr_sweep("rosenbrock", spec, (-1.2, 1.0), 100)
    stable = sweep.lrs[~sweep.diverged]
    v = pg.scrub_values(surfaces.get("rosenbrock"), spec, "lr", (-1.2, 1.0), 100)
    assert v.max() == pytest.approx(1.5 * stable.max(), rel=0.01)
    assert sweep.diverged.any()  # the sweep itself does reach divergence here


def test_decay_rates_run_from_zero_to_0_999_dense_near_one():
    v = pg.scrub_values(surfaces.get("quadratic"), pg.spec("adam"), "beta2", (-7, 2), 30)
    assert v.min() == 0 and v.max() == pytest.approx(0.999) and 0.999 in v
    assert (v >= 0.9).sum() > (v < 0.5).sum()  # where β matters most


def test_values_are_what_a_person_would_type():
    v = pg.scrub_values(surfaces.get("quadratic"), pg.spec("adam", lr=0.1), "eps", (-7, 2), 30)
    assert all(float(f"{x:.3g}") == x for x in v if x != 1e-8)
    w = pg.scrub_values(surfaces.get("quadratic"), pg.spec("adamw", lr=0.1), "weight_decay", (-7, 2), 30)
    assert w[0] == 0 and w[-1] == 10.0


def test_a_typed_rule_scrubs_its_lr_and_nothing_else():
    rule = pg.rule_spec("x = x - lr*g", lr=0.05)
    assert pg.scrub_params(rule) == ["lr"]
    sc = pg.scrub("quadratic", rule, "lr", (-7, 2), 30)
    ref = pg.scrub("quadratic", pg.spec("sgd", lr=0.05), "lr", (-7, 2), 30)
    np.testing.assert_allclose(sc.result.points, ref.result.points)
    assert pg.scrub_params(pg.rule_spec("x = x - eta*g", eta=0.1)) == []


def test_an_unknown_hyperparameter_is_refused():
    with pytest.raises(ValueError, match="no hyperparameter 'beta'"):
        pg.scrub_values(surfaces.get("quadratic"), pg.spec("sgd"), "beta", (-7, 2), 30)


@pytest.mark.parametrize("param,bad", [("lr", [0.1, -1.0]), ("lr", [0.1, np.nan]), ("beta1", [0.5, 1.0]),
                                       ("eps", [1e-8, 0.0]), ("weight_decay", [0.1, -0.1]), ("lr", [])])
def test_an_array_of_values_is_checked_element_by_element(param, bad):
    name = "adamw" if param == "weight_decay" else "adam"
    with pytest.raises(ValueError, match=param):
        optimizers.get(name, **{param: np.array(bad)})


def test_the_grid_run_is_cheap():
    # the batched core computes the whole grid in one call: its estimate stays far below a second
    spec = pg.spec("adam", lr=0.1)
    assert pg.scrub_seconds(surfaces.get("rosenbrock"), spec, 30) < 0.05
    assert pg.scrub_seconds(surfaces.get("rosenbrock"), spec, pg.MAX_RACE_STEPS) < 2.0
