"""A user's own data set from CSV text: two feature columns and a label column, checked for people."""
from __future__ import annotations

import csv
import io

import numpy as np

MAX_ROWS = 5000
MAX_BYTES = 1_000_000
MAX_CLASSES = 10


def parse_csv(raw: bytes | str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(X (n, 2), integer labels y (n,), class names). The last column is the label; the first two
    are the features. A header row is detected when its first two cells are not numbers."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise ValueError(f"the file is too large ({len(raw):,} bytes; at most {MAX_BYTES:,})")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
    if "\x00" in raw:
        raise ValueError("the file contains a NUL byte: it looks like a binary file, not CSV text")
    reader = csv.reader(io.StringIO(raw))
    try:
        rows = [r for r in reader if any(c.strip() for c in r)]
    except csv.Error as e:  # e.g. a cell longer than csv's field limit (131,072 characters)
        raise ValueError(f"line {reader.line_num} cannot be read as CSV: {e}") from None
    if not rows:
        raise ValueError("the file is empty")
    if not _is_number(rows[0][0]) or (len(rows[0]) > 1 and not _is_number(rows[0][1])):
        rows = rows[1:]  # header
    if len(rows) > MAX_ROWS:
        raise ValueError(f"too many rows ({len(rows):,}; at most {MAX_ROWS:,})")
    if len(rows) < 4:
        raise ValueError("need at least 4 data rows")
    X, labels = [], []
    for i, r in enumerate(rows, start=1):
        if len(r) < 3:
            raise ValueError(f"row {i} has {len(r)} columns; need x, y and a label")
        try:
            X.append((float(r[0]), float(r[1])))
        except ValueError:
            raise ValueError(f"row {i}: {r[0]!r} or {r[1]!r} is not a number") from None
        label = r[-1].strip()
        if not label:
            raise ValueError(f"row {i} has an empty label (the last column)")
        labels.append(label)
    X = np.array(X)
    if not np.isfinite(X).all():
        raise ValueError("the features must be finite numbers")
    names = sorted(set(labels), key=lambda s: (not _is_number(s), float(s) if _is_number(s) else 0, s))
    if len(names) < 2:
        raise ValueError("the label column has a single class; need at least two")
    if len(names) > MAX_CLASSES:
        raise ValueError(f"too many classes ({len(names)}; at most {MAX_CLASSES})")
    index = {n: i for i, n in enumerate(names)}
    return X, np.array([index[s] for s in labels], dtype=np.int64), names


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True
