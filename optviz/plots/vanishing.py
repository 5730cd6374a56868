"""Figures of the vanishing-gradient page: activation histograms per layer (small multiples),
per-layer activation spread and gradient norms, and loss curves of short training runs."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .common import Translator, axis_ref, color, english, finite_or_none, grid_layout, legend_below, style, whole_step

MAX_PANELS = 10
PANEL_COLUMNS = 5


def config_label(config, tr: Translator = english) -> str:
    """'sigmoid · N(0, 1)', 'ReLU · He + BN', 'sigmoid · Xavier + residual'."""
    act, init = tr(f"vanishing.act_{config.activation}"), tr(f"vanishing.init_short_{config.init}")
    text = f"{act} · {init}"
    return text + (" + BN" if config.batch_norm else "") + (
        f" + {tr('vanishing.res_short')}" if config.residual else "")


def panel_layers(depth: int, max_panels: int = MAX_PANELS) -> list[int]:
    """Hidden layers (1-based) shown as panels: all of them, or evenly spaced ones with first and last."""
    if depth <= max_panels:
        return list(range(1, depth + 1))
    return [int(i) + 1 for i in np.unique(np.linspace(0, depth - 1, max_panels).round())]


def layer_ticks(depth: int, output: bool = False, most: int = 11) -> list[int]:
    """Ticks 1, 1 + d, 1 + 2d, … at a whole step d (≤ ``most`` ticks); with ``output`` the last
    is the output layer at depth + 1, and a tick too close before it is dropped."""
    last = depth + 1 if output else depth
    step = whole_step(last - 1, most - 1)
    ticks = list(range(1, last + 1, step))
    if output and ticks[-1] != last:
        if last - ticks[-1] <= step / 2 and len(ticks) > 1:
            ticks.pop()
        ticks.append(last)
    return ticks


def _positive_or_none(a) -> list:
    a = np.asarray(a, dtype=float)
    return finite_or_none(np.where(a > 0, a, np.nan))


def _log_axis(*arrays) -> dict:
    """Range (whole decades, at least one, so 10ⁿ labels always show) and a tick every 10ᵈ so that
    about 8 labels cover the data, for a log axis."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return {}
    lo, hi = math.floor(np.log10(values.min())), math.ceil(np.log10(values.max()))
    hi = max(hi, lo + 1)
    return dict(range=[lo - 0.05, hi + 0.05], dtick=whole_step(hi - lo, 8))


def activation_histograms(probe, *, tr: Translator = english, present: bool = False,
                          max_panels: int = MAX_PANELS) -> go.Figure:
    """One histogram per hidden layer with shared x and y axes (share of all values, in %)."""
    layers = panel_layers(probe.depth, max_panels)
    cols = min(PANEL_COLUMNS, len(layers))
    rows = math.ceil(len(layers) / cols)
    titles = []
    for layer in layers:
        zero = probe.zero_share[layer - 1]
        titles.append(tr("vanishing.hist_panel_zero", n=layer, zero=f"{100 * zero:.0f}") if zero >= 0.005
                      else tr("vanishing.hist_panel", n=layer))
    layout = grid_layout(rows, cols, titles, hgap=0.02, vgap=0.16 if rows > 1 else 0.1, share_x=True, share_y=True,
                         panels=len(layers))
    edges = probe.edges
    centres = ((edges[:-1] + edges[1:]) / 2).round(6)
    width = float(edges[1] - edges[0])
    percent = 100 * probe.counts
    hover = tr("vanishing.hist_hover") + "<extra></extra>"
    bar = dict(type="bar", x=centres, width=width, marker=dict(color=color(0), line=dict(width=0)),
               showlegend=False, hovertemplate=hover)
    traces = [dict(bar, y=percent[layer - 1].round(3), name=tr("vanishing.hist_panel", n=layer), **axis_ref(k))
              for k, layer in enumerate(layers)]
    top = float(percent[[layer - 1 for layer in layers]].max()) if percent.size else 1.0
    layout["yaxis"].update(range=[0, max(top, 1e-9) * 1.08])
    layout["xaxis"].update(range=[float(edges[0]), float(edges[-1])])
    for r in range(rows):
        layout["yaxis" + ("" if r == 0 else str(r * cols + 1))]["title"] = dict(text=tr("vanishing.hist_y"))
    bottom = (rows - 1) * cols + (cols + 1) // 2  # middle panel of the last row
    layout["xaxis" + ("" if bottom == 1 else str(bottom))]["title"] = dict(text=tr("vanishing.hist_x"))
    fig = go.Figure(traces, layout=dict(layout, bargap=0))
    style(fig, present=present, height=170 + 190 * rows,
          title=tr("vanishing.hist_title", config=config_label(probe.config, tr)))
    fig.update_annotations(font_size=None)  # panel titles follow the figure's font (presentation mode)
    return fig


