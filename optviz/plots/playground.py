"""Figures of the optimizer playground: contour with trajectories, loss and distance curves,
learning-rate sweep, 3-D surface."""
from __future__ import annotations

import base64
import hashlib

import numpy as np
import plotly.graph_objects as go

from .. import isolines, memo
from .common import (FramedFigure, Translator, animation_frames, color, downsample_index, english, legend_rows,
                     needs_redraw, path_index, style, value_slider)

GRID = 90  # contour resolution: enough for smooth levels, small payload
MAX_PATH_POINTS = 400  # curves against step
PATH_RESOLUTION = 500  # a drawn path keeps a point per 1/500 of the view's diagonal travelled
MAX_FRAMES = 250  # playback: every step of the first 100, then evenly spaced
MODEBAR = 28  # px at the figure's top kept for plotly's modebar, so that it covers no control (phones)
PLAYBACK_TOP = 90 + MODEBAR  # px above the plot: the modebar, the step slider and ▶ ❚❚ beside it
LEGEND_WIDTH = 460  # px: the contour fills the wider of two columns
CONTOUR_FILL = ("#FFFFFF", "#B9CFE4")  # lowest band, highest band
CONTOUR_LINE = dict(width=0.7, color="#8FA8C0")
CONTOURS = 28  # at most this many levels, at a round step (isolines.levels)
CLICK_GRID = 61  # a click on the contour selects the nearest of 61 × 61 points over the view


def _grid(surface, n=GRID):
    (x0, x1), (y0, y1) = surface.view
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = surface.f(X, Y)
    return xs, ys, Z


def _levels(surface, Z):
    """Values to contour, and the colour-bar title: log10 of the gap to the minimum on steep surfaces."""
    if not surface.log_levels:
        return Z, "f"
    zmin = np.nanmin(Z)
    span = np.nanmax(Z) - zmin
    return np.log10(Z - zmin + 1e-6 * max(span, 1e-12)), "log₁₀(f − min)"


def _contour_data(surface):
    """The contour's grid and values as sent (float32), from which its levels and a scrub's drawn
    lines both come, and the values' title."""
    xs, ys, Z = _grid(surface)
    zplot, ztitle = _levels(surface, Z)
    return xs, ys, zplot.astype(np.float32), ztitle


def contour_levels(zplot) -> dict:
    """The contour trace's levels, set explicitly (the same as ``isolines.levels``, which the scrub
    figure's drawn lines use): a chart drawn either way shows the same lines."""
    lv = isolines.levels(zplot, CONTOURS)
    if lv.size < 2:
        return dict(ncontours=CONTOURS)
    return dict(autocontour=False, contours=dict(start=float(lv[0]), end=float(lv[-1]),
                                                   size=float(lv[1] - lv[0])))


def contour_trace(surface, **extra) -> dict:
    """The surface's filled contour (its levels as ``contour_levels``), taking no hover: the race's
    and the classroom's charts."""
    xs, ys, z32, ztitle = _contour_data(surface)
    return dict(type="contour", x=xs, y=ys, z=z32, colorscale=[[0, CONTOUR_FILL[0]], [1, CONTOUR_FILL[1]]],
                **contour_levels(z32), line=CONTOUR_LINE, showscale=False, name=ztitle, hoverinfo="skip", **extra)


def click_catcher(view, hovertemplate: str, n: int = CLICK_GRID, size: float = 6) -> dict:
    """Invisible points over ``view`` that take the clicks on a contour: a contour trace takes no
    selection in plotly.js and Streamlit reports only selections (a click on the bare contour did
    nothing), so a click selects the nearest of these. Only one marker is drawn (``maxdisplayed``):
    hover and selection use every point, with no thousands of SVG nodes to restyle on each redraw.
    Put it before the traces a click should rather pick: plotly.js counts a pointer within 3 px of
    a marker as on it, and of two markers both under the pointer the later trace's wins."""
    (x0, x1), (y0, y1) = view
    gx, gy = np.meshgrid(np.linspace(x0, x1, n, dtype=np.float32), np.linspace(y0, y1, n, dtype=np.float32))
    return dict(type="scatter", mode="markers", x=gx.ravel(), y=gy.ravel(), showlegend=False,
                marker=dict(size=size, opacity=0, maxdisplayed=1), hovertemplate=hovertemplate)


