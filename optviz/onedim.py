"""Gradient descent in one dimension: the learning rate's regimes, loss after N steps, schedules.

Two functions, each with its first and second derivative beside it:

    quadratic   f = a·x²            f′ = 2a·x            f″ = 2a
    nonconvex   f = x⁴ − 3x² + x    f′ = 4x³ − 6x + 1    f″ = 12x² − 6

On the quadratic, x_{k+1} = x_k − η·2a·x_k = (1 − η·f″)·x_k, so x_k = (1 − η·f″)ᵏ·x_0 and the
learning rate's regime follows from r = η·f″ alone (``regime``). Near any minimum x* a smooth f is
close to the quadratic with curvature f″(x*), so the same rule names what happens there
(``local_regime``).
"""
from __future__ import annotations

import math

import numpy as np

BOUND = 1e6  # an iterate beyond ±BOUND (or NaN) counts as diverged
FUNCTIONS = ("quadratic", "nonconvex")


def _unknown(name):
    return ValueError(f"unknown function {name!r}; choose one of: {', '.join(FUNCTIONS)}")


def f(name: str, x, a: float = 1.0):
    """``quadratic`` a·x², ``nonconvex`` x⁴ − 3x² + x."""
    x = np.asarray(x, dtype=float)
    if name == "quadratic":
        return a * x * x
    if name == "nonconvex":
        return x**4 - 3 * x**2 + x
    raise _unknown(name)


def df(name: str, x, a: float = 1.0):
    x = np.asarray(x, dtype=float)
    if name == "quadratic":
        return 2 * a * x
    if name == "nonconvex":
        return 4 * x**3 - 6 * x + 1
    raise _unknown(name)


def d2f(name: str, x, a: float = 1.0):
    x = np.asarray(x, dtype=float)
    if name == "quadratic":
        return np.full(x.shape, 2.0 * a)
    if name == "nonconvex":
        return 12 * x**2 - 6
    raise _unknown(name)


def minima(name: str, a: float = 1.0) -> np.ndarray:
    """Every local minimum, ascending: 0 for a·x²; for x⁴ − 3x² + x the real roots of
    f′ = 4x³ − 6x + 1 where f″ > 0 (x ≈ −1.30 global, x ≈ 1.13 local)."""
    if name == "quadratic":
        return np.array([0.0])
    if name != "nonconvex":
        raise _unknown(name)
    roots = np.roots([4.0, 0.0, -6.0, 1.0])
    real = np.sort(roots[np.abs(roots.imag) < 1e-12].real)
    return real[d2f(name, real) > 0]


def minimum(name: str, a: float = 1.0) -> tuple[float, float]:
    """(x*, f(x*)) of the global minimum."""
    xs = minima(name, a)
    values = f(name, xs, a)
    i = int(np.argmin(values))
    return float(xs[i]), float(values[i])


# --- learning-rate schedules ---------------------------------------------------------------------

SCHEDULES = ("constant", "step", "exponential", "cosine")


def schedule(name: str, lr0: float, t, total: int, drop_every: int = 10, factor: float = 0.5,
             gamma: float = 0.9):
    """Learning rate at step t (0-based) of ``total``:

        constant      η_t = η₀
        step          η_t = η₀ · factor^⌊t / drop_every⌋
        exponential   η_t = η₀ · γᵗ
        cosine        η_t = η₀ · ½(1 + cos(π·t / T))
    """
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


# --- gradient descent ----------------------------------------------------------------------------

def descend(name: str, x0: float, lr, steps: int, a: float = 1.0, sched: str = "constant"):
    """Iterates x_0..x_steps of x ← x − η_t·f′(x), η_t = ``schedule(sched, lr, t, steps)``.

    ``lr`` may be an array: one run per learning rate, all in one vectorized loop. A run that leaves
    [−1e6, 1e6] is NaN from there on. Returns (xs of shape (steps+1,) + lr.shape, diverged_at),
    diverged_at = the first step out of bounds, −1 if none."""
    lr = np.asarray(lr, dtype=float)
    x = np.full(lr.shape, float(x0))
    xs = np.empty((steps + 1,) + lr.shape)
    xs[0] = x
    diverged = np.full(lr.shape, -1)
    factors = schedule(sched, 1.0, np.arange(steps), steps)
    with np.errstate(all="ignore"):  # diverging runs overflow on purpose; they are caught
        for t in range(steps):
            x = x - factors[t] * lr * df(name, x, a)
            bad = ~(np.abs(x) <= BOUND) & (diverged < 0)
            diverged = np.where(bad, t + 1, diverged)
            x = np.where(diverged >= 0, np.nan, x)
            xs[t + 1] = x
    return xs, diverged


# --- the regimes ---------------------------------------------------------------------------------

REGIMES = ("slow", "good", "oscillating", "edge", "diverging", "bouncing")
SLOW = 0.2  # r = η·f″ at most this: each step removes at most 20 % of the distance


