"""Figures of the learning-rate page: descent in 1-D, final loss against lr, schedules."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import onedim
from .common import (FramedFigure, Translator, animation_frames, axis_ref, color, english, grid_layout, legend_below,
                     style, value_slider)

MAX_ARROWS = 40


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
    fig.add_trace(go.Scatter(x=shown[inside], y=ys[inside], mode="markers", name=tr("learning_rate.iterates"),
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
    return style(fig, present=present, height=420, title=tr("learning_rate.lr_curve_title"))


def descent_scrub(name, a, x0, runs, lrs, current: int, marks, *, tr: Translator = english,
                  present=False) -> go.Figure:
    """The iterates on f(x) for every learning rate of ``lrs`` (``runs``: (steps+1, n), one column
    per rate, as onedim.descend returns them), under an in-figure slider: dragging it moves the
    iterates in the browser as η crosses 1/f″ and 2/f″ (``marks``: (lr, label) pairs shown on the
    slider's value). Each iterate carries [k, η] for a click that writes η back."""
    span = max(MIN_SPAN.get(name, 3.0), 1.15 * abs(float(x0)))
    grid = np.linspace(-span, span, 300)
    fgrid = onedim.f(name, grid, a)
    lo, hi = float(fgrid.min()), float(fgrid.max())
    yrange = [lo - 0.05 * (hi - lo) - 0.5, hi * 1.05 + 0.5]

    def iterates(j):
        xs = runs[:, j]
        k = np.flatnonzero(np.isfinite(xs))
        return dict(x=xs[k].astype(np.float32), y=onedim.f(name, xs[k], a).astype(np.float32),
                    customdata=np.column_stack([k, np.full(k.size, lrs[j])]).astype(np.float32),
                    marker=dict(color=k.astype(np.float32), colorscale="Viridis", size=9, cmin=0,
                                cmax=runs.shape[0] - 1))

    data = [dict(type="scatter", x=grid.astype(np.float32), y=fgrid.astype(np.float32), mode="lines", name="f(x)",
                 line=dict(color="#999", width=2), hoverinfo="skip"),
            dict(type="scatter", mode="lines+markers", name=tr("learning_rate.iterates"),
                 line=dict(color=color(0), width=1.2),
                 hovertemplate="η = %{customdata[1]:.3g}, x_%{customdata[0]:.0f} = %{x:.4g}<br>"
                 + tr("learning_rate.scrub_click") + "<extra></extra>", **iterates(current))]
    once, edge = (v for v, _ in marks)
    slider = value_slider(lrs, current, "η = ")
    for step, v in zip(slider["steps"], lrs):  # the thresholds named on the slider
        step["label"] += " 1/f″" if np.isclose(v, once) else " 2/f″" if np.isclose(v, edge) else ""
    layout = dict(xaxis=dict(title=dict(text="x"), range=[-span, span]), yaxis=dict(range=yrange),
                  sliders=[slider], clickmode="event+select", dragmode="zoom")
    fig = FramedFigure(dict(data=data, layout=layout),
                       animation_frames([[iterates(j)] for j in range(lrs.size)], [1], data))
    style(fig, present=present, height=480, title=tr("learning_rate.lr_curve_title"))
    fig.update_layout(margin=dict(t=175))
    return fig


def loss_vs_lr(lrs, final, current, marks, floor, *, tr: Translator = english, present=False) -> go.Figure:
    """f(x_N) − f* for each learning rate (log–log), floored at ``floor`` (below it the gap is
    rounding, see onedim.gap_floor); runs that diverged are crosses along the top. ``marks`` are
    (lr, label) pairs drawn dashed. The vertical lines are named in the legend, not beside the
    lines, where the names overlapped when the lines were close (a = 5: 0.1, 0.2, 0.3)."""
    ok = np.isfinite(final)
    y = np.where(ok, np.maximum(final, floor), np.nan)
    top = float(np.nanmax(y)) * 10 if ok.any() else 1.0
    fig = go.Figure(go.Scatter(x=lrs.astype(np.float32), y=y.astype(np.float32), mode="lines", name=tr("learning_rate.final_loss"),
                               line=dict(color=color(0))))
    if (~ok).any():
        fig.add_trace(go.Scatter(x=lrs[~ok], y=np.full((~ok).sum(), top), mode="markers", name=tr("learning_rate.diverged_marker"),
                                 marker=dict(symbol="x", size=5, color=color(3))))
    lines = [(v, label, dict(dash="dash", color="#888", width=1.5)) for v, label in marks]
    lines.append((current, tr("learning_rate.current", lr=current), dict(color=color(3), width=3)))
    fig.update_layout(shapes=[dict(type="line", xref="x", yref="paper", x0=v, x1=v, y0=0, y1=1, line=ln)
                              for v, _, ln in lines])
    for _, label, ln in lines:  # legend entries only: the lines themselves are the shapes
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label, line=ln, hoverinfo="skip"))
    fig.update_xaxes(title=tr("learning_rate.lr_log"), type="log")
    fig.update_yaxes(title=tr("learning_rate.final_loss_log"), type="log", exponentformat="power")
    return style(fig, present=present, height=360, title=tr("learning_rate.loss_vs_lr_title"))


def schedules(runs: dict, floor: float, *, tr: Translator = english, present=False) -> go.Figure:
    """Learning rate per step (left) and f − f* per step (right, floored at ``floor`` as in
    loss_vs_lr), one colour per schedule; ``runs``: name → (rates, gaps)."""
    traces = []
    for i, (name, (rates, gaps)) in enumerate(runs.items()):
        label = tr(f"learning_rate.sched_{name}")
        traces.append(dict(type="scatter", x=np.arange(len(rates)), y=rates, mode="lines", name=label,
                           legendgroup=name, line=dict(color=color(i)), **axis_ref(0)))
        traces.append(dict(type="scatter", x=np.arange(len(gaps)), y=np.maximum(gaps, floor), mode="lines",
                           name=label, legendgroup=name, showlegend=False, line=dict(color=color(i)), **axis_ref(1)))
    layout = grid_layout(1, 2, [tr("learning_rate.sched_lr"), tr("learning_rate.sched_loss")], hgap=0.08)
    layout["yaxis2"].update(type="log", exponentformat="power")
    fig = go.Figure(traces, layout=layout)
    fig.update_xaxes(title=tr("learning_rate.step"))
    return legend_below(style(fig, present=present, height=380))