def _backdrop_key(xs, ys, zplot):
    return hashlib.sha1(b"".join(np.ascontiguousarray(a, dtype=np.float64).tobytes()
                                 for a in (xs, ys, zplot))).digest()


@memo.memo(max_mb=4, name="playground.backdrop", key=_backdrop_key)  # ≤ 0.2 MB a surface (Rastrigin)
def backdrop(xs, ys, zplot) -> dict:
    """A contour drawn without a contour trace: one layout image, an SVG of its filled bands (a
    PNG) under its lines (a path). A figure whose frames move only scatter traces over it animates
    without redrawing the whole figure (a contour trace forces that, ANIMATE_REDRAW), and plotly.js
    does not parse the lines again on every frame as it would a layout shape's path."""
    lv = isolines.levels(zplot, CONTOURS)
    x0, x1, y0, y1 = float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])
    w, h = x1 - x0, y1 - y0
    path = isolines.svg_path([isolines.isolines(xs, ys, zplot, c) for c in lv], min(w, h))
    png = isolines.band_png(zplot, lv, *CONTOUR_FILL)
    # SVG's y runs down: the PNG's top row is the largest y already; the lines are flipped
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {w} {h}" preserveAspectRatio="none">'
           f'<image href="{png}" x="{x0}" y="{y0}" width="{w}" height="{h}" preserveAspectRatio="none"/>'
           f'<path transform="translate(0 {y0 + y1}) scale(1 -1)" d="{path}" fill="none" '
           f'stroke="{CONTOUR_LINE["color"]}" stroke-width="{CONTOUR_LINE["width"]}" '
           f'vector-effect="non-scaling-stroke"/></svg>')
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")
    return dict(images=[dict(source=source, xref="x", yref="y", x=x0, y=y1, sizex=w, sizey=h,
                             sizing="stretch", layer="below")])


def _finite_path(res, j=None):
    pts = res.points if j is None else res.points[:, j]
    last = res.last_finite_index() if j is None else res.last_finite_index()[j]
    return pts[: last + 1], last


