"""The forward pass of note 002's three-layer network (2-3-2-2), layer by layer in matrix form.

Note 002 (§3.3, figures 3-15 to 3-22, from 「ゼロから作る Deep Learning」 3.4) follows the signal of
a network with 2 inputs, hidden layers of 3 and 2 units and 2 outputs: each layer computes
A⁽ˡ⁾ = Z⁽ˡ⁻¹⁾ W⁽ˡ⁾ + B⁽ˡ⁾ and Z⁽ˡ⁾ = h(A⁽ˡ⁾), the output layer σ(A⁽³⁾) with σ the identity
(regression) or softmax (classification). ``BOOK`` holds the book's weights (its ``init_network``)
and ``BOOK_X`` its input; with the sigmoid and the identity output they give y = (0.31682708,
0.69627909), the book's printed result. Every matrix is editable as text ("0.1, 0.3; 0.2, 0.4"),
read as numbers only (never evaluated).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from . import activations as _activations
from . import losses as _losses
from .errors import CodedError

SHAPES = ((2, 3), (3,), (3, 2), (2,), (2, 2), (2,))  # W1 b1 W2 b2 W3 b3
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
BOOK_X = (1.0, 0.5)
BOOK = (
    ((0.1, 0.3, 0.5), (0.2, 0.4, 0.6)), (0.1, 0.2, 0.3),
    ((0.1, 0.4), (0.2, 0.5), (0.3, 0.6)), (0.1, 0.2),
    ((0.1, 0.3), (0.2, 0.4)), (0.1, 0.2),
)
HIDDEN = ("sigmoid", "relu", "step", "tanh", "identity")
OUTPUTS = ("identity", "softmax")
MAX_ABS = 1e3  # a typed weight or input beyond ±1000 is refused
MAX_TEXT = 400


MESSAGES = {
    "too_long": "{name}: at most {most} characters",
    "not_number": "{name}: {token} is not a number",
    "too_large": "{name}: every value must lie between −1000 and 1000",
    "shape": "{name} must have {rows} row(s) of {cols} number(s), rows separated by ';', numbers by ','",
}


class MatrixError(CodedError):
    """A typed matrix that cannot be read (``code``: a key of MESSAGES)."""

    MESSAGES = MESSAGES


def matrix_text(a) -> str:
    """A vector as "0.1, 0.2", a matrix as its rows joined by "; ": the form ``parse`` reads."""
    a = np.asarray(a, dtype=float)
    row = lambda r: ", ".join(f"{v:.10g}" for v in r)  # noqa: E731
    return row(a) if a.ndim == 1 else "; ".join(row(r) for r in a)


def parse(text: str, shape: tuple, name: str = "") -> np.ndarray:
    """Read a typed vector or matrix: rows separated by ';' (or new lines), numbers by ',' or spaces;
    MatrixError (with a catalog code) for anything else."""
    text = str(text)
    if len(text) > MAX_TEXT:
        raise MatrixError("too_long", name=name, most=MAX_TEXT)
    rows = [r for r in re.split(r"[;\n]", text.strip()) if r.strip()]
    values = []
    for r in rows:
        row = []
        for token in (t for t in re.split(r"[,\s]+", r.strip()) if t):  # "1, 2," is 1, 2
            try:
                v = float(token.replace("−", "-"))
            except ValueError:
                raise MatrixError("not_number", name=name, token=token[:20]) from None
            if not (math.isfinite(v) and abs(v) <= MAX_ABS):
                raise MatrixError("too_large", name=name)
            row.append(v)
        values.append(row)
    rows_wanted, cols = (1, shape[0]) if len(shape) == 1 else shape
    if len(values) != rows_wanted or any(len(r) != cols for r in values):
        raise MatrixError("shape", name=name, rows=rows_wanted, cols=cols)
    a = np.array(values, dtype=float)
    return a[0] if len(shape) == 1 else a


@dataclass(frozen=True)
class Layer:
    """One layer of the pass: its input z_in, weights W, bias b, the weighted sum a = z_in W + b and
    its output z = h(a) (for the output layer, σ(a))."""
    z_in: np.ndarray
    W: np.ndarray
    b: np.ndarray
    a: np.ndarray
    z: np.ndarray
    function: str


def book_params() -> tuple:
    return tuple(np.array(p, dtype=float) for p in BOOK)


def forward(x, params=None, hidden: str = "sigmoid", output: str = "identity") -> list[Layer]:
    """The three layers of note 002's network for input ``x`` (2 numbers); ``params`` = (W1, b1, W2,
    b2, W3, b3), the book's by default. The last layer's ``z`` is the network's output y."""
    if hidden not in HIDDEN:
        raise ValueError(f"unknown activation {hidden!r}; choose one of: {', '.join(HIDDEN)}")
    if output not in OUTPUTS:
        raise ValueError(f"unknown output function {output!r}; choose one of: {', '.join(OUTPUTS)}")
    params = book_params() if params is None else tuple(np.asarray(p, dtype=float) for p in params)
    for p, shape, name in zip(params, SHAPES, NAMES):
        if p.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {p.shape}")
    z = np.asarray(x, dtype=float)
    if z.shape != (2,):
        raise ValueError("x must be 2 numbers")
    h = _activations.get(hidden)
    layers = []
    for i in range(3):
        W, b = params[2 * i], params[2 * i + 1]
        a = z @ W + b
        last = i == 2
        out = (_activations.softmax(a) if output == "softmax" else a.copy()) if last else np.asarray(h(a), float)
        layers.append(Layer(z, W, b, a, out, output if last else hidden))
        z = out
    return layers


