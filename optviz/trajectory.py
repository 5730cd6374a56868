"""Run an optimizer on a surface from one start or from many starts at once (vectorized)."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from . import budget as _budget
from . import fused as _fused
from . import kernels as _kernels
from . import optimizers as _optimizers
from . import rules as _rules
from . import surfaces as _surfaces

DIVERGENCE_BOUND = 1e6  # a coordinate beyond this (or non-finite) counts as diverged
MAKE_WAY_MASK = 63  # the Python step loops make way for light reruns every 64 steps (budget.make_way)
MAX_TRAJECTORY_STEPS = 100_000  # the most steps optimize() takes (the app asks for far fewer)


@dataclass
class OptimizeResult:
    """Trajectory of an optimizer run.

    ``points``: (steps+1, 2) for one start, (steps+1, K, 2) for K starts; NaN from divergence on.
    ``losses``: (steps+1,) or (steps+1, K).
    ``diverged_at``: the step at which a start diverged, −1 if it did not (int, or (K,) array).
    ``grads`` / ``states`` (only with ``record_states=True``): the gradient at each point and the
    optimizer state after each step (``states[0]`` is the initial state).
    """

    surface: _surfaces.Surface
    optimizer: _optimizers.Optimizer
    points: np.ndarray
    diverged_at: Any
    noise: float = 0.0
    grads: np.ndarray | None = field(default=None, repr=False)
    states: list | None = field(default=None, repr=False)

    @cached_property
    def losses(self) -> np.ndarray:
        """f at every point (computed on first use: a big batched run may never need it)."""
        with np.errstate(all="ignore"):
            return self.surface.f(self.points[..., 0], self.points[..., 1])

    @property
    def steps(self) -> int:
        return self.points.shape[0] - 1

    @property
    def batched(self) -> bool:
        return self.points.ndim == 3

    def last_finite_index(self) -> Any:
        """Index of the last finite point (per start when batched)."""
        d = np.asarray(self.diverged_at)
        return np.where(d < 0, self.steps, d - 1) if self.batched else int(
            self.steps if self.diverged_at < 0 else self.diverged_at - 1)


def _as_starts(start, surface) -> tuple[np.ndarray, bool]:
    if start is None:
        start = surface.start
    try:
        s = np.array(start, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"start must be a point (x, y) or an array of shape (K, 2), got {start!r}") from None
    if s.shape == (2,):
        single = True
        s = s.reshape(1, 2)
    elif s.ndim == 2 and s.shape[1] == 2 and s.shape[0] >= 1:
        single = False
    else:
        raise ValueError(f"start must be a point (x, y) or an array of shape (K, 2), got shape {s.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError("start must contain finite numbers")
    return s, single


def optimize(surface, optimizer, start=None, steps: int = 100, *, noise: float = 0.0,
             seed: int | None = None, record_states: bool = False,
             **hyperparams: float) -> OptimizeResult:
    """Run ``optimizer`` on ``surface`` for ``steps`` steps from ``start``.

    ``surface``: an id or a Surface. ``optimizer``: a name (hyperparameters as keywords) or an
    Optimizer. ``start``: (x, y), or a (K, 2) array of K starts run together in one vectorized
    loop over steps. ``noise=σ`` adds N(0, σ²) to each gradient component, seeded by ``seed``.
    """
    surf = _surfaces.get(surface)
    opt = _optimizers.get(optimizer, **hyperparams)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_TRAJECTORY_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_TRAJECTORY_STEPS}, got {steps!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be zero or positive, got {noise!r}")
    starts, single = _as_starts(start, surf)

    # Work on a (2, K) array: each coordinate contiguous, so the surface sees plain 1-D arrays.
    x = np.array(starts.T, order="C")
    rng = np.random.default_rng(seed) if noise > 0 else None
    registry = _surfaces.SURFACES.get(surf.id) is surf  # (a custom surface's id may be anything)
    fused = registry and rng is None and _fused.supports(surf.id, opt, x.shape[1])
    kernel = None if record_states or fused else _kernels.make(opt, x.shape)
    with np.errstate(all="ignore"):  # diverging runs overflow on purpose; they are caught
        if fused:  # C: the same numbers as the numpy loops (tests/test_fused.py)
            traj, diverged_at, grads, states = _run_fused(surf, opt, x, steps, record_states)
        elif kernel is not None and x.shape[1] == 1 and rng is None and _scalar_hyperparams(opt) \
                and registry:  # registry gradients: tested equal on scalars
            traj, diverged_at = _run_scalar(surf, opt, x, steps)
            grads = states = None
        elif kernel is not None:
            traj, diverged_at = _run_inplace(surf, opt, kernel, x, steps, noise, rng)
            grads = states = None
        else:
            traj, diverged_at, grads, states = _run_pure(surf, opt, x, steps, noise, rng, record_states)
    points = traj.transpose(0, 2, 1)  # (steps+1, K, 2), a view: no copy of a long trajectory

    if grads is not None:
        grads = np.ascontiguousarray(grads.transpose(0, 2, 1))
    if single:
        return OptimizeResult(surf, opt, points[:, 0, :], int(diverged_at[0]), noise,
                              None if grads is None else grads[:, 0, :], states)
    return OptimizeResult(surf, opt, points, diverged_at, noise, grads, states)


def _finite_or_mark(x, i, alive, diverged_at, absx) -> np.ndarray | None:
    """Mark starts whose coordinates left [−bound, bound] (or became NaN) at step i.

    One reduction decides the common case that nothing diverged."""
    np.abs(x, out=absx)
    if absx.max() <= DIVERGENCE_BOUND:
        return None
    bad = ~(absx <= DIVERGENCE_BOUND).all(axis=0)  # NaN compares False: counted as bad
    newly = bad & alive
    diverged_at[newly] = i
    alive &= ~bad
    return bad


def _scalar_hyperparams(opt) -> bool:
    return all(np.ndim(v) == 0 for v in opt.hyperparams.values())


def _run_scalar(surf, opt, x, steps):
    """One start without noise: the optimizer's pure update on each coordinate as a scalar (every
    optimizer here is elementwise, and scalar arithmetic is the same IEEE arithmetic), which skips
    numpy's per-call cost on 2-element arrays (~3× faster), and stops at divergence."""
    traj = np.full((steps + 1, 2, 1), np.nan)
    a, b = x[0, 0], x[1, 0]
    grad = surf.grad
    if opt.rule is not None:  # both coordinates in one call, number-only parts once (rules.Scalar)
        step = _rules.Scalar(opt.rule, opt.hyperparams, a, b).step
    else:
        sa, sb = opt.init(a), opt.init(b)

        def step(ga, gb):
            nonlocal sa, sb
            xa, sa = opt.update(a, ga, sa)
            xb, sb = opt.update(b, gb, sb)
            return xa, xb
    points = [(a, b)]
    diverged_at = -1
    for i in range(1, steps + 1):
        if not i & MAKE_WAY_MASK:
            _budget.make_way()  # light reruns of other sessions first, when this is heavy work
        a, b = step(*grad(a, b))
        if not (abs(a) <= DIVERGENCE_BOUND and abs(b) <= DIVERGENCE_BOUND):  # NaN fails this too
            diverged_at = i
            break
        points.append((a, b))
    traj[:len(points), :, 0] = points
    return traj, np.array([diverged_at], dtype=np.int64)


