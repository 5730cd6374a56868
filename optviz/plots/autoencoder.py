"""Figures of the autoencoder page: images, reconstructions, the latent space, error histograms."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .common import Translator, color, english, style

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
    return style(fig, present=present, height=380, title=title or tr("autoencoder.latent_title"))


def error_histograms(normal, odd, threshold, *, images: bool = True, tr: Translator = english,
                     present=False) -> go.Figure:
    bins = dict(start=0, end=float(max(normal.max(), odd.max())) * 1.01, size=float(max(normal.max(), odd.max())) / 40)
    sfx = "" if images else "_cloud"
    fig = go.Figure([go.Histogram(x=normal, name=tr("autoencoder.normal" + sfx), xbins=bins, marker_color=color(0), opacity=0.7),
                     go.Histogram(x=odd, name=tr("autoencoder.unusual" + sfx), xbins=bins, marker_color=color(3), opacity=0.7)])
    fig.add_vline(x=threshold, line=dict(color="black", dash="dash"), annotation_text=tr("autoencoder.threshold"))
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=tr("autoencoder.error" + sfx))
    fig.update_yaxes(title=tr("autoencoder.count" + sfx))
    return style(fig, present=present, height=340, title=tr("autoencoder.hist_title" + sfx))
