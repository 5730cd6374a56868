"""Run an optimizer on a surface from one start or from many starts at once (vectorized)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import optimizers as _optimizers
from . import surfaces as _surfaces

DIVERGENCE_BOUND = 1e6  # a coordinate beyond this (or non-finite) counts as diverged
MAX_STEPS = 100_000


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
    losses: np.ndarray
    diverged_at: Any
    noise: float = 0.0
    grads: np.ndarray | None = field(default=None, repr=False)
    states: list | None = field(default=None, repr=False)

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
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be zero or positive, got {noise!r}")
    starts, single = _as_starts(start, surf)
    k = starts.shape[0]

    # Work on a (2, K) array: each coordinate contiguous, so the surface sees plain 1-D arrays.
    x = np.ascontiguousarray(starts.T)
    traj = np.empty((steps + 1, 2, k))
    traj[0] = x
    state = opt.init(x)
    alive = np.ones(k, dtype=bool)
    diverged_at = np.full(k, -1, dtype=np.int64)
    rng = np.random.default_rng(seed) if noise > 0 else None
    grads = np.empty((steps + 1, 2, k)) if record_states else None
    states = [state] if record_states else None

    with np.errstate(all="ignore"):  # diverging runs overflow on purpose; they are caught below
        for i in range(1, steps + 1):
            g = np.array(surf.grad(x[0], x[1]), dtype=float).reshape(2, k)
            if rng is not None:
                g = g + noise * rng.standard_normal(g.shape)
            if grads is not None:
                grads[i - 1] = g
            x, state = opt.update(x, g, state)
            bad = ~(np.isfinite(x) & (np.abs(x) <= DIVERGENCE_BOUND)).all(axis=0)
            if bad.any():
                newly = bad & alive
                diverged_at[newly] = i
                alive &= ~bad
                x = x.copy()
                x[:, bad] = np.nan
            traj[i] = x
            if states is not None:
                states.append(state)
        if grads is not None:
            grads[steps] = np.array(surf.grad(x[0], x[1]), dtype=float).reshape(2, k)
        points = np.ascontiguousarray(traj.transpose(0, 2, 1))  # (steps+1, K, 2)
        losses = surf.f(points[..., 0], points[..., 1])

    if grads is not None:
        grads = np.ascontiguousarray(grads.transpose(0, 2, 1))
    if single:
        return OptimizeResult(surf, opt, points[:, 0, :], losses[:, 0], int(diverged_at[0]), noise,
                              None if grads is None else grads[:, 0, :], states)
    return OptimizeResult(surf, opt, points, losses, diverged_at, noise, grads, states)