def contour_with_paths(surface, results, labels, *, step=None, tr: Translator = english,
                       present=False, clickable=True, animate=True) -> go.Figure:
    """Contour of the surface with each run's path (start ●, end ◆, ✕ where it diverged), the
    minima (★), client-side playback; a click on the contour picks a start point.

    Built from plain dicts without plotly's per-property validation: this figure is redrawn on
    every widget change, and validation would cost more than everything else in the rerun."""
    data = [contour_trace(surface)]
    if clickable:  # a click on the contour is a start point
        data.append(click_catcher(surface.view, tr("playground.click_hover") + "<extra></extra>"))
    (x0, x1), (y0, y1) = surface.view
    scale = np.hypot(x1 - x0, y1 - y0) / PATH_RESOLUTION
    for i, (res, label) in enumerate(zip(results, labels)):
        path, last = _finite_path(res)
        idx = path_index(path, scale)
        data.append(dict(type="scatter", x=path[idx, 0], y=path[idx, 1], mode="lines+markers", name=label,
                         legendgroup=str(i), line=dict(color=color(i), width=2.5), marker=dict(size=4),
                         customdata=idx,
                         hovertemplate=label + "<br>" + tr("playground.hover_step") + "<extra></extra>"))
        end_symbol = "x" if res.diverged_at >= 0 else "diamond"
        data.append(dict(type="scatter", x=[path[0, 0], path[-1, 0]], y=[path[0, 1], path[-1, 1]],
                         mode="markers", legendgroup=str(i), showlegend=False, hoverinfo="skip",
                         marker=dict(color=color(i), size=[9, 13], symbol=["circle", end_symbol],
                                     line=dict(color="white", width=1))))
    minima = list(surface.minima) or ([surface.extra["approx_min"]] if "approx_min" in surface.extra else [])
    if minima:
        m = np.array(minima)
        data.append(dict(type="scatter", x=m[:, 0], y=m[:, 1], mode="markers", name=tr("playground.minimum"),
                         marker=dict(symbol="star", size=16, color="#D62728", line=dict(color="white", width=1))))
    layout = dict(xaxis=dict(range=[x0, x1], title=dict(text="x"), constrain="domain"),
                  yaxis=dict(range=[y0, y1], title=dict(text="y"), scaleanchor="x", scaleratio=1,
                             constrain="domain"),
                  clickmode="event+select", dragmode="zoom")
    frames = None
    if step is not None and results:
        data.append(_position_trace(results, step, present))
        if animate:
            frames = _add_playback(layout, data, results, tr, step)
    fig = FramedFigure(dict(data=data, layout=layout), frames or [])
    style(fig, present=present, height=contour_height(surface))
    # the legend sits at the figure's foot, below the x-axis title whatever the plot's aspect. The
    # margins are fixed (autoexpand off): plotly would otherwise draw the figure, find the legend and
    # the playback larger than the margins, and draw it all again, on every change (2 of 3 s)
    names = list(labels) + ([tr("playground.minimum")] if minima else [])
    rows = legend_rows(names, LEGEND_WIDTH)
    fig.update_layout(legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),
                      margin=dict(l=75, t=PLAYBACK_TOP if frames else 20, b=52 + 29 * rows, autoexpand=False))
    return fig


def contour_height(surface, plot_width: int = 520) -> int:
    """Figure height that fits the equal-aspect plot of the surface's view in a column about
    ``plot_width`` pixels wide, plus the playback above and the legend below: a wide view
    (x²+10y², 2 : 1) gets no empty bands above and below, a square one a taller plot."""
    (x0, x1), (y0, y1) = surface.view
    return int(np.clip(200 + MODEBAR + plot_width * (y1 - y0) / (x1 - x0), 420 + MODEBAR, 680 + MODEBAR))


def _positions(results, k):
    xs, ys = [], []
    for res in results:
        kk = min(k, res.last_finite_index())
        xs.append(float(res.points[kk, 0]))
        ys.append(float(res.points[kk, 1]))
    return xs, ys


def _position_trace(results, k, present):
    """Each run's position at step k as a ring, the first run's the largest: runs at the same point
    (all of them at step 0, or converged to one minimum) show as concentric rings, none hidden."""
    xs, ys = _positions(results, k)
    n = len(results)
    base, gap = (18, 8) if present else (13, 6)
    return dict(type="scatter", x=xs, y=ys, mode="markers", name="step", showlegend=False, hoverinfo="skip",
                marker=dict(size=[base + gap * (n - 1 - i) for i in range(n)], symbol="circle-open",
                            color=[color(i) for i in range(n)], line=dict(width=3 if present else 2.5)))


def playback_steps(steps: int, max_frames: int = MAX_FRAMES, dense: int = 100) -> np.ndarray:
    """The steps the playback shows: all of them when few, else every one of the first ``dense``
    (where the optimizers differ most) and then evenly spaced to the last."""
    if steps + 1 <= max_frames:
        return np.arange(steps + 1)
    rest = np.linspace(dense, steps, max_frames - dense).round().astype(int)
    return np.unique(np.concatenate([np.arange(dense), rest]))


