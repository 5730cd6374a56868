"""Shared figure styling: colour cycle, compact layout, presentation mode."""
from __future__ import annotations

import base64
import unicodedata
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .. import i18n

# Colour-blind-friendly cycle (Okabe–Ito, then Tableau) so a projector shows distinct lines.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
          "#8C564B", "#7F7F7F"]

Translator = Callable[..., str]


def _register_template() -> str:
    """plotly_white's look (fonts, white background, light grids, 3-D scene, colour scales) in a
    template a tenth of its size: plotly validates a figure's template whenever the figure is built
    or Streamlit checks it, which made plotly_white cost ~35 ms per figure; this one costs ~3 ms
    and adds 1.5 kB instead of 6 kB to each figure's JSON."""
    white = pio.templates["plotly_white"].layout
    keep = ("autotypenumbers", "font", "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis", "scene",
            "colorscale", "coloraxis", "hoverlabel", "hovermode", "annotationdefaults", "shapedefaults", "title")
    pio.templates["optviz"] = go.layout.Template(layout=dict({k: white[k] for k in keep}, colorway=COLORS))
    return "optviz"


TEMPLATE = _register_template()


def english(key: str, **fmt) -> str:
    return i18n.t(key, "en", **fmt)


MARGIN_LEFT = 85  # px: y tick labels of up to six characters and the axis title
MARGIN_BOTTOM = 70  # x tick labels and the axis title
LEGEND_ROW = 28  # px a row of a horizontal legend takes at 13 px
LEGEND_WIDTH = 340  # px a legend row may fill: a chart in one of two columns on a laptop


def color(i: int) -> str:
    return COLORS[i % len(COLORS)]


def style(fig: go.Figure, *, present: bool = False, height: int | None = None,
          title: str | None = None) -> go.Figure:
    """Compact margins and a white template; presentation mode enlarges fonts and lines (one layout
    update: each update is validated, which is what figures cost).

    The margins are set large enough for the tick labels, axis titles and legend they will hold:
    plotly grows margins that are too small, but only by drawing the figure, measuring and drawing
    it again, on every change."""
    font = 20 if present else 13
    names = legend_names(fig.data)
    legend = legend_height(names, font) if len(names) > 1 else 0
    layout = dict(template=TEMPLATE, margin=dict(l=MARGIN_LEFT, r=25, t=20 + legend, b=MARGIN_BOTTOM),
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                  font=dict(size=font))
    if title:  # the title takes the top: the legend goes below the plot, clear of the x-axis title
        plot_px = max(100, int(height or 450) - 50 - 85)
        layout.update(title=dict(text=title, x=0, xanchor="left"),
                      margin=dict(l=MARGIN_LEFT, r=25, t=50, b=MARGIN_BOTTOM + 15 + legend),
                      legend=dict(orientation="h", yanchor="top", y=-60 / plot_px, x=0))
    elif _has_subplot_titles(fig):  # panel titles take the top: the legend goes below the x-axis titles
        layout.update(legend=dict(orientation="h", yanchor="top", y=-0.3, x=0),
                      margin=dict(l=MARGIN_LEFT, r=25, t=20, b=MARGIN_BOTTOM + 20 + legend))
    if height:
        layout["height"] = int(height * (1.3 if present else 1))
    fig.update_layout(layout)
    if present:
        fig.update_traces(selector=dict(type="scatter"), line=dict(width=4))
    return fig


def grid_layout(rows: int, cols: int, titles=(), *, hgap: float = 0.02, vgap: float = 0.1,
                share_x: bool | str = False, share_y: bool | str = False, panels: int | None = None) -> dict:
    """Axes (domains, anchors, shared ranges) and panel titles of a rows × cols grid, written
    directly: make_subplots validates every axis object and costs ~5 ms per panel. Panel k (from 0,
    row by row) uses axes ``axis_ref(k)``. ``share_x`` / ``share_y``: True (every panel on the first
    panel's axis) or "column" (each column on its top panel's axis); ``panels``: how many are used
    (x tick labels show under the last panel of each column)."""
    h, w = (1 - (rows - 1) * vgap) / rows, (1 - (cols - 1) * hgap) / cols
    panels = rows * cols if panels is None else panels
    layout, notes = {}, []

    def shared(mode, axis: str, k: int, c: int) -> dict:
        if mode == "column" and k >= cols:
            return {"matches": axis if c == 0 else f"{axis}{c + 1}"}
        return {"matches": axis} if mode is True and k else {}

    for k in range(rows * cols):
        r, c = divmod(k, cols)
        sx = "" if k == 0 else str(k + 1)
        x0, top = c * (w + hgap), 1 - r * (h + vgap)
        layout["xaxis" + sx] = dict(domain=[x0, min(x0 + w, 1.0)], anchor="y" + sx, **shared(share_x, "x", k, c))
        layout["yaxis" + sx] = dict(domain=[max(top - h, 0.0), top], anchor="x" + sx, **shared(share_y, "y", k, c))
        if share_x and k + cols < panels:
            layout["xaxis" + sx]["showticklabels"] = False
        if share_y is True and c:
            layout["yaxis" + sx]["showticklabels"] = False
        if k < len(titles):
            notes.append(dict(text=titles[k], x=x0 + w / 2, y=top, xref="paper", yref="paper",
                              xanchor="center", yanchor="bottom", showarrow=False))
    layout["annotations"] = notes
    return layout


