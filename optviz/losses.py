"""Loss functions on small examples: mean squared error and cross-entropy, with their gradients;
and why we minimize a loss rather than accuracy."""
from __future__ import annotations

import numpy as np

EPS = 1e-7  # keeps log(0) finite, as in the course's cross_entropy_error


def mse(pred, target) -> float:
    """Mean over the elements of (pred − target)² (the convention used throughout the app)."""
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    return float(np.mean((pred - target) ** 2))


def mse_grad(pred, target) -> np.ndarray:
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    return 2 * (pred - target) / pred.size


def sum_squares(pred, target) -> float:
    """The course's 二乗和誤差: ½·Σ(pred − target)²."""
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    return float(0.5 * np.sum((pred - target) ** 2))


def cross_entropy(probs, label: int) -> float:
    """−log p[label] (one example, one-hot target), with ε inside the log."""
    probs = np.asarray(probs, float)
    return float(-np.log(probs[label] + EPS))


def cross_entropy_grad(probs, label: int) -> np.ndarray:
    g = np.zeros_like(np.asarray(probs, float))
    g[label] = -1.0 / (probs[label] + EPS)
    return g


def toy_classification(n: int = 40, seed: int = 0):
    """1-D points: class 1 tends to have larger x (overlapping, so no w is perfect)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(np.where(y == 1, 1.0, -1.0), 1.0)
    return x, y


def accuracy_and_loss_vs_w(x, y, ws, b: float = 0.0):
    """For p = σ(w·x + b): accuracy (a step function of w) and the mean cross-entropy (smooth)."""
    ws = np.asarray(ws, float)[:, None]
    z = ws * x + b
    p = 0.5 * (1 + np.tanh(0.5 * z))
    acc = np.mean((p > 0.5) == (y == 1), axis=1)
    ce = -np.mean(np.where(y == 1, np.log(p + EPS), np.log(1 - p + EPS)), axis=1)
    return acc, ce
