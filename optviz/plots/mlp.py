"""Figures of the MLP trainer: data and decision boundary, training curves, gradient norms,
confusion matrix, optimizer comparison, and the network view (every neuron drawn as its output over
the input plane, or a curve over x for a regression; edges coloured by the weight's sign, as wide as
its size; dead and saturated units marked; a hover text per neuron)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..netview import TILE, View, formula
from .common import Translator, axis_ref, color, english, grid_layout, legend_below, style


def _points(X, y, names, showlegend=True):
    return [go.Scatter(x=X[y == c, 0], y=X[y == c, 1], mode="markers", name=str(names[c]),
                       legendgroup=str(c), showlegend=showlegend,
                       marker=dict(color=color(c), size=6, line=dict(color="white", width=0.7)))
            for c in range(len(names))]


def boundary(X, y, names, grid=None, Xte=None, yte=None, *, title="", tr: Translator = english,
             present=False) -> go.Figure:
    """Training points (●) and test points (◇) over the class-probability map of the network."""
    fig = go.Figure()
    if grid is not None:
        xs, ys, P = grid
        k = P.shape[2]
        cls = P.argmax(axis=2)
        conf = P.max(axis=2)
        # colour = predicted class, brightness = confidence (0.5 .. 1 → pale .. full)
        z = cls + np.clip((conf - 1.0 / k) / (1 - 1.0 / k), 0, 0.999)
        scale = []
        for c in range(k):
            scale += [[c / k, "#FFFFFF"], [(c + 1) / k, color(c)]]
        fig.add_trace(go.Heatmap(x=xs.astype(np.float32), y=ys.astype(np.float32),
                                 z=(z / k).astype(np.float32), zmin=0, zmax=1, colorscale=scale,
                                 opacity=0.45, showscale=False, hoverinfo="skip"))
    for t in _points(X, y, names):
        fig.add_trace(t)
    if Xte is not None and len(Xte):
        for c in range(len(names)):
            fig.add_trace(go.Scatter(x=Xte[yte == c, 0], y=Xte[yte == c, 1], mode="markers",
                                     name=tr("mlp.test_points"), legendgroup="test", showlegend=(c == 0),
                                     marker=dict(color=color(c), size=7, symbol="diamond-open",
                                                 line=dict(width=1.5))))
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return style(fig, present=present, height=460, title=title)


def regression(X, y, curve=None, *, title="", tr: Translator = english, present=False) -> go.Figure:
    fig = go.Figure(go.Scatter(x=X[:, 0], y=y, mode="markers", name=tr("mlp.data"),
                               marker=dict(color=color(0), size=6)))
    if curve is not None:
        fig.add_trace(go.Scatter(x=curve[0], y=curve[1], mode="lines", name=tr("mlp.fit"),
                                 line=dict(color=color(3), width=3)))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="y", range=_y_window(y, None if curve is None else curve[1]))
    return style(fig, present=present, height=420, title=title)


def _y_window(y, fit=None) -> list:
    """The y range of the regression view: the data's, widened to the network's curve as far as one
    data span beyond it either way. A diverging network (a curve at 1e175) leaves the chart at the
    edge instead of squashing the data flat against the axis."""
    y = np.asarray(y, dtype=float)
    lo, hi = float(y.min()), float(y.max())
    span = max(hi - lo, 1e-9)
    if fit is not None:
        fit = np.asarray(fit, dtype=float)
        fit = fit[np.isfinite(fit)]
        if fit.size:
            lo, hi = max(min(lo, float(fit.min())), lo - span), min(max(hi, float(fit.max())), hi + span)
    pad = 0.06 * (hi - lo)
    return [lo - pad, hi + pad]


def history(h, *, tr: Translator = english, present=False) -> go.Figure:
    has_acc = any(a is not None for a in h.accuracy)
    layout = grid_layout(1, 2 if has_acc else 1, [tr("mlp.loss_title")] + ([tr("mlp.acc_title")] if has_acc else []),
                         hgap=0.08)
    epochs = np.arange(1, h.epochs + 1)
    traces = []
    series = [(h.loss, tr("mlp.train_set"), 0, "solid"), (h.test_loss, tr("mlp.test_set"), 3, "dash")]
    for values, name, c, dash in series:
        if len(values):
            traces.append(dict(type="scatter", x=epochs[:len(values)], y=values, mode="lines", name=name,
                               legendgroup=name, line=dict(color=color(c), dash=dash), **axis_ref(0)))
    if has_acc:
        for values, name, c, dash in ((h.accuracy, tr("mlp.train_set"), 0, "solid"),
                                      (h.test_accuracy, tr("mlp.test_set"), 3, "dash")):
            if len(values):
                traces.append(dict(type="scatter", x=epochs[:len(values)], y=values, mode="lines", name=name,
                                   legendgroup=name, showlegend=False, line=dict(color=color(c), dash=dash),
                                   **axis_ref(1)))
        layout["yaxis2"].update(range=[0, 1.02])
    layout["yaxis"].update(type="log", exponentformat="power")
    fig = go.Figure(traces, layout=layout)
    for epoch, text in h.changes:
        fig.add_vline(x=epoch + 0.5, line=dict(color="#888", dash="dot"), annotation_text=text,
                      annotation_font_size=10)
    fig.update_xaxes(title=tr("mlp.epoch"))
    return style(fig, present=present, height=340)


def grad_norms(h, *, tr: Translator = english, present=False) -> go.Figure:
    g = np.array(h.grad_norms)
    fig = go.Figure()
    for layer in range(g.shape[1] if g.ndim == 2 else 0):
        fig.add_trace(go.Scatter(x=np.arange(1, len(g) + 1), y=np.maximum(g[:, layer], 1e-30), mode="lines",
                                 name=tr("mlp.layer", k=layer + 1), line=dict(color=color(layer))))
    fig.update_xaxes(title=tr("mlp.epoch"))
    fig.update_yaxes(title="‖∂L/∂W‖", type="log", exponentformat="power")
    return style(fig, present=present, height=320, title=tr("mlp.grad_title"))


def confusion(m, names, *, points: str = "test", tr: Translator = english, present=False) -> go.Figure:
    """Confusion matrix counted on ``points``: "test" or "train" (when there are no test points)."""
    labels = [str(n) for n in names]
    fig = go.Figure(go.Heatmap(z=m, x=labels, y=labels, colorscale="Blues", showscale=False,
                               text=m, texttemplate="%{text}", hovertemplate="%{y} → %{x}: %{z}<extra></extra>"))
    fig.update_xaxes(title=tr("mlp.predicted"), type="category")
    fig.update_yaxes(title=tr("mlp.actual"), type="category", autorange="reversed")
    return style(fig, present=present, height=300, title=tr(f"mlp.confusion_{points}"))


def compare_losses(histories, labels, initial=None, *, tr: Translator = english, present=False) -> go.Figure:
    """Training loss per epoch of each run; with ``initial`` (each run's loss before its first
    update), the curves start at epoch 0, where runs from the same weights meet."""
    fig = go.Figure()
    for i, (h, label) in enumerate(zip(histories, labels)):
        x, y = np.arange(1, h.epochs + 1), list(h.loss)
        if initial is not None:
            x, y = np.arange(0, h.epochs + 1), [initial[i], *y]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=label, line=dict(color=color(i))))
    fig.update_xaxes(title=tr("mlp.epoch"))
    fig.update_yaxes(title=tr("mlp.train_loss"), type="log", exponentformat="power")
    return style(fig, present=present, height=340, title=tr("mlp.compare_title"))


def compare_boundaries(X, y, names, grids, labels, *, tr: Translator = english, present=False) -> go.Figure:
    k = len(grids)
    fig = make_subplots(rows=1, cols=k, subplot_titles=labels, shared_yaxes=True, horizontal_spacing=0.03)
    for j, (xs, ys, P) in enumerate(grids):
        cls = P.argmax(axis=2)
        fig.add_trace(go.Heatmap(x=xs.astype(np.float32), y=ys.astype(np.float32), z=cls.astype(np.int8),
                                 zmin=-0.5, zmax=len(names) - 0.5, showscale=False, opacity=0.4, hoverinfo="skip",
                                 colorscale=[[v, color(c)] for c in range(len(names))
                                             for v in (c / len(names), (c + 1) / len(names))]),
                      row=1, col=j + 1)
        for t in _points(X, y, names, showlegend=(j == 0)):
            t.marker.size = 4
            fig.add_trace(t, row=1, col=j + 1)
    return style(fig, present=present, height=320)


# --- the network view ------------------------------------------------------------------------------

GAP = 4  # grid cells between two neurons of a column
COLUMN = TILE * 3  # grid cells from one column to the next: room for the edges
POSITIVE, NEGATIVE = "rgba(0,114,178,{a})", "rgba(213,94,0,{a})"
WIDTHS = (0.8, 2.0, 4.0)  # px for |w| in the lower, middle and upper third of the layer's largest
HIDDEN_SCALE = [[0.0, color(1)], [0.5, "#FFFFFF"], [1.0, color(0)]]
DEAD, SATURATED = "#CC0000", "#7B3294"


def _top(view: View) -> int:
    return max(len(s) for s in view.shown) * (TILE + GAP) - GAP


def _centre_y(view: View, layer: int, k: int) -> float:
    """The y of the centre of the k-th drawn unit of ``layer`` (columns centred on each other)."""
    h = len(view.shown[layer]) * (TILE + GAP) - GAP
    off = (_top(view) - h) / 2
    return _top(view) - 1 - (off + k * (TILE + GAP) + (TILE - 1) / 2)


def _scaled(view: View, layer: int, p: np.ndarray) -> tuple[np.ndarray, float, float]:
    """A picture and its colour range: inputs each over their own range, outputs as probabilities
    (or their own range for a regression), hidden units over the activation's shared range."""
    last = len(view.sizes) - 1
    if 0 < layer < last:
        return p, view.low, view.high
    if layer == last and not view.regression:
        return p, 0.0, 1.0
    if not np.isfinite(p).any():  # a diverged network: nothing to scale
        return p, 0.0, 1.0
    lo, hi = float(np.nanmin(p)), float(np.nanmax(p))
    return p, lo, hi if hi > lo else lo + 1.0


