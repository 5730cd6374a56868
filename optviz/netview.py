"""Inside a trained MLP (numpy only): what each neuron computes over the input plane, which neurons
matter, and which are dead or saturated, for the MLP trainer's network view.

A network of up to 6 × 256 hidden units is summarised: each hidden layer shows its ``MAX_SHOWN``
most important units (importance = the spread of its output over the training data × the size of
its outgoing weights: a unit that never varies, or whose output nobody reads, changes nothing), the
rest counted. Inputs and outputs are always shown in full.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import features as _features
from . import vanishing as _vanishing
from .evaluation import view_box
from .mlp import MLP

MAX_SHOWN = 16  # units drawn per hidden layer
TILE = 12  # grid points per side of a neuron's picture (regression: points of its curve)
NEAR = _vanishing.NEAR  # an output this close to the end of a bounded range is saturated there …
SATURATED_SHARE = 0.9  # … and a unit saturated on this share of the data is marked so
INPUT_NAMES = {"x2": "x₁²", "y2": "x₂²", "xy": "x₁x₂", "sinx": "sin x₁", "siny": "sin x₂"}


@dataclass(frozen=True)
class Unit:
    """One drawn neuron: ``layer`` 0 (inputs) … L (outputs), its index in the layer, its picture,
    its incoming weights and bias (None for an input), the size of its loss gradient, and its state:
    'dead' (a ReLU unit never active on the training data), 'saturated' (a sigmoid/tanh unit stuck
    near a bound on ≥ 90 % of it) or ''."""
    layer: int
    index: int
    picture: np.ndarray  # (TILE, TILE) over the plane, or (TILE,) over x for a regression
    weights: np.ndarray | None
    bias: float | None
    grad: float  # mean |∂L/∂z| of the unit over the training data, at the current weights
    state: str
    active: float  # share of the training data on which the unit's output is not 0 (ReLU) / not saturated


@dataclass(frozen=True)
class View:
    sizes: list  # units per layer, inputs first
    shown: list  # per layer, the indices drawn (in index order)
    units: list  # per layer, the Units drawn
    weights: list  # per pair of layers, the weights between the drawn units (rows: lower layer)
    input_names: list
    activation: str
    regression: bool
    low: float  # the range of the hidden pictures' values (for one shared colour scale)
    high: float


def input_names(n_inputs: int, extra=()) -> list[str]:
    base = ["x₁", "x₂"] if n_inputs - len(extra) == 2 else ["x"]
    return base + [INPUT_NAMES.get(e, e) for e in extra]


def _plane(X, regression: bool) -> np.ndarray:
    """The points at which the pictures are computed: a TILE × TILE grid over the data's box (the
    boundary's), or TILE points along x for a one-input regression."""
    lo, hi = view_box(X, 0.05 if regression else 0.3)
    if regression:
        return np.linspace(lo[0], hi[0], TILE)[:, None]
    xs, ys = np.linspace(lo[0], hi[0], TILE), np.linspace(hi[1], lo[1], TILE)  # top row: largest x₂
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _unit_gradients(model: MLP, X, y, fwd=None) -> list[np.ndarray]:
    """Per hidden and output layer, mean over the data of |∂L/∂z| for each unit (z its weighted sum,
    before the activation), from one backward pass at the current weights (of ``fwd``, the forward
    pass of X, when it is at hand)."""
    fwd = fwd if fwd is not None else model.forward(X)
    out = fwd.output
    n = out.shape[0]
    if model.loss == "cross_entropy":
        p = np.exp(out - out.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), np.asarray(y)] -= 1.0
        delta = p / n
    elif model.loss == "bce":
        delta = (1 / (1 + np.exp(-out)) - np.asarray(y, float).reshape(out.shape)) / out.size
    else:
        delta = 2 * (out - np.asarray(y, float).reshape(out.shape)) / out.size
    grads = [None] * len(model.params)
    for i in range(len(model.params) - 1, -1, -1):
        grads[i] = np.abs(delta).mean(axis=0) * n  # per-sample size: mean |∂Lₙ/∂z|
        if i > 0:
            delta = (delta @ model.params[i][0].T) * model.act.derivative(fwd.zs[i - 1])
    return grads


