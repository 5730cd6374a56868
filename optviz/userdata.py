"""A user's own data set from CSV text: two feature columns and a label column, checked for people."""
from __future__ import annotations

import csv
import io

import numpy as np

from .errors import CodedError

MAX_ROWS = 5000
MAX_BYTES = 1_000_000
MAX_CLASSES = 10

# English messages; the page shows the catalog's ``userdata.<code>`` in the chosen language.
MESSAGES = {
    "too_large": "the file is too large ({size:,} bytes; at most {max:,})",
    "not_utf8": "the file is not UTF-8 text",
    "nul": "the file contains a NUL byte: it looks like a binary file, not CSV text",
    "unreadable": "line {line} cannot be read as CSV: {reason}",
    "empty": "the file is empty",
    "too_many_rows": "too many rows ({rows:,}; at most {max:,})",
    "too_few_rows": "need at least 4 data rows",
    "columns": "row {row} has {columns} columns; need x, y and a label",
    "not_number": "row {row}: {a!r} or {b!r} is not a number",
    "empty_label": "row {row} has an empty label (the last column)",
    "not_finite": "the features must be finite numbers",
    "single_class": "the label column has a single class; need at least two",
    "too_many_classes": "too many classes ({classes}; at most {max})",
}


class UserDataError(CodedError):
    """A file that cannot be used: ``code`` names the reason (a key of MESSAGES), ``params`` fill
    its message; ``str()`` is the English message."""

    MESSAGES = MESSAGES


def parse_csv(raw: bytes | str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(X (n, 2), integer labels y (n,), class names). The last column is the label; the first two
    are the features. A header row is detected when its first two cells are not numbers."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise UserDataError("too_large", size=len(raw), max=MAX_BYTES)
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserDataError("not_utf8") from None
    if "\x00" in raw:
        raise UserDataError("nul")
    reader = csv.reader(io.StringIO(raw))
    try:
        rows = [r for r in reader if any(c.strip() for c in r)]
    except csv.Error as e:  # e.g. a cell longer than csv's field limit (131,072 characters)
        raise UserDataError("unreadable", line=reader.line_num, reason=str(e)) from None
    if not rows:
        raise UserDataError("empty")
    if not _is_number(rows[0][0]) or (len(rows[0]) > 1 and not _is_number(rows[0][1])):
        rows = rows[1:]  # header
    if len(rows) > MAX_ROWS:
        raise UserDataError("too_many_rows", rows=len(rows), max=MAX_ROWS)
    if len(rows) < 4:
        raise UserDataError("too_few_rows")
    X, labels = [], []
    for i, r in enumerate(rows, start=1):
        if len(r) < 3:
            raise UserDataError("columns", row=i, columns=len(r))
        try:
            X.append((float(r[0]), float(r[1])))
        except ValueError:
            raise UserDataError("not_number", row=i, a=r[0][:30], b=r[1][:30]) from None
        label = r[-1].strip()
        if not label:
            raise UserDataError("empty_label", row=i)
        labels.append(label)
    X = np.array(X)
    if not np.isfinite(X).all():
        raise UserDataError("not_finite")
    names = sorted(set(labels), key=lambda s: (not _is_number(s), float(s) if _is_number(s) else 0, s))
    if len(names) < 2:
        raise UserDataError("single_class")
    if len(names) > MAX_CLASSES:
        raise UserDataError("too_many_classes", classes=len(names), max=MAX_CLASSES)
    index = {n: i for i, n in enumerate(names)}
    return X, np.array([index[s] for s in labels], dtype=np.int64), names


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True
