import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optviz
from optviz import optimizers, surfaces
from reference_optimizers import reference_trajectory

SETTINGS = [
    ("sgd", dict(lr=1e-3)),
    ("momentum", dict(lr=1e-3, beta=0.9)),
    ("nesterov", dict(lr=1e-3, beta=0.8)),
    ("adagrad", dict(lr=0.05, eps=1e-10)),
    ("rmsprop", dict(lr=0.01, beta=0.99, eps=1e-8)),
    ("adam", dict(lr=0.02, beta1=0.9, beta2=0.999, eps=1e-8)),
    ("adamw", dict(lr=0.02, beta1=0.85, beta2=0.99, eps=1e-8, weight_decay=0.1)),
]


@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
@pytest.mark.parametrize("sid", ["rosenbrock", "himmelblau", "quadratic"])
def test_trajectory_equals_scalar_reference_step_for_step(name, hp, sid):
    s = surfaces.get(sid)
    res = optviz.optimize(s, name, start=s.start, steps=60, **hp)
    ref = np.array(reference_trajectory(s, name, s.start, 60, **hp))
    np.testing.assert_allclose(res.points, ref, rtol=1e-11, atol=1e-12)


def test_gradient_descent_on_quadratic_follows_closed_form():
    # x²+10y²: x_k = (1 − 2η)^k x₀,  y_k = (1 − 20η)^k y₀
    eta, k = 0.03, np.arange(41)
    res = optviz.optimize("quadratic", "sgd", start=(-7.0, 2.0), steps=40, lr=eta)
    np.testing.assert_allclose(res.points[:, 0], -7.0 * (1 - 2 * eta) ** k, rtol=1e-12)
    np.testing.assert_allclose(res.points[:, 1], 2.0 * (1 - 20 * eta) ** k, rtol=1e-12)


@pytest.mark.parametrize("sid", ["quadratic", "quadratic_book", "booth"])
def test_stability_limit_separates_convergence_from_divergence(sid):
    s = surfaces.get(sid)
    limit = s.stability_limit
    below = optviz.optimize(s, "sgd", start=s.start, steps=3000, lr=0.97 * limit)
    above = optviz.optimize(s, "sgd", start=s.start, steps=3000, lr=1.03 * limit)
    assert below.diverged_at == -1 and below.losses[-1] - s.min_value < 1e-6
    assert above.diverged_at > 0


def test_course_quadratic_lr01_30_steps():
    """x²+10y² from (−7, 2), lr 0.1, 30 steps (course notes 003)."""
    run = {n: optviz.optimize("quadratic", n, (-7, 2), 30, lr=0.1, **hp)
           for n, hp in [("sgd", {}), ("momentum", {}), ("adagrad", {}),
                         ("rmsprop", {"beta": 0.99}), ("adam", {})]}
    # lr 0.1 is exactly 2/λ_max: SGD's y flips between ±2 for ever, x shrinks by 0.8 a step
    np.testing.assert_allclose(np.abs(run["sgd"].points[:, 1]), 2.0, rtol=1e-12)
    assert run["sgd"].points[-1, 0] == pytest.approx(-7 * 0.8**30, rel=1e-10)
    # everyone else stays finite and ends lower than it started
    for r in run.values():
        assert r.diverged_at == -1 and r.losses[-1] < r.losses[0]
    # RMSprop's per-coordinate step removes the zig-zag in y; AdaGrad's shrinking step is the slowest
    assert abs(run["rmsprop"].points[-1, 1]) < 1e-6
    assert run["adagrad"].losses[-1] == max(r.losses[-1] for r in run.values() if r is not run["sgd"])
    assert run["momentum"].losses[-1] < 2.0


def test_course_book_surface_settings_all_reach_the_minimum():
    """x²/20+y² from (−7, 2), 30 steps: SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3 (ゼロから作る)."""
    settings_ = [("sgd", dict(lr=0.95)), ("momentum", dict(lr=0.1)),
                 ("adagrad", dict(lr=1.5, eps=1e-7)), ("adam", dict(lr=0.3))]
    final = {}
    for name, hp in settings_:
        r = optviz.optimize("quadratic_book", name, (-7, 2), 30, **hp)
        assert r.diverged_at == -1
        final[name] = np.hypot(*r.points[-1])
        assert final[name] < 1.0, name  # from a distance of 7.3 to within 1 of the origin
    assert min(final, key=final.get) == "adagrad"


@pytest.mark.parametrize("name,bad,match", [
    ("sgd", dict(lr=0), "lr must be a positive"),
    ("sgd", dict(lr=-0.1), "lr must be a positive"),
    ("sgd", dict(lr=float("nan")), "lr must be a positive"),
    ("momentum", dict(beta=1.0), r"beta must be in \[0, 1\)"),
    ("rmsprop", dict(beta=-0.1), r"beta must be in \[0, 1\)"),
    ("adam", dict(beta2=1.5), r"beta2 must be in \[0, 1\)"),
    ("adam", dict(eps=0), "eps must be a positive"),
    ("adamw", dict(weight_decay=-1), "weight_decay must be zero or positive"),
    ("sgd", dict(beta=0.9), "has no hyperparameter 'beta'"),
    ("adm", {}, "unknown optimizer 'adm'; choose one of: sgd, momentum"),
])
def test_invalid_settings_raise_clear_value_errors(name, bad, match):
    with pytest.raises(ValueError, match=match):
        optimizers.get(name, **bad)


