"""What the MLP trainer shows about a trained network: decision-boundary grid, confusion matrix,
history as CSV (numpy only)."""
from __future__ import annotations

import csv
import io

import numpy as np

from . import features as _features
from .mlp import MLP


def view_box(X, pad: float = 0.3):
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    return lo - pad * span, hi + pad * span


def predict(model: MLP, X) -> np.ndarray:
    """``model.predict(X)``; a diverged network predicts inf/nan without a warning (drawn as gaps)."""
    with np.errstate(all="ignore"):
        return model.predict(X)


def predicted_classes(model: MLP, X) -> np.ndarray:
    """The class each row of X is put in (the largest output)."""
    return predict(model, X).argmax(axis=1)


def boundary_grid(model: MLP, X, extra=(), n: int = 70):
    """Class probabilities of ``model`` on an n × n grid around the data: (xs, ys, P (n, n, C))."""
    lo, hi = view_box(X)
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    G = np.column_stack([a.ravel() for a in np.meshgrid(xs, ys)])
    with np.errstate(all="ignore"):  # as in predict(): a diverged network's inf/nan are drawn as gaps
        P = model.predict_proba(_features.expand(G, extra))
    return xs, ys, P.reshape(n, n, -1)


def regression_curve(model: MLP, X, n: int = 200):
    lo, hi = view_box(X, 0.05)
    xs = np.linspace(lo[0], hi[0], n)
    return xs, predict(model, xs.reshape(-1, 1))[:, 0]


def confusion_matrix(y_true, y_pred, k: int) -> np.ndarray:
    """counts[i, j] = number of samples of true class i predicted as j."""
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return m


def history_csv(history) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "change"])
    changes = dict(history.changes)
    for e in range(history.epochs):
        def get(seq):
            return "" if e >= len(seq) or seq[e] is None else repr(float(seq[e]))
        w.writerow([e + 1, get(history.loss), get(history.accuracy), get(history.test_loss),
                    get(history.test_accuracy), changes.get(e, "")])
    return buf.getvalue()