def layer_profiles(probes: list, *, bound=None, tr: Translator = english,
                   present: bool = False) -> go.Figure:
    """Left: spread (std) of each hidden layer's activations. Right: ‖∂L/∂Wₗ‖ per layer after one
    backward pass, with an optional reference line ``bound`` (one value per layer). Log y-axes;
    the first probe (the chosen network) is drawn thicker."""
    layout = grid_layout(1, 2, [tr("vanishing.spread_title"), tr("vanishing.grad_title")], hgap=0.1)
    traces = []
    for i, p in enumerate(probes):
        label = config_label(p.config, tr)
        line = dict(color=color(i), width=4 if i == 0 else 2)
        traces.append(dict(type="scatter", x=list(range(1, p.depth + 1)), y=_positive_or_none(p.std),
                           mode="lines+markers", name=label, legendgroup=str(i), showlegend=False, line=line,
                           marker=dict(size=5), hovertemplate=label + "<br>" + tr("vanishing.spread_hover")
                           + "<extra></extra>", **axis_ref(0)))
        traces.append(dict(type="scatter", x=list(range(1, p.depth + 2)), y=_positive_or_none(p.grad_norms),
                           mode="lines+markers", name=label, legendgroup=str(i), line=line,
                           marker=dict(size=5), hovertemplate=label + "<br>" + tr("vanishing.grad_hover")
                           + "<extra></extra>", **axis_ref(1)))
    if bound is not None:
        traces.append(dict(type="scatter", x=list(range(1, len(bound) + 1)), y=_positive_or_none(bound),
                           mode="lines", name=tr("vanishing.bound_name"), line=dict(color="#7F7F7F", dash="dash",
                                                                                    width=2),
                           hovertemplate=tr("vanishing.grad_hover") + "<extra></extra>", **axis_ref(1)))
    depth = probes[0].depth if probes else 1
    ticks = layer_ticks(depth, output=True)
    log = dict(type="log", exponentformat="power")
    layout["yaxis"].update(log, title=dict(text=tr("vanishing.spread_y")), **_log_axis(*[p.std for p in probes]))
    layout["yaxis2"].update(log, title=dict(text=tr("vanishing.grad_y")),
                            **_log_axis(*[p.grad_norms for p in probes], *([bound] if bound is not None else [])))
    layout["xaxis"].update(title=dict(text=tr("vanishing.layer_x")), tickvals=layer_ticks(depth))
    layout["xaxis2"].update(title=dict(text=tr("vanishing.layer_x")), tickvals=ticks,
                            ticktext=[str(t) if t <= depth else tr("vanishing.output_tick") for t in ticks])
    fig = go.Figure(traces, layout=layout)
    style(fig, present=present, height=470)
    legend_below(fig)
    fig.update_annotations(font_size=None)
    return fig


def loss_curves(runs: list, *, tr: Translator = english, present: bool = False) -> go.Figure:
    """Training loss per epoch of each run, with the chance level ln K (a network that guesses)."""
    fig = go.Figure()
    top = 0.0
    for i, run in enumerate(runs):
        label = config_label(run.config, tr)
        loss = np.asarray(run.loss, dtype=float)
        finite = loss[np.isfinite(loss)]
        if finite.size:
            top = max(top, float(finite.max()))
        fig.add_trace(go.Scatter(x=list(range(1, len(loss) + 1)), y=[None if v is None else round(v, 5) for v in
                                                                    finite_or_none(loss)],
                                 mode="lines", name=label, line=dict(color=color(i), width=4 if i == 0 else 2),
                                 hovertemplate=label + "<br>" + tr("vanishing.loss_hover") + "<extra></extra>"))
    chance = runs[0].chance_loss if runs else math.log(2)
    epochs = max((len(r.loss) for r in runs), default=1)
    fig.add_trace(go.Scatter(x=[1, max(epochs, 2)], y=[chance, chance], mode="lines",
                             name=tr("vanishing.chance_name"), line=dict(color="#7F7F7F", dash="dot", width=2),
                             hoverinfo="skip"))
    fig.update_yaxes(title_text=tr("vanishing.loss_y"), range=[0, min(max(top, 1.3 * chance), 3 * chance) * 1.05])
    fig.update_xaxes(title_text=tr("vanishing.epoch_x"))
    style(fig, present=present, height=420, title=tr("vanishing.loss_title"))
    legend_below(fig)
    return fig


def scalar_chain_figure(chain, *, tr: Translator = english, present: bool = False) -> go.Figure:
    """Note 003's figure: the gradient reaching each layer of a one-unit chain, on a log axis."""
    layers = list(range(1, chain.depth + 1))
    fig = go.Figure(dict(data=[dict(type="scatter", x=layers, y=_positive_or_none(chain.gradients),
                                    mode="lines+markers", name=tr("vanishing.chain_grad"),
                                    line=dict(color=color(0), width=2.5), marker=dict(size=8),
                                    hovertemplate=tr("vanishing.chain_hover") + "<extra></extra>")],
                         layout=dict(xaxis=dict(title=dict(text=tr("vanishing.chain_layer")), dtick=whole_step(chain.depth, 12)),
                                     yaxis=dict(title=dict(text=tr("vanishing.chain_grad")), type="log",
                                                exponentformat="power", **_log_axis(chain.gradients)),
                                     showlegend=False)))
    style(fig, present=present, height=320)
    fig.update_layout(margin=dict(t=32))  # the top decade's label (10⁻¹) reaches above the plot
    return fig