def test_every_optimizer_has_usual_defaults():
    assert optimizers.hyperparameters("adam") == dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    assert optimizers.hyperparameters("rmsprop") == dict(lr=0.01, beta=0.99, eps=1e-8)
    assert optimizers.hyperparameters("adamw")["weight_decay"] == 0.01
    for name in optimizers.NAMES:
        optimizers.get(name)  # defaults are valid


def test_divergence_is_detected_and_finite_part_kept():
    res = optviz.optimize("quadratic", "sgd", start=(-7, 2), steps=200, lr=0.2)
    d = res.diverged_at
    assert 0 < d < 200
    assert np.all(np.isfinite(res.points[:d])) and np.all(np.abs(res.points[:d]) <= 1e6)
    assert np.all(np.isnan(res.points[d:])) and np.all(np.isnan(res.losses[d:]))
    # |y| grows by |1 − 20·0.2| = 3 per step: it first exceeds 1e6 at the step the closed form says
    assert d == int(np.ceil(np.log(1e6 / 2) / np.log(3)))


def test_noise_is_seeded():
    a = optviz.optimize("quadratic", "sgd", (-7, 2), 50, lr=0.01, noise=1.0, seed=3)
    b = optviz.optimize("quadratic", "sgd", (-7, 2), 50, lr=0.01, noise=1.0, seed=3)
    c = optviz.optimize("quadratic", "sgd", (-7, 2), 50, lr=0.01, noise=1.0, seed=4)
    clean = optviz.optimize("quadratic", "sgd", (-7, 2), 50, lr=0.01)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points) and not np.allclose(a.points, clean.points)


starts_strategy = st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None)
@given(starts=starts_strategy, name=st.sampled_from(optimizers.NAMES),
       sid=st.sampled_from(["rosenbrock", "beale", "six_hump_camel", "saddle"]),
       steps=st.integers(0, 40))
def test_batched_run_equals_k_single_runs(starts, name, sid, steps):
    lr = {"sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3}.get(name, 0.01)
    batch = optviz.optimize(sid, name, start=np.array(starts), steps=steps, lr=lr)
    assert batch.points.shape == (steps + 1, len(starts), 2)
    assert batch.losses.shape == (steps + 1, len(starts))
    for j, s in enumerate(starts):
        one = optviz.optimize(sid, name, start=s, steps=steps, lr=lr)
        assert one.points.shape == (steps + 1, 2)
        np.testing.assert_array_equal(batch.points[:, j], one.points)
        assert batch.diverged_at[j] == one.diverged_at


@settings(max_examples=30, deadline=None)
@given(start=st.one_of(st.just((1.0,)), st.just("a,b"), st.just([[1, 2, 3]]),
                       st.just((np.inf, 0.0)), st.just([])))
def test_malformed_starts_raise_value_error(start):
    with pytest.raises(ValueError, match="start"):
        optviz.optimize("quadratic", "sgd", start=start, steps=5)


@pytest.mark.parametrize("steps", [-1, 1.5, True, 10**7])
def test_bad_step_counts_raise_value_error(steps):
    with pytest.raises(ValueError, match="steps"):
        optviz.optimize("quadratic", "sgd", steps=steps)


def test_recorded_states_match_the_trajectory():
    res = optviz.optimize("quadratic", "adam", (-7, 2), 10, lr=0.1, record_states=True)
    assert len(res.states) == 11 and res.grads.shape == (11, 2)
    np.testing.assert_allclose(res.grads[4], [2 * res.points[4, 0], 20 * res.points[4, 1]])
    # the Adam step from the recorded state reproduces the next point
    s = res.states[5]
    opt = res.optimizer
    x5 = res.points[5].reshape(2, 1)
    g5 = res.grads[5].reshape(2, 1)
    x6, _ = opt.update(x5, g5, s)
    np.testing.assert_allclose(x6[:, 0], res.points[6])




@pytest.mark.parametrize("name", optimizers.NAMES)
def test_a_tree_update_equals_one_update_per_array_bit_for_bit(name):
    rng = np.random.default_rng(3)
    params = [rng.normal(size=(2, 16)), rng.normal(size=16), rng.normal(size=(16, 2)), rng.normal(size=2)]
    opt = optimizers.get(name, lr=0.05)
    tree_state = optimizers.init_tree(opt, params)
    each = [(p, opt.init(p)) for p in params]
    tree = params
    for _ in range(5):
        grads = [rng.normal(size=np.shape(p)) for p in params]
        tree, tree_state = optimizers.update_tree(opt, tree, grads, tree_state)
        each = [opt.update(p, g, s) for (p, s), g in zip(each, grads)]
    for a, (b, _) in zip(tree, each):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_every_optimizer_has_the_name_the_literature_writes():
    assert set(optimizers.DISPLAY_NAMES) == set(optimizers.NAMES)
    assert optimizers.display_name("adagrad") == "AdaGrad" and optimizers.display_name("rmsprop") == "RMSprop"
    assert pg_label() == "SGD (lr=0.1)"


def pg_label():
    from optviz import playground as pg
    return pg.spec("sgd", lr=0.1).label()
