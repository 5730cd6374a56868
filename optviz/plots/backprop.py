"""Figures of the backprop page: the 2-2-2 network with its values, and the loss over steps."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import backprop as bp
from .common import Translator, color, english, style, whole_step

NODES = {"i1": (0, 1), "i2": (0, 0), "h1": (1, 1), "h2": (1, 0), "o1": (2, 1), "o2": (2, 0)}


def network(p, trace, x, *, tr: Translator = english, present=False) -> go.Figure:
    """The 2-2-2 network: each edge labelled with its weight's name and value, each node with its value."""
    fig = go.Figure()
    edges = [(f"i{i + 1}", f"h{j + 1}", p.W1[i, j], bp.weight_name(1, i, j)) for i in range(2) for j in range(2)]
    edges += [(f"h{j + 1}", f"o{k + 1}", p.W2[j, k], bp.weight_name(2, j, k)) for j in range(2) for k in range(2)]
    for a, b_, w, name in edges:
        (x0, y0), (x1, y1) = NODES[a], NODES[b_]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", showlegend=False, hoverinfo="skip",
                                 line=dict(color="#999", width=1 + 3 * min(abs(w), 1.5))))
        t = 0.3 if y0 == y1 else (0.25 if y0 > y1 else 0.72)
        fig.add_annotation(x=x0 + t * (x1 - x0), y=y0 + t * (y1 - y0), text=f"{name} = {w:.4f}", showarrow=False,
                           font=dict(size=12), bgcolor="white")
    values = {"i1": x[0], "i2": x[1], "h1": trace.out_h[0], "h2": trace.out_h[1], "o1": trace.out_o[0],
              "o2": trace.out_o[1]}
    fig.add_trace(go.Scatter(x=[NODES[n][0] for n in values], y=[NODES[n][1] for n in values],
                             mode="markers+text", text=[f"{n}<br>{v:.4f}" for n, v in values.items()],
                             textposition="middle center", showlegend=False, hoverinfo="skip",
                             marker=dict(size=62, color="#F4F8FC", line=dict(color=color(0), width=2))))
    fig.update_xaxes(visible=False, range=[-0.35, 2.35])
    fig.update_yaxes(visible=False, range=[-0.4, 1.4])
    return style(fig, present=present, height=360, title=tr("backprop.net_title"))


def loss_history(losses, *, tr: Translator = english, present=False) -> go.Figure:
    fig = go.Figure(go.Scatter(x=np.arange(len(losses)), y=losses, mode="lines+markers", name="E",
                               line=dict(color=color(0))))
    # steps are whole numbers: one tick per step, or per few steps once there are more than ten
    fig.update_xaxes(title=tr("backprop.step"), tick0=0, dtick=whole_step(len(losses) - 1, 10))
    fig.update_yaxes(title="E = ½Σ(t − o)²", type="log", exponentformat="power")
    return style(fig, present=present, height=300, title=tr("backprop.loss_title"))