def view(model: MLP, X, y, extra=(), most: int = MAX_SHOWN) -> View:
    """The network view of ``model`` trained on (X, y) (raw inputs; ``extra`` features appended as
    the page does)."""
    with np.errstate(all="ignore"):  # a diverged network's inf and nan are drawn as gaps
        return _view(model, np.asarray(X, dtype=float), y, extra, most)


def _view(model: MLP, X, y, extra, most: int) -> View:
    regression = model.loss == "mse"
    inputs = _features.expand(X, extra)
    plane = _features.expand(_plane(X, regression), extra)
    on_plane = model.forward(plane)
    on_data = model.forward(inputs)
    grads = _unit_gradients(model, inputs, y, on_data)
    shape = (TILE,) if regression else (TILE, TILE)
    lo_r, hi_r = model.act.output_range
    L = len(model.params)
    sizes = model.sizes
    shown, units = [], []
    for layer in range(L + 1):
        h_plane, h_data = on_plane.hs[layer], on_data.hs[layer]
        if layer == L and not regression:  # the outputs as the boundary shows them: probabilities
            e = np.exp(h_plane - h_plane.max(axis=1, keepdims=True))
            h_plane = e / e.sum(axis=1, keepdims=True)
        if 0 < layer < L and sizes[layer] > most:
            W_out = model.params[layer][0]
            score = np.nan_to_num(h_data.std(axis=0) * np.abs(W_out).sum(axis=1))
            idx = np.sort(np.argsort(-score, kind="stable")[:most])
        else:
            idx = np.arange(sizes[layer])
        row = []
        for j in idx:
            state, active = "", 1.0
            if 0 < layer < L:
                col = h_data[:, j]
                if math.isfinite(lo_r) and math.isfinite(hi_r):
                    sat = _vanishing.saturation_share(col, model.act.name, NEAR)
                    active = 1.0 - sat
                    state = "saturated" if sat >= SATURATED_SHARE else ""
                elif model.act.name == "relu":
                    active = float(np.mean(col > 0))
                    state = "dead" if active == 0.0 else ""
            W, b = (model.params[layer - 1][0][:, j], float(model.params[layer - 1][1][j])) if layer else (None, None)
            g = float(grads[layer - 1][j]) if layer else math.nan
            row.append(Unit(layer, int(j), h_plane[:, j].reshape(shape).astype(np.float32), W, b, g, state, active))
        shown.append([int(j) for j in idx])
        units.append(row)
    weights = [model.params[i][0][np.ix_(shown[i], shown[i + 1])] for i in range(L)]
    hidden = [u.picture for row in units[1:-1] for u in row]
    finite = [p[np.isfinite(p)] for p in hidden]
    values = np.concatenate(finite) if finite and any(v.size for v in finite) else np.zeros(1)
    # a bounded activation: its range (white at its middle); an unbounded one: ± its largest size, so
    # that 0 (an inactive ReLU) is white
    m = float(max(np.abs(values).max(), 1e-9))
    low, high = (lo_r, hi_r) if math.isfinite(lo_r) and math.isfinite(hi_r) else (-m, m)
    return View(list(sizes), shown, units, weights, input_names(sizes[0], extra), model.act.name, regression,
                float(low), float(high))


def formula(unit: Unit, names: list[str], activation: str, most: int = 4) -> str:
    """'h = tanh(0.53·x₁ − 1.2·x₂ + 0.10)': the unit's weighted sum with its ``most`` largest
    weights (the rest as '+ … (n more)'), inside its activation (the output layer: none)."""
    w = unit.weights
    order = np.argsort(-np.abs(w), kind="stable")[:most]
    text = " ".join(f"{'−' if w[k] < 0 else '+'} {abs(float(w[k])):.2f}·{names[k]}" for k in order)
    text = text[2:] if text.startswith("+ ") else "−" + text[2:]
    if len(w) > most:
        text += f" + … ({len(w) - most})"
    b = unit.bias
    text += f" {'−' if b < 0 else '+'} {abs(b):.2f}"
    return f"{activation}({text})" if activation else text
