"""Figures of the MLP trainer: data and decision boundary, training curves, gradient norms,
confusion matrix, optimizer comparison."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .common import Translator, axis_ref, color, english, grid_layout, style


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
