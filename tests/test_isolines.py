"""Contour lines computed in numpy (the scrub figure draws them as a shape, not a contour trace)."""
from __future__ import annotations

import base64
import re
import struct
import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optviz import isolines as I


def test_levels_follow_plotlys_round_steps_strictly_inside_the_range():
    # range 100 over 28 levels: a rough step of 3.6 → 5 (of 2, 5, 10 × 10ᵏ): 5, 10, …, 95
    assert np.allclose(I.levels(np.array([0.0, 100.0])), np.arange(5, 100, 5))
    # a range of 1 over 28: 0.036 → 0.05; levels inside (−0.3, 0.7)
    lv = I.levels(np.array([-0.3, 0.7]))
    assert np.allclose(np.diff(lv), 0.05) and lv[0] > -0.3 and lv[-1] < 0.7 and len(lv) == 19
    assert len(I.levels(np.array([3.0, 3.0]))) == 0 and len(I.levels(np.array([np.nan]))) == 0
    for span in (1e-3, 0.7, 13.0, 2.4e5):  # never more than asked
        assert 1 <= len(I.levels(np.array([0.0, span]), 28)) <= 28


def test_a_cone_has_one_closed_circle_per_level():
    xs = ys = np.linspace(-2, 2, 81)
    X, Y = np.meshgrid(xs, ys)
    Z = np.hypot(X, Y)
    for r in (0.5, 1.0, 1.7):
        lines = I.isolines(xs, ys, Z, r)
        assert len(lines) == 1
        line = lines[0]
        assert np.allclose(line[0], line[-1]) and len(line) > 20  # closed
        assert np.allclose(np.hypot(line[:, 0], line[:, 1]), r, atol=2e-3)


def test_a_plane_gives_one_straight_line_across_the_grid():
    xs, ys = np.linspace(0, 1, 11), np.linspace(0, 2, 21)
    X, _ = np.meshgrid(xs, ys)
    lines = I.isolines(xs, ys, X, 0.55)
    assert len(lines) == 1
    assert np.allclose(lines[0][:, 0], 0.55)
    assert sorted(lines[0][[0, -1], 1]) == [0.0, 2.0]


def test_non_finite_cells_are_left_out():
    xs = ys = np.linspace(-1, 1, 21)
    X, Y = np.meshgrid(xs, ys)
    Z = X.copy()
    Z[:, 10] = np.nan  # the column where the line would be
    assert I.isolines(xs, ys, Z, 0.0) == []
    Z = X.copy()
    Z[10, :] = np.inf  # a row across the line cuts it in two
    lines = I.isolines(xs, ys, Z, 0.05)
    assert len(lines) == 2 and all(np.isfinite(line).all() for line in lines)


def _interpolated(xs, ys, Z, p):
    """Z linearly interpolated along the grid edge that point p lies on."""
    x, y = p
    i = np.searchsorted(ys, y)
    j = np.searchsorted(xs, x)
    if i < len(ys) and np.isclose(ys[i], y):  # on a horizontal edge of row i
        j = min(max(j, 1), len(xs) - 1)
        t = (x - xs[j - 1]) / (xs[j] - xs[j - 1])
        return Z[i, j - 1] + t * (Z[i, j] - Z[i, j - 1])
    j = int(np.argmin(abs(xs - x)))
    assert np.isclose(xs[j], x)  # else on a vertical edge of column j
    i = min(max(i, 1), len(ys) - 1)
    t = (y - ys[i - 1]) / (ys[i] - ys[i - 1])
    return Z[i - 1, j] + t * (Z[i, j] - Z[i - 1, j])


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 12), st.integers(3, 12), st.integers(0, 2 ** 31 - 1), st.floats(-0.9, 0.9))
def test_every_crossing_is_on_the_level_and_every_crossed_edge_is_drawn_once(nx, ny, seed, level):
    """The class: any sampled surface. Each vertex of a line lies on a grid edge where Z, linearly
    interpolated, equals the level; every edge whose ends lie on both sides is a vertex exactly once
    (the start of a closed line again at its end); consecutive vertices share a cell."""
    rng = np.random.default_rng(seed)
    xs, ys = np.sort(rng.uniform(0, 10, nx)), np.sort(rng.uniform(0, 5, ny))
    xs, ys = np.unique(xs), np.unique(ys)
    Z = rng.uniform(-1, 1, (len(ys), len(xs)))
    lines = I.isolines(xs, ys, Z, level)
    pts = []
    for line in lines:
        closed = len(line) > 2 and np.array_equal(line[0], line[-1])
        pts.extend(line[:-1] if closed else line)
        for p in line:
            assert abs(_interpolated(xs, ys, Z, p) - level) < 1e-9
        cell_x = np.searchsorted(xs, line[:, 0], side="right")
        cell_y = np.searchsorted(ys, line[:, 1], side="right")
        assert (np.abs(np.diff(cell_x)) <= 1).all() and (np.abs(np.diff(cell_y)) <= 1).all()
    up = Z >= level
    crossed = int((up[:, 1:] != up[:, :-1]).sum() + (up[1:, :] != up[:-1, :]).sum())
    assert len(pts) == crossed
    assert len({(round(x, 12), round(y, 12)) for x, y in pts}) == crossed


def test_svg_path_holds_every_vertex_to_a_fraction_of_the_view():
    line = np.array([[0.123456, -1.5], [3.0, 2.25], [-4.98765, 0.0]])
    path = I.svg_path([[line], [line[:2]]], span=10.0)
    assert path.count("M") == 2 and path.count("L") == 3
    nums = np.array([float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", path)]).reshape(-1, 2)
    assert np.abs(nums[:3] - line).max() <= 10.0 / 5000


def _png_pixels(uri: str) -> np.ndarray:
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", png[16:24])
    idat = png.index(b"IDAT")
    n = struct.unpack(">I", png[idat - 4:idat])[0]
    raw = zlib.decompress(png[idat + 4:idat + 4 + n])
    rows = [raw[r * (3 * w + 1) + 1:(r + 1) * (3 * w + 1)] for r in range(h)]
    assert all(raw[r * (3 * w + 1)] == 0 for r in range(h))
    return np.frombuffer(b"".join(rows), np.uint8).reshape(h, w, 3)


def test_bands_are_coloured_from_the_lowest_to_the_highest_with_y_up():
    ys = np.linspace(0, 1, 5)
    Z = np.tile(ys[:, None], (1, 3))  # rising with y
    Z[0, 0] = np.nan
    px = _png_pixels(I.band_png(Z, np.array([0.3, 0.6]), "#FFFFFF", "#B9CFE4"))
    assert px.shape == (5, 3, 3)
    assert tuple(px[-1, 1]) == (255, 255, 255)  # the bottom row (y = 0): the lowest band, white
    assert tuple(px[0, 1]) == (0xB9, 0xCF, 0xE4)  # the top row (y = 1): above every level
    assert tuple(px[2, 1]) == tuple(round(255 + (c - 255) / 2) for c in (0xB9, 0xCF, 0xE4))  # y = 0.5
    assert tuple(px[-1, 0]) == (255, 255, 255)  # not finite: white
