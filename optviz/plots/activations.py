"""Figures of the activations page: functions and derivatives, gradient through depth, the step
neuron that cannot learn, softmax. Values come from the core's Activation objects."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import activations as A
from .common import (FramedFigure, Translator, animation_frames, color, english, grid_layout, legend_height,
                     legend_names, style, value_slider)

_PARAM_SYMBOLS = {"alpha": "α", "beta": "β"}


def label(act: A.Activation) -> str:
    """Legend name: the core's name with its parameters, e.g. ``leaky_relu α=0.1``."""
    params = " ".join(f"{_PARAM_SYMBOLS.get(k, k)}={v:g}" for k, v in act.params.items())
    return f"{act.name} {params}" if params else act.name


def _line(act: A.Activation, i: int, x0: float, dx: float, y, name: str, what: str, show: bool,
          axis: int) -> go.Scatter:
    # x as x0 + k·dx: no x array in the figure; "vh" draws the step's jump exactly at 0 (on the grid)
    suffix = "" if axis == 1 else str(axis)
    return go.Scatter(x0=x0, dx=dx, y=np.asarray(y, dtype=np.float32), mode="lines", name=name,
                      legendgroup=name, showlegend=show, xaxis="x" + suffix, yaxis="y" + suffix,
                      line=dict(color=color(i), width=2.5, shape="vh" if act.outputs else "linear", simplify=False),
                      hovertemplate=f"{what} = %{{y:.6~g}}")


def curves(acts, grid, *, side_by_side: bool = False, tr: Translator = english,
           present: bool = False) -> go.Figure:
    """Each activation f (left column) and its derivative f′ (right column), from ``act.forward`` and
    ``act.derivative`` on ``grid = (x0, dx, count)``: overlaid in one row, or one row per activation
    with shared axes (every f on the same scale, every f′ on the same scale)."""
    rows = len(acts) if side_by_side and acts else 1
    # f left, f′ right; each column shares its x and y axes (every f on one scale, every f′ on another)
    layout = grid_layout(rows, 2, [tr("activations.function"), tr("activations.derivative")], hgap=0.08,
                         vgap=min(0.06, 0.3 / rows) if rows > 1 else 0.0, share_x="column", share_y="column")
    x0, dx, n = grid
    x = A.grid_points(x0, dx, n)
    traces = []
    for i, a in enumerate(acts):
        r, name = (i if side_by_side else 0), label(a)
        traces.append(_line(a, i, x0, dx, a.forward(x), name, "f(x)", True, 2 * r + 1))
        traces.append(_line(a, i, x0, dx, a.derivative(x), name, "f′(x)", False, 2 * r + 2))
        if side_by_side:
            layout["yaxis" + ("" if r == 0 else str(2 * r + 1))]["title"] = dict(text=name)
    bottom = 2 * rows - 1
    for axis in (bottom, bottom + 1):
        layout["xaxis" + ("" if axis == 1 else str(axis))]["title"] = dict(text="x")
    # one hover box per panel with every curve's exact value at that x: the comparison at a glance
    fig = go.Figure(traces, layout=dict(layout, hovermode="x unified"))
    fig.update_xaxes(hoverformat=".4~f")
    style(fig, present=present, height=max(380, 190 * rows + 90) if side_by_side else 440)
    legend = legend_height(legend_names(traces), 20 if present else 13)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0 + 40 / (190 * rows + 90)
                                  if side_by_side else 1.08, x=0), margin=dict(t=36 + legend))
    return fig


SCRUB_SLIDER = 95  # px under the plots for the scrub slider
SCRUB_POINTS = 201  # grid points of every curve in scrub mode (the page's usual grid: 401)


