"""Figures of the loss-functions page: accuracy against cross-entropy, predictions and gradients."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .common import Translator, axis_ref, color, english, grid_layout, legend_below, style

def acc_vs_loss(ws, acc, ce, w=None, *, tr: Translator = english, present=False) -> go.Figure:
    """Accuracy (a staircase) next to the cross-entropy (smooth) as functions of one weight w."""
    ws, acc, ce = (np.asarray(v, dtype=np.float32) for v in (ws, acc, ce))  # float32: half the JSON
    layout = grid_layout(1, 2, [tr("loss_functions.acc_curve"), tr("loss_functions.ce_curve")], hgap=0.08)
    if w is not None:  # the chosen weight, dotted, in both panels
        layout["shapes"] = [dict(type="line", xref=ax, yref=f"{ay} domain", x0=w, x1=w, y0=0, y1=1,
                                 line=dict(color="#555", dash="dot")) for ax, ay in (("x", "y"), ("x2", "y2"))]
    fig = go.Figure([dict(type="scatter", x=ws, y=acc, mode="lines", line=dict(color=color(3), shape="hv"),
                          name=tr("loss_functions.accuracy"), **axis_ref(0)),
                     dict(type="scatter", x=ws, y=ce, mode="lines", line=dict(color=color(0)),
                          name=tr("loss_functions.cross_entropy"), **axis_ref(1))], layout=layout)
    fig.update_xaxes(title="w")
    return legend_below(style(fig, present=present, height=380))


def prediction_bars(pred, target, grads: dict, *, tr: Translator = english, present=False) -> go.Figure:
    """Prediction y and one-hot target t per class (left); each loss's gradient ∂E/∂y_k (right,
    name → values)."""
    k = np.arange(len(pred))
    layout = grid_layout(1, 2, [tr("loss_functions.pred_title"), tr("loss_functions.grad_title")], hgap=0.08)
    layout["yaxis"].update(range=[0, 1.05])
    traces = [dict(type="bar", x=k, y=pred, name=tr("loss_functions.prediction"), marker_color=color(0), **axis_ref(0)),
              dict(type="bar", x=k, y=target, name=tr("loss_functions.target"), marker_color=color(1), **axis_ref(0))]
    for i, (name, g) in enumerate(grads.items()):
        traces.append(dict(type="bar", x=k, y=np.clip(g, -50, 50), name=name, marker_color=color(2 + i),
                           customdata=g, hovertemplate="%{customdata:.4g}<extra></extra>", **axis_ref(1)))
    fig = go.Figure(traces, layout=layout)
    fig.update_xaxes(title=tr("loss_functions.class"), dtick=1)
    return legend_below(style(fig, present=present, height=360))
