"""The fused C kernels give the numpy loops' numbers bit for bit (and are built where CI runs)."""
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import optviz
from optviz import fused, optimizers, trajectory

needs_library = pytest.mark.skipif(not fused.available(), reason="fused kernels not built (make builds them)")

SETTINGS = [("sgd", dict(lr=1e-3)), ("momentum", dict(lr=2e-3, beta=0.9)),
            ("nesterov", dict(lr=1e-3, beta=0.7)), ("adagrad", dict(lr=0.1, eps=1e-7)),
            ("rmsprop", dict(lr=0.01, beta=0.9)), ("adam", dict(lr=0.05, beta1=0.8)),
            ("adamw", dict(lr=0.05, weight_decay=0.3)), ("nadam", dict(lr=0.01, momentum_decay=0.01)),
            ("radam", dict(lr=0.01, beta2=0.99)), ("adamax", dict(lr=0.01, beta1=0.8)),
            ("adadelta", dict(lr=0.5, rho=0.8)), ("lion", dict(lr=0.003, weight_decay=0.1))]


def numpy_loop(*args, **kw):
    """optimize() through the numpy loops (the library switched off for one call); with
    record_states=True, the pure update rules themselves."""
    with fused.disabled():
        return optviz.optimize(*args, **kw)


def test_the_library_is_built_under_ci():
    """`make` builds it; under CI a failed build must fail here rather than only run slower."""
    if os.environ.get("CI") == "true":
        assert fused.available(), f"{fused.LIBRARY} missing or stale: `make` should have built it"


def test_the_generated_c_is_current_and_every_builtin_c_can_compute_is_fused():
    # _fused_rules.h is what optviz.codegen writes from today's rules (make regenerates it)
    from pathlib import Path
    from optviz import codegen
    assert Path(fused.__file__).with_name("_fused_rules.h").read_text() == codegen.header()
    # an optimizer needs no kernel: one whose rule C cannot compute exactly runs its rule; but none
    # that C can compute is left out (today every built-in is plain arithmetic)
    assert set(fused.OPTIMIZERS) <= set(optimizers.NAMES)
    for name in set(optimizers.NAMES) - set(fused.OPTIMIZERS):
        with pytest.raises(codegen.NotFusable):
            codegen.kernel(optimizers.definition(name))


def test_a_library_built_from_other_rules_is_not_used(monkeypatch):
    monkeypatch.setattr(fused, "RULES_HASH", fused.RULES_HASH ^ 1)
    assert fused._load() is None


def test_a_rule_c_cannot_compute_exactly_is_not_fused():
    from optviz import codegen
    for text in ("x = x - lr*exp(g)", "m = g**2; x = x - lr*m", "x = x - lr*log(abs(g) + 1)"):
        d = optimizers.Definition("t", "T", text, (optimizers.lr(0.1),), "test")
        with pytest.raises(codegen.NotFusable):
            codegen.kernel(d)
    typed = optimizers.parse_rule("x = x - lr*g", lr=0.1)  # a typed SGD is not the built-in: no C
    assert not fused.supports("quadratic", typed, 1)


def test_the_table_covers_every_plain_arithmetic_surface_and_known_optimizers():
    # an optimizer needs no C kernel (it runs its rule), but every kernel is a built-in's
    assert set(fused.OPTIMIZERS) <= set(optimizers.NAMES)
    assert set(fused.SURFACES) | set(fused.NUMPY_ONLY) == set(optviz.surfaces.IDS)  # a new surface: choose
    assert not set(fused.SURFACES) & set(fused.NUMPY_ONLY)


@needs_library
@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
@pytest.mark.parametrize("sid", fused.SURFACES)
def test_fused_equals_the_pure_update_and_the_numpy_kernels_bit_for_bit(name, hp, sid):
    starts = np.random.default_rng(0).uniform(-4, 4, (1100, 2))  # three C blocks of ≤ 512 starts
    got = optviz.optimize(sid, name, starts, 120, **hp)
    pure = numpy_loop(sid, name, starts, 120, record_states=True, **hp)
    kern = numpy_loop(sid, name, starts, 120, **hp)
    for ref in (pure, kern):
        np.testing.assert_array_equal(got.points, ref.points)
        np.testing.assert_array_equal(got.diverged_at, ref.diverged_at)