CHUNK = 16384  # starts per block: a block's working arrays stay in the CPU cache
WORKERS = min(2, os.cpu_count() or 1)  # threads running blocks side by side (numpy releases the GIL)
_pool: ThreadPoolExecutor | None = None


FUSED_SPLIT = 2_000_000  # start-steps from which a fused run is split over WORKERS threads


def _run_fused(surf, opt, x, steps, record_states=False):
    """Gradient and update fused in C, one call per thread over all steps (recording the gradients
    and states as the pure loop does, when asked)."""
    k = x.shape[1]
    traj = np.empty((steps + 1, 2, k))
    traj[0] = x
    diverged_at = np.empty(k, dtype=np.int64)
    plan = _fused.Plan(surf.id, opt, k)
    if record_states:
        grads = np.empty((steps + 1, 2, k))
        rec = np.zeros((steps + 1, _fused.N_STATES[opt.name], 2, k))
        init = opt.init(x)  # the optimizer's state record: (step, *arrays), its start values in row 0
        if len(init) > 1:
            rec[0] = np.stack(init[1:])
        plan.run(traj, diverged_at, 0, k, grads, rec)
        kind = type(init)
        return traj, diverged_at, grads, [kind(i, *rec[i]) for i in range(steps + 1)]
    if WORKERS > 1 and k >= 1024 and k * steps >= FUSED_SPLIT:
        bounds = [(k * j // WORKERS) // 8 * 8 for j in range(WORKERS)] + [k]  # cache-line aligned
        list(_threads().map(lambda j: plan.run(traj, diverged_at, bounds[j], bounds[j + 1]),
                            range(WORKERS)))
    else:
        plan.run(traj, diverged_at, 0, k)
    return traj, diverged_at, None, None


def _threads() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        # only large fused runs (a basin map, a long sweep) use these threads: heavy work, so they
        # yield the CPU to lighter work (optviz.budget.lower_priority)
        _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="optviz", initializer=_budget.lower_priority)
    return _pool


def _run_inplace(surf, opt, kernel, x, steps, noise, rng):
    """The batched loop with in-place kernels. Many starts without noise run in blocks of CHUNK
    columns, each block through all steps, blocks on WORKERS threads (every start is independent,
    so the result is the same)."""
    k = x.shape[1]
    traj = np.empty((steps + 1, 2, k))  # (pre-faulting it with MAP_POPULATE measured slower)
    if k <= 2 * CHUNK or rng is not None or not _scalar_hyperparams(opt):
        return traj, _steps_inplace(surf, kernel, x, steps, noise, rng, traj)
    diverged_at = np.empty(k, dtype=np.int64)

    n_blocks = -(-k // CHUNK)
    n_blocks += -n_blocks % WORKERS  # a multiple of the threads, of about equal size
    size = -(-k // n_blocks)

    def block(a):
        b = min(a + size, k)
        xb = np.array(x[:, a:b], order="C")
        with np.errstate(all="ignore"):  # per thread: diverging runs overflow on purpose
            diverged_at[a:b] = _steps_inplace(surf, _kernels.make(opt, xb.shape), xb, steps, noise, rng,
                                              traj[:, :, a:b])

    if WORKERS > 1:
        list(_threads().map(block, range(0, k, size)))
    else:
        for a in range(0, k, size):
            block(a)
    return traj, diverged_at


CHECK_EVERY = 8  # steps between divergence checks (each check scans every stored step since the last)


def _steps_inplace(surf, kernel, x, steps, noise, rng, traj):
    """Each step reads the previous point from the trajectory and writes the next one into it:
    no copy of the (2, K) state per step."""
    k = x.shape[1]
    traj[0] = x
    kernel.start(x)  # start values that read x (a rule's ``prev[0] = x``)
    g = np.empty_like(x)
    alive = np.ones(k, dtype=bool)
    diverged_at = np.full(k, -1, dtype=np.int64)
    grad, step = surf.grad, kernel.step
    checked = 0  # steps 0..checked are known to be finite and in bounds (or already marked)
    for i in range(1, steps + 1):
        if not i & MAKE_WAY_MASK:
            _budget.make_way()
        prev = traj[i - 1]
        g[0], g[1] = grad(prev[0], prev[1])
        if rng is not None:
            g += noise * rng.standard_normal(g.shape)
        step(prev, g, traj[i])
        if i - checked == CHECK_EVERY or i == steps:
            window = np.abs(traj[checked + 1:i + 1])  # (w, 2, K)
            if not window.max() <= DIVERGENCE_BOUND:  # NaN fails this test too
                bad_rows = ~(window <= DIVERGENCE_BOUND).all(axis=1)  # (w, K)
                newly = bad_rows.any(axis=0) & alive
                diverged_at[newly] = checked + 1 + np.argmax(bad_rows[:, newly], axis=0)
                alive &= ~newly
                traj[i][:, newly] = 0.0  # park diverged starts with fresh state (their points become NaN below)
                kernel.reset(newly)
            checked = i
    if (diverged_at >= 0).any():
        rows = np.arange(steps + 1)[:, None]
        gone = (diverged_at >= 0) & (rows >= diverged_at)  # (steps+1, K): from divergence on
        traj.transpose(1, 0, 2)[:, gone] = np.nan
    return diverged_at


def _run_pure(surf, opt, x, steps, noise, rng, record_states):
    """The reference loop through the optimizer's pure update (also records states and gradients)."""
    k = x.shape[1]
    traj = np.empty((steps + 1, 2, k))
    traj[0] = x
    state = opt.init(x)
    alive = np.ones(k, dtype=bool)
    diverged_at = np.full(k, -1, dtype=np.int64)
    absx = np.empty_like(x)
    grads = np.empty((steps + 1, 2, k)) if record_states else None
    states = [state] if record_states else None
    for i in range(1, steps + 1):
        if not i & MAKE_WAY_MASK:
            _budget.make_way()
        g = np.array(surf.grad(x[0], x[1]), dtype=float).reshape(2, k)
        if rng is not None:
            g = g + noise * rng.standard_normal(g.shape)
        if grads is not None:
            grads[i - 1] = g
        x, state = opt.update(x, g, state)
        bad = _finite_or_mark(x, i, alive, diverged_at, absx)
        if bad is not None:
            x = x.copy()
            x[:, bad] = np.nan
        traj[i] = x
        if states is not None:
            states.append(state)
    if grads is not None:
        grads[steps] = np.array(surf.grad(x[0], x[1]), dtype=float).reshape(2, k)
    return traj, diverged_at, grads, states


# --- what a run costs ------------------------------------------------------------------------------
# CPU seconds of optimize(), estimated before a run so that a page can refuse or shrink work beyond
# its budget (optviz.budget). Measured on the 2-core development machine with other work running
# (time.process_time around optimize(), one BLAS thread, 2 000 steps; numpy paths on Rastrigin and
# on the custom expression ``x``, fused ones on five surfaces × sgd/adam/adamw): every constant is
# the largest value seen, rounded up, so an estimate lies above the time measured (by 1–2×).
NUMPY_STEP = 60e-6  # per step of a numpy loop beyond the gradient: update, checks, recording (15–40 µs)
NUMPY_POINT = 25e-9  # per start and step of a numpy loop beyond the gradient (kernels, trajectory: 10–20 ns)
NOISE_COST = (2e-6, 20e-9)  # per step: drawing the noise (per call, per start)
FUSED_STEP = 5e-6  # per step of a fused C run (one start recording its states: 1.6–3.8 µs)
FUSED_POINT = 10e-9  # per start and step in C (3.3–6.8 ns; 14 once, fresh memory)
# an optimizer without an in-place kernel runs its rule (optviz.rules) in the pure loop: per part
# of the rule's step (Rule.size), per step and per start and step
RULE_PART = (RULE_PART_STEP := 0.6e-6, RULE_PART_POINT := 1.5e-9)  # measured 0.15–0.4 µs, 0.3–0.5 ns
# numpy gradients of the registry's surfaces, (seconds per call, per point), timed on 1, 41 and
# 16 384 points (time.thread_time, best of 5), ×1.3 and rounded up (Ackley: 38 µs, 117 ns)
GRADIENT_COST = {
    "quadratic": (5e-6, 1e-9), "quadratic_book": (5e-6, 1.5e-9), "rosenbrock": (14e-6, 5e-9),
    "beale": (70e-6, 65e-9), "himmelblau": (12e-6, 40e-9), "rastrigin": (18e-6, 46e-9),
    "saddle": (5e-6, 1.5e-9), "booth": (15e-6, 37e-9), "ackley": (50e-6, 155e-9),
    "six_hump_camel": (14e-6, 30e-9)}
UNKNOWN_GRADIENT = (1e-3, 1e-6)  # a surface that says nothing of its cost: taken as very slow


def gradient_seconds(surface, points: int) -> float:
    """Estimated seconds of one gradient call on ``points`` points: a registry surface's measured
    cost, a custom surface's ``cost`` (optviz.expr.gradient_cost), else UNKNOWN_GRADIENT."""
    surf = _surfaces.get(surface)
    if _surfaces.SURFACES.get(surf.id) is surf:
        call, point = GRADIENT_COST.get(surf.id, UNKNOWN_GRADIENT)
    else:
        call, point = getattr(surf, "cost", UNKNOWN_GRADIENT)
    return call + point * points


def estimate_seconds(surface, optimizer, starts: int = 1, steps: int = 100, *, noise: float = 0.0,
                     losses: bool = True) -> float:
    """Estimated CPU seconds of ``optimize(surface, optimizer, <starts starts>, steps, noise=…)``,
    an upper bound by construction (see the constants above), taking the path optimize takes: fused
    C for a registry surface without noise, else the numpy loop. ``losses``: and f at every point
    afterwards (OptimizeResult.losses; charged as much as a gradient call on all of them)."""
    surf = _surfaces.get(surface)
    opt = _optimizers.get(optimizer)
    k, steps = int(starts), int(steps)
    registry = _surfaces.SURFACES.get(surf.id) is surf
    if registry and noise == 0 and _fused.supports(surf.id, opt, k):
        per_step = FUSED_STEP + FUSED_POINT * k
    else:
        per_step = NUMPY_STEP + NUMPY_POINT * k + gradient_seconds(surf, k)
        if opt.rule is not None:  # the rule's step, in place (kernels.make) or pure
            per_step += opt.rule.size * (RULE_PART_STEP + RULE_PART_POINT * k)
        if noise > 0:
            per_step += NOISE_COST[0] + NOISE_COST[1] * k
    total = steps * per_step
    if losses:
        total += gradient_seconds(surf, (steps + 1) * k)
    return total
