"""Figures of the fundamentals pages: learning rate in 1-D, line fitting, batch modes, losses."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import linefit, onedim
from .common import Translator, axis_ref, color, downsample_index, english, grid_layout, style

MAX_ARROWS = 40
GRID = 60  # contour grid per axis: 60×60 float32 values keep the figure small


MIN_SPAN = {"quadratic": 3.0, "nonconvex": 2.2}  # x⁴ − 3x² + x: both wells, without the steep walls


def _view_span(xs, least: float) -> float:
    """Half-width of the view: the first few iterates (a diverging run's growth shows), unless they
    are already far beyond the start; never narrower than ±least."""
    reach = 30 * max(abs(float(xs[0])), 1.0)
    early = np.abs(xs[:6])
    early = early[np.isfinite(early) & (early <= reach)]
    return max(least, 1.15 * float(early.max()) if early.size else least)


def _clip(p, q, box):
    """The part of segment p→q inside box ((x0, x1), (y0, y1)): q moved back onto the border."""
    (x0, x1), (y0, y1) = box
    t = 1.0
    for d, lo, hi, start in ((q[0] - p[0], x0, x1, p[0]), (q[1] - p[1], y0, y1, p[1])):
        if d > 0 and start + d > hi:
            t = min(t, (hi - start) / d)
        if d < 0 and start + d < lo:
            t = min(t, (lo - start) / d)
    return p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])


def descent_1d(name, a, xs, *, tr: Translator = english, present=False) -> go.Figure:
    """The function and the iterates x_0, x_1, ... drawn on it, joined by arrows. The view holds the
    start and the first steps; an arrow to an iterate beyond it stops at its border. (On a projector,
    ``common.presentation`` enlarges the arrows and markers with everything else.)"""
    span = _view_span(xs, MIN_SPAN.get(name, 3.0))
    grid = np.linspace(-span, span, 300)
    fgrid = onedim.f(name, grid, a)
    lo, hi = float(fgrid.min()), float(fgrid.max())
    box = ((-span, span), (lo - 0.05 * (hi - lo) - 0.5, hi * 1.05 + 0.5))
    out = np.flatnonzero(~(np.abs(xs) <= span))
    shown = xs[:out[0] + 1] if out.size else xs  # up to and including the first iterate outside
    shown = shown[np.isfinite(shown)]
    ys = onedim.f(name, shown, a)
    inside = np.abs(shown) <= span
    fig = go.Figure(go.Scatter(x=grid.astype(np.float32), y=fgrid.astype(np.float32), mode="lines", name="f(x)",
                               line=dict(color="#999", width=2)))
    fig.add_trace(go.Scatter(x=shown[inside], y=ys[inside], mode="markers", name=tr("fund.iterates"),
                             marker=dict(color=np.flatnonzero(inside), colorscale="Viridis", size=9),
                             customdata=np.flatnonzero(inside),
                             hovertemplate="x_%{customdata} = %{x:.4g}<extra></extra>"))
    arrows = []
    for k in range(min(len(shown) - 1, MAX_ARROWS)):
        x1, y1 = _clip((shown[k], ys[k]), (shown[k + 1], ys[k + 1]), box)
        arrows.append(dict(x=x1, y=y1, ax=shown[k], ay=ys[k], xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.5,
                           arrowcolor=color(0)))
    fig.update_layout(annotations=arrows)  # one update with every arrow: add_annotation per arrow is slow
    fig.update_xaxes(title="x", range=list(box[0]))
    fig.update_yaxes(range=list(box[1]))
    return style(fig, present=present, height=420, title=tr("fund.lr_curve_title"))


def loss_vs_lr(lrs, final, current, marks, floor, *, tr: Translator = english, present=False) -> go.Figure:
    """f(x_N) − f* for each learning rate (log–log), floored at ``floor`` (below it the gap is
    rounding, see onedim.gap_floor); runs that diverged are crosses along the top. ``marks`` are
    (lr, label) pairs drawn dashed. The vertical lines are named in the legend, not beside the
    lines, where the names overlapped when the lines were close (a = 5: 0.1, 0.2, 0.3)."""
    ok = np.isfinite(final)
    y = np.where(ok, np.maximum(final, floor), np.nan)
    top = float(np.nanmax(y)) * 10 if ok.any() else 1.0
    fig = go.Figure(go.Scatter(x=lrs.astype(np.float32), y=y.astype(np.float32), mode="lines", name=tr("fund.final_loss"),
                               line=dict(color=color(0))))
    if (~ok).any():
        fig.add_trace(go.Scatter(x=lrs[~ok], y=np.full((~ok).sum(), top), mode="markers", name=tr("fund.diverged"),
                                 marker=dict(symbol="x", size=5, color=color(3))))
    lines = [(v, label, dict(dash="dash", color="#888", width=1.5)) for v, label in marks]
    lines.append((current, tr("fund.current", lr=current), dict(color=color(3), width=3)))
    fig.update_layout(shapes=[dict(type="line", xref="x", yref="paper", x0=v, x1=v, y0=0, y1=1, line=ln)
                              for v, _, ln in lines])
    for _, label, ln in lines:  # legend entries only: the lines themselves are the shapes
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label, line=ln, hoverinfo="skip"))
    fig.update_xaxes(title=tr("fund.lr_log"), type="log")
    fig.update_yaxes(title=tr("fund.final_loss_log"), type="log", exponentformat="power")
    return style(fig, present=present, height=360, title=tr("fund.loss_vs_lr_title"))


def _legend_below(fig: go.Figure) -> go.Figure:
    """Subplot titles take the top: the legend goes under the plots."""
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0), margin=dict(b=80))
    return fig


def schedules(runs: dict, floor: float, *, tr: Translator = english, present=False) -> go.Figure:
    """Learning rate per step (left) and f − f* per step (right, floored at ``floor`` as in
    loss_vs_lr), one colour per schedule; ``runs``: name → (rates, gaps)."""
    traces = []
    for i, (name, (rates, gaps)) in enumerate(runs.items()):
        label = tr(f"fund.sched_{name}")
        traces.append(dict(type="scatter", x=np.arange(len(rates)), y=rates, mode="lines", name=label,
                           legendgroup=name, line=dict(color=color(i)), **axis_ref(0)))
        traces.append(dict(type="scatter", x=np.arange(len(gaps)), y=np.maximum(gaps, floor), mode="lines",
                           name=label, legendgroup=name, showlegend=False, line=dict(color=color(i)), **axis_ref(1)))
    layout = grid_layout(1, 2, [tr("fund.sched_lr"), tr("fund.sched_loss")], hgap=0.08)
    layout["yaxis2"].update(type="log", exponentformat="power")
    fig = go.Figure(traces, layout=layout)
    fig.update_xaxes(title=tr("fund.step"))
    return _legend_below(style(fig, present=present, height=380))


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
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name=tr("fund.data"), marker=dict(color="#555", size=6)))
    xs = np.array([x.min() - 0.3, x.max() + 0.3])
    for i, (name, (a, b)) in enumerate(lines.items()):
        fig.add_trace(go.Scatter(x=xs, y=a * xs + b, mode="lines", name=f"{name}: {line_equation(a, b)}",
                                 line=dict(color=color(i), width=3, dash="solid" if i == 0 else "dash")))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="y")
    return style(fig, present=present, height=400, title=tr("fund.fit_title"))


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
    fig.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=tr("fund.least_squares"),
                             marker=dict(symbol="star", size=16, color="#D62728")))
    fig.update_xaxes(title="a", range=[ga[0], ga[-1]])
    fig.update_yaxes(title="b", range=[gb[0], gb[-1]])
    return style(fig, present=present, height=420, title=tr("fund.contour_title"))


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
    fig.add_hline(y=max(floor, lowest), line=dict(dash="dot", color="#D62728"), annotation_text=tr("fund.least_squares"))
    if at is not None:  # the update shown above
        fig.add_vline(x=at, line=dict(color="#555", dash="dot"))
    fig.update_xaxes(title=xaxis, type="log" if log_x else "linear")
    fig.update_yaxes(title="MSE", type="log", exponentformat="power")
    return style(fig, present=present, height=340)


def acc_vs_loss(ws, acc, ce, w=None, *, tr: Translator = english, present=False) -> go.Figure:
    """Accuracy (a staircase) next to the cross-entropy (smooth) as functions of one weight w."""
    ws, acc, ce = (np.asarray(v, dtype=np.float32) for v in (ws, acc, ce))  # float32: half the JSON
    layout = grid_layout(1, 2, [tr("fund.acc_curve"), tr("fund.ce_curve")], hgap=0.08)
    if w is not None:  # the chosen weight, dotted, in both panels
        layout["shapes"] = [dict(type="line", xref=ax, yref=f"{ay} domain", x0=w, x1=w, y0=0, y1=1,
                                 line=dict(color="#555", dash="dot")) for ax, ay in (("x", "y"), ("x2", "y2"))]
    fig = go.Figure([dict(type="scatter", x=ws, y=acc, mode="lines", line=dict(color=color(3), shape="hv"),
                          name=tr("fund.accuracy"), **axis_ref(0)),
                     dict(type="scatter", x=ws, y=ce, mode="lines", line=dict(color=color(0)),
                          name=tr("fund.cross_entropy"), **axis_ref(1))], layout=layout)
    fig.update_xaxes(title="w")
    return _legend_below(style(fig, present=present, height=380))


def prediction_bars(pred, target, grads: dict, *, tr: Translator = english, present=False) -> go.Figure:
    """Prediction y and one-hot target t per class (left); each loss's gradient ∂E/∂y_k (right,
    name → values)."""
    k = np.arange(len(pred))
    layout = grid_layout(1, 2, [tr("fund.pred_title"), tr("fund.grad_title")], hgap=0.08)
    layout["yaxis"].update(range=[0, 1.05])
    traces = [dict(type="bar", x=k, y=pred, name=tr("fund.prediction"), marker_color=color(0), **axis_ref(0)),
              dict(type="bar", x=k, y=target, name=tr("fund.target"), marker_color=color(1), **axis_ref(0))]
    for i, (name, g) in enumerate(grads.items()):
        traces.append(dict(type="bar", x=k, y=np.clip(g, -50, 50), name=name, marker_color=color(2 + i),
                           customdata=g, hovertemplate="%{customdata:.4g}<extra></extra>", **axis_ref(1)))
    fig = go.Figure(traces, layout=layout)
    fig.update_xaxes(title=tr("fund.class"), dtick=1)
    return _legend_below(style(fig, present=present, height=360))