def _add_playback(layout, data, results, tr, step: int = 0) -> list:
    """Client-side animation of the current positions: instant, no server round trip. The
    slider starts at the frame of ``step``, the step the page shows."""
    steps = max(r.steps for r in results)
    ks = playback_steps(steps)
    redraw = needs_redraw(data)  # the contour stays drawn
    frames = []
    for k in ks:
        xs, ys = _positions(results, int(k))
        frames.append([dict(x=xs, y=ys)])
    frames = animation_frames(frames, [len(data) - 1], data)  # the position rings: the last trace
    for k, f in zip(ks, frames):
        f["name"] = str(int(k))
    layout["updatemenus"] = [dict(
        type="buttons", showactive=False, x=0, y=1.0, xanchor="left", yanchor="bottom", direction="left",
        pad=dict(b=14, t=0, l=0, r=0),
        buttons=[dict(label="▶", name=tr("playground.play"), method="animate",
                      args=[None, dict(frame=dict(duration=120, redraw=redraw), fromcurrent=True,
                                       transition=dict(duration=0))]),
                 dict(label="❚❚", name=tr("playground.pause"), method="animate",
                      args=[[None], dict(frame=dict(duration=0, redraw=redraw), mode="immediate")])])]
    layout["sliders"] = [dict(
        active=int(np.abs(ks - step).argmin()), x=0.34, y=1.0, yanchor="bottom", len=0.66, pad=dict(t=0, b=0),
        currentvalue=dict(prefix=tr("playground.step") + " "),
        steps=[dict(label=str(int(k)), method="animate",
                    args=[[str(int(k))], dict(mode="immediate", frame=dict(duration=0, redraw=redraw))])
               for k in ks])]
    return frames


def _lines(traces, xtitle, ytitle, log, title, present) -> go.Figure:
    """A line chart from (x, y, name, colour) tuples, without per-property validation."""
    data = [dict(type="scatter", x=x, y=y, mode="lines", name=name, line=dict(color=c)) for x, y, name, c in traces]
    layout = dict(xaxis=dict(title=dict(text=xtitle)),
                  yaxis=dict(title=dict(text=ytitle), type="log" if log else "linear", exponentformat="power"))
    return style(go.Figure(dict(data=data, layout=layout), _validate=False), present=present, height=360,
                 title=title)


def _gap(surface, losses):
    """Loss minus the known minimum (for a log axis), or the loss itself when no minimum is known."""
    fmin = surface.min_value
    if fmin is None:
        return losses, False
    return np.maximum(losses - fmin, 1e-16), True


def loss_curves(surface, results, labels, *, tr: Translator = english, present=False) -> go.Figure:
    traces, log = [], True
    for i, (res, label) in enumerate(zip(results, labels)):
        y, gap = _gap(surface, res.losses)
        log = log and gap
        idx = downsample_index(len(y), MAX_PATH_POINTS)
        traces.append((idx, y[idx], label, color(i)))
    return _lines(traces, tr("playground.step"), tr("playground.loss_gap") if log else tr("playground.loss"),
                  log, tr("playground.loss_title"), present)


def distance_curves(surface, results, labels, *, tr: Translator = english, present=False) -> go.Figure:
    traces = []
    for i, (res, label) in enumerate(zip(results, labels)):
        d = surface.distance_to_minimum(res.points[:, 0], res.points[:, 1])
        idx = downsample_index(len(d), MAX_PATH_POINTS)
        traces.append((idx, np.maximum(d[idx], 1e-16), label, color(i)))
    return _lines(traces, tr("playground.step"), tr("playground.distance"), True,
                  tr("playground.distance_title"), present)


