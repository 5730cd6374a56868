"""A user's own data set from CSV text: two feature columns and a label column, checked for people."""
from __future__ import annotations

import csv
import io
import math
import re

import numpy as np

from .errors import CodedError

MAX_ROWS = 5000
MIN_ROWS = 4
MAX_BYTES = 1_000_000
MAX_CLASSES = 10
MAX_ABS = 1_000_000  # larger features overflow the network (x² features, tanh saturation, exp)
SEPARATORS = (",", ";", "\t")  # in this order of preference when a file reads equally well with two
SNIFF_LINES = 50
CELL_SHOWN = 30  # a cell quoted in a message is cut to this many characters

# English messages; the page shows the catalog's ``userdata.<code>`` in the chosen language. Lines
# are counted as in the file (an editor's line numbers: the header and blank lines count), columns
# from 1.
MESSAGES = {
    "too_large": "the file is too large ({size:,} bytes; at most {max:,})",
    "not_utf8": "the file is not UTF-8 text",
    "nul": "the file contains a NUL byte: it looks like a binary file, not CSV text",
    "unreadable": "line {line} cannot be read as CSV: {reason}",
    "cell_too_long": "line {line} cannot be read as CSV: a cell is longer than {max:,} characters "
                     "(is a closing quote \" missing?)",
    "unclosed_quote": "line {line}: a quoted cell runs over several lines (is a closing quote \" missing?)",
    "empty": "the file is empty",
    "no_values": "the file has no values: every line is blank or holds only separators",
    "too_many_rows": "too many rows ({rows:,}; at most {max:,})",
    "too_few_rows": "need at least {min} data rows; the file has {rows}",
    "columns": "line {line} has the wrong number of columns ({columns}); need 3 (x, y, label) separated "
               "by commas, semicolons or tabs",
    "not_number": "line {line}, column {column}: {value!r} is not a number",
    "not_number_header": "line {line}, column {column}: {value!r} is not a number (a header line needs "
                         "names in both the x and y columns, a data line numbers in both)",
    "decimal_comma": "line {line}, column {column}: {value!r} has a decimal comma, but the columns are "
                     "separated by commas; write a decimal point (1.5) or separate the columns with semicolons",
    "empty_value": "line {line}, column {column} is empty; x and y must be numbers",
    "not_finite": "line {line}, column {column}: {value!r} is not a finite number",
    "too_big": "line {line}, column {column}: {value!r} is out of range; x and y must be between "
               "-{max:,} and {max:,}",
    "empty_label": "line {line} has an empty label (the last column)",
    "single_class": "the label column has a single class; need at least two",
    "too_many_classes": "too many classes ({classes}; at most {max})",
}


class UserDataError(CodedError):
    """A file that cannot be used: ``code`` names the reason (a key of MESSAGES), ``params`` fill
    its message; ``str()`` is the English message."""

    MESSAGES = MESSAGES


