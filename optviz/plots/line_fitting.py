"""Figures of the line-fitting page (the batch-modes page draws its fits with them too)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import linefit
from .common import Translator, color, downsample_index, english, style

GRID = 60  # contour grid per axis: 60×60 float32 values keep the figure small


def _signed(v: float) -> str:
    """3 decimals with a real minus sign (no "−0.000")."""
    v = round(float(v), 3)
    return f"{'−' if v < 0 else ''}{abs(v):.3f}"


def line_equation(a: float, b: float) -> str:
    """'y = 1.996x + 1.277', 'y = −2.000x − 0.500': one sign between the terms."""
    b = round(float(b), 3)
    return f"y = {_signed(a)}x {'−' if b < 0 else '+'} {abs(b):.3f}"


def line_fit(x, y, lines: dict, *, tr: Translator = english, present=False) -> go.Figure:
    """The data with each fitted line (name → (a, b)); the first solid, the others dashed."""
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name=tr("line_fitting.data_trace"), marker=dict(color="#555", size=6)))
    xs = np.array([x.min() - 0.3, x.max() + 0.3])
    for i, (name, (a, b)) in enumerate(lines.items()):
        fig.add_trace(go.Scatter(x=xs, y=a * xs + b, mode="lines", name=f"{name}: {line_equation(a, b)}",
                                 line=dict(color=color(i), width=3, dash="solid" if i == 0 else "dash")))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="y")
    return style(fig, present=present, height=400, title=tr("line_fitting.fit_title"))


def ab_contours(x, y, paths: dict, best, *, view=None, tr: Translator = english, present=False) -> go.Figure:
    """MSE over (a, b) as contours (log scale), each run's path (name → (rows, 2)), and the
    least-squares minimum (★). The view holds the finite points of ``view`` (default: the paths) and
    the minimum, so a path drawn only up to update k keeps the view of the whole run."""
    pts = np.vstack([p for p in paths.values()] + [np.array([best])] + ([] if view is None else [view]))
    pts = pts[np.all(np.isfinite(pts) & (np.abs(pts) < 1e6), axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum((hi - lo) * 0.15, 0.5)
    ga = np.linspace(lo[0] - pad[0], hi[0] + pad[0], GRID)
    gb = np.linspace(lo[1] - pad[1], hi[1] + pad[1], GRID)
    A, Bm = np.meshgrid(ga, gb)
    Z = linefit.mse_along(x, y, np.stack([A, Bm], axis=-1))
    fig = go.Figure(go.Contour(x=ga, y=gb, z=np.log10(np.maximum(Z, 1e-12)).astype(np.float32), ncontours=25,
                               colorscale=[[0, "#FFFFFF"], [1, "#B9CFE4"]], showscale=False, hoverinfo="skip",
                               line=dict(color="#8FA8C0", width=0.7)))
    for i, (name, p) in enumerate(paths.items()):
        idx = downsample_index(len(p), 400)
        q = np.where(np.abs(p[idx]) < 1e30, p[idx], np.nan).astype(np.float32)  # float32: half the JSON
        fig.add_trace(go.Scatter(x=q[:, 0], y=q[:, 1], mode="lines+markers", name=name,
                                 line=dict(color=color(i), width=2), marker=dict(size=3)))
    fig.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=tr("line_fitting.least_squares"),
                             marker=dict(symbol="star", size=16, color="#D62728")))
    fig.update_xaxes(title="a", range=[ga[0], ga[-1]])
    fig.update_yaxes(title="b", range=[gb[0], gb[-1]])
    return style(fig, present=present, height=420, title=tr("line_fitting.contour_title"))


def fit_losses(curves: dict, xaxis: str, floor: float, *, log_x=False, at=None, tr: Translator = english,
               present=False) -> go.Figure:
    """MSE against updates or examples seen (name → (x values, losses)), log scale; the dotted line
    is the least-squares minimum. ``log_x``: a log x axis (from update 1), so that a run of 20
    updates and one of 20 000 both show their whole course. Losses and the minimum are drawn no
    lower than linefit.RELATIVE_ZERO × the starting loss: an exact fit's minimum is 0 up to
    rounding (~1e-31), which would squash every curve into the top of a 30-decade axis."""
    starts = [float(ls[0]) for _, ls in curves.values() if len(ls) and np.isfinite(ls[0])]
    lowest = linefit.RELATIVE_ZERO * max(starts, default=1.0)
    fig = go.Figure()
    for i, (name, (xs, ls)) in enumerate(curves.items()):
        idx = downsample_index(len(xs), 500)
        idx = idx[xs[idx] > 0] if log_x else idx
        ls = np.where(np.isfinite(ls[idx]) & (ls[idx] < 1e30), np.maximum(ls[idx], lowest), np.nan).astype(np.float32)
        fig.add_trace(go.Scatter(x=xs[idx].astype(np.int32), y=ls, mode="lines", name=name, line=dict(color=color(i))))
    fig.add_hline(y=max(floor, lowest), line=dict(dash="dot", color="#D62728"), annotation_text=tr("line_fitting.least_squares"))
    if at is not None:  # the update shown above
        fig.add_vline(x=at, line=dict(color="#555", dash="dot"))
    fig.update_xaxes(title=xaxis, type="log" if log_x else "linear")
    fig.update_yaxes(title="MSE", type="log", exponentformat="power")
    return style(fig, present=present, height=340)