def lr_sweep_figure(surface, sweeps, labels, limits, *, tr: Translator = english,
                    present=False) -> go.Figure:
    fig = go.Figure()
    for i, (sw, label, limit) in enumerate(zip(sweeps, labels, limits)):
        y, _ = _gap(surface, sw.final_loss)
        fig.add_trace(go.Scatter(x=sw.lrs, y=y, mode="lines+markers", name=label,
                                 line=dict(color=color(i)), marker=dict(size=5)))
        if sw.best_lr is not None:
            j = int(np.argmin(np.abs(sw.lrs - sw.best_lr)))
            fig.add_trace(go.Scatter(x=[sw.best_lr], y=[y[j]], mode="markers", showlegend=False,
                                     marker=dict(symbol="star", size=14, color=color(i)),
                                     hovertemplate=tr("playground.best_lr") + " %{x:.3g}<extra></extra>"))
        if limit is not None:
            fig.add_vline(x=limit, line=dict(color=color(i), dash="dash"))
    # one label per distinct limit, alternately above the plot and inside its foot: 0.1 and 0.19
    # sit close on a log axis and their labels ran into each other
    distinct = sorted({round(v, 12) for v in limits if v is not None})
    for j, limit in enumerate(distinct):
        fig.add_annotation(x=np.log10(limit), xref="x", yref="paper", y=1 if j % 2 == 0 else 0,
                           yanchor="bottom", showarrow=False, xanchor="left",
                           text=tr("playground.limit_short", limit=limit), font=dict(size=11))
    gap = surface.min_value is not None
    fig.update_xaxes(title=tr("playground.lr"), type="log", exponentformat="power")
    fig.update_yaxes(title=tr("playground.final_loss_gap") if gap else tr("playground.final_loss"),
                     type="log" if gap else "linear", exponentformat="power")
    return style(fig, present=present, height=400, title=tr("playground.sweep_title"))


def surface_3d(surface, results, labels, *, tr: Translator = english, present=False) -> go.Figure:
    """The surface seen from above at an angle, half transparent, with each path lying on it
    (lifted a hair so the surface does not hide it) and its start ● and end ◆."""
    xs, ys, Z = _grid(surface, 60)
    zplot, ztitle = _levels(surface, Z)
    lift = 0.01 * float(np.nanmax(zplot) - np.nanmin(zplot))
    data = [dict(type="surface", x=xs, y=ys, z=zplot.astype(np.float32), colorscale="Blues",
                 reversescale=True, opacity=0.6, showscale=False, hoverinfo="skip")]
    (x0, x1), (y0, y1) = surface.view
    scale = np.hypot(x1 - x0, y1 - y0) / PATH_RESOLUTION
    for i, (res, label) in enumerate(zip(results, labels)):
        path, _ = _finite_path(res)
        idx = path_index(path, scale, max_points=600)
        with np.errstate(all="ignore"):
            zp, _ = _levels(surface, np.concatenate([Z.ravel(), surface.f(path[idx, 0], path[idx, 1])]))
        z = zp[Z.size:] + lift
        data.append(dict(type="scatter3d", x=path[idx, 0], y=path[idx, 1], z=z, mode="lines", name=label,
                         legendgroup=str(i), line=dict(color=color(i), width=6)))
        data.append(dict(type="scatter3d", x=path[idx[[0, -1]], 0], y=path[idx[[0, -1]], 1], z=z[[0, -1]],
                         mode="markers", legendgroup=str(i), showlegend=False, hoverinfo="skip",
                         marker=dict(color=color(i), size=[5, 6], symbol=["circle", "diamond"],
                                     line=dict(color="white", width=1))))
    layout = dict(scene=dict(xaxis=dict(title=dict(text="x"), nticks=6), yaxis=dict(title=dict(text="y"), nticks=5),
                             zaxis=dict(title=dict(text=ztitle), nticks=5),
                             camera=dict(eye=dict(x=0.95, y=-1.4, z=1.0)),
                             aspectmode="manual", aspectratio=dict(x=1, y=max(0.5, (y1 - y0) / (x1 - x0)), z=0.7)),
                  margin=dict(l=0, r=0, t=10, b=10))
    fig = go.Figure(dict(data=data, layout=layout), _validate=False)
    return style(fig, present=present, height=560)


# Steps and losses of a basin map travel as one byte per start (a 200 × 200 map: 53 kB instead of
# ≈ 250 kB of float32): code 0 is "none" (grey), 1–255 spread the finite values over Viridis.
_VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
            "#b5de2b", "#fde725")
