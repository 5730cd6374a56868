"""Basin-of-attraction maps: run one optimizer from every point of a grid of starts at once and
record where each start ends up."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import surfaces as _surfaces
from .trajectory import estimate_seconds, optimize

DIVERGED = -1
NOT_CONVERGED = -2
OTHER = -3  # settled, but at a point that is not one of the surface's listed minima
MAX_GRID = 200
MAX_BASIN_STEPS = 2000  # a map of 40 000 starts × 2000 steps takes a few seconds; the page says when it caps
TRAJECTORY_BUDGET = 4_000_000  # points stored per block (64 MB): blocks shrink as the steps grow


@dataclass
class BasinMap:
    xs: np.ndarray  # grid coordinates (n,)
    ys: np.ndarray
    label: np.ndarray  # (n, n): index into ``minima`` or DIVERGED / NOT_CONVERGED / OTHER
    steps_needed: np.ndarray  # (n, n) float: first step after which the path stays within tol; NaN if never
    final_loss: np.ndarray  # (n, n); NaN where diverged
    minima: tuple  # the points the labels refer to (global minima first, then local ones)

    def shares(self) -> dict[int, float]:
        """Fraction of the grid per label."""
        values, counts = np.unique(self.label, return_counts=True)
        return {int(v): float(c) / self.label.size for v, c in zip(values, counts)}


def block_size(steps: int) -> int:
    """Starts per block: the stored trajectory of a block stays within TRAJECTORY_BUDGET points."""
    return int(np.clip(TRAJECTORY_BUDGET // (steps + 1), 1024, 32768))


# Classifying a block's trajectories (distances of every stored point to the end point): seconds
# per start and step, measured on Himmelblau (fused, 200², 2 000 steps: 1.1 s in all, 0.5 s of it
# the runs) and rounded up.
CLASSIFY_POINT = 12e-9
GRIDS = (25, 50, 100, 150, 200)  # the grid sizes the page offers


def estimate_seconds_map(surface, optimizer, steps: int, n: int) -> float:
    """Estimated CPU seconds of ``basin_map(surface, optimizer, steps, n)``: its blocks' runs
    (optviz.trajectory.estimate_seconds) and their classification; an upper bound by construction."""
    k, steps = int(n) ** 2, int(steps)
    block = block_size(steps)
    full, rest = divmod(k, block)
    total = full * estimate_seconds(surface, optimizer, block, steps, losses=False)
    if rest:
        total += estimate_seconds(surface, optimizer, rest, steps, losses=False)
    return total + CLASSIFY_POINT * k * (steps + 1)


def basin_map(surface, optimizer, steps: int = 500, n: int = 100, tol: float = 1e-3,
              progress: Callable[[float], None] | None = None, **hyperparams) -> BasinMap:
    """Run ``optimizer`` from an n × n grid over the surface's view for ``steps`` steps.

    A start *settled* when its last step is shorter than ``tol``; it is labelled with the listed
    minimum (global or local) within 10·tol of its end point. A settled start elsewhere is OTHER
    only if the gradient there is small too (‖∇f‖ < tol: a stationary point that is not listed,
    e.g. a saddle); a short last step alone (a small lr, still far from anything) is
    NOT_CONVERGED. ``steps_needed`` is the first step after which the path stays within ``tol``
    of its end point.
    """
    surf = _surfaces.get(surface)
    if not 2 <= int(n) <= MAX_GRID:
        raise ValueError(f"grid size must be from 2 to {MAX_GRID}, got {n!r}")
    if not 0 <= int(steps) <= MAX_BASIN_STEPS:
        raise ValueError(f"a basin map runs from 0 to {MAX_BASIN_STEPS} steps, got {steps!r}")
    if not tol > 0:
        raise ValueError("tol must be positive")
    (x0, x1), (y0, y1) = surf.view
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    minima = tuple(surf.minima) + tuple(surf.local_minima)
    k = len(starts)
    label = np.empty(k, dtype=np.int64)
    needed = np.empty(k)
    final_loss = np.empty(k)
    block = block_size(int(steps))
    for a in range(0, k, block):
        b = min(a + block, k)
        res = optimize(surf, optimizer, starts[a:b], steps, **hyperparams)
        label[a:b], needed[a:b], final_loss[a:b] = _classify(res, minima, tol)
        if progress is not None:
            progress(b / k)
    return BasinMap(xs, ys, label.reshape(n, n), needed.reshape(n, n), final_loss.reshape(n, n), minima)


def _classify(res, minima, tol):
    pts = res.points  # (steps+1, K, 2)
    end = pts[-1]
    surf = res.surface
    diverged = res.diverged_at >= 0
    with np.errstate(invalid="ignore", over="ignore"):
        moved = np.hypot(*(pts[-1] - pts[-2]).T) if res.steps >= 1 else np.full(len(end), np.inf)
        settled = ~diverged & (moved < tol)
        gx, gy = surf.grad(end[:, 0], end[:, 1])
        stationary = settled & (np.hypot(gx, gy) < tol)
    label = np.full(len(end), NOT_CONVERGED, dtype=np.int64)
    label[diverged] = DIVERGED
    label[stationary] = OTHER
    if minima:
        m = np.asarray(minima)
        # squared distances to each minimum, (K, M); M is small except on Rastrigin (120 local minima)
        d2 = (end[:, None, 0] - m[None, :, 0]) ** 2 + (end[:, None, 1] - m[None, :, 1]) ** 2
        nearest = d2.argmin(axis=1)
        hit = settled & (d2[np.arange(len(end)), nearest] < (10 * tol) ** 2)
        label[hit] = nearest[hit]
    found = label >= 0
    found |= label == OTHER
    # first step after which every point stays within tol of the end point: one contiguous pass
    # over the trajectory (squared distances against tol², no square roots)
    with np.errstate(invalid="ignore"):
        diff = pts - end
        far = np.einsum("skc,skc->sk", diff, diff) >= tol * tol  # (steps+1, K)
    last_far = np.where(far.any(axis=0), res.steps - np.argmax(far[::-1], axis=0) + 1, 0)
    needed = np.where(found, last_far, np.nan).astype(float)
    with np.errstate(invalid="ignore"):
        loss = surf.f(end[:, 0], end[:, 1])
    loss = np.where(diverged, np.nan, loss)
    return label, needed, loss