def cross_entropy(y, label: int) -> float:
    """E = −log y_label (note 002, eq. 8, with a one-hot t); inf when y_label is 0 (the page says so);
    ValueError when y is not a probability distribution (the identity output)."""
    y = np.asarray(y, dtype=float)
    if np.any(y < 0) or not math.isclose(float(y.sum()), 1.0, rel_tol=1e-9):
        raise ValueError("cross-entropy needs probabilities: outputs ≥ 0 that sum to 1 (softmax)")
    p = float(y[int(label)])
    return math.inf if p == 0.0 else -math.log(p)


def sum_squares(y, label: int) -> float:
    """E = ½ Σ (y_k − t_k)² (note 002, eq. 7) against the one-hot t of ``label``."""
    return _losses.sum_squares(y, np.eye(len(y))[int(label)])


def _row(v) -> str:
    return " & ".join(f"{x:.4g}" for x in v)


def _matrix(a) -> str:
    a = np.atleast_2d(a)
    return r"\begin{pmatrix}" + r" \\ ".join(_row(r) for r in a) + r"\end{pmatrix}"


def latex(layer: Layer, index: int) -> tuple[str, str]:
    """Layer ``index`` (1 to 3) in matrix form with its numbers, as two KaTeX lines:
    A⁽ˡ⁾ = Z⁽ˡ⁻¹⁾ W⁽ˡ⁾ + B⁽ˡ⁾ = …, and Z⁽ˡ⁾ = h(A⁽ˡ⁾) = … (the output layer: Y = σ(A⁽³⁾))."""
    z_in = "X" if index == 1 else f"Z^{{({index - 1})}}"
    first = (rf"A^{{({index})}} = {z_in} W^{{({index})}} + B^{{({index})}} = {_matrix(layer.z_in)}"
             rf"{_matrix(layer.W)} + {_matrix(layer.b)} = {_matrix(layer.a)}")
    fn = {"sigmoid": r"\sigma", "relu": r"\mathrm{ReLU}", "step": r"\mathrm{step}", "tanh": r"\tanh",
          "identity": r"\mathrm{id}", "softmax": r"\mathrm{softmax}"}[layer.function]
    out = "Y" if index == 3 else f"Z^{{({index})}}"
    second = rf"{out} = {fn}(A^{{({index})}}) = {_matrix(layer.z)}"
    return first, second

