"""Seeded toy data sets, all generated (never downloaded).

Classification sets return ``X`` (n, 2) float64 and integer labels ``y`` (n,); ``regression``
returns ``X`` (n, 1) and float targets ``y`` (n,).
"""
from __future__ import annotations

import numpy as np

CLASSIFICATION = ("xor", "moons", "circles", "spiral", "blobs")
REGRESSION = ("regression",)
NAMES = CLASSIFICATION + REGRESSION
MAX_POINTS = 20_000


def _split_counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def xor(n=200, noise=0.2, rng=None):
    """Four clusters at (±1, ±1); label 1 where the signs differ. n=4, noise=0 gives the truth table."""
    corners = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=float)
    which = np.arange(n) % 4
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = (corners[which, 0] * corners[which, 1] < 0).astype(np.int64)
    return X, y


def moons(n=200, noise=0.1, rng=None):
    n0, n1 = _split_counts(n, 2)
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n1)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    X = X - [0.5, 0.25]
    X += noise * rng.standard_normal(X.shape)
    return X, np.r_[np.zeros(n0), np.ones(n1)].astype(np.int64)


def circles(n=200, noise=0.1, rng=None, factor=0.5):
    n0, n1 = _split_counts(n, 2)
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.r_[np.ones(n0), np.full(n1, factor)]
    X = np.c_[r * np.cos(t), r * np.sin(t)] + noise * rng.standard_normal((n, 2))
    return X, np.r_[np.zeros(n0), np.ones(n1)].astype(np.int64)


def spiral(n=300, noise=0.1, rng=None, classes=2):
    """``classes`` interleaved arms, each turning once and a half around the origin."""
    if not 2 <= classes <= 8:
        raise ValueError("spiral needs 2 to 8 classes")
    Xs, ys = [], []
    for c, m in enumerate(_split_counts(n, classes)):
        r = np.linspace(0.05, 1.0, m)
        t = 3 * np.pi * r + 2 * np.pi * c / classes
        Xs.append(np.c_[r * np.sin(t), r * np.cos(t)] + noise * rng.standard_normal((m, 2)) * 0.5)
        ys.append(np.full(m, c))
    return np.concatenate(Xs), np.concatenate(ys).astype(np.int64)


def blobs(n=200, noise=0.5, rng=None, classes=3):
    """Gaussian blobs with centres on a circle of radius 2."""
    if not 2 <= classes <= 8:
        raise ValueError("blobs needs 2 to 8 classes")
    angles = 2 * np.pi * np.arange(classes) / classes
    centres = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    y = np.arange(n) % classes
    X = centres[y] + noise * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def regression(n=100, noise=0.1, rng=None):
    """y = sin(2x) + 0.3x + noise on x ∈ [−2, 2]."""
    x = np.sort(rng.uniform(-2, 2, n))
    y = np.sin(2 * x) + 0.3 * x + noise * rng.standard_normal(n)
    return x.reshape(-1, 1), y


_MAKERS = {"xor": xor, "moons": moons, "circles": circles, "spiral": spiral, "blobs": blobs,
           "regression": regression}


def make(name: str, n: int = 200, noise: float = 0.1, seed: int = 0, **kw):
    """Generate data set ``name`` with ``n`` points, noise level and seed: returns (X, y)."""
    if name not in _MAKERS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(NAMES)}")
    if not 1 <= int(n) <= MAX_POINTS:
        raise ValueError(f"n must be from 1 to {MAX_POINTS}, got {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be zero or positive, got {noise!r}")
    return _MAKERS[name](int(n), float(noise), rng=np.random.default_rng(seed), **kw)


def train_test_split(X, y, test_fraction: float = 0.2, seed: int = 0):
    """Shuffle with ``seed`` and hold out ``test_fraction`` of the points: (X_tr, y_tr, X_te, y_te)."""
    if not 0 <= test_fraction < 1:
        raise ValueError("test_fraction must be in [0, 1)")
    n = len(X)
    order = np.random.default_rng(seed).permutation(n)
    k = int(round(n * test_fraction))
    te, tr = order[:k], order[k:]
    return X[tr], y[tr], X[te], y[te]