@needs_library
@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_single_start_equals_the_scalar_loop(name, hp):
    for sid in fused.SURFACES:
        got = optviz.optimize(sid, name, (-1.3, 2.1), 300, **hp)
        ref = numpy_loop(sid, name, (-1.3, 2.1), 300, **hp)
        np.testing.assert_array_equal(got.points, ref.points)
        assert got.diverged_at == ref.diverged_at


@needs_library
def test_divergence_is_marked_at_the_same_step_and_the_rest_is_nan():
    starts = np.array([[-7.0, 2.0], [-1.0, 0.01], [3.0, -2.0], [0.5, 0.5]])
    got = optviz.optimize("rosenbrock", "sgd", starts, 200, lr=0.004)
    ref = numpy_loop("rosenbrock", "sgd", starts, 200, lr=0.004, record_states=True)
    assert (got.diverged_at >= 0).any() and (got.diverged_at < 0).any()
    np.testing.assert_array_equal(got.diverged_at, ref.diverged_at)
    np.testing.assert_array_equal(got.points, ref.points)
    for j, d in enumerate(got.diverged_at):
        if d >= 0:
            assert np.isnan(got.points[d:, j]).all() and np.isfinite(got.points[:d, j]).all()


@needs_library
def test_a_run_split_over_two_threads_equals_one_block(monkeypatch):
    starts = np.random.default_rng(3).uniform(-5, 5, (5003, 2))
    monkeypatch.setattr(trajectory, "FUSED_SPLIT", 1)
    monkeypatch.setattr(trajectory, "WORKERS", 2)
    split = optviz.optimize("himmelblau", "momentum", starts, 40, lr=0.03)
    ref = numpy_loop("himmelblau", "momentum", starts, 40, lr=0.03)
    assert (split.diverged_at >= 0).any()
    np.testing.assert_array_equal(split.points, ref.points)
    np.testing.assert_array_equal(split.diverged_at, ref.diverged_at)


@needs_library
@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(optimizers.NAMES), sid=st.sampled_from(fused.SURFACES),
       lr=st.floats(1e-5, 2.0), beta=st.floats(0.0, 0.999), eps=st.floats(1e-12, 1e-2),
       k=st.integers(1, 600), steps=st.integers(0, 60), seed=st.integers(0, 2**16))
def test_any_hyperparameters_give_the_numpy_numbers(name, sid, lr, beta, eps, k, steps, seed):
    params = optimizers.hyperparameters(name)
    hp = {"lr": lr}
    for key, value in (("beta", beta), ("beta1", beta), ("beta2", 1 - (1 - beta) / 10), ("eps", eps),
                       ("weight_decay", beta / 10)):
        if key in params:
            hp[key] = value
    starts = np.random.default_rng(seed).uniform(-6, 6, (k, 2))
    got = optviz.optimize(sid, name, starts, steps, **hp)
    ref = numpy_loop(sid, name, starts, steps, record_states=True, **hp)
    np.testing.assert_array_equal(got.points, ref.points)
    np.testing.assert_array_equal(got.diverged_at, ref.diverged_at)


def test_a_missing_library_falls_back_to_numpy():
    got = numpy_loop("rosenbrock", "adam", np.zeros((3, 2)), 10, lr=0.1)
    ref = numpy_loop("rosenbrock", "adam", np.zeros((3, 2)), 10, lr=0.1, record_states=True)
    np.testing.assert_array_equal(got.points, ref.points)


@needs_library
@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_an_lr_sweep_one_lr_per_start_equals_the_pure_update(name, hp):
    lrs = np.logspace(-4, 1, 41)  # the playground's sweep: the large ones diverge
    opt = optimizers.get(name, **{**hp, "lr": lrs})
    starts = np.tile([-1.5, 2.0], (lrs.size, 1))
    assert fused.supports("rosenbrock", opt, lrs.size)
    got = optviz.optimize("rosenbrock", opt, starts, 300)
    ref = numpy_loop("rosenbrock", opt, starts, 300, record_states=True)
    if name in ("sgd", "momentum", "nesterov"):  # (adaptive steps stay bounded by lr)
        assert (got.diverged_at >= 0).any() and (got.diverged_at < 0).any()
    assert len(set(got.points[-1, :, 0])) > 30  # every lr went its own way
    np.testing.assert_array_equal(got.points, ref.points)
    np.testing.assert_array_equal(got.diverged_at, ref.diverged_at)


def test_only_one_lr_or_one_per_start_is_fused():
    assert not fused.supports("rosenbrock", optimizers.get("sgd", lr=np.ones(3)), 4)
    assert not fused.supports("rastrigin", optimizers.get("sgd"), 1)


