"""Basin-of-attraction maps: run one optimizer from every point of a grid of starts at once and
record where each start ends up."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import surfaces as _surfaces
from .trajectory import optimize

DIVERGED = -1
NOT_CONVERGED = -2
OTHER = -3  # settled, but at a point that is not one of the surface's listed minima
MAX_GRID = 200
BLOCK = 8192


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


def basin_map(surface, optimizer, steps: int = 500, n: int = 100, tol: float = 1e-3,
              progress: Callable[[float], None] | None = None, **hyperparams) -> BasinMap:
    """Run ``optimizer`` from an n × n grid over the surface's view for ``steps`` steps.

    A start *converged* when its last two points are closer than ``tol``; it is labelled with the
    listed minimum (global or local) within 10·tol of its end point, or OTHER. ``steps_needed``
    is the first step after which the path stays within ``tol`` of its end point.
    """
    surf = _surfaces.get(surface)
    if not 2 <= int(n) <= MAX_GRID:
        raise ValueError(f"grid size must be from 2 to {MAX_GRID}, got {n!r}")
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
    for a in range(0, k, BLOCK):
        b = min(a + BLOCK, k)
        res = optimize(surf, optimizer, starts[a:b], steps, **hyperparams)
        label[a:b], needed[a:b], final_loss[a:b] = _classify(res, minima, tol)
        if progress is not None:
            progress(b / k)
    return BasinMap(xs, ys, label.reshape(n, n), needed.reshape(n, n), final_loss.reshape(n, n), minima)


def _classify(res, minima, tol):
    pts = res.points  # (steps+1, K, 2)
    end = pts[-1]
    diverged = res.diverged_at >= 0
    moved = np.hypot(*(pts[-1] - pts[-2]).T) if res.steps >= 1 else np.zeros(len(end))
    settled = ~diverged & (moved < tol)
    label = np.full(len(end), NOT_CONVERGED, dtype=np.int64)
    label[diverged] = DIVERGED
    label[settled] = OTHER
    if minima:
        m = np.asarray(minima)
        d = np.hypot(end[:, None, 0] - m[None, :, 0], end[:, None, 1] - m[None, :, 1])  # (K, M)
        nearest = d.argmin(axis=1)
        hit = settled & (d[np.arange(len(end)), nearest] < 10 * tol)
        label[hit] = nearest[hit]
    # first step after which every point stays within tol of the end point
    with np.errstate(invalid="ignore"):
        far = np.hypot(pts[..., 0] - end[:, 0], pts[..., 1] - end[:, 1]) >= tol  # (steps+1, K)
    last_far = np.where(far.any(axis=0), res.steps - np.argmax(far[::-1], axis=0) + 1, 0)
    needed = np.where(settled, last_far, np.nan).astype(float)
    with np.errstate(invalid="ignore"):
        loss = res.surface.f(end[:, 0], end[:, 1])
    loss = np.where(diverged, np.nan, loss)
    return label, needed, loss
