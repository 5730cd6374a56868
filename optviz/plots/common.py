"""Shared figure styling: colour cycle, compact layout, presentation mode."""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go

from .. import i18n

# Colour-blind-friendly cycle (Okabe–Ito, then Tableau) so a projector shows distinct lines.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
          "#8C564B", "#7F7F7F"]

Translator = Callable[..., str]


def english(key: str, **fmt) -> str:
    return i18n.t(key, "en", **fmt)


def color(i: int) -> str:
    return COLORS[i % len(COLORS)]


def style(fig: go.Figure, *, present: bool = False, height: int | None = None,
          title: str | None = None) -> go.Figure:
    """Compact margins and a white template; presentation mode enlarges fonts and lines."""
    fig.update_layout(template="plotly_white", margin=dict(l=50, r=20, t=50 if title else 20, b=45),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                      font=dict(size=20 if present else 13))
    if title:  # the title takes the top: the legend goes below the plot
        fig.update_layout(title=dict(text=title, x=0, xanchor="left"),
                          legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    elif _has_subplot_titles(fig):  # panel titles take the top: the legend goes below the x-axis titles
        fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, x=0),
                          margin=dict(b=90))
    if height:
        fig.update_layout(height=int(height * (1.3 if present else 1)))
    if present:
        fig.update_traces(selector=dict(type="scatter"), line=dict(width=4))
    return fig


def _has_subplot_titles(fig: go.Figure) -> bool:
    return any(a.yref == "paper" and a.yanchor == "bottom" and (a.y or 0) >= 0.99 for a in fig.layout.annotations)


def presentation(fig: go.Figure, min_height: int = 620) -> go.Figure:
    """Projector version of a finished figure: larger text, thicker lines, taller plot."""
    base = fig.layout.font.size or 13
    fig.update_layout(font=dict(size=max(base, 20)),
                      height=max(int((fig.layout.height or 450) * 1.3), min_height))
    fig.for_each_trace(lambda t: t.update(line=dict(width=max((t.line.width or 2) * 1.8, 3.5)))
                       if t.type == "scatter" and t.mode and "lines" in t.mode else None)
    return fig


def finite_or_none(a: np.ndarray) -> list:
    """A float array as a list with NaN/inf replaced by None (valid JSON, drawn as gaps)."""
    a = np.asarray(a, dtype=float)
    return [None if not np.isfinite(v) else float(v) for v in a.ravel()]


def downsample_index(n: int, max_points: int = 400) -> np.ndarray:
    """Indices 0..n-1 thinned to at most ``max_points``, always keeping the first and last."""
    if n <= max_points:
        return np.arange(n)
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return idx