def network_view(view: View, class_names=None, *, tr: Translator = english, present=False) -> go.Figure:
    with np.errstate(all="ignore"):  # huge outputs of a network on its way to diverging: drawn as they are
        return _network_view(view, class_names, tr, present)


def _network_view(view: View, class_names, tr: Translator, present: bool) -> go.Figure:
    fig = go.Figure()
    top = _top(view)
    last = len(view.sizes) - 1
    # edges: one trace per sign and width class, segments separated by None
    for pair, W in enumerate(view.weights):
        scale = float(np.nanmax(np.abs(W))) if W.size and np.isfinite(W).any() else 0.0
        if scale == 0.0:
            continue
        x0, x1 = pair * COLUMN + TILE - 0.5, (pair + 1) * COLUMN - 0.5
        for sign, tmpl in ((1, POSITIVE), (-1, NEGATIVE)):
            for w_class, width in enumerate(WIDTHS):
                xs, ys = [], []
                for i in range(W.shape[0]):
                    for j in range(W.shape[1]):
                        w = W[i, j]
                        if not np.isfinite(w) or (w >= 0) != (sign > 0) or min(int(3 * abs(w) / scale), 2) != w_class:
                            continue
                        xs += [x0, x1, None]
                        ys += [_centre_y(view, pair, i), _centre_y(view, pair + 1, j), None]
                if xs:
                    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                             line=dict(color=tmpl.format(a=0.35 + 0.2 * w_class), width=width)))
    # pictures: one heatmap per column (a regression: one line trace per column)
    for layer, row in enumerate(view.units):
        x_left = layer * COLUMN
        if view.regression:
            xs, ys = [], []
            for k, u in enumerate(row):
                p, lo, hi = _scaled(view, layer, u.picture)
                c = _centre_y(view, layer, k)
                xs += list(x_left + np.arange(TILE)) + [None]
                ys += list(c - (TILE - 1) / 2 + (TILE - 1) * (np.nan_to_num(p) - lo) / (hi - lo)) + [None]
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=color(0), width=1.5),
                                     hoverinfo="skip", showlegend=False))
            continue
        if layer == last:  # each class in its boundary colour: white (probability 0) to the class's colour
            for k, u in enumerate(row):
                y0 = _centre_y(view, layer, k) - (TILE - 1) / 2
                fig.add_trace(go.Heatmap(z=np.ascontiguousarray(u.picture[::-1]), x0=x_left, dx=1, y0=y0, dy=1, zmin=0, zmax=1,
                                         colorscale=[[0, "#FFFFFF"], [1, color(k)]], showscale=False,
                                         hoverinfo="skip"))
            continue
        z = np.full((top, TILE), np.nan, dtype=np.float32)
        for k, u in enumerate(row):
            p, lo, hi = _scaled(view, layer, u.picture)
            r0 = int(round(top - 1 - _centre_y(view, layer, k) - (TILE - 1) / 2))  # row from the top
            z[r0:r0 + TILE] = (p - lo) / (hi - lo)  # 0 … 1: the layer's range (an input: its own)
        fig.add_trace(go.Heatmap(z=np.ascontiguousarray(z[::-1]), x0=x_left, dx=1, y0=0, dy=1, zmin=0, zmax=1, colorscale=HIDDEN_SCALE,
                                 showscale=False, hoverinfo="skip"))
    # a thin frame around every picture: a unit that is 0 everywhere stays visible
    fig.update_layout(shapes=[dict(type="rect", x0=layer * COLUMN - 0.5, x1=layer * COLUMN + TILE - 0.5,
                                   y0=_centre_y(view, layer, k) - TILE / 2, y1=_centre_y(view, layer, k) + TILE / 2,
                                   line=dict(color="#BBBBBB", width=1), layer="below")
                              for layer, row in enumerate(view.units) for k in range(len(row))])
    # hover targets and state marks
    hx, hy, texts = [], [], []
    marks = {"dead": ([], []), "saturated": ([], [])}
    for layer, row in enumerate(view.units):
        for k, u in enumerate(row):
            cx, cy = layer * COLUMN + (TILE - 1) / 2, _centre_y(view, layer, k)
            hx.append(cx)
            hy.append(cy)
            texts.append(_hover(view, u, class_names, tr))
            if u.state in marks:
                marks[u.state][0].append(cx)
                marks[u.state][1].append(cy)
    fig.add_trace(go.Scatter(x=hx, y=hy, mode="markers", hovertext=texts, hoverinfo="text", showlegend=False,
                             marker=dict(size=18, opacity=0)))
    for state, colour in (("dead", DEAD), ("saturated", SATURATED)):
        xs, ys = marks[state]
        if xs:
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=tr(f"mlp.net_{state}"), hoverinfo="skip",
                                     marker=dict(symbol="square-open", size=22, color=colour, line=dict(width=2.5))))
    # headings and what is not drawn
    for layer in range(last + 1):
        head = tr("mlp.net_inputs") if layer == 0 else tr("mlp.net_outputs") if layer == last else tr(
            "mlp.net_layer", n=layer, units=view.sizes[layer])
        fig.add_annotation(x=layer * COLUMN + (TILE - 1) / 2, y=top + 3, text=head, showarrow=False, yanchor="bottom",
                           font=dict(size=12))
        more = view.sizes[layer] - len(view.shown[layer])
        if more:
            fig.add_annotation(x=layer * COLUMN + (TILE - 1) / 2, y=-3, text=tr("mlp.net_more", n=more),
                               showarrow=False, yanchor="top", font=dict(size=12))
    width = last * COLUMN + TILE
    fig.update_xaxes(visible=False, range=[-TILE, width + TILE])
    fig.update_yaxes(visible=False, range=[-12, top + 14], scaleanchor="x", scaleratio=1)
    height = int(min(900, max(300, 110 + (top + 26) * 520 / (width + 2 * TILE))))
    return style(fig, present=present, height=height, title=tr("mlp.net_title"))