def assert_same_record(got, ref):
    np.testing.assert_array_equal(got.points, ref.points)
    np.testing.assert_array_equal(got.diverged_at, ref.diverged_at)
    np.testing.assert_array_equal(got.grads, ref.grads)
    assert len(got.states) == len(ref.states)
    for a, b in zip(got.states, ref.states):
        assert type(a) is type(b) and a.step == b.step
        for x, y in zip(a[1:], b[1:]):
            assert x.shape == y.shape
            np.testing.assert_array_equal(x, y)


@needs_library
@pytest.mark.parametrize("name,hp", SETTINGS, ids=[s[0] for s in SETTINGS])
@pytest.mark.parametrize("sid", ["rosenbrock", "beale", "six_hump_camel"])
def test_recorded_gradients_and_states_equal_the_pure_loop(name, hp, sid):
    """The playground's step inspector: one start with every gradient and state recorded."""
    got = optviz.optimize(sid, name, (-1.5, 2.0), 400, record_states=True, **hp)
    assert_same_record(got, numpy_loop(sid, name, (-1.5, 2.0), 400, record_states=True, **hp))
    starts = np.random.default_rng(5).uniform(-4, 4, (700, 2))
    got = optviz.optimize(sid, name, starts, 60, record_states=True, **hp)
    assert_same_record(got, numpy_loop(sid, name, starts, 60, record_states=True, **hp))


@needs_library
def test_a_recorded_divergence_equals_the_pure_loop():
    got = optviz.optimize("quadratic", "momentum", (-7.0, 2.0), 80, record_states=True, lr=0.2)
    ref = numpy_loop("quadratic", "momentum", (-7.0, 2.0), 80, record_states=True, lr=0.2)
    assert got.diverged_at > 0
    assert_same_record(got, ref)
    assert np.isfinite(got.grads[got.diverged_at - 1]).all() and np.isnan(got.grads[got.diverged_at:]).all()


# --- the surfaces' gradients in C are generated from surfaces.py ----------------------------------

def test_every_plain_arithmetic_surface_gradient_is_generated_and_the_others_are_not():
    from optviz import codegen
    grads = codegen.fused_surfaces()
    assert tuple(grads) == fused.SURFACES
    assert set(fused.NUMPY_ONLY) == {"rastrigin", "ackley"}  # cos, exp: not plain arithmetic
    for sid, c in grads.items():
        assert c.startswith(f"GRAD({sid}) ") and "*px = " in c and "*py = " in c
    # the C is what make compiled: the header holds these very functions
    from pathlib import Path
    text = Path(fused.__file__).with_name("_fused_rules.h").read_text()
    assert all(c in text for c in grads.values())


def test_a_changed_gradient_changes_the_c_and_a_library_built_before_is_not_used():
    import dataclasses
    from optviz import codegen

    def grad(x, y):
        r = y - x * x
        return -2.0 * (1.0 - x) - 399.0 * x * r, 200.0 * r

    rosen = optviz.surfaces.get("rosenbrock")
    changed = dataclasses.replace(rosen, grad=grad)
    assert "0x1.8f00000000000p+8" in codegen.surface_gradient(changed)  # 399, exactly
    assert codegen.surface_gradient(changed) != codegen.surface_gradient(rosen)
    other = dict(codegen.fused_surfaces(), rosenbrock=codegen.surface_gradient(changed))
    assert codegen.current_version(surfaces=other) != fused.RULES_HASH


def test_a_gradient_c_cannot_compute_exactly_is_not_fused():
    import dataclasses
    from optviz import codegen

    def uses_numpy(x, y):
        return np.cos(x), y

    def uses_a_power(x, y):
        return x ** 3, y

    def assigns_twice(x, y):
        a = x
        a = a * y
        return a, y

    for fn in (uses_numpy, uses_a_power, assigns_twice):
        with pytest.raises(codegen.NotFusable):
            codegen.surface_gradient(dataclasses.replace(optviz.surfaces.get("quadratic"), grad=fn))


def test_the_gradients_are_written_once_in_production_code():
    # Rosenbrock's gradient term appears in surfaces.py only (the C is generated from it)
    import subprocess
    from pathlib import Path
    root = Path(optviz.__file__).parents[1]
    hits = subprocess.run(["git", "grep", "-l", "400.0 \\* x", "--", "optviz", "app.py", "pages"], cwd=root,
                          capture_output=True, text=True).stdout.split()
    if hits or (root / ".git").exists():
        assert hits == ["optviz/surfaces.py"]