def parse_csv(raw: bytes | str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(X (n, 2), integer labels y (n,), class names) from CSV text with the columns x, y, label.

    - The separator is a comma, a semicolon or a tab, whichever the first lines read as data with.
      With a semicolon or a tab, a decimal comma ("1,5") is accepted.
    - Line endings \\r\\n, \\r and \\n; UTF-8 with or without a byte-order mark.
    - The first line is a header when both its feature cells (x and y) are texts, not numbers; any other
      line with a feature that is not a number is refused, naming the line and the column.
    - Blank lines (or lines of separators only) are skipped; empty cells after the third are
      dropped, any other extra column is refused.
    - Numeric labels that are equal as numbers ("1", "1.0") are one class, named by the shortest
      spelling (the first of equally short ones)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise UserDataError("too_large", size=len(raw), max=MAX_BYTES)
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserDataError("not_utf8") from None
    text = raw.removeprefix("\ufeff")
    if "\x00" in text:
        raise UserDataError("nul")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac files end lines with \r alone
    if not text.strip("\n"):
        raise UserDataError("empty")
    sep = _separator(text)
    rows = _read(text, sep)  # [(line, cells)] of the lines with a value
    if not rows:
        raise UserDataError("no_values")
    first_line, first = rows[0]
    if len(first) >= 2 and all(c.strip() and _number(c, sep) is None for c in first[:2]):
        _check_columns(first_line, first)
        rows = rows[1:]  # header
    X, labels = [], []
    for i, (line, r) in enumerate(rows):
        _check_columns(line, r)
        X.append(_features(line, r, sep, may_be_header=i == 0 and line == first_line))
        label = r[2].strip()
        if not label:
            raise UserDataError("empty_label", line=line)
        labels.append(label)
    if len(X) > MAX_ROWS:
        raise UserDataError("too_many_rows", rows=len(X), max=MAX_ROWS)
    if len(X) < MIN_ROWS:
        raise UserDataError("too_few_rows", min=MIN_ROWS, rows=len(X))
    names, y = _classes(labels, sep)
    if len(names) < 2:
        raise UserDataError("single_class")
    if len(names) > MAX_CLASSES:
        raise UserDataError("too_many_classes", classes=len(names), max=MAX_CLASSES)
    return np.array(X, dtype=float), np.array(y, dtype=np.int64), names


def _separator(text: str) -> str:
    """The separator the first lines read best with: most lines of ≥ 3 cells whose first two are
    numbers, then most lines of ≥ 2 cells (for a message about the columns), then SEPARATORS' order."""
    sample = [line for line in text.split("\n", 4 * SNIFF_LINES)[:4 * SNIFF_LINES] if line.strip()]
    sample = sample[:SNIFF_LINES]

    def score(sep):
        data = split = 0
        for line in sample:
            try:
                cells = next(csv.reader([line], delimiter=sep), [])
            except csv.Error:  # a cell over the field limit: the full read says so
                continue
            split += len(cells) >= 2
            data += len(cells) >= 3 and all(_number(c, sep) is not None for c in cells[:2])
        return data, split

    return max(SEPARATORS, key=lambda sep: (*score(sep), -SEPARATORS.index(sep)))


def _read(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """The records with a non-blank cell, each with the file line it starts on."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows, line = [], 1
    try:
        for r in reader:
            if any(c.strip() for c in r):
                if any("\n" in c for c in r):
                    raise UserDataError("unclosed_quote", line=line)
                rows.append((line, r))
            line = reader.line_num + 1
    except csv.Error as e:
        if "field limit" in str(e):
            raise UserDataError("cell_too_long", line=reader.line_num, max=csv.field_size_limit()) from None
        raise UserDataError("unreadable", line=reader.line_num, reason=str(e)) from None
    return rows


def _check_columns(line: int, r: list[str]) -> None:
    while len(r) > 3 and not r[-1].strip():  # "1,2,a," or Excel's trailing ";;": nothing is lost
        r.pop()
    if len(r) != 3:
        raise UserDataError("columns", line=line, columns=len(r))


def _features(line: int, r: list[str], sep: str, may_be_header: bool) -> tuple[float, float]:
    values = [_number(c, sep) for c in r[:2]]
    for column, (cell, v) in enumerate(zip(r[:2], values), start=1):
        shown = _shown(cell)
        if not cell.strip():
            raise UserDataError("empty_value", line=line, column=column)
        if v is None:
            if sep == "," and _DECIMAL_COMMA.fullmatch(cell.strip()):
                raise UserDataError("decimal_comma", line=line, column=column, value=shown)
            code = "not_number_header" if may_be_header else "not_number"
            raise UserDataError(code, line=line, column=column, value=shown)
        if math.isnan(v) or (math.isinf(v) and "inf" in cell.lower()):
            raise UserDataError("not_finite", line=line, column=column, value=shown)
        if abs(v) > MAX_ABS:
            raise UserDataError("too_big", line=line, column=column, value=shown, max=MAX_ABS)
    return values[0], values[1]


def _classes(labels: list[str], sep: str) -> tuple[list[str], list[int]]:
    """Class names (numbers in numeric order, then texts in text order) and each label's index."""
    key_of, spellings = {}, {}  # label -> class key; class key -> its spellings in order of appearance
    for s in labels:
        if s not in key_of:
            v = _number(s, sep)
            key_of[s] = (0, v, "") if v is not None and math.isfinite(v) else (1, 0.0, s)
            spellings.setdefault(key_of[s], []).append(s)
    keys = sorted(spellings)
    names = [min(spellings[k], key=len) for k in keys]
    index = {k: i for i, k in enumerate(keys)}
    return names, [index[key_of[s]] for s in labels]


_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")


def _number(cell: str, sep: str) -> float | None:
    """The cell as a number, or None; with a ';' or tab separator a decimal comma is accepted."""
    s = cell.strip()
    if sep != "," and _DECIMAL_COMMA.fullmatch(s):
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _shown(cell: str) -> str:
    """A cell as quoted in a message: stripped, cut to CELL_SHOWN characters."""
    s = cell.strip()
    return s if len(s) <= CELL_SHOWN else s[:CELL_SHOWN - 1] + "…"