def _hover(view: View, u, class_names, tr: Translator) -> str:
    last = len(view.sizes) - 1
    if u.layer == 0:
        return tr("mlp.net_hover_input", name=view.input_names[u.index])
    names = view.input_names if u.layer == 1 else [f"h{j + 1}" for j in range(len(u.weights))]
    if u.layer == last:
        name = str(class_names[u.index]) if class_names is not None and not view.regression else f"y{u.index + 1}"
        return tr("mlp.net_hover_output", name=name, formula=formula(u, names, ""), grad=f"{u.grad:.3g}")
    state = tr(f"mlp.net_{u.state}") if u.state else tr("mlp.net_healthy")
    return tr("mlp.net_hover_unit", layer=u.layer, unit=u.index + 1, formula=formula(u, names, view.activation),
              grad=f"{u.grad:.3g}", active=f"{100 * u.active:.0f}", state=state)


# --- the loss landscape ------------------------------------------------------------------------------

def landscape(land, paths=None, *, tr: Translator = english, present=False) -> go.Figure:
    """The training loss over the slice (the playground's contour look, log-spaced levels), the
    trained weights ★ at (0, 0), and each (label, path) projected onto the plane (● its start)."""
    z = np.log10(np.maximum(land.loss, 1e-12)).astype(np.float32)
    data = [dict(type="contour", x=land.alphas.astype(np.float32), y=land.betas.astype(np.float32), z=z,
                 colorscale=[[0, "#FFFFFF"], [1, "#B9CFE4"]], ncontours=28, line=dict(width=0.7, color="#8FA8C0"),
                 showscale=False, customdata=land.loss.astype(np.float32),
                 hovertemplate="α = %{x:.3g}, β = %{y:.3g}<br>" + tr("mlp.land_hover") + "<extra></extra>")]
    for i, (label, path) in enumerate(paths or []):
        data.append(dict(type="scatter", x=path[:, 0], y=path[:, 1], mode="lines+markers", name=label,
                         legendgroup=str(i), line=dict(color=color(i), width=2.5), marker=dict(size=4),
                         hoverinfo="skip"))
        data.append(dict(type="scatter", x=path[:1, 0], y=path[:1, 1], mode="markers", name=tr("mlp.land_start"),
                         legendgroup="start", showlegend=i == 0, hoverinfo="skip",
                         marker=dict(color=color(i), size=10, line=dict(color="white", width=1))))
    data.append(dict(type="scatter", x=[0.0], y=[0.0], mode="markers", name=tr("mlp.land_trained"),
                     marker=dict(symbol="star", size=16, color="#D62728", line=dict(color="white", width=1)),
                     hoverinfo="skip"))
    fig = go.Figure(data)
    fig.update_xaxes(title="α (d₁)")
    fig.update_yaxes(title="β (d₂)")
    return legend_below(style(fig, present=present, height=480, title=tr("mlp.land_title")))


