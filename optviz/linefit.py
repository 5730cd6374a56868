"""Fitting a line y = a·x + b: least squares in closed form, and gradient descent on the MSE with any
optimizer of the core and any batch size (full batch, mini-batch, one sample at a time).

    model      ŷ = a·x + b
    loss       MSE(a, b) = (1/n)·Σ (a·xᵢ + b − yᵢ)²
    gradient   ∂MSE/∂a = (2/n)·Σ rᵢ·xᵢ,  ∂MSE/∂b = (2/n)·Σ rᵢ,   rᵢ = a·xᵢ + b − yᵢ
    update     (a, b) ← optimizer step with that gradient (plain GD: (a, b) − η·∇MSE)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from . import optimizers as _optimizers

MAX_N = 10_000
MAX_UPDATES = 200_000  # one run's updates (epochs × updates per epoch)


def make_line(a: float = 2.0, b: float = 1.0, noise: float = 1.0, n: int = 50, seed: int = 0):
    """n points with x uniform on [−3, 3] and y = a·x + b + N(0, noise²)."""
    if not 2 <= int(n) <= MAX_N:
        raise ValueError(f"n must be from 2 to {MAX_N}, got {n!r}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be zero or positive, got {noise!r}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, int(n))
    return x, a * x + b + noise * rng.standard_normal(int(n))


def least_squares(x, y) -> np.ndarray:
    """(a, b) minimizing Σ(a·x + b − y)²: the solution of the normal equations AᵀA·p = Aᵀy with
    A = [x 1], solved by numpy's lstsq (a QR/SVD solve, stable even when x barely varies)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0:
        raise ValueError("least squares needs at least two different x values")
    A = np.column_stack([x, np.ones_like(x)])
    return np.linalg.lstsq(A, y, rcond=None)[0]


def mse(x, y, a, b):
    """Mean squared error; a and b may be arrays (a grid) of the same shape."""
    a = np.asarray(a, dtype=float)[..., None]
    b = np.asarray(b, dtype=float)[..., None]
    return np.mean((a * x + b - y) ** 2, axis=-1)


def grad(x, y, a, b) -> np.ndarray:
    """∂MSE/∂(a, b) = (2/n)·Σ r·x, (2/n)·Σ r with r = a·x + b − y."""
    r = a * x + b - y
    return np.array([2 * np.mean(r * x), 2 * np.mean(r)])


