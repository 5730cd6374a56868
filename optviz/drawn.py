"""A data set drawn by hand (numpy only): points of up to MAX_CLASSES classes on the plane
[−BOX, BOX]², snapped to a grid of STEP, kept as an (n, 3) array of (x, y, class), and written into
a link compactly: three URL-safe characters per point (its grid column, row and class in one number
below 64³). A link holding more than MAX_POINTS points, or anything else than such triples, is
refused with its reason.
"""
from __future__ import annotations

import csv
import io

import numpy as np

from .errors import CodedError

BOX = 2.0
STEP = 0.05
CELLS = int(round(2 * BOX / STEP)) + 1  # 81 grid positions per axis
MAX_CLASSES = 6
MAX_POINTS = 300
REMOVE_RADIUS = 0.12  # a click this close to a point removes it
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}

MESSAGES = {
    "too_many": "a drawing holds at most {most} points; this one has {n}",
    "length": "a drawing is written as 3 characters per point; this one has {n} characters",
    "character": "{char} cannot appear in a drawing",
    "value": "point {i} lies outside the drawing's plane or has a class beyond {most}",
}


class DrawnError(CodedError):
    MESSAGES = MESSAGES


def empty() -> np.ndarray:
    return np.zeros((0, 3))


def _cell(v: float) -> int:
    return int(round((float(v) + BOX) / STEP))


def snap(x: float, y: float) -> tuple[float, float] | None:
    """(x, y) on the grid, or None outside the plane (or not a number)."""
    if not (np.isfinite(x) and np.isfinite(y)) or abs(x) > BOX + STEP / 2 or abs(y) > BOX + STEP / 2:
        return None
    i, j = min(max(_cell(x), 0), CELLS - 1), min(max(_cell(y), 0), CELLS - 1)
    return round(i * STEP - BOX, 10), round(j * STEP - BOX, 10)


def click(points: np.ndarray, x: float, y: float, cls: int) -> np.ndarray:
    """What a click at (x, y) does: remove the nearest point within REMOVE_RADIUS, else add a point
    of class ``cls`` there (on the grid; nothing outside the plane, or beyond MAX_POINTS)."""
    points = np.asarray(points, dtype=float).reshape(-1, 3)
    if len(points):
        d = np.hypot(points[:, 0] - x, points[:, 1] - y)
        k = int(np.argmin(d))
        if d[k] <= REMOVE_RADIUS:
            return np.delete(points, k, axis=0)
    at = snap(x, y)
    if at is None or len(points) >= MAX_POINTS or not 0 <= int(cls) < MAX_CLASSES:
        return points
    return np.vstack([points, [at[0], at[1], int(cls)]])


def from_data(X, y, most: int = MAX_POINTS) -> np.ndarray:
    """A generated data set as a drawing to start from: its first ``most`` points (of its first
    MAX_CLASSES classes) scaled into the plane and snapped to the grid."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    keep = y < MAX_CLASSES
    X, y = X[keep][:most], y[keep][:most]
    if not len(X):
        return empty()
    scale = 0.9 * BOX / max(float(np.abs(X).max()), 1e-9)
    P = np.clip(np.round((X * scale + BOX) / STEP), 0, CELLS - 1) * STEP - BOX
    return np.column_stack([np.round(P, 10), y.astype(float)])


def encode(points: np.ndarray) -> str:
    out = []
    for x, y, c in np.asarray(points).reshape(-1, 3):
        v = (_cell(x) * CELLS + _cell(y)) * MAX_CLASSES + int(c)
        out.append(ALPHABET[v // 4096] + ALPHABET[v // 64 % 64] + ALPHABET[v % 64])
    return "".join(out)


def decode(text: str) -> np.ndarray:
    """The points of a link's drawing; DrawnError for anything that is not one."""
    text = str(text)
    if len(text) > 3 * MAX_POINTS:
        raise DrawnError("too_many", most=MAX_POINTS, n=len(text) // 3)
    if len(text) % 3:
        raise DrawnError("length", n=len(text))
    for ch in text:
        if ch not in _INDEX:
            raise DrawnError("character", char=repr(ch)[:12])
    rows = []
    for i in range(0, len(text), 3):
        v = _INDEX[text[i]] * 4096 + _INDEX[text[i + 1]] * 64 + _INDEX[text[i + 2]]
        cell, c = divmod(v, MAX_CLASSES)
        a, b = divmod(cell, CELLS)
        if a >= CELLS:
            raise DrawnError("value", i=i // 3 + 1, most=MAX_CLASSES - 1)
        rows.append((round(a * STEP - BOX, 10), round(b * STEP - BOX, 10), c))
    return np.array(rows, dtype=float).reshape(-1, 3)


def to_csv(points: np.ndarray) -> str:
    """The drawing as the CSV the MLP trainer's upload reads: x, y, label."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["x", "y", "label"])
    for x, y, c in np.asarray(points).reshape(-1, 3):
        w.writerow([f"{x:g}", f"{y:g}", int(c)])
    return buf.getvalue()


def as_data(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of the drawing, the labels as integers."""
    p = np.asarray(points, dtype=float).reshape(-1, 3)
    return p[:, :2].copy(), p[:, 2].astype(int)