# --- the drawing pad -----------------------------------------------------------------------------------

PAD_GRID = 41  # tap targets per axis: plotly.js selects points, not empty space


def drawing_pad(points, box: float, *, tr: Translator = english, present=False) -> go.Figure:
    """The drawn points by class over an invisible grid of tap targets (a tap on empty space selects
    the nearest target; a tap on a point selects the point)."""
    g = np.linspace(-box, box, PAD_GRID, dtype=np.float32)
    gx, gy = np.meshgrid(g, g)
    data = [dict(type="scatter", x=gx.ravel(), y=gy.ravel(), mode="markers", marker=dict(size=12, opacity=0),
                 showlegend=False, hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>")]
    p = np.asarray(points, dtype=float).reshape(-1, 3)
    for c in sorted({int(v) for v in p[:, 2]}):
        q = p[p[:, 2] == c]
        data.append(dict(type="scatter", x=q[:, 0].tolist(), y=q[:, 1].tolist(), mode="markers", name=str(c),
                         marker=dict(color=color(c), size=10, line=dict(color="white", width=1)),
                         hovertemplate=tr("mlp.draw_hover") + "<extra></extra>"))
    fig = go.Figure(data)
    fig.update_xaxes(range=[-box - 0.1, box + 0.1], zeroline=False, constrain="domain")
    fig.update_yaxes(range=[-box - 0.1, box + 0.1], zeroline=False, scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(clickmode="event+select", dragmode=False)
    return style(fig, present=present, height=420, title=tr("mlp.draw_title"))
