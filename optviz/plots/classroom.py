"""Figures of the classroom's questions: the room's answers to a multiple-choice question as bars,
and a point question's chart (the surface's contour, where a tap is a guess) with the guesses as
dots and, once revealed, the real path and where it ends."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .common import Translator, english, style
from .playground import click_catcher, contour_height, contour_trace

GUESS = "#E377C2"  # the room's guesses
MINE = "#2CA02C"  # this student's guess
PATH = "#D62728"  # the real path, after the reveal
TAP_GRID = 41  # points a side where a tap can land (the guess is the nearest): 1/40 of the view


def tally_bars(options: list[str], counts: list[int], answer: int | None = None, *,
               tr: Translator = english, present: bool = False) -> go.Figure:
    """One bar per option (its count of answers); after the reveal the answer's bar is green and the
    others grey."""
    colors = ["#1F77B4"] * len(options) if answer is None else \
        ["#2CA02C" if i == answer else "#BBBBBB" for i in range(len(options))]
    fig = go.Figure(dict(data=[dict(type="bar", x=list(counts), y=list(options), orientation="h",
                                    marker=dict(color=colors), text=[str(c) for c in counts],
                                    textposition="auto", hoverinfo="skip")],
                         layout=dict(yaxis=dict(autorange="reversed", automargin=True),
                                     xaxis=dict(title=dict(text=tr("classroom.count")), rangemode="tozero",
                                                dtick=max(1, int(np.ceil(max(counts or [1]) / 8)))))))
    style(fig, present=present, height=110 + 44 * len(options))
    fig.update_layout(margin=dict(l=10, r=20, t=10, b=50), showlegend=False)
    return fig


def guess_figure(surface, points=(), mine=None, path=None, *, tr: Translator = english,
                 present: bool = False, clickable: bool = True) -> go.Figure:
    """The surface's contour (a tap on it is a guess: the grid point under the pointer), the room's
    guesses (``points``), this student's (``mine``) and, once revealed, the real ``path`` with its end."""
    data = [contour_trace(surface, showlegend=False)]
    if clickable:  # a contour takes no selection in plotly.js: a tap selects the nearest of these points
        data.append(click_catcher(surface.view, "(%{x:.2f}, %{y:.2f})<extra></extra>", n=TAP_GRID, size=14))
    if len(points):
        p = np.asarray(points, dtype=float).reshape(-1, 2)
        data.append(dict(type="scatter", x=p[:, 0].tolist(), y=p[:, 1].tolist(), mode="markers",
                         name=tr("classroom.guesses"),
                         marker=dict(color=GUESS, size=10, opacity=0.6, line=dict(color="white", width=1)),
                         hoverinfo="skip"))
    if mine is not None:
        data.append(dict(type="scatter", x=[mine[0]], y=[mine[1]], mode="markers", name=tr("classroom.your_guess"),
                         marker=dict(color=MINE, size=15, symbol="circle", line=dict(color="white", width=2)),
                         hoverinfo="skip"))
    if path is not None and len(path):
        path = np.asarray(path, dtype=float)
        data.append(dict(type="scatter", x=path[:, 0].tolist(), y=path[:, 1].tolist(), mode="lines",
                         name=tr("classroom.true_path"),
                         line=dict(color=PATH, width=3), hoverinfo="skip"))
        data.append(dict(type="scatter", x=[path[-1, 0]], y=[path[-1, 1]], mode="markers",
                         name=tr("classroom.true_end"), hoverinfo="skip",
                         marker=dict(color=PATH, size=18, symbol="diamond", line=dict(color="white", width=2))))
    (x0, x1), (y0, y1) = surface.view
    fig = go.Figure(dict(data=data, layout=dict(
        xaxis=dict(range=[x0, x1], title=dict(text="x"), constrain="domain"),
        yaxis=dict(range=[y0, y1], title=dict(text="y"), scaleanchor="x", scaleratio=1, constrain="domain"),
        clickmode="event+select", dragmode=False)))
    style(fig, present=present, height=contour_height(surface))
    fig.update_layout(legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),
                      margin=dict(l=55, r=15, t=15, b=80, autoexpand=False))
    return fig
