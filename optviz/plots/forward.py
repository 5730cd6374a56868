"""Figures of the forward-pass page: note 002's 2-3-2-2 network with the signal layer by layer, and
the −log y curve of the cross-entropy."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .common import Translator, color, english, style

POSITIVE, NEGATIVE = "#0072B2", "#D55E00"  # an edge's colour: its weight's sign


def _column(n: int) -> np.ndarray:
    """Heights of n nodes in a column, centred on 0, one unit apart."""
    return (n - 1) / 2 - np.arange(n)


def network(x, layers, step: int, *, tr: Translator = english, present=False) -> go.Figure:
    """Input, hidden layers and output in columns; each node shows its value once ``step`` (1 to 3)
    has reached its layer, each edge its weight (blue positive, orange negative, width ∝ |w|). The
    layer computed last is outlined."""
    sizes = [2] + [len(layer.z) for layer in layers]
    ys = [_column(n) for n in sizes]
    fig = go.Figure()
    widths = max(1e-9, max(float(np.abs(layer.W).max()) for layer in layers))
    for li, layer in enumerate(layers):
        shown = li < step
        for i in range(layer.W.shape[0]):
            for j in range(layer.W.shape[1]):
                w = float(layer.W[i, j])
                fig.add_trace(go.Scatter(
                    x=[li, li + 1], y=[ys[li][i], ys[li + 1][j]], mode="lines", showlegend=False,
                    hoverinfo="skip", opacity=1.0 if shown else 0.25,
                    line=dict(color=POSITIVE if w >= 0 else NEGATIVE, width=1 + 5 * abs(w) / widths)))
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    values = [list(x)] + [list(layer.z) for layer in layers]
    xs, yv, text, current = [], [], [], []
    for li, n in enumerate(sizes):
        for i in range(n):
            xs.append(li)
            yv.append(ys[li][i])
            if li == 0:
                name = f"x{i + 1}"
            elif li == len(sizes) - 1:
                name = f"y{i + 1}"
            else:
                name = f"z{i + 1}" + f"({li})".translate(sup).replace("(", "⁽").replace(")", "⁾")
            text.append(f"{name}<br>{values[li][i]:.4f}" if li <= step else name)
            current.append(li == step)
    fig.add_trace(go.Scatter(
        x=xs, y=yv, mode="markers+text", text=text, textposition="middle center", showlegend=False,
        hoverinfo="skip", marker=dict(size=66, color="#F4F8FC",
                                      line=dict(color=[color(1) if c else color(0) for c in current],
                                                width=[4 if c else 2 for c in current]))))
    heads = [tr("forward.col_input")] + [tr("forward.col_layer", n=i + 1) for i in range(len(layers) - 1)] + [
        tr("forward.col_output")]
    for li, head in enumerate(heads):
        fig.add_annotation(x=li, y=1.75, text=head, showarrow=False, font=dict(size=13))
    fig.update_xaxes(visible=False, range=[-0.45, len(sizes) - 0.55])
    fig.update_yaxes(visible=False, range=[-1.5, 2.0])
    return style(fig, present=present, height=380, title=tr("forward.net_title"))


def neg_log(p: float | None, *, tr: Translator = english, present=False) -> go.Figure:
    """y = −log x on (0, 1] (note 002's figure of log x, turned over): the cross-entropy of a
    one-hot target as the probability x of the correct class; the network's p marked."""
    xs = np.geomspace(1e-3, 1.0, 200)
    fig = go.Figure(go.Scatter(x=xs, y=-np.log(xs), mode="lines", line=dict(color=color(0)),
                               name="E = −log y", hovertemplate="y = %{x:.3f}<br>E = %{y:.3f}<extra></extra>"))
    if p is not None and p > 0:
        fig.add_trace(go.Scatter(x=[p], y=[-np.log(p)], mode="markers", marker=dict(size=13, color=color(3)),
                                 name=tr("forward.ce_point"),
                                 hovertemplate="y = %{x:.4f}<br>E = %{y:.4f}<extra></extra>"))
    fig.update_xaxes(title=tr("forward.ce_x"), range=[0, 1.02])
    fig.update_yaxes(title="E = −log y", range=[0, 7])
    return style(fig, present=present, height=340, title=tr("forward.ce_title"))
