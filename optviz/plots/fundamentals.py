"""Figures of the fundamentals pages: learning rate in 1-D, line fitting, batch modes, losses."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import onedim
from .common import Translator, color, english, style

MAX_ARROWS = 40


def descent_1d(name, a, xs, *, tr: Translator = english, present=False) -> go.Figure:
    """The function and the iterates x_0, x_1, ... drawn on it, joined by arrows."""
    finite = xs[np.isfinite(xs)]
    span = max(3.0, float(np.max(np.abs(finite))) * 1.15) if finite.size else 3.0
    span = min(span, 50.0)
    grid = np.linspace(-span, span, 400)
    fig = go.Figure(go.Scatter(x=grid, y=onedim.f(name, grid, a), mode="lines", name="f(x)",
                               line=dict(color="#999", width=2)))
    ys = onedim.f(name, finite, a)
    fig.add_trace(go.Scatter(x=finite, y=ys, mode="markers", name=tr("fund.iterates"),
                             marker=dict(color=np.arange(len(finite)), colorscale="Viridis", size=9),
                             customdata=np.arange(len(finite)),
                             hovertemplate="x_%{customdata} = %{x:.4g}<extra></extra>"))
    fig.update_layout(annotations=[  # one update with every arrow: add_annotation per arrow is slow
        dict(x=finite[k + 1], y=ys[k + 1], ax=finite[k], ay=ys[k], xref="x", yref="y", axref="x", ayref="y",
             showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.5, arrowcolor=color(0))
        for k in range(min(len(finite) - 1, MAX_ARROWS))])
    top = float(np.max(onedim.f(name, grid, a)))
    fig.update_yaxes(range=[min(0, float(np.min(onedim.f(name, grid, a)))) - 0.5, top * 1.05 + 0.5])
    fig.update_xaxes(title="x")
    return style(fig, present=present, height=420, title=tr("fund.lr_curve_title"))


def loss_vs_lr(lrs, final, current, marks, *, tr: Translator = english, present=False) -> go.Figure:
    fig = go.Figure(go.Scatter(x=lrs, y=np.where(np.isfinite(final), np.maximum(final, 1e-300), np.nan),
                               mode="lines", name=tr("fund.final_loss"), line=dict(color=color(0))))
    for value, label in marks:
        fig.add_vline(x=value, line=dict(dash="dash", color="#888"), annotation_text=label)
    fig.add_vline(x=current, line=dict(color=color(3), width=3), annotation_text=tr("fund.current"),
                  annotation_position="bottom right")
    fig.update_xaxes(title=tr("fund.lr_log"), type="log")
    fig.update_yaxes(title=tr("fund.final_loss_log"), type="log", exponentformat="power")
    return style(fig, present=present, height=360, title=tr("fund.loss_vs_lr_title"))


def schedules(steps, rates: dict, losses: dict, *, tr: Translator = english, present=False) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=[tr("fund.sched_lr"), tr("fund.sched_loss")])
    for i, name in enumerate(rates):
        label = tr(f"fund.sched_{name}")
        fig.add_trace(go.Scatter(x=np.arange(len(rates[name])), y=rates[name], mode="lines", name=label,
                                 legendgroup=name, line=dict(color=color(i))), row=1, col=1)
        fig.add_trace(go.Scatter(x=np.arange(len(losses[name])), y=np.maximum(losses[name], 1e-300), mode="lines",
                                 name=label, legendgroup=name, showlegend=False, line=dict(color=color(i))),
                      row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=2)
    fig.update_xaxes(title=tr("fund.step"))
    return style(fig, present=present, height=340)


def line_fit(x, y, lines: dict, *, tr: Translator = english, present=False) -> go.Figure:
    """The data with each fitted line (name → (a, b))."""
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name=tr("fund.data"), marker=dict(color="#555", size=6)))
    xs = np.array([x.min() - 0.3, x.max() + 0.3])
    for i, (name, (a, b)) in enumerate(lines.items()):
        fig.add_trace(go.Scatter(x=xs, y=a * xs + b, mode="lines", name=f"{name}: y = {a:.3f}x + {b:.3f}",
                                 line=dict(color=color(i), width=3, dash="solid" if i == 0 else "dash")))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="y")
    return style(fig, present=present, height=400, title=tr("fund.fit_title"))


def ab_contours(x, y, paths: dict, best, *, tr: Translator = english, present=False) -> go.Figure:
    """MSE over (a, b) as contours, each optimizer's path, and the least-squares minimum (★)."""
    from .. import linefit

    pts = np.vstack([p for p in paths.values()] + [np.array([best])])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum((hi - lo) * 0.2, 0.5)
    A, Bm = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], 80), np.linspace(lo[1] - pad[1], hi[1] + pad[1], 80))
    Z = linefit.mse(x, y, A, Bm)
    fig = go.Figure(go.Contour(x=A[0], y=Bm[:, 0], z=np.log10(Z).astype(np.float32), ncontours=25,
                               colorscale=[[0, "#FFFFFF"], [1, "#B9CFE4"]], showscale=False, hoverinfo="skip",
                               line=dict(color="#8FA8C0", width=0.7)))
    for i, (name, p) in enumerate(paths.items()):
        idx = np.unique(np.linspace(0, len(p) - 1, min(len(p), 400)).astype(int))
        fig.add_trace(go.Scatter(x=p[idx, 0], y=p[idx, 1], mode="lines+markers", name=name,
                                 line=dict(color=color(i), width=2), marker=dict(size=3)))
    fig.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=tr("fund.least_squares"),
                             marker=dict(symbol="star", size=16, color="#D62728")))
    fig.update_xaxes(title="a")
    fig.update_yaxes(title="b")
    return style(fig, present=present, height=420, title=tr("fund.contour_title"))


def fit_losses(curves: dict, xaxis: str, floor: float, *, tr: Translator = english, present=False) -> go.Figure:
    """MSE against updates or examples seen (name → (x values, losses)); the dotted line is the
    least-squares minimum."""
    fig = go.Figure()
    for i, (name, (xs, ls)) in enumerate(curves.items()):
        idx = np.unique(np.linspace(0, len(xs) - 1, min(len(xs), 500)).astype(int))
        fig.add_trace(go.Scatter(x=xs[idx], y=ls[idx], mode="lines", name=name, line=dict(color=color(i))))
    fig.add_hline(y=floor, line=dict(dash="dot", color="#D62728"), annotation_text=tr("fund.least_squares"))
    fig.update_xaxes(title=xaxis)
    fig.update_yaxes(title="MSE", type="log", exponentformat="power")
    return style(fig, present=present, height=340)


def acc_vs_loss(ws, acc, ce, *, tr: Translator = english, present=False) -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=[tr("fund.acc_curve"), tr("fund.ce_curve")])
    fig.add_trace(go.Scatter(x=ws, y=acc, mode="lines", line=dict(color=color(3), shape="hv"), name=tr("fund.accuracy")),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=ws, y=ce, mode="lines", line=dict(color=color(0)), name=tr("fund.cross_entropy")),
                  row=1, col=2)
    fig.update_xaxes(title="w")
    return style(fig, present=present, height=340)


def prediction_bars(pred, target, *, tr: Translator = english, present=False) -> go.Figure:
    k = np.arange(len(pred))
    fig = go.Figure([go.Bar(x=k, y=pred, name=tr("fund.prediction"), marker_color=color(0)),
                     go.Bar(x=k, y=target, name=tr("fund.target"), marker_color=color(1))])
    fig.update_xaxes(title=tr("fund.class"), dtick=1)
    fig.update_yaxes(range=[0, 1.05])
    return style(fig, present=present, height=300)
