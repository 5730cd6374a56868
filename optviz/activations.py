"""Activation functions, each with its derivative written right beside it.

``get(name, **params)`` returns an :class:`Activation` with vectorized ``forward(x)`` and
``derivative(x)``. At a kink the derivative takes the conventional value (relu'(0) = 0,
step'(x) = 0 everywhere).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

Array = np.ndarray
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715


def _sigmoid(x):
    # 0.5(1 + tanh(x/2)) equals 1/(1+e^-x) and never overflows
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[Array], Array] = field(repr=False)
    derivative: Callable[[Array], Array] = field(repr=False)
    latex: str
    dlatex: str
    output_range: tuple[float, float]
    zero_centered: bool
    monotonic: bool
    max_derivative: float  # sup over x of f'(x): the best-case gradient factor per layer
    relative_cost: int  # 1 = a comparison, 2 = one exp/tanh, 3 = more
    params: dict = field(default_factory=dict)

    def __call__(self, x):
        return self.forward(np.asarray(x, dtype=float))


def identity() -> Activation:
    return Activation("identity", lambda x: np.asarray(x, dtype=float) * 1.0,
                      lambda x: np.ones_like(x, dtype=float),
                      r"x", r"1", (-math.inf, math.inf), True, True, 1.0, 1)


def step() -> Activation:
    return Activation("step", lambda x: (np.asarray(x) > 0).astype(float),
                      lambda x: np.zeros_like(x, dtype=float),
                      r"\begin{cases}1 & x>0\\0 & x\le 0\end{cases}", r"0 \;(x \ne 0)",
                      (0.0, 1.0), False, True, 0.0, 1)


def sigmoid() -> Activation:
    def d(x):
        s = _sigmoid(x)
        return s * (1.0 - s)
    return Activation("sigmoid", _sigmoid, d, r"\frac{1}{1+e^{-x}}", r"\sigma(x)(1-\sigma(x))",
                      (0.0, 1.0), False, True, 0.25, 2)


def tanh() -> Activation:
    def d(x):
        t = np.tanh(x)
        return 1.0 - t * t
    return Activation("tanh", np.tanh, d, r"\tanh x", r"1-\tanh^2 x", (-1.0, 1.0), True, True, 1.0, 2)


def relu() -> Activation:
    return Activation("relu", lambda x: np.maximum(x, 0.0),
                      lambda x: (np.asarray(x) > 0).astype(float),
                      r"\max(0, x)", r"\begin{cases}1 & x>0\\0 & x\le 0\end{cases}",
                      (0.0, math.inf), False, True, 1.0, 1)


def leaky_relu(alpha: float = 0.01) -> Activation:
    _check_alpha(alpha, "leaky_relu")
    return Activation("leaky_relu", lambda x: np.where(np.asarray(x) > 0, x, alpha * np.asarray(x)),
                      lambda x: np.where(np.asarray(x) > 0, 1.0, alpha),
                      rf"\begin{{cases}}x & x>0\\{alpha:g}x & x\le 0\end{{cases}}",
                      rf"\begin{{cases}}1 & x>0\\{alpha:g} & x\le 0\end{{cases}}",
                      (-math.inf, math.inf), False, True, max(1.0, alpha), 1, {"alpha": alpha})


def elu(alpha: float = 1.0) -> Activation:
    _check_alpha(alpha, "elu")

    def f(x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))

    def d(x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))

    return Activation("elu", f, d, rf"\begin{{cases}}x & x>0\\{alpha:g}(e^x-1) & x\le 0\end{{cases}}",
                      rf"\begin{{cases}}1 & x>0\\{alpha:g}e^x & x\le 0\end{{cases}}",
                      (-alpha, math.inf), False, True, max(1.0, alpha), 2, {"alpha": alpha})


def swish(beta: float = 1.0) -> Activation:
    """Swish / SiLU: x·σ(βx) (β = 1 is SiLU)."""
    if not (math.isfinite(beta) and beta > 0):
        raise ValueError(f"swish beta must be a positive number, got {beta!r}")

    def f(x):
        return x * _sigmoid(beta * np.asarray(x, dtype=float))

    def d(x):
        x = np.asarray(x, dtype=float)
        s = _sigmoid(beta * x)
        return s + beta * x * s * (1.0 - s)

    # sup f' is reached where f'' = 0: at βx ≈ 2.3994, f' ≈ 1.0998 for every β
    return Activation("swish", f, d, rf"x\,\sigma({beta:g}x)",
                      rf"\sigma({beta:g}x) + {beta:g}x\,\sigma({beta:g}x)(1-\sigma({beta:g}x))",
                      (-0.2784645427610738 / beta, math.inf), False, False, 1.0998393201288648, 2,
                      {"beta": beta})


def gelu() -> Activation:
    """GELU, tanh approximation (Hendrycks & Gimpel, 2016)."""
    def f(x):
        x = np.asarray(x, dtype=float)
        return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_C * x**3)))

    def d(x):
        x = np.asarray(x, dtype=float)
        t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_C * x**3))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3 * _GELU_C * x * x)

    return Activation("gelu", f, d,
                      r"\tfrac{x}{2}\left(1+\tanh\left(\sqrt{2/\pi}\,(x+0.044715x^3)\right)\right)",
                      r"\approx \Phi(x) + x\,\varphi(x)", (-0.17004075057125276, math.inf), False, False,
                      1.1289930686587717, 3)


def softplus() -> Activation:
    def f(x):
        x = np.asarray(x, dtype=float)
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))  # stable log(1 + e^x)
    return Activation("softplus", f, _sigmoid, r"\log(1+e^{x})", r"\sigma(x)", (0.0, math.inf),
                      False, True, 1.0, 2)


def _check_alpha(alpha: float, name: str) -> None:
    if not (isinstance(alpha, (int, float, np.floating)) and math.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"{name} alpha must be zero or positive, got {alpha!r}")


ACTIVATIONS: dict[str, Callable[..., Activation]] = {
    "identity": identity, "step": step, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
    "leaky_relu": leaky_relu, "elu": elu, "swish": swish, "gelu": gelu, "softplus": softplus,
}
NAMES: tuple[str, ...] = tuple(ACTIVATIONS)


def get(name: str | Activation, **params: float) -> Activation:
    """Activation ``name`` with parameters (alpha for leaky_relu / elu, beta for swish)."""
    if isinstance(name, Activation):
        return name
    try:
        factory = ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(NAMES)}") from None
    try:
        return factory(**params)
    except TypeError:
        raise ValueError(f"activation {name!r} takes no parameter {', '.join(params)}") from None


def softmax(x, temperature: float = 1.0, axis: int = -1) -> Array:
    """softmax(x / T) along ``axis``; the maximum is subtracted first so large scores cannot overflow."""
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    z = np.asarray(x, dtype=float) / temperature
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_naive(x, temperature: float = 1.0) -> Array:
    """softmax without subtracting the maximum: overflows to NaN for large scores (for teaching)."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(x, dtype=float) / temperature)
        return e / np.sum(e, axis=-1, keepdims=True)


def gradient_bound(act: Activation, depth) -> np.ndarray:
    """The largest product of derivatives a signal can collect through ``depth`` layers:
    (max f')^depth (0.25^L for sigmoid). Weights can enlarge it; the activation alone cannot."""
    return np.power(float(act.max_derivative), np.asarray(depth, dtype=float))


def parse_scores(text: str, max_items: int = 12) -> np.ndarray:
    """Comma-separated numbers (softmax scores typed by a person); ValueError says what is wrong."""
    if len(text) > 300:
        raise ValueError("too long (at most 300 characters)")
    items = [t.strip() for t in text.replace("、", ",").split(",") if t.strip()]
    if not 1 <= len(items) <= max_items:
        raise ValueError(f"give 1 to {max_items} numbers separated by commas")
    try:
        values = np.array([float(t) for t in items])
    except ValueError:
        raise ValueError("every item must be a number, e.g. 2.0, 1.0, 0.1") from None
    if not np.all(np.isfinite(values)):
        raise ValueError("numbers must be finite")
    return values