def axis_ref(k: int) -> dict:
    """The trace keys placing a trace in panel k of a grid_layout."""
    return dict(xaxis="x" if k == 0 else f"x{k + 1}", yaxis="y" if k == 0 else f"y{k + 1}")


def _has_subplot_titles(fig: go.Figure) -> bool:
    return any(a.yref == "paper" and a.yanchor == "bottom" and (a.y or 0) >= 0.99 for a in fig.layout.annotations)


def legend_rows(names, width: int, font: int = 13) -> int:
    """How many rows a horizontal legend of ``names`` takes in ``width`` px (entries packed left to
    right as plotly does: a 40 px symbol and the text at about 0.52 em a Latin character, 1 em a
    Japanese one), for a figure whose margins are fixed."""
    rows, used = 1, 0.0
    for name in names:
        w = 40 + font * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.52 for c in str(name))
        if used and used + w > width:
            rows, used = rows + 1, 0.0
        used += w
    return rows


def legend_names(traces) -> list[str]:
    """The names a figure's legend shows: of the traces that have one and are not left out of it."""
    return [t.name for t in traces if t.name and t.showlegend is not False]


def legend_height(names, font: int = 13) -> int:
    """The px a horizontal legend of ``names`` takes in a chart's margin (``legend_rows``)."""
    return LEGEND_ROW * legend_rows(names, LEGEND_WIDTH, font)


def presentation(fig: go.Figure, min_height: int = 620) -> go.Figure:
    """Projector version of a finished figure: larger text, thicker lines, taller plot (fixed
    margins grow with the text)."""
    base = fig.layout.font.size or 13
    fig.update_layout(font=dict(size=max(base, 20)),
                      height=max(int((fig.layout.height or 450) * 1.3), min_height))
    m = fig.layout.margin
    if m.autoexpand is False:
        grow = max(base, 20) / base
        fig.update_layout(margin=dict(l=int((m.l or 0) * grow), t=int((m.t or 0) * grow), b=int((m.b or 0) * grow)))
    fig.for_each_trace(lambda t: t.update(line=dict(width=max((t.line.width or 2) * 1.8, 3.5)))
                       if t.type == "scatter" and t.mode and "lines" in t.mode else None)
    fig.for_each_trace(_larger_markers)
    for a in fig.layout.annotations or ():  # arrows drawn as annotations (the 1-D iterates)
        if a.showarrow is not False and a.arrowwidth:
            a.arrowwidth = max(a.arrowwidth * 2, 3)
    return fig


def _larger_markers(t) -> None:
    """Markers 1.5× (a size per point, as the contour's start and end, included); invisible ones
    (the contour's click grid) keep their size."""
    if t.type != "scatter" or not t.mode or "markers" not in t.mode or t.marker.opacity == 0:
        return
    size = t.marker.size
    if isinstance(size, (int, float)):
        t.marker.size = size * 1.5
    elif size is not None:
        t.marker.size = [s * 1.5 for s in size]


def finite_or_none(a: np.ndarray) -> list:
    """A float array as a list with NaN/inf replaced by None (valid JSON, drawn as gaps)."""
    a = np.asarray(a, dtype=float)
    return [None if not np.isfinite(v) else float(v) for v in a.ravel()]


def path_index(points: np.ndarray, scale: float, max_points: int = 2000, dense: int = 400) -> np.ndarray:
    """Indices of a 2-D path (n, 2) thinned by distance travelled, not by step count: a point is
    kept once the path has moved ``scale`` since the last kept one, so every turn of a zig-zag
    stays while a slow crawl is drawn sparsely. Paths of at most ``dense`` points are kept whole;
    first and last always."""
    n = len(points)
    if n <= dense:
        return np.arange(n)
    travelled = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    bucket = np.floor(travelled / scale)
    keep = np.ones(n, dtype=bool)
    keep[1:] = bucket[1:] != bucket[:-1]
    keep[-1] = True
    idx = np.flatnonzero(keep)
    return idx if len(idx) <= max_points else idx[downsample_index(len(idx), max_points)]


def whole_step(span: float, most: int) -> int:
    """The smallest whole tick step that puts at most ``most`` steps over ``span`` (at least 1)."""
    return max(1, int(np.ceil(span / most)))


