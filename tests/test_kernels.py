"""The in-place kernels of the batched loop equal the pure update rules bit for bit."""
import numpy as np
import pytest

import optviz
from optviz import fused, kernels, optimizers


@pytest.fixture(autouse=True)
def numpy_kernels_only():
    """These tests are about the numpy loops: the fused C library (tests/test_fused.py) is off."""
    with fused.disabled():
        yield

SETTINGS = [("sgd", dict(lr=1e-3)), ("momentum", dict(lr=1e-3, beta=0.9)),
            ("nesterov", dict(lr=1e-3, beta=0.7)), ("adagrad", dict(lr=0.1, eps=1e-7)),
            ("rmsprop", dict(lr=0.01, beta=0.9)), ("adam", dict(lr=0.05, beta1=0.8)),
            ("adamw", dict(lr=0.05, weight_decay=0.3))]


@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
@pytest.mark.parametrize("sid", ["rosenbrock", "rastrigin", "himmelblau", "saddle"])
def test_inplace_kernel_equals_pure_update_bit_for_bit(name, hp, sid):
    starts = np.random.default_rng(0).uniform(-3, 3, (37, 2))
    fast = optviz.optimize(sid, name, starts, 150, **hp)
    pure = optviz.optimize(sid, name, starts, 150, record_states=True, **hp)  # the pure loop
    np.testing.assert_array_equal(fast.points, pure.points)
    np.testing.assert_array_equal(fast.diverged_at, pure.diverged_at)


TYPED = ["v = beta*v - lr*g; x = x + v",
         "m = b1*m + (1 - b1)*g; v = b2*v + (1 - b2)*g**2; x = x - lr*(m/(1 - b1**t))/(sqrt(v/(1 - b2**t)) + 1e-8)",
         "p[0] = 1; p = p*0.9; c = where(g*m > 0, 1.2, 0.5); m = g; x = x - lr*c*sign(g)*(1 - p)",
         "prev[0] = x; d = x - prev; prev = x; x = x - lr*g + 0.5*d*(abs(d) < 1)",
         "u = maximum(-u, -abs(g)); x = -(-x + lr*g/(1 + exp(-abs(u))) + 0*log(1 + abs(g)))",
         "h = +h + g*g; x = x - lr*g/(sqrt(h) + 1e-10) + 0*minimum(h, 2) + 0*(g > 0) + 0*(0 < g < 1)"]


@pytest.mark.parametrize("text", TYPED)
@pytest.mark.parametrize("sid", ["rastrigin", "himmelblau"])
def test_a_typed_rule_runs_in_place_bit_for_bit(text, sid):
    # every rule, a student's too, gets an in-place kernel: the same numbers as its pure update
    rule = optimizers.parse_rule(text, lr=0.01, **({"beta": 0.9} if "beta" in text else {}),
                                 **({"b1": 0.9, "b2": 0.999} if "b1" in text else {}))
    assert kernels.make(rule, (2, 3)) is not None
    starts = np.random.default_rng(0).uniform(-3, 3, (37, 2))
    fast = optviz.optimize(sid, rule, starts, 150)
    pure = optviz.optimize(sid, rule, starts, 150, record_states=True)
    np.testing.assert_array_equal(fast.points, pure.points)
    np.testing.assert_array_equal(fast.diverged_at, pure.diverged_at)


def test_the_newer_builtins_run_in_place_bit_for_bit():
    starts = np.random.default_rng(3).uniform(-3, 3, (41, 2))
    for name in ("nadam", "radam", "adamax", "adadelta", "lion"):
        fast = optviz.optimize("rastrigin", name, starts, 120, lr=0.01)
        pure = optviz.optimize("rastrigin", name, starts, 120, lr=0.01, record_states=True)
        np.testing.assert_array_equal(fast.points, pure.points)


def test_divergence_in_a_batch_leaves_the_other_starts_untouched():
    starts = np.array([[-7.0, 2.0], [-1.0, 0.01], [3.0, -2.0]])
    lr = np.array([0.2, 0.05, 0.09])  # the first exceeds 2/λmax = 0.1
    batch = optviz.optimize("quadratic", optimizers.get("sgd", lr=lr), starts, 60)
    assert list(batch.diverged_at) == [12, -1, -1]
    for j in (1, 2):
        one = optviz.optimize("quadratic", "sgd", starts[j], 60, lr=float(lr[j]))
        np.testing.assert_array_equal(batch.points[:, j], one.points)
    assert np.isnan(batch.points[12:, 0]).all() and np.isfinite(batch.points[:12, 0]).all()


def test_noise_is_identical_in_both_loops():
    fast = optviz.optimize("quadratic", "adam", (-7, 2), 40, lr=0.1, noise=2.0, seed=9)
    pure = optviz.optimize("quadratic", "adam", (-7, 2), 40, lr=0.1, noise=2.0, seed=9,
                           record_states=True)
    np.testing.assert_array_equal(fast.points, pure.points)


def test_many_starts_run_in_cache_sized_blocks_with_the_same_result():
    from optviz import trajectory
    k = 2 * trajectory.CHUNK + 123  # forces the blocked loop
    starts = np.random.default_rng(1).uniform(-3, 3, (k, 2))
    blocked = optviz.optimize("himmelblau", "momentum", starts, 30, lr=0.03)
    pure = optviz.optimize("himmelblau", "momentum", starts, 30, lr=0.03, record_states=True)
    assert (blocked.diverged_at >= 0).any()  # lr 0.03 with momentum throws some starts out
    np.testing.assert_array_equal(blocked.points, pure.points)
    np.testing.assert_array_equal(blocked.diverged_at, pure.diverged_at)


@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
@pytest.mark.parametrize("sid", ["quadratic", "quadratic_book", "rosenbrock", "beale", "himmelblau", "rastrigin",
                                 "saddle", "booth", "ackley", "six_hump_camel"])
def test_single_start_scalar_loop_equals_pure_update_bit_for_bit(name, hp, sid):
    """One start runs through the pure update on scalars; the same numbers as the array loop."""
    from optviz import surfaces
    start = surfaces.get(sid).start
    fast = optviz.optimize(sid, name, start, 200, **hp)
    pure = optviz.optimize(sid, name, start, 200, record_states=True, **hp)
    np.testing.assert_array_equal(fast.points, pure.points)
    assert fast.diverged_at == pure.diverged_at


@pytest.mark.parametrize("lr", [0.09, 0.11, 5.0, 1e6])
def test_single_start_divergence_matches_the_array_loop(lr):
    fast = optviz.optimize("quadratic", "sgd", (-7, 2), 80, lr=lr)
    pure = optviz.optimize("quadratic", "sgd", (-7, 2), 80, lr=lr, record_states=True)
    np.testing.assert_array_equal(fast.points, pure.points)
    assert fast.diverged_at == pure.diverged_at
    if lr > 0.1:
        assert fast.diverged_at > 0 and np.isnan(fast.points[fast.diverged_at:]).all()


@pytest.mark.parametrize("text", ["sin(x)*cos(y) + 0.1*(x**2+y**2)", "abs(x)**1.5 + y**2"])
def test_custom_surface_single_start_equals_the_array_loop(text):
    from optviz import expr
    surf = expr.custom_surface(text)  # typed formulas keep the array loop (np.power differs on scalars)
    fast = optviz.optimize(surf, "adam", (1.0, 2.0), 100, lr=0.1)
    pure = optviz.optimize(surf, "adam", (1.0, 2.0), 100, lr=0.1, record_states=True)
    np.testing.assert_array_equal(fast.points, pure.points)
