"""Figures of the activations page: functions and derivatives, gradient through depth, softmax."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .common import Translator, color, english, style


def curves(acts, x, *, grid=False, tr: Translator = english, present=False) -> go.Figure:
    """Each activation f (left) and its derivative f' (right): overlaid, or one row per activation."""
    rows = len(acts) if grid and acts else 1
    titles = []
    for a in (acts if grid else [None]):
        suffix = f" — {a.name}" if a is not None else ""
        titles += [tr("activations.function") + suffix, tr("activations.derivative") + suffix]
    fig = make_subplots(rows=rows, cols=2, shared_xaxes=True, shared_yaxes="columns" if grid else False,
                        subplot_titles=titles, vertical_spacing=min(0.08, 0.3 / max(rows, 1)),
                        horizontal_spacing=0.08)
    xs = x.astype(np.float32)
    for i, a in enumerate(acts):
        row = i + 1 if grid else 1
        for col, values in ((1, a.forward(x)), (2, a.derivative(x))):
            fig.add_trace(go.Scatter(x=xs, y=np.asarray(values, dtype=np.float32), mode="lines", name=a.name,
                                     legendgroup=a.name, showlegend=(col == 1 and (row == 1 or grid)),
                                     line=dict(color=color(i), width=2.5,
                                               shape="hv" if a.name == "step" else "linear"),
                                     hovertemplate=f"{a.name}: x=%{{x:.3f}}, %{{y:.4f}}<extra></extra>"),
                          row=row, col=col)
    fig.update_xaxes(title_text="x", row=rows, col=1)
    fig.update_xaxes(title_text="x", row=rows, col=2)
    style(fig, present=present, height=max(380, 230 * rows) if grid else 440)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12 if not grid else -0.3 / rows, x=0))
    return fig


def depth_bound(acts, depths, *, tr: Translator = english, present=False) -> go.Figure:
    """(max f')^L against L on a log axis: the best case for a gradient passing L layers."""
    fig = go.Figure()
    for i, a in enumerate(acts):
        bound = np.power(float(a.max_derivative), depths.astype(float))
        fig.add_trace(go.Scatter(x=depths, y=np.where(bound > 0, bound, np.nan), mode="lines+markers",
                                 name=f"{a.name}: ({a.max_derivative:.4g})ᴸ", line=dict(color=color(i)),
                                 marker=dict(size=5)))
    fig.update_xaxes(title=tr("activations.depth_axis"))
    fig.update_yaxes(title=tr("activations.bound_axis"), type="log", exponentformat="power")
    style(fig, present=present, height=400, title=tr("activations.depth_title"))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def softmax_bars(scores, probs, *, tr: Translator = english, present=False) -> go.Figure:
    labels = [f"{i + 1}: {s:g}" for i, s in enumerate(scores)]
    fig = go.Figure(go.Bar(x=labels, y=probs, marker_color=[color(i) for i in range(len(scores))],
                           text=[f"{p:.3f}" for p in probs], textposition="outside",
                           hovertemplate="%{x}: p=%{y:.6f}<extra></extra>"))
    fig.update_xaxes(title=tr("activations.softmax_scores_axis"))
    fig.update_yaxes(title=tr("activations.softmax_prob_axis"), range=[0, 1.1])
    return style(fig, present=present, height=340)