def downsample_index(n: int, max_points: int = 400) -> np.ndarray:
    """Indices 0..n-1 thinned to at most ``max_points``, always keeping the first and last."""
    if n <= max_points:
        return np.arange(n)
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return idx


def legend_below(fig: go.Figure) -> go.Figure:
    """Subplot titles take the top: the legend goes under the plots."""
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
                      margin=dict(b=MARGIN_BOTTOM + 10 + legend_height(legend_names(fig.data), fig.layout.font.size or 13)))
    return fig


_DTYPES = {"float32": "f4", "float64": "f8", "int32": "i4", "int64": "i8", "int16": "i2", "uint8": "u1"}


def _typed(value):
    """Numpy arrays in a plain figure dict as plotly's typed-array specs (base64, as plotly.py
    sends a validated figure's arrays); everything else as it is."""
    if isinstance(value, np.ndarray) and value.dtype.name in _DTYPES:
        a = np.ascontiguousarray(value)
        spec = {"dtype": _DTYPES[a.dtype.name], "bdata": base64.b64encode(a.tobytes()).decode()}
        if a.ndim > 1:
            spec["shape"] = ",".join(map(str, a.shape))
        return spec
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_typed(v) for v in value]
    return value


class FramedFigure(go.Figure):
    """A figure whose animation frames stay plain dicts. plotly.py builds and validates one trace
    object per trace of every frame (a playback of 250 frames × 14 traces: 0.3 s a redraw), though
    the frames are data the browser only replays; here they are converted once to typed arrays and
    added when the figure is serialised (``to_dict``, which ``st.plotly_chart`` sends)."""

    def __init__(self, spec: dict, frames: list[dict]):
        super().__init__(spec, _validate=False)
        self._raw_frames = _typed(frames)

    @property
    def raw_frames(self) -> list[dict]:
        return self._raw_frames

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["frames"] = self._raw_frames
        return d

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def __reduce__(self):
        """Pickled as its figure and its frames (``st.cache_data`` pickles what it caches: plotly's
        own reduction rebuilds a figure from ``to_dict``, which holds the frames, and
        ``FramedFigure(spec)`` without them failed for every session after the first)."""
        return _framed_figure, (go.Figure.to_dict(self), self._raw_frames)


def _framed_figure(spec: dict, raw_frames: list[dict]) -> FramedFigure:
    fig = FramedFigure(spec, [])
    fig._raw_frames = raw_frames
    return fig


# plotly.js moves scatter traces from frame to frame without redrawing the figure (redraw: False),
# but removes a contour or heatmap while it does (plotly.js #4491, plotly.py #2151: the playground's
# contour vanished at the first step of a playback): a figure that has one animates with redraw.
ANIMATE_REDRAW = {"contour", "heatmap"}


def needs_redraw(data) -> bool:
    """Whether frames of a figure with traces ``data`` must redraw it (ANIMATE_REDRAW)."""
    return any(d.get("type") in ANIMATE_REDRAW for d in data)


def animation_frames(updates, indices, data) -> list[dict]:
    """Plotly frames, frame j changing traces ``indices`` by ``updates[j]`` and naming every other
    trace of the figure (``data``, its traces as dicts) with an empty update of its type. A frame
    that names only some traces breaks the others: plotly.js removes the layer of every trace type
    a frame does not name (the contour vanished at the first step of a playback), and a click
    afterwards failed on the scatter traces it did not redraw ("reading 'selectAll'")."""
    others = [i for i in range(len(data)) if i not in indices]
    empty = [dict(type=data[i].get("type", "scatter")) for i in others]  # typed: far faster to build
    return [dict(name=str(j), data=[{**d, "type": data[i].get("type", "scatter")} for i, d in zip(indices, u)]
                 + empty, traces=list(indices) + others) for j, u in enumerate(updates)]


def value_slider(values, active: int, prefix: str, redraw: bool = False) -> dict:
    """An in-figure slider over ``values`` (frame j for value j, as ``animation_frames`` names
    them): moving it replays the frame in the browser, no server round trip; the value under it is
    shown after ``prefix``. ``redraw``: a figure with a contour or heatmap needs it (see
    ``ANIMATE_REDRAW``); scatter traces alone are moved without it, twice as fast."""
    return dict(active=int(active), x=0, y=1.0, yanchor="bottom", len=1.0, pad=dict(t=0, b=14),
                currentvalue=dict(prefix=prefix, font=dict(size=14, color="#31333F")),
                steps=[dict(label=f"{v:g}", method="animate",
                            args=[[str(j)], dict(mode="immediate", frame=dict(duration=0, redraw=redraw),
                                                 transition=dict(duration=0))])
                       for j, v in enumerate(values)])
