"""Fitting a line y = a·x + b: least squares in closed form, and gradient descent on the MSE with any
optimizer of the core and any batch size (full batch, mini-batch, one sample)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import optimizers as _optimizers


def make_line(a: float = 2.0, b: float = 1.0, noise: float = 1.0, n: int = 50, seed: int = 0):
    """n points with x uniform on [−3, 3] and y = a·x + b + N(0, noise²)."""
    if not 2 <= int(n) <= 10_000:
        raise ValueError("n must be from 2 to 10000")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, int(n))
    return x, a * x + b + noise * rng.standard_normal(int(n))


def least_squares(x, y) -> np.ndarray:
    """(a, b) minimizing Σ(a·x + b − y)², from the normal equations via numpy's lstsq."""
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


@dataclass
class Fit:
    path: np.ndarray  # (updates+1, 2): (a, b) after each update
    loss: np.ndarray  # (updates+1,): MSE over all the data
    seen: np.ndarray  # (updates+1,): examples used so far
    updates_per_epoch: int
    grad_noise: float  # mean relative deviation of the batch gradient from the full gradient


def fit_gd(x, y, optimizer="sgd", epochs: int = 50, batch_size: int | None = None, seed: int = 0,
           start=(0.0, 0.0), **hyperparams) -> Fit:
    """Minimize the MSE over (a, b); batch_size None = full batch, 1 = one sample at a time (SGD)."""
    opt = _optimizers.get(optimizer, **hyperparams)
    n = len(x)
    B = n if batch_size is None else int(batch_size)
    if not 1 <= B:
        raise ValueError("batch size must be at least 1")
    B = min(B, n)
    rng = np.random.default_rng(seed)
    p = np.array(start, dtype=float)
    state = opt.init(p)
    path, seen, noise = [p.copy()], [0], []
    total = 0
    with np.errstate(all="ignore"):
        for _ in range(int(epochs)):
            order = rng.permutation(n) if B < n else np.arange(n)
            for s in range(0, n, B):
                idx = order[s:s + B]
                g = grad(x[idx], y[idx], p[0], p[1])
                full = grad(x, y, p[0], p[1])
                norm = np.linalg.norm(full)
                if norm > 0:
                    noise.append(np.linalg.norm(g - full) / norm)
                p, state = opt.update(p, g, state)
                total += len(idx)
                path.append(p.copy())
                seen.append(total)
                if not np.all(np.isfinite(p)):
                    break
    path = np.array(path)
    return Fit(path, mse(x, y, path[:, 0], path[:, 1]), np.array(seen), -(-n // B),
               float(np.mean(noise)) if noise else 0.0)