def mse_along(x, y, path) -> np.ndarray:
    """MSE at each (a, b) of ``path`` (P, 2) in O(P), without touching the n points again.

    The MSE is a quadratic in (a, b). With p* the least-squares point, whose residuals e are
    orthogonal to x and to 1 (the normal equations), a·x + b − y = δa·x + δb + e for δ = p − p*, so
        MSE(p) = MSE(p*) + δa²·mean(x²) + 2·δa·δb·mean(x) + δb²
    — the contours are ellipses around p*. Written around p*, it stays accurate down to a loss of 0.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    path = np.asarray(path, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0:  # no unique p*: evaluate directly, a block of rows at a time
        return np.concatenate([mse(x, y, c[..., 0], c[..., 1]) for c in np.array_split(path, len(path) // 256 + 1)])
    best = least_squares(x, y)
    floor = float(mse(x, y, *best))
    d = path - best
    with np.errstate(all="ignore"):
        return floor + d[..., 0] ** 2 * np.mean(x * x) + 2 * d[..., 0] * d[..., 1] * np.mean(x) + d[..., 1] ** 2


RELATIVE_ZERO = 1e-12  # a loss below this fraction of the starting loss is rounding of an exact fit


def shown_loss(loss: float, start: float) -> float:
    """``loss`` as a page prints it: 0 when below RELATIVE_ZERO·start. An exact fit (n = 2 points,
    or data without noise) has a least-squares MSE of 0 that rounding leaves at ~1e-31."""
    return 0.0 if loss < RELATIVE_ZERO * start else float(loss)


@dataclass(frozen=True)
class Fit:
    """A gradient-descent run on the MSE; row i of each array belongs to update ``update[i]``."""
    path: np.ndarray  # (rows, 2): (a, b) after each update, starting with the start point
    loss: np.ndarray  # (rows,): MSE over all the data
    seen: np.ndarray  # (rows,): examples used so far
    update: np.ndarray  # (rows,): the update number of each row (0, 1, 2, ... unless thinned)
    updates_per_epoch: int
    grad_noise: float  # RMS over the run of |g_batch − ∇MSE|: the gradient's sampling noise
    diverged: bool = False  # the run left every bound (then it stopped there)

    @property
    def updates(self) -> int:
        return int(self.update[-1])

    def thinned(self, max_rows: int = 2000) -> "Fit":
        """The same run with at most ``max_rows`` rows (first and last kept), for figures and caches."""
        n = len(self.update)
        if n <= max_rows:
            return self
        idx = np.unique(np.linspace(0, n - 1, max_rows).round().astype(int))
        return replace(self, path=self.path[idx], loss=self.loss[idx], seen=self.seen[idx], update=self.update[idx])


def _batch_sums(x, y, order, size):
    """Per mini-batch of ``order`` (consecutive chunks of ``size``): count, Σx, Σx², Σy, Σxy.

    The batch gradient needs only these: with m examples,
        ∂/∂a = (2/m)·(a·Σx² + b·Σx − Σxy),   ∂/∂b = (2/m)·(a·Σx + b·m − Σy)
    which is ``grad`` on those examples, summed once per epoch instead of once per update."""
    starts = np.arange(0, len(order), size)
    xo, yo = x[order], y[order]
    count = np.diff(np.append(starts, len(order))).astype(float)
    sums = [np.add.reduceat(v, starts) for v in (xo, xo * xo, yo, xo * yo)]
    return count, *sums


def fit_gd(x, y, optimizer="sgd", epochs: int = 50, batch_size: int | None = None, seed: int = 0,
           start=(0.0, 0.0), **hyperparams) -> Fit:
    """Minimize the MSE over (a, b) with ``optimizer`` (a name from ``optimizers.NAMES`` with its
    hyperparameters as keywords, or an Optimizer).

    ``batch_size``: None or n = full batch (batch learning), B = mini-batches of B examples in a
    fresh random order each epoch (the last one smaller when B does not divide n), 1 = one example
    per update (stochastic gradient descent). Each update's gradient is the mean over its batch."""
    opt = _optimizers.get(optimizer, **hyperparams)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if n < 1 or len(y) != n:
        raise ValueError("x and y must be non-empty and of the same length")
    B = n if batch_size is None else int(batch_size)
    if B < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size!r}")
    B = min(B, n)
    per_epoch = -(-n // B)
    if isinstance(epochs, bool) or int(epochs) != epochs or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0, got {epochs!r}")
    if epochs * per_epoch > MAX_UPDATES:
        raise ValueError(f"{epochs} epochs of {per_epoch} updates is more than {MAX_UPDATES:,} updates; "
                         "use fewer epochs or larger batches")
    # the full gradient from sums computed as a full batch's are, so batch learning's noise is exactly 0
    N, Sx, Sxx, Sy, Sxy = (float(v[0]) for v in _batch_sums(x, y, np.arange(n), n))
    rng = np.random.default_rng(seed)
    p = np.array(start, dtype=float)
    state = opt.init(p)
    path, seen, noise2 = [p], [0], 0.0
    used, diverged = 0, False
    a, b = p.tolist()
    with np.errstate(all="ignore"):  # a diverging run overflows on purpose; it is caught below
        for _ in range(int(epochs)):
            order = rng.permutation(n) if B < n else np.arange(n)
            sums = [v.tolist() for v in _batch_sums(x, y, order, B)]  # Python floats: fast scalar math
            for m, sx, sxx, sy, sxy in zip(*sums):
                ga, gb = 2 * (a * sxx + b * sx - sxy) / m, 2 * (a * sx + b * m - sy) / m
                full_a, full_b = 2 * (a * Sxx + b * Sx - Sxy) / N, 2 * (a * Sx + b * N - Sy) / N
                noise2 += (ga - full_a) ** 2 + (gb - full_b) ** 2
                p, state = opt.update(p, np.array([ga, gb]), state)
                used += int(m)
                path.append(p)
                seen.append(used)
                a, b = p.tolist()
                if not (abs(a) < 1e12 and abs(b) < 1e12):  # NaN fails too
                    diverged = True
                    break
            if diverged:
                break
    path = np.array(path)
    loss = mse_along(x, y, path)
    steps = len(path) - 1
    return Fit(path, loss, np.array(seen), np.arange(steps + 1), per_epoch,
               math.sqrt(noise2 / steps) if steps else 0.0, diverged)
