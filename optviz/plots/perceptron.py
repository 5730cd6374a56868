"""Figures of the perceptron page: the gates' decision lines, and XOR from two layers."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import perceptron as pc
from .common import Translator, color, english, style

def _line(fig, w1, w2, b, name, line) -> None:
    """The line w1·x1 + w2·x2 + b = 0 across the view [−0.5, 1.5]²."""
    g = np.linspace(-0.5, 1.5, 121)
    if abs(w2) > 1e-12:
        fig.add_trace(go.Scatter(x=g, y=-(w1 * g + b) / w2, mode="lines", name=name, line=line))
    elif abs(w1) > 1e-12:
        fig.add_trace(go.Scatter(x=[-b / w1] * 2, y=[-0.5, 1.5], mode="lines", name=name, line=line))


def _plane(region, target, lines, *, tr: Translator, present: bool) -> go.Figure:
    """The region where ``region(points)`` is 1 (shaded), the given lines, and the four inputs
    coloured by the wanted output."""
    g = np.linspace(-0.5, 1.5, 121)
    X1, X2 = np.meshgrid(g, g)
    out = region(np.stack([X1, X2], axis=-1))
    fig = go.Figure(go.Heatmap(x=g, y=g, z=out.astype(np.int8), zmin=0, zmax=1, showscale=False, opacity=0.25,
                               colorscale=[[0, "#FFFFFF"], [1, color(0)]], hoverinfo="skip"))
    for w1, w2, b, name, line in lines:
        _line(fig, w1, w2, b, name, line)
    for value in (0, 1):
        pts = pc.INPUTS[np.asarray(target) == value]
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=tr("perceptron.want", v=value),
                                 marker=dict(size=22, symbol="circle" if value else "circle-open",
                                             color=color(3), line=dict(width=3, color=color(3)))))
    fig.update_xaxes(range=[-0.5, 1.5], title="x₁")
    fig.update_yaxes(range=[-0.5, 1.5], title="x₂", scaleanchor="x", scaleratio=1)
    return style(fig, present=present, height=420)


def perceptron_plane(w1, w2, b, target, *, tr: Translator = english, present=False) -> go.Figure:
    """The four inputs coloured by the wanted output, the region where the perceptron outputs 1
    (shaded) and its line w1·x1 + w2·x2 + b = 0."""
    return _plane(lambda P: pc.output(P, w1, w2, b), target,
                  [(w1, w2, b, tr("perceptron.line"), dict(color=color(0), width=3))], tr=tr, present=present)


def xor_plane(*, tr: Translator = english, present=False) -> go.Figure:
    """The two-layer XOR in the input plane: the NAND and OR lines of the first layer, and (shaded)
    the strip between them where both output 1, which the AND of the second layer keeps."""
    lines = [(*pc.WEIGHTS[g], tr("perceptron.xor_line", gate=g), dict(color=color(k + 1), width=3, dash=dash))
             for k, (g, dash) in enumerate((("NAND", "solid"), ("OR", "dash")))]
    return _plane(lambda P: pc.xor_two_layers(P)["y"], pc.TARGETS["XOR"], lines, tr=tr, present=present)