_NONE_THEN_VIRIDIS = [[0.0, "#BBBBBB"], [0.5 / 255, "#BBBBBB"]] + [
    [0.5 / 255 + (1 - 0.5 / 255) * i / (len(_VIRIDIS) - 1), c] for i, c in enumerate(_VIRIDIS)]


def _quantized(values, none_text: str, integer: bool):
    """(uint8 codes, tick codes, tick texts) for a colour bar that reads in the original values."""
    finite = np.isfinite(values)
    lo, hi = (float(values[finite].min()), float(values[finite].max())) if finite.any() else (0.0, 0.0)
    span = hi - lo if hi > lo else 1.0
    z = np.zeros(values.shape, dtype=np.uint8)
    z[finite] = 1 + np.rint((values[finite] - lo) / span * 254).astype(np.uint8)
    marks = np.unique(np.rint(np.linspace(lo, hi, 5))) if integer else np.linspace(lo, hi, 5)
    if not finite.any():
        marks = np.array([])
    ticks = [0] + [1 + (m - lo) / span * 254 for m in marks]
    texts = [none_text] + [f"{m:.0f}" if integer else f"{m:.2g}" for m in marks]
    return z, ticks, texts


MANY_MINIMA = 12  # beyond this many minima the basin colour bar names the local ones together


def _two_lines(text: str, width: int = 18) -> str:
    """A long colour-bar label broken at the space nearest its middle: the bar's labels set how
    much width is left for the map, and two maps share a row."""
    if len(text) <= width:
        return text
    if text.isascii():  # at a space, which the break replaces
        cuts = [(i, i + 1) for i, ch in enumerate(text) if ch == " "]
    else:  # Japanese: after a comma
        cuts = [(i + 1, i + 1) for i, ch in enumerate(text) if ch == "、"]
    if not cuts:
        return text
    a, b = min(cuts, key=lambda c: abs(c[0] - len(text) / 2))
    return text[:a] + "<br>" + text[b:]


