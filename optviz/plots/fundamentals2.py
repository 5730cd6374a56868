"""Figures of the perceptron and backprop pages."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import backprop as bp
from .. import perceptron as pc
from .common import Translator, color, english, style, whole_step


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
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=tr("pc.want", v=value),
                                 marker=dict(size=22, symbol="circle" if value else "circle-open",
                                             color=color(3), line=dict(width=3, color=color(3)))))
    fig.update_xaxes(range=[-0.5, 1.5], title="x₁")
    fig.update_yaxes(range=[-0.5, 1.5], title="x₂", scaleanchor="x", scaleratio=1)
    return style(fig, present=present, height=420)


def perceptron_plane(w1, w2, b, target, *, tr: Translator = english, present=False) -> go.Figure:
    """The four inputs coloured by the wanted output, the region where the perceptron outputs 1
    (shaded) and its line w1·x1 + w2·x2 + b = 0."""
    return _plane(lambda P: pc.output(P, w1, w2, b), target,
                  [(w1, w2, b, tr("pc.line"), dict(color=color(0), width=3))], tr=tr, present=present)


def xor_plane(*, tr: Translator = english, present=False) -> go.Figure:
    """The two-layer XOR in the input plane: the NAND and OR lines of the first layer, and (shaded)
    the strip between them where both output 1, which the AND of the second layer keeps."""
    lines = [(*pc.WEIGHTS[g], tr("pc.xor_line", gate=g), dict(color=color(k + 1), width=3, dash=dash))
             for k, (g, dash) in enumerate((("NAND", "solid"), ("OR", "dash")))]
    return _plane(lambda P: pc.xor_two_layers(P)["y"], pc.TARGETS["XOR"], lines, tr=tr, present=present)


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
    return style(fig, present=present, height=360, title=tr("bp.net_title"))


def loss_history(losses, *, tr: Translator = english, present=False) -> go.Figure:
    fig = go.Figure(go.Scatter(x=np.arange(len(losses)), y=losses, mode="lines+markers", name="E",
                               line=dict(color=color(0))))
    # steps are whole numbers: one tick per step, or per few steps once there are more than ten
    fig.update_xaxes(title=tr("bp.step"), tick0=0, dtick=whole_step(len(losses) - 1, 10))
    fig.update_yaxes(title="E = ½Σ(t − o)²", type="log", exponentformat="power")
    return style(fig, present=present, height=300, title=tr("bp.loss_title"))


def image_rows(rows: dict, n: int = 8, *, tr: Translator = english, present=False) -> go.Figure:
    """Each row (name → images (m, 64)) as n small 8×8 pictures, all in one heat map with one-pixel
    gaps (one trace instead of one per picture: a tenth of the time and of the JSON)."""
    names = list(rows)
    cell = 9  # 8 pixels and a gap
    canvas = np.full((len(names) * cell - 1, n * cell - 1), np.nan, dtype=np.float32)
    for r, name in enumerate(names):
        for c in range(min(n, len(rows[name]))):
            canvas[r * cell:r * cell + 8, c * cell:c * cell + 8] = np.clip(rows[name][c].reshape(8, 8), 0, 1)
    fig = go.Figure(go.Heatmap(z=canvas, zmin=0, zmax=1, colorscale="Greys", showscale=False, hoverongaps=False,
                               hovertemplate="%{z:.2f}<extra></extra>"))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False,
                     tickvals=[r * cell + 3.5 for r in range(len(names))], ticktext=names)
    style(fig, present=present, height=110 * len(names) + 30)
    fig.update_layout(margin=dict(l=120))
    return fig


def cloud(rows: dict, title: str, *, tr: Translator = english, present=False) -> go.Figure:
    """3-D point clouds (name → points (m, 3)) in one scene: the first faint, the others in colour."""
    fig = go.Figure()
    for i, (name, P) in enumerate(rows.items()):
        P = np.asarray(P, dtype=np.float32)
        fig.add_trace(go.Scatter3d(x=P[:, 0], y=P[:, 1], z=P[:, 2], mode="markers", name=name,
                                   marker=dict(size=2.5 if i else 2, color="#9a9a9a" if i == 0 else color(i - 1),
                                               opacity=0.45 if i == 0 else 0.9),
                                   hovertemplate="(%{x:.2f}, %{y:.2f}, %{z:.2f})<extra>" + name + "</extra>"))
    # looking along the sheet's straight direction (y), so the bend is seen end-on
    fig.update_layout(scene=dict(aspectmode="cube", xaxis_title="x", yaxis_title="y", zaxis_title="z",
                                 camera=dict(eye=dict(x=0.45, y=-1.85, z=0.55))))
    style(fig, present=present, height=560, title=title)
    fig.update_layout(legend=dict(itemsizing="constant"), margin=dict(l=10, r=10, b=10))
    return fig


def latent_scatter(Z, labels, names, *, title: str | None = None, axes=("z₁", "z₂"), tr: Translator = english,
                   present=False) -> go.Figure:
    """Each test input's code (its first two coordinates) coloured by class; ``axes``: the axis titles."""
    fig = go.Figure()
    for k, name in enumerate(names):
        pts = Z[labels == k]
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1] if Z.shape[1] > 1 else np.zeros(len(pts)), mode="markers",
                                 name=name, marker=dict(color=color(k), size=6, opacity=0.8)))
    fig.update_xaxes(title=axes[0])
    fig.update_yaxes(title=axes[1])
    return style(fig, present=present, height=380, title=title or tr("ae.latent_title"))


def error_histograms(normal, odd, threshold, *, images: bool = True, tr: Translator = english,
                     present=False) -> go.Figure:
    bins = dict(start=0, end=float(max(normal.max(), odd.max())) * 1.01, size=float(max(normal.max(), odd.max())) / 40)
    sfx = "" if images else "_cloud"
    fig = go.Figure([go.Histogram(x=normal, name=tr("ae.normal" + sfx), xbins=bins, marker_color=color(0), opacity=0.7),
                     go.Histogram(x=odd, name=tr("ae.unusual" + sfx), xbins=bins, marker_color=color(3), opacity=0.7)])
    fig.add_vline(x=threshold, line=dict(color="black", dash="dash"), annotation_text=tr("ae.threshold"))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=tr("ae.error" + sfx))
    fig.update_yaxes(title=tr("ae.count" + sfx))
    return style(fig, present=present, height=340, title=tr("ae.hist_title" + sfx))