def thresholds(curvature: float) -> tuple[float, float]:
    """(1/f″, 2/f″): at 1/f″ one step lands exactly on a quadratic's minimum; 2/f″ is the edge of
    stability, beyond which |1 − η·f″| > 1 and every step overshoots further than it started."""
    return 1.0 / curvature, 2.0 / curvature


def regime(lr: float, curvature: float) -> str:
    """The regime of gradient descent on a quadratic with f″ = curvature > 0, from the closed form
    x_k = (1 − r)ᵏ·x_0 with r = η·f″:

        r ≤ 0.2        slow         (1 − r ≥ 0.8: a small step towards the minimum)
        0.2 < r ≤ 1    good         (0 ≤ 1 − r < 0.8: from one side, no overshoot)
        1 < r < 2      oscillating  (−1 < 1 − r < 0: overshoots, lands closer, converges)
        r = 2          edge         (1 − r = −1: bounces between ±x_0 for ever)
        r > 2          diverging    (|1 − r| > 1)
    """
    r = lr * curvature
    if math.isclose(r, 2.0, rel_tol=1e-9):
        return "edge"
    if r > 2:
        return "diverging"
    if r > 1 and not math.isclose(r, 1.0, rel_tol=1e-9):
        return "oscillating"
    return "slow" if r <= SLOW else "good"


def local_regime(name: str, lr: float, xs, a: float = 1.0) -> tuple[str, float, float]:
    """(regime, x*, f″(x*)) of a run ``xs``: the minimum x* nearest its last iterate and the regime
    that the curvature there gives (f ≈ quadratic near x*).

    On a non-convex function a learning rate beyond 2/f″(x*) need not diverge: the minimum repels the
    steps but the steep walls of x⁴ send them back, and they bounce (a cycle or chaos) without
    settling; that run is ``bouncing``. A run that left the bounds is ``diverging``.
    """
    xs = np.asarray(xs, dtype=float)
    mins = minima(name, a)
    last = xs[-1]
    if not np.isfinite(last):
        finite = xs[np.isfinite(xs)]
        x_star = float(mins[np.argmin(np.abs(mins - finite[-1]))]) if finite.size else float(mins[0])
        return "diverging", x_star, float(d2f(name, x_star, a))
    x_star = float(mins[np.argmin(np.abs(mins - last))])
    curvature = float(d2f(name, x_star, a))
    name_ = regime(lr, curvature)
    if name != "quadratic" and name_ in ("edge", "diverging"):
        name_ = "bouncing"
    return name_, x_star, curvature


# --- what the pages show -------------------------------------------------------------------------

SCRUB_VALUES = 48


def scrub_lrs(curvature: float, current: float, lo: float, hi: float, n: int = SCRUB_VALUES,
              decimals: int = 3) -> np.ndarray:
    """Learning rates for scrubbing η across 1/f″ and 2/f″: log-spaced from a twentieth of 1/f″
    (slow) to 1.25 × 2/f″ (diverging), with 1/f″, 2/f″ and ``current`` among them, rounded to the
    page's slider step (10^−decimals) and kept within [lo, hi]. Without a positive curvature (a
    maximum or an inflection of a non-convex f), over the whole [lo, hi]."""
    if np.isfinite(curvature) and curvature > 0:
        once, edge = thresholds(curvature)
        grid = np.concatenate([np.logspace(np.log10(once / 20), np.log10(1.25 * edge), n), [once, edge]])
    else:
        grid = np.logspace(np.log10(lo), np.log10(hi), n)
    grid = np.clip(np.round(grid, decimals), lo, hi)
    return np.unique(np.concatenate([grid, [float(current)]]))  # the page's own η as it is


def loss_gap(name: str, xs, a: float = 1.0):
    """f(x) − f(x*) with x* the global minimum: the loss still to go (NaN where a run diverged)."""
    with np.errstate(all="ignore"):
        return f(name, xs, a) - minimum(name, a)[1]


def gap_floor(name: str, x0: float, a: float = 1.0) -> float:
    """The smallest f − f* worth drawing on a log axis: 1e-15·max(1, f(x0) − f*, |f*|). Below it the
    gap is 0 (one step landed on the minimum) or rounding: f and f* are each rounded to about
    2.2e-16·|f|, so their difference near x* is noise of a few 1e-16·|f*| (x⁴ − 3x² + x: f* ≈ −3.51,
    noise 4.4e-16 and 8.9e-16); the start's gap scales the floor with the chart."""
    f_star = minimum(name, a)[1]
    return 1e-15 * max(1.0, float(f(name, x0, a)) - f_star, abs(f_star))


def compare_schedules(name: str, x0: float, lr: float, steps: int, a: float = 1.0) -> dict:
    """For each schedule: (learning rate per step, f − f* per iterate), same start and initial lr."""
    out = {}
    for sched in SCHEDULES:
        xs, _ = descend(name, x0, lr, steps, a=a, sched=sched)
        out[sched] = (schedule(sched, lr, np.arange(steps), steps), loss_gap(name, xs, a))
    return out