def basin_figure(surface, bmap, title, color_by="minimum", *, tr: Translator = english,
                 present=False) -> go.Figure:
    """Each start of the grid coloured by the minimum it reached (or diverged / did not converge),
    by the steps it needed, or by its final loss."""
    from ..basins import DIVERGED, NOT_CONVERGED, OTHER

    if color_by == "minimum":
        specials = [(DIVERGED, "#222222", tr("playground.basin_diverged")),
                    (NOT_CONVERGED, "#BBBBBB", tr("playground.basin_not_converged")),
                    (OTHER, "#F2F2F2", tr("playground.basin_other"))]
        cats = specials + [(i, color(i), tr("playground.basin_minimum", x=m[0], y=m[1]))
                           for i, m in enumerate(bmap.minima)]
        index = {c[0]: j for j, c in enumerate(cats)}
        z = np.vectorize(index.get)(bmap.label).astype(np.uint8)  # ≤ 124 categories: one byte each
        n = len(cats)
        scale = [[v, c[1]] for j, c in enumerate(cats) for v in (j / n, (j + 1) / n)]
        shares = bmap.shares()
        text = {j: f"{_two_lines(c[2])}  {100 * shares.get(c[0], 0):.0f}%" for j, c in enumerate(cats)}
        ticks = list(range(n))
        if len(bmap.minima) > MANY_MINIMA:  # Rastrigin's 121: one tick for all the local ones
            local = range(len(specials) + len(surface.minima), n)
            ticks = ticks[:local.start] + [(local.start + n - 1) / 2]
            share = sum(shares.get(cats[j][0], 0) for j in local)
            label = _two_lines(tr("playground.basin_local_minima", count=len(local)))
            text[ticks[-1]] = f"{label}  {100 * share:.0f}%"
        fig = go.Figure(go.Heatmap(x=bmap.xs, y=bmap.ys, z=z, zmin=-0.5, zmax=n - 0.5, colorscale=scale,
                                   colorbar=dict(tickvals=ticks, ticktext=[text[j] for j in ticks], thickness=12,
                                                 title=dict(text=tr("playground.basin_color_minimum"),
                                                            side="top")),
                                   hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"))
    else:
        values = bmap.steps_needed if color_by == "steps" else bmap.final_loss
        ctitle = tr("playground.basin_steps") if color_by == "steps" else tr("playground.basin_loss")
        if color_by == "loss":
            best = np.nanmin(values) if np.isfinite(values).any() else 0.0  # all diverged: all NaN
            values = np.log10(np.maximum(values - best, 0) + 1e-12)
        none = tr("playground.basin_not_converged") if color_by == "steps" else tr("playground.basin_diverged")
        z, ticks, ticktext = _quantized(values, none, integer=(color_by == "steps"))
        fig = go.Figure(go.Heatmap(x=bmap.xs, y=bmap.ys, z=z, zmin=0, zmax=255, colorscale=_NONE_THEN_VIRIDIS,
                                   colorbar=dict(title=dict(text=ctitle, side="right"), thickness=12,
                                                 tickvals=ticks, ticktext=ticktext),
                                   hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"))
    if bmap.minima:
        m = np.array(bmap.minima)
        fig.add_trace(go.Scatter(x=m[:, 0], y=m[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                                 marker=dict(symbol="star", size=13 if len(m) <= MANY_MINIMA else 6,
                                             color="white",
                                             line=dict(color="black", width=1))))
    (x0, x1), (y0, y1) = surface.view
    fig.update_xaxes(range=[x0, x1], title="x", constrain="domain")
    fig.update_yaxes(range=[y0, y1], title="y", scaleanchor="x", scaleratio=1, constrain="domain")
    return style(fig, present=present, height=460, title=title)


# --- scrub: one run's path for every value of a hyperparameter, moved by an in-figure slider ----

SCRUB_PATH_RESOLUTION = 250  # a scrubbed path keeps a point per 1/250 of the view's diagonal
SCRUB_LOSS_POINTS = 120
SCRUB_LOSS_HEIGHT = 190  # px of the loss panel under the contour
SCRUB_TOP = 104 + MODEBAR  # px above the plot: the modebar, the slider with its value and tick labels


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _scrub_frame(surface, sc, j, scale, gap_floor):
    """The scrubbed run's path (with [step, value] on each point, for hover and write-back), its
    start and end markers and its loss curve, at value j."""
    res = sc.result
    path, last = _finite_path(res, j)
    idx = path_index(path, scale, max_points=600, dense=150)
    value = float(sc.values[j])
    ends = dict(x=_f32([path[0, 0], path[-1, 0]]), y=_f32([path[0, 1], path[-1, 1]]),
                marker=dict(symbol=["circle", "x" if res.diverged_at[j] >= 0 else "diamond"]))
    losses = res.losses[: last + 1, j]
    y, _ = _gap(surface, losses)
    li = downsample_index(len(y), SCRUB_LOSS_POINTS)
    return [dict(x=_f32(path[idx, 0]), y=_f32(path[idx, 1]),
                 customdata=np.column_stack([idx, np.full(idx.size, value)]).astype(np.float32)),
            ends,
            dict(x=li.astype(np.int32), y=_f32(np.clip(y[li], gap_floor, 1e30)))]


def scrub_figure(surface, results, labels, sc, run: int, *, tr: Translator = english,
                 present=False) -> go.Figure:
    """The race's contour with run ``run``'s path shown for each value of ``sc.param`` (an
    in-figure slider: plotly frames, no server round trip), and every run's loss under it. A click
    on the scrubbed path reports [step, value] as its point's customdata (the page writes the value
    back to the run)."""
    spec = contour_with_paths(surface, results, labels, step=None, tr=tr, present=present,
                              animate=False).to_plotly_json()
    layout = spec["layout"]
    # the contour as an image, not a trace: the frames then move the paths without
    # redrawing the figure; the click catcher stays first (the paths win a click near them)
    data = spec["data"][1:]
    xs, ys, z32, _ = _contour_data(surface)
    back = backdrop(xs, ys, z32.astype(float))
    layout["images"] = list(back["images"])
    for axis in ("xaxis", "yaxis"):  # the contour's fill hid the grid
        layout[axis]["showgrid"] = False
    (x0, x1), (y0, y1) = surface.view
    scale = np.hypot(x1 - x0, y1 - y0) / SCRUB_PATH_RESOLUTION
    log = surface.min_value is not None
    floor = 1e-16
    for i, (res, label) in enumerate(zip(results, labels)):  # every run's loss, under the contour
        y, _ = _gap(surface, res.losses[: res.last_finite_index() + 1])
        li = downsample_index(len(y), SCRUB_LOSS_POINTS)
        data.append(dict(type="scatter", x=li.astype(np.int32), y=_f32(np.clip(y[li], floor, 1e30)),
                         mode="lines", xaxis="x2", yaxis="y2", legendgroup=str(i), showlegend=False,
                         line=dict(color=color(i)), hovertemplate=label + ": %{y:.3g}<extra></extra>"))
    frames = [_scrub_frame(surface, sc, j, scale, floor) for j in range(sc.values.size)]
    ip, ie, il = 1 + 2 * run, 2 + 2 * run, len(data) - len(results) + run
    path, ends, loss = frames[sc.current]  # the figure opens at the run's own value
    data[ip].update(path, hovertemplate=f"{labels[run]}<br>{sc.param} = %{{customdata[1]:.3g}}, "
                    f"{tr('playground.step')} %{{customdata[0]:.0f}}: (%{{x:.4g}}, %{{y:.4g}})<br>"
                    f"{tr('playground.scrub_hover')}<extra></extra>")
    data[ie].update(x=ends["x"], y=ends["y"], marker={**data[ie]["marker"], **ends["marker"]})
    data[il].update(loss, line=dict(color=color(run), width=3))
    # a fixed loss axis that holds every value's curve: the panel keeps its scale while the slider moves
    ys = np.concatenate([np.asarray(d["y"], dtype=float) for d in data[-len(results):]]
                        + [np.asarray(f[2]["y"], dtype=float) for f in frames])
    ys = ys[np.isfinite(ys)]
    top = 1e3 * max(float(d["y"][0]) for d in data[-len(results):]) if results else np.inf
    ys = ys[ys <= max(top, floor)]  # a diverging value's loss leaves the panel, not squash it
    if not ys.size:
        yrange = None
    elif log:
        yrange = [float(np.log10(ys.min())) - 0.2, float(np.log10(ys.max())) + 0.2]
    else:
        pad = 0.05 * (float(ys.max() - ys.min()) or 1.0)
        yrange = [float(ys.min()) - pad, float(ys.max()) + pad]
    height = layout["height"] + SCRUB_LOSS_HEIGHT
    bottom = layout["margin"]["b"]
    plot_px = height - bottom - SCRUB_TOP
    share = (SCRUB_LOSS_HEIGHT - 40) / plot_px  # of the plot area, below a gap for the x title
    layout.update(
        height=height,
        xaxis2=dict(anchor="y2", range=[0, max(r.steps for r in results)], title=dict(text=tr("playground.step"))),
        yaxis2=dict(anchor="x2", domain=[0, share], type="log" if log else "linear", range=yrange,
                    exponentformat="power",
                    title=dict(text=tr("playground.loss_gap") if log else tr("playground.loss"))),
        sliders=[value_slider(sc.values, sc.current, f"{labels[run].split(' (')[0]} · {sc.param} = ",
                              redraw=needs_redraw(data))])
    layout["yaxis"]["domain"] = [share + 50 / plot_px, 1.0]
    layout["margin"]["t"] = SCRUB_TOP
    return FramedFigure(dict(data=data, layout=layout), animation_frames(frames, [ip, ie, il], data))
