"""Gradient descent in one dimension: the learning rate's regimes, loss after N steps, schedules."""
from __future__ import annotations

import math

import numpy as np

BOUND = 1e6


def f(name: str, x, a: float = 1.0):
    """The 1-D test functions: ``quadratic`` a·x², ``nonconvex`` x⁴ − 3x² + x."""
    x = np.asarray(x, dtype=float)
    if name == "quadratic":
        return a * x * x
    if name == "nonconvex":
        return x**4 - 3 * x**2 + x
    raise ValueError(f"unknown function {name!r}; choose quadratic or nonconvex")


def df(name: str, x, a: float = 1.0):
    x = np.asarray(x, dtype=float)
    if name == "quadratic":
        return 2 * a * x
    if name == "nonconvex":
        return 4 * x**3 - 6 * x + 1
    raise ValueError(f"unknown function {name!r}; choose quadratic or nonconvex")


SCHEDULES = ("constant", "step", "exponential", "cosine")


def schedule(name: str, lr0: float, t, total: int, drop_every: int = 10, factor: float = 0.5,
             gamma: float = 0.9):
    """Learning rate at step t (0-based) of ``total``: constant; step decay (× factor every
    drop_every steps); exponential (γᵗ); cosine (½(1 + cos πt/T))."""
    t = np.asarray(t, dtype=float)
    if name == "constant":
        return lr0 * np.ones_like(t)
    if name == "step":
        return lr0 * factor ** np.floor(t / drop_every)
    if name == "exponential":
        return lr0 * gamma**t
    if name == "cosine":
        return lr0 * 0.5 * (1 + np.cos(np.pi * t / max(total, 1)))
    raise ValueError(f"unknown schedule {name!r}; choose one of: {', '.join(SCHEDULES)}")


def descend(name: str, x0: float, lr, steps: int, a: float = 1.0, sched: str = "constant"):
    """Iterates x_0..x_steps of gradient descent; ``lr`` may be an array (one run per lr, vectorized).
    A run that leaves [−1e6, 1e6] is NaN from there on. Returns (xs (steps+1, ...), diverged_at)."""
    lr = np.asarray(lr, dtype=float)
    x = np.full(lr.shape, float(x0))
    xs = np.empty((steps + 1,) + lr.shape)
    xs[0] = x
    diverged = np.full(lr.shape, -1)
    with np.errstate(all="ignore"):
        for t in range(steps):
            x = x - schedule(sched, 1.0, t, steps) * lr * df(name, x, a)
            bad = ~(np.abs(x) <= BOUND) & (diverged < 0)
            diverged = np.where(bad, t + 1, diverged)
            x = np.where(diverged >= 0, np.nan, x)
            xs[t + 1] = x
    return xs, diverged


def thresholds(a: float) -> tuple[float, float]:
    """For f = a·x² (f'' = 2a): lr = 1/f'' reaches the minimum in one step; lr = 2/f'' is the edge
    of stability."""
    return 1.0 / (2 * a), 2.0 / (2 * a)


def regime(lr: float, a: float) -> str:
    """Closed form for f = a·x²: x_k = (1 − 2aη)^k x_0."""
    r = lr * 2 * a  # η·f''
    if math.isclose(r, 2.0, rel_tol=1e-9):
        return "edge"
    if r > 2:
        return "diverging"
    if r > 1 and not math.isclose(r, 1.0, rel_tol=1e-9):
        return "oscillating"
    if r <= 0.2:
        return "slow"
    return "good"


def minimum(name: str, a: float = 1.0) -> tuple[float, float]:
    """(x*, f(x*)) of the global minimum: 0 for a·x²; for x⁴ − 3x² + x the lowest real root of
    f'(x) = 4x³ − 6x + 1."""
    if name == "quadratic":
        return 0.0, 0.0
    roots = np.roots([4.0, 0.0, -6.0, 1.0])
    real = roots[np.abs(roots.imag) < 1e-12].real
    values = f(name, real, a)
    i = int(np.argmin(values))
    return float(real[i]), float(values[i])