def curves_scrub(acts, grid, which: int, variants, values, current: int, *, side_by_side: bool = False,
                 tr: Translator = english, present: bool = False) -> go.Figure:
    """``curves`` with activation ``which`` drawn for each of ``variants`` (the same activation with
    its parameter at each of ``values``) under an in-figure slider: dragging it reshapes f and f′
    in the browser. Each point of the two curves carries the value, for a click that writes it back.
    Every curve is redrawn on every frame (plotly recomputes the whole figure), so a coarser
    ``grid`` than the page's usual one (SCRUB_POINTS) keeps the slider fluid."""
    fig = curves(acts, grid, side_by_side=side_by_side, tr=tr, present=present)
    spec = fig.to_dict()
    data, layout = spec["data"], spec["layout"]
    x = A.grid_points(*grid)
    f_i, d_i = 2 * which, 2 * which + 1
    frames = []
    for v, act in zip(values, variants):
        cd = np.full(x.size, v, dtype=np.float32)
        frames.append([dict(y=np.asarray(act.forward(x), dtype=np.float32), customdata=cd),
                       dict(y=np.asarray(act.derivative(x), dtype=np.float32), customdata=cd)])
    # dots along the moving f to click on (a line alone takes no selection in plotly)
    dots = np.linspace(0, x.size - 1, 15).round().astype(int)
    for frame, act in zip(frames, variants):
        frame.append(dict(y=frame[0]["y"][dots], customdata=frame[0]["customdata"][dots]))
    data.append(dict(type="scatter", x=x[dots].astype(np.float32), mode="markers", showlegend=False,
                     legendgroup=data[f_i].get("legendgroup"), marker=dict(color=color(which), size=8),
                     hovertemplate=tr("activations.scrub_click") + "<extra></extra>"))
    for i, u in zip((f_i, d_i, len(data) - 1), frames[current]):
        data[i].update(u)
    # fixed ranges holding every value's curves: an animation without redraw does not rescale
    full = A.grid_points(*grid)
    for axis, ys in (("yaxis", [a.forward(full) for a in acts] + [f[0]["y"] for f in frames]),
                     ("yaxis2", [a.derivative(full) for a in acts] + [f[1]["y"] for f in frames])):
        ys = np.concatenate([np.asarray(y, dtype=float) for y in ys])
        ys = ys[np.isfinite(ys)]
        lo, hi = float(ys.min()), float(ys.max())
        pad = 0.05 * (hi - lo or 1.0)
        layout[axis]["range"] = [lo - pad, hi + pad]
        layout[axis]["autorange"] = False
    param = A.SCRUB_PARAMS[acts[which].name][0]
    slider = value_slider(values, current, f"{acts[which].name} {_PARAM_SYMBOLS.get(param, param)} = ")
    slider.update(y=0, yanchor="top", pad=dict(t=62, b=0))
    layout["sliders"] = [slider]
    layout["margin"]["b"] = layout["margin"].get("b", 70) + SCRUB_SLIDER
    layout["height"] = layout["height"] + SCRUB_SLIDER
    layout["clickmode"] = "event+select"
    layout["hovermode"] = "closest"  # a click in "x unified" hover selects no point
    return FramedFigure(dict(data=data, layout=layout),
                        animation_frames(frames, [f_i, d_i, len(data) - 1], data))


_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def coinciding(acts) -> list[list]:
    """Groups (two or more) of activations with the same max f′, whose (max f′)ᴸ lines coincide."""
    groups: dict[float, list] = {}
    for a in acts:
        if a.max_derivative > 0:
            groups.setdefault(round(float(a.max_derivative), 12), []).append(a)
    return [g for g in groups.values() if len(g) > 1]


