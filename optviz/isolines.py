"""Contour lines of a sampled surface, computed here rather than by plotly.js (numpy only).

A figure whose frames move paths over a contour *trace* must be redrawn whole on every frame
(plotly.js removes a contour it does not redraw), three times slower than moving the paths alone.
Drawn into one layout image (an SVG of its lines over a PNG of its filled bands), the contour is
not a trace, and the frames of the scrub slider move only the paths.

- ``levels``: the levels plotly.js picks for ``ncontours`` (a round step, {2, 5, 10} × 10ᵏ), so a
  chart drawn either way shows the same lines;
- ``isolines``: marching squares, each level's crossings joined into polylines (a saddle cell is
  resolved by its centre value);
- ``svg_path``: the polylines as one SVG path in data coordinates;
- ``band_png``: the filled bands as a PNG (zlib, no image library), lowest row at the bottom.
"""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def levels(z: np.ndarray, n: int = 28) -> np.ndarray:
    """At most ``n`` levels at a round step over the finite range of ``z``, as plotly.js picks
    them for ``ncontours``: the step is the smallest of {2, 5, 10} × 10ᵏ (10ᵏ ≤ (max − min) / n)
    at least (max − min) / n; the levels are its multiples strictly inside the range."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.empty(0)
    lo, hi = float(finite.min()), float(finite.max())
    if not hi > lo:
        return np.empty(0)
    raw = (hi - lo) / n
    base = 10.0 ** np.floor(np.log10(raw))
    step = next(m * base for m in (2, 5, 10) if m * base >= raw * (1 - 1e-12))
    first = np.floor(lo / step) + 1
    last = np.ceil(hi / step) - 1
    return np.arange(first, last + 1) * step


# marching squares: the corners of a cell (bottom-left, bottom-right, top-right, top-left) at or
# above the level give its case (bits 1, 2, 4, 8); each case joins crossings on the edges
# B(ottom), R(ight), T(op), L(eft). A saddle (5, 10) has two segments, which cut off the corners
# unlike its centre: cases 16–19 are the saddles by their centre.
_B, _R, _T, _L = range(4)
_SEGMENTS = {1: [(_L, _B)], 2: [(_B, _R)], 3: [(_L, _R)], 4: [(_R, _T)], 6: [(_B, _T)], 7: [(_L, _T)],
             8: [(_T, _L)], 9: [(_B, _T)], 11: [(_R, _T)], 12: [(_L, _R)], 13: [(_B, _R)], 14: [(_L, _B)],
             16: [(_B, _R), (_T, _L)], 17: [(_L, _B), (_R, _T)],   # 5 (bottom-left, top-right up): centre up, down
             18: [(_L, _B), (_R, _T)], 19: [(_B, _R), (_T, _L)]}   # 10 (bottom-right, top-left up): centre up, down
_FIRST = np.full((20, 2), -1)
_SECOND = np.full((20, 2), -1)
for _c, _pairs in _SEGMENTS.items():
    _FIRST[_c] = _pairs[0]
    if len(_pairs) > 1:
        _SECOND[_c] = _pairs[1]


def isolines(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, level: float) -> list[np.ndarray]:
    """The contour lines of ``Z`` (rows along ``ys``, columns along ``xs``) at ``level``: a list
    of polylines, each a (k, 2) array of (x, y), closed ones ending where they start. Cells with a
    non-finite corner are left out (a line ends there)."""
    xs, ys, Z = np.asarray(xs, float), np.asarray(ys, float), np.asarray(Z, float)
    ny, nx = Z.shape
    with np.errstate(invalid="ignore"):
        up = Z >= level
    ok = np.isfinite(Z)
    cell_ok = ok[:-1, :-1] & ok[:-1, 1:] & ok[1:, :-1] & ok[1:, 1:]
    case = (up[:-1, :-1] * 1 + up[:-1, 1:] * 2 + up[1:, 1:] * 4 + up[1:, :-1] * 8) * cell_ok
    i, j = np.nonzero((case > 0) & (case < 15))
    if not i.size:
        return []
    c = case[i, j]
    saddle = (c == 5) | (c == 10)
    if saddle.any():
        centre = (Z[i, j] + Z[i, j + 1] + Z[i + 1, j] + Z[i + 1, j + 1]) / 4 >= level
        c = np.where(saddle, 16 + 2 * (c == 10) + ~centre, c)
    nh = ny * (nx - 1)  # horizontal edges' ids first (row i, columns j..j+1), then vertical ones
    side_ids = np.stack([i * (nx - 1) + j, nh + i * nx + j + 1, (i + 1) * (nx - 1) + j, nh + i * nx + j], axis=1)
    rows = np.arange(i.size)
    segs = np.stack([side_ids[rows, _FIRST[c, 0]], side_ids[rows, _FIRST[c, 1]]], axis=1)
    two = _SECOND[c, 0] >= 0
    if two.any():
        r2 = rows[two]
        segs = np.concatenate([segs, np.stack([side_ids[r2, _SECOND[c[two], 0]],
                                               side_ids[r2, _SECOND[c[two], 1]]], axis=1)])
    # the crossing on every edge, by its id
    with np.errstate(all="ignore"):
        th = (level - Z[:, :-1]) / (Z[:, 1:] - Z[:, :-1])
        tv = (level - Z[:-1, :]) / (Z[1:, :] - Z[:-1, :])
    hx = xs[:-1] + np.clip(np.nan_to_num(th), 0, 1) * np.diff(xs)
    vy = ys[:-1, None] + np.clip(np.nan_to_num(tv), 0, 1) * np.diff(ys)[:, None]
    px = np.concatenate([hx.ravel(), np.broadcast_to(xs, (ny - 1, nx)).ravel()])
    py = np.concatenate([np.broadcast_to(ys[:, None], (ny, nx - 1)).ravel(), vy.ravel()])

    # each edge lies on at most two segments (its two cells): walk the chains
    neighbours: dict[int, list[int]] = {}
    for a, b in segs.tolist():
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set[int] = set()
    lines = []
    ends = [e for e, nb in neighbours.items() if len(nb) == 1]
    for start in ends + list(neighbours):
        if start in seen:
            continue
        chain = [start]
        seen.add(start)
        prev, cur = None, start
        while True:
            nxt = [e for e in neighbours[cur] if e != prev and e not in seen]
            if not nxt:
                if len(chain) > 2 and start in neighbours[cur] and prev is not None:
                    chain.append(start)  # a closed line
                break
            prev, cur = cur, nxt[0]
            chain.append(cur)
            seen.add(cur)
        idx = np.array(chain)
        lines.append(np.column_stack([px[idx], py[idx]]))
    return lines


def svg_path(lines_by_level, span: float) -> str:
    """Polylines as one SVG path ("Mx,y Lx,y …") in data coordinates, rounded to about 1/5 000 of
    ``span`` (the view's width or height: far finer than a pixel)."""
    decimals = max(0, int(np.ceil(np.log10(5000 / span)))) if span > 0 else 6
    fmt = f"{{:.{decimals}f}},{{:.{decimals}f}}".format
    parts = []
    for lines in lines_by_level:
        for line in lines:
            if len(line) >= 2:
                parts.append("M" + " L".join(map(fmt, line[:, 0].tolist(), line[:, 1].tolist())))
    return " ".join(parts)


def band_png(zplot: np.ndarray, levels_: np.ndarray, low: str, high: str) -> str:
    """The filled bands between ``levels_`` as a PNG data URI: each band a colour between ``low``
    and ``high`` (hex), as plotly fills a contour; the image's top row is ``zplot``'s last (its
    largest y). Non-finite values are white."""
    lo = np.array([int(low[k:k + 2], 16) for k in (1, 3, 5)], float)
    hi = np.array([int(high[k:k + 2], 16) for k in (1, 3, 5)], float)
    band = np.searchsorted(levels_, np.nan_to_num(zplot, nan=-np.inf), side="right")
    share = band / max(len(levels_), 1)
    rgb = (lo + share[..., None] * (hi - lo)).round().astype(np.uint8)
    rgb[~np.isfinite(zplot)] = 255
    rgb = rgb[::-1]  # image rows run top to bottom
    h, w = rgb.shape[:2]
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
