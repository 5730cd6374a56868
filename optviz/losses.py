"""Loss functions on small examples, each with its gradient beside it; and why we minimize a loss
rather than accuracy.

    mean squared error       MSE = (1/K)·Σ_k (y_k − t_k)²        ∂/∂y_k = (2/K)·(y_k − t_k)
    sum of squares (二乗和)   E = ½·Σ_k (y_k − t_k)²              ∂/∂y_k = y_k − t_k
    cross-entropy            E = −Σ_k t_k·log(y_k + ε)           ∂/∂y_k = −t_k / (y_k + ε)
"""
from __future__ import annotations

import math

import numpy as np

from .errors import CodedError

EPS = 1e-7  # keeps log(0) finite, as the course's cross_entropy_error does
MAX_CLASSES = 10


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


def sum_squares_grad(pred, target) -> np.ndarray:
    return np.asarray(pred, float) - np.asarray(target, float)


def cross_entropy(probs, label: int) -> float:
    """−log(p[label] + ε): one example with a one-hot target."""
    probs = np.asarray(probs, float)
    return float(-np.log(probs[label] + EPS))


def cross_entropy_grad(probs, label: int) -> np.ndarray:
    probs = np.asarray(probs, float)
    g = np.zeros_like(probs)
    g[label] = -1.0 / (probs[label] + EPS)
    return g


# English messages; the pages show the catalog's ``loss.err_<code>`` in the chosen language.
MESSAGES = {
    "not_number": "'{value}' is not a number",
    "count": "give 2 to {max} predictions, got {got}",
    "range": "predictions must be finite numbers ≥ 0",
    "all_zero": "at least one prediction must be above 0",
}


class PredictionError(CodedError):
    """Predictions that cannot be read: ``code`` names the reason (a key of MESSAGES), ``params``
    fill its message; ``str()`` is the English message."""

    MESSAGES = MESSAGES


def parse_predictions(text: str) -> np.ndarray:
    """Network outputs typed as numbers separated by commas or spaces (2 to 10 of them, each ≥ 0,
    not all 0), e.g. "0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0". Raises PredictionError."""
    items = [s for s in text.replace(",", " ").replace("、", " ").split() if s]
    try:
        values = np.array([float(s) for s in items])
    except ValueError:
        bad = next(s for s in items if not _is_number(s))
        raise PredictionError("not_number", value=bad) from None
    if not 2 <= len(values) <= MAX_CLASSES:
        raise PredictionError("count", max=MAX_CLASSES, got=len(values))
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise PredictionError("range")
    if values.sum() == 0:
        raise PredictionError("all_zero")
    return values


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def as_probabilities(values) -> tuple[np.ndarray, bool]:
    """``values`` scaled to sum to 1 (as a softmax output does), and whether they had to be."""
    values = np.asarray(values, float)
    total = values.sum()
    if math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-9):
        return values, False
    return values / total, True


# --- why not accuracy ----------------------------------------------------------------------------

TOY_BIAS = 0.5  # the toy classifier p = σ(w·x + 0.5): its boundary x = −0.5/w sweeps over the points


def toy_classification(n: int = 40, seed: int = 1, separation: float = 0.75):
    """1-D points, x ~ N(±separation, 1): class 1 tends to have larger x, but the classes overlap,
    so no w is perfect and the best cross-entropy lies inside w ∈ [−3, 3]."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(np.where(y == 1, separation, -separation), 1.0)
    return x, y


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # = 1/(1 + e^−z), without overflow


def accuracy_and_loss_vs_w(x, y, ws, b: float = 0.0):
    """For p = σ(w·x + b) at each w of ``ws``: the accuracy (a staircase in w) and the mean
    binary cross-entropy −mean(y·log p + (1 − y)·log(1 − p)) (smooth in w)."""
    ws = np.asarray(ws, float)[:, None]
    p = _sigmoid(ws * x + b)
    acc = np.mean((p > 0.5) == (y == 1), axis=1)
    ce = -np.mean(np.where(y == 1, np.log(p + EPS), np.log(1 - p + EPS)), axis=1)
    return acc, ce


def ce_grad_w(x, y, w: float, b: float = 0.0) -> float:
    """∂(mean binary cross-entropy)/∂w = mean((σ(w·x + b) − y)·x) (ε neglected); the accuracy's
    derivative is 0 wherever it is defined."""
    return float(np.mean((_sigmoid(w * x + b) - y) * x))


def accuracy_slope(x, y, w: float, b: float = 0.0, h: float = 1e-4) -> float:
    """Central difference of the accuracy in w: 0 except within h of a jump (then about 1/(2nh))."""
    acc, _ = accuracy_and_loss_vs_w(x, y, [w - h, w + h], b)
    return float((acc[1] - acc[0]) / (2 * h))