def depth_bound(acts, depths, bounds, *, tr: Translator = english, present: bool = False) -> go.Figure:
    """``bounds[i]`` = (max f′)ᴸ of ``acts[i]`` against L on a log axis (0 cannot be drawn there).
    Lines that coincide (same max f′: tanh, ReLU, identity, …) get different dashes and
    narrowing widths, so each one stays visible on top of the others."""
    fig = go.Figure()
    seen: dict[float, int] = {}
    for i, (a, b) in enumerate(zip(acts, bounds)):
        if a.max_derivative <= 0:
            continue  # the step: zero for every L, said in the text
        key = round(float(a.max_derivative), 12)
        k = seen[key] = seen.get(key, -1) + 1  # k-th line at this height
        fig.add_trace(go.Scatter(x=depths, y=b, mode="lines+markers", name=f"{label(a)}: ({a.max_derivative:.4g})ᴸ",
                                 line=dict(color=color(i), dash=_DASHES[k % len(_DASHES)], width=max(1.5, 4 - k)),
                                 marker=dict(size=max(3, 7 - 2 * k)),
                                 hovertemplate=f"{label(a)}<br>L = %{{x}}<br>(max f′)ᴸ = %{{y:.4~e}}"
                                               "<extra></extra>"))
    fig.add_hline(y=1.0, line=dict(color="#888", dash="dot", width=1))
    last = int(np.max(depths)) if len(depths) else 1
    step = next((d for d in (1, 2, 5, 10, 20, 50) if last / d <= 10), 100)  # whole layers, ≤ ~10 ticks
    fig.update_xaxes(title=tr("activations.depth_axis"), tick0=0, dtick=step)
    fig.update_yaxes(title=tr("activations.bound_axis"), type="log", exponentformat="power")
    return style(fig, present=present, height=400, title=tr("activations.depth_title"))


def neuron_example(w, curves_by_name: dict, paths: dict, *, tr: Translator = english,
                   present: bool = False) -> go.Figure:
    """One neuron's loss L(w) (left) and slope dL/dw (right) for each activation, with the weights
    that gradient descent visits drawn on the loss curve."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=[tr("activations.neuron_loss_title"), tr("activations.neuron_slope_title")])
    w0, dw = float(w[0]), float(w[1] - w[0])  # w is evenly spaced: no x array in the figure
    for i, (name, (loss, slope)) in enumerate(curves_by_name.items()):
        shape = "hv" if name == "step" else "linear"
        for col, y in ((1, loss), (2, slope)):
            fig.add_trace(go.Scatter(x0=w0, dx=dw, y=np.asarray(y, dtype=np.float32), mode="lines", name=name,
                                     legendgroup=name, showlegend=col == 1,
                                     line=dict(color=color(i + 1), width=2.5, shape=shape, simplify=False),
                                     hovertemplate=f"{name}<br>w = %{{x:.3f}}<br>%{{y:.5~g}}<extra></extra>"),
                          row=1, col=col)
        pw, pl = paths[name]
        fig.add_trace(go.Scatter(x=pw, y=pl, mode="markers+lines", legendgroup=name, showlegend=True,
                                 name=tr("activations.neuron_path", name=name),
                                 line=dict(color=color(i + 1), width=1, dash="dot"),
                                 marker=dict(size=9, symbol="circle-open", line=dict(width=2)),
                                 hovertemplate=tr("activations.neuron_path_hover") + "<extra></extra>"),
                      row=1, col=1)
    fig.update_xaxes(title_text="w")
    fig.update_yaxes(title_text="L(w)", row=1, col=1)
    fig.update_yaxes(title_text="dL/dw", row=1, col=2)
    style(fig, present=present, height=420)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0))  # titles take the top
    return fig


def softmax_bars(scores, probs, *, tr: Translator = english, present: bool = False) -> go.Figure:
    labels = [f"{i + 1}: {s:g}" for i, s in enumerate(scores)]
    fig = go.Figure(go.Bar(x=labels, y=probs, marker_color=[color(i) for i in range(len(scores))],
                           text=[f"{p:.3f}" for p in probs], textposition="outside",
                           hovertemplate="%{x}<br>p = %{y:.6g}<extra></extra>"))
    fig.update_xaxes(title=tr("activations.softmax_scores_axis"), type="category")
    fig.update_yaxes(title=tr("activations.softmax_prob_axis"), range=[0, 1.1])
    return style(fig, present=present, height=340)
