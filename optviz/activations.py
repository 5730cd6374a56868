"""Activation functions, each with its derivative written right beside it.

``get(name, **params)`` returns an :class:`Activation` with vectorized ``forward(x)`` and
``derivative(x)``. At a kink the derivative takes the conventional value (relu'(0) = 0,
step'(x) = 0 everywhere).

Beside each function sit the facts a learner compares: output range, zero-centred, monotonic,
sup f' (the best case per layer, hence ``gradient_bound``), where f' is exactly zero
(``dead_region``) and, computed from f' itself, where it saturates (``saturation_edges``).
Also here: softmax (stable and naive, with its intermediate steps) and the one-neuron example of
why a step function cannot learn by gradient descent (``neuron_loss``, ``neuron_descent``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

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
    tex_name: str = r"f"  # the function's name in LaTeX, e.g. \sigma or \mathrm{ReLU}
    range_attained: tuple[bool, bool] = (False, False)  # min / max of output_range reached by some x
    outputs: tuple[float, ...] | None = None  # the finite set of values, if f takes only a few (step)
    dead_region: str = "none"  # where f' == 0 exactly: none | point | left (x <= 0) | everywhere
    zero_derivative_at: float | None = None  # the x with f'(x) = 0 when dead_region == "point"
    # f'(x) computed from y = f(x), the same numbers as derivative(x) (backprop already has y)
    derivative_from_output: Callable[[Array], Array] | None = field(default=None, repr=False)

    def __call__(self, x):
        return self.forward(np.asarray(x, dtype=float))

    def __reduce__(self):
        """Pickled as its name and parameters and built again (its functions are lambdas, which a
        worker process, optviz.worker, could not be sent)."""
        if self.name not in ACTIVATIONS:
            raise TypeError(f"activation {self.name!r} is not in the registry and cannot be pickled")
        return _by_name, (self.name, self.params)


def _by_name(name: str, params: dict) -> "Activation":
    return get(name, **params)


def identity() -> Activation:
    return Activation("identity", lambda x: np.asarray(x, dtype=float) * 1.0,
                      lambda x: np.ones_like(x, dtype=float),
                      r"x", r"1", (-math.inf, math.inf), True, True, 1.0, 1, tex_name=r"\mathrm{id}")


def step() -> Activation:
    return Activation("step", lambda x: (np.asarray(x) > 0).astype(float),
                      lambda x: np.zeros_like(x, dtype=float),
                      r"\begin{cases}1 & x>0\\0 & x\le 0\end{cases}", r"0 \;(x \ne 0)",
                      (0.0, 1.0), False, True, 0.0, 1, tex_name=r"h", range_attained=(True, True),
                      outputs=(0.0, 1.0), dead_region="everywhere")


def sigmoid() -> Activation:
    def from_output(s):
        return s * (1.0 - s)

    return Activation("sigmoid", _sigmoid, lambda x: from_output(_sigmoid(x)), r"\frac{1}{1+e^{-x}}",
                      r"\sigma(x)(1-\sigma(x))", (0.0, 1.0), False, True, 0.25, 2, tex_name=r"\sigma",
                      derivative_from_output=from_output)


def tanh() -> Activation:
    def from_output(t):
        return 1.0 - t * t

    return Activation("tanh", np.tanh, lambda x: from_output(np.tanh(x)), r"\frac{e^x-e^{-x}}{e^x+e^{-x}}",
                      r"1-\tanh^2 x", (-1.0, 1.0), True, True, 1.0, 2, tex_name=r"\tanh",
                      derivative_from_output=from_output)


def relu() -> Activation:
    def d(x):  # max(x, 0) > 0 exactly where x > 0, so the same function serves the output
        return (np.asarray(x) > 0).astype(float)

    return Activation("relu", lambda x: np.maximum(x, 0.0), d,
                      r"\max(0, x)", r"\begin{cases}1 & x>0\\0 & x\le 0\end{cases}",
                      (0.0, math.inf), False, True, 1.0, 1, tex_name=r"\mathrm{ReLU}",
                      range_attained=(True, False), dead_region="left", derivative_from_output=d)


def leaky_relu(alpha: float = 0.01) -> Activation:
    _check_alpha(alpha, "leaky_relu")
    return Activation("leaky_relu", lambda x: np.where(np.asarray(x) > 0, x, alpha * np.asarray(x)),
                      lambda x: np.where(np.asarray(x) > 0, 1.0, alpha),
                      rf"\begin{{cases}}x & x>0\\{_coef(alpha)}x & x\le 0\end{{cases}}",
                      rf"\begin{{cases}}1 & x>0\\{alpha:g} & x\le 0\end{{cases}}",
                      (-math.inf, math.inf) if alpha > 0 else (0.0, math.inf), False, True, max(1.0, alpha), 1,
                      {"alpha": alpha}, tex_name=r"\mathrm{LeakyReLU}", range_attained=(alpha == 0, False),
                      dead_region="none" if alpha > 0 else "left")


def elu(alpha: float = 1.0) -> Activation:
    _check_alpha(alpha, "elu")

    def f(x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))

    def d(x):
        x = np.asarray(x, dtype=float)
        return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))

    return Activation("elu", f, d, rf"\begin{{cases}}x & x>0\\{_coef(alpha)}(e^x-1) & x\le 0\end{{cases}}",
                      rf"\begin{{cases}}1 & x>0\\{_coef(alpha)}e^x & x\le 0\end{{cases}}",
                      (-alpha if alpha else 0.0, math.inf), False, True, max(1.0, alpha), 2, {"alpha": alpha},
                      tex_name=r"\mathrm{ELU}", range_attained=(alpha == 0, False),
                      dead_region="none" if alpha > 0 else "left")


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

    # sup f' is reached where f'' = 0: at βx ≈ 2.3994, f' ≈ 1.0998 for every β.
    # f' = 0 where 1 + βx(1 − σ(βx)) = 0, i.e. βx = u* ≈ −1.27846; there f = (u* + 1)/β, the minimum.
    b = _coef(beta)
    return Activation("swish", f, d, rf"x\,\sigma({b}x)",
                      rf"\sigma({b}x) + {b}x\,\sigma({b}x)(1-\sigma({b}x))",
                      (-0.2784645427610738 / beta, math.inf), False, False, 1.0998393201288648, 2,
                      {"beta": beta}, tex_name=r"\mathrm{Swish}", range_attained=(True, False),
                      dead_region="point", zero_derivative_at=-1.2784645427610738 / beta)


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
                      r"\tfrac{1}{2}(1+t) + \tfrac{x}{2}(1-t^2)\sqrt{2/\pi}\,(1+0.134145x^2),\;"
                      r"t = \tanh\left(\sqrt{2/\pi}\,(x+0.044715x^3)\right)",
                      (-0.17004075057125276, math.inf), False, False,
                      1.1289930686587717, 3, tex_name=r"\mathrm{GELU}", range_attained=(True, False),
                      dead_region="point", zero_derivative_at=-0.7524614220710163)


def softplus() -> Activation:
    def f(x):
        x = np.asarray(x, dtype=float)
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))  # stable log(1 + e^x)
    return Activation("softplus", f, _sigmoid, r"\log(1+e^{x})", r"\sigma(x)", (0.0, math.inf),
                      False, True, 1.0, 2, tex_name=r"\mathrm{softplus}")


def _coef(c: float) -> str:
    """A coefficient in a LaTeX formula: nothing for 1 (so "x", not "1x"); a thin space after it,
    so that 2·eˣ does not read as 2e (scientific notation)."""
    return "" if c == 1 else rf"{c:g}\,"


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


class ScoresError(ValueError):
    """Scores that cannot be used; ``code`` names the problem (too_long, count, not_number,
    not_finite, too_large) so that a page can say it in the reader's language."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


MAX_SCORES, MAX_SCORES_CHARS, MAX_ABS_SCORE = 12, 300, 1e6


def parse_scores(text: str, max_items: int = MAX_SCORES, max_abs: float = MAX_ABS_SCORE) -> np.ndarray:
    """Comma-separated numbers (softmax scores typed by a person); ScoresError says what is wrong.
    |score| <= max_abs keeps z/T finite for every temperature the page offers."""
    if len(text) > MAX_SCORES_CHARS:
        raise ScoresError("too_long", f"too long (at most {MAX_SCORES_CHARS} characters)")
    items = [t.strip() for t in text.replace("、", ",").replace("，", ",").split(",") if t.strip()]
    if not 1 <= len(items) <= max_items:
        raise ScoresError("count", f"give 1 to {max_items} numbers separated by commas")
    try:
        values = np.array([float(t) for t in items])
    except ValueError:
        raise ScoresError("not_number", "every item must be a number, e.g. 2.0, 1.0, 0.1") from None
    if not np.all(np.isfinite(values)):
        raise ScoresError("not_finite", "numbers must be finite")
    if np.any(np.abs(values) > max_abs):
        raise ScoresError("too_large", f"numbers must lie between -{max_abs:g} and {max_abs:g}")
    return values


# --- where an activation saturates ----------------------------------------------------------------

SATURATION_TOL = 0.01  # |f'| below this passes on less than 1 % of the gradient


def saturation_edges(act: Activation, tol: float = SATURATION_TOL, span: float = 50.0,
                     n: int = 100_001, reach: float = 1e4) -> tuple[float | None, float | None]:
    """Where f' has (almost) vanished, found from f' itself on a grid: even over [−span, span],
    then geometrically spaced out to ±``reach``, so that a stretched function (Swish with β = 0.1
    saturates only below −62.6) is seen as well as a kink at 0. ``(a, b)`` with |f'(x)| < tol for
    every grid x < a and every x > b. A side that does not saturate within ``reach`` gives None;
    a derivative below ``tol`` everywhere (step) gives ``(inf, -inf)``.
    Sigmoid: |x| > 4.59 for tol 0.01 (σ' = tol at σ = (1 ± √(1 − 4·tol))/2)."""
    outer = np.geomspace(span, reach, 2001)[1:]
    x = np.concatenate([-outer[::-1], np.linspace(-span, span, n), outer])
    small = np.abs(act.derivative(x)) < tol
    if small.all():
        return math.inf, -math.inf
    alive = np.flatnonzero(~small)
    left = _boundary(act, tol, x[alive[0] - 1], x[alive[0]]) if small[0] else None
    right = _boundary(act, tol, x[alive[-1] + 1], x[alive[-1]]) if small[-1] else None
    return left, right


def _boundary(act: Activation, tol: float, flat: float, steep: float) -> float:
    """Bisect between a grid point where |f'| < tol and its neighbour where it is not."""
    for _ in range(60):
        mid = 0.5 * (flat + steep)
        if abs(float(act.derivative(np.array([mid]))[0])) < tol:
            flat = mid
        else:
            steep = mid
    edge = 0.5 * (flat + steep)
    return 0.0 if abs(edge) < 1e-9 else float(edge)  # a kink at 0 (ReLU) is found as ±1e-20 or so


# --- the x grid of a figure ------------------------------------------------------------------------

def x_grid(lo: float, hi: float, n: int = 401) -> tuple[float, float, int]:
    """An evenly spaced grid over about [lo, hi] that has 0 on it when lo <= 0 <= hi, so kinks and
    the step's jump are drawn where they are. Returned as (x0, dx, count): x_k = x0 + k·dx."""
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi) or n < 2:
        raise ValueError(f"the x range needs lo < hi, got {lo!r}, {hi!r}")
    dx = (hi - lo) / (n - 1)
    k_lo, k_hi = math.ceil(lo / dx - 1e-9), math.floor(hi / dx + 1e-9)
    return k_lo * dx, dx, k_hi - k_lo + 1


def grid_points(x0: float, dx: float, count: int) -> Array:
    return x0 + dx * np.arange(count)


# --- scrubbing a parameter: its values, each curve computed here and replayed by the browser -------

SCRUB_PARAMS = {"leaky_relu": ("alpha", 0.0, 1.0, 0.02), "elu": ("alpha", 0.0, 5.0, 0.1),
                "swish": ("beta", 0.1, 10.0, None)}  # name: (parameter, low, high, step; None: log-spaced)


def scrub_values(name: str, current: float) -> Array:
    """About 50 values of activation ``name``'s parameter for a scrub slider, ``current`` among
    them: Leaky ReLU's α over [0, 1] and ELU's α over [0, 5] evenly; Swish's β over [0.1, 10]
    log-spaced (β = 1 is SiLU, large β nears ReLU), on the page's slider steps."""
    if name not in SCRUB_PARAMS:
        raise ValueError(f"{name!r} has no parameter to scrub; choose one of {', '.join(SCRUB_PARAMS)}")
    _, lo, hi, step = SCRUB_PARAMS[name]
    grid = np.arange(lo, hi + step / 2, step) if step else np.logspace(np.log10(lo), np.log10(hi), 56)
    grid = np.round(grid, 2 if step is None or step < 0.1 else 1)
    return np.unique(np.concatenate([grid, [float(current)]]))  # the current value as it is, even off the steps


# --- softmax, step by step --------------------------------------------------------------------------

SOFTMAX_LATEX = r"\mathrm{softmax}(z)_i = \frac{e^{z_i/T}}{\sum_j e^{z_j/T}}"
SOFTMAX_STABLE_LATEX = r"= \frac{e^{(z_i - \max_k z_k)/T}}{\sum_j e^{(z_j - \max_k z_k)/T}}"


class SoftmaxStages(NamedTuple):
    scaled: Array  # z / T
    naive_exp: Array  # e^(z/T): overflows to inf for large scores, underflows to 0 for very negative ones
    naive: Array  # naive_exp / sum: NaN once a term is inf (∞/∞) or every term is 0 (0/0)
    shifted: Array  # z/T − max(z/T): every exponent ≤ 0
    shifted_exp: Array  # e^(shifted), in (0, 1]
    probs: Array  # the probabilities


def softmax_stages(x, temperature: float = 1.0) -> SoftmaxStages:
    """Each intermediate value of softmax, computed both ways, for showing why the max is subtracted."""
    probs = softmax(x, temperature)
    scaled = np.asarray(x, dtype=float) / temperature
    shifted = scaled - scaled.max()
    with np.errstate(over="ignore", invalid="ignore"):
        naive_exp = np.exp(scaled)
        naive = naive_exp / naive_exp.sum()
    shifted_exp = np.exp(shifted)
    return SoftmaxStages(scaled, naive_exp, naive, shifted, shifted_exp, probs)


def naive_failure(stages: SoftmaxStages) -> str | None:
    """Why the textbook formula e^(z/T) / Σ e^(z/T) fails on these scores, if it does:
    'overflow' when some e^(z/T) = ∞ (z/T > ln(max float) ≈ 709.8: ∞/∞ = NaN), 'underflow' when
    every e^(z/T) = 0 (all z/T < ≈ −745: 0/0 = NaN). After subtracting the maximum neither can
    happen: the largest exponent is 0, so the sum is at least e^0 = 1."""
    if np.isinf(stages.naive_exp).any():
        return "overflow"
    if not np.any(stages.naive_exp > 0):
        return "underflow"
    return None


# --- why a step cannot learn: one neuron, one weight ------------------------------------------------

class NeuronExample(NamedTuple):
    """y = f(w·x + b) fitted to labels t by gradient descent on w alone (b fixed)."""
    x: tuple = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    t: tuple = (0.0, 0.0, 0.0, 1.0, 1.0, 1.0)  # class 1 from x = 2 on
    b: float = -1.0
    w0: float = -0.5
    lr: float = 2.0
    steps: int = 15
    w_range: tuple = (-1.0, 2.0)


STEP_EXAMPLE = NeuronExample()
NEURON_LATEX = (r"y_i = f(w\,x_i + b),\quad L(w) = \frac{1}{2N}\sum_i (y_i - t_i)^2,\quad "
                r"\frac{dL}{dw} = \frac{1}{N}\sum_i (y_i - t_i)\,f'(w\,x_i + b)\,x_i")


def neuron_loss(act: Activation, w, x, t, b: float = 0.0) -> tuple[Array, Array]:
    """L(w) = ½·mean_i (f(w·x_i + b) − t_i)² and, by the chain rule, its slope
    dL/dw = mean_i (y_i − t_i)·f'(z_i)·x_i. Vectorized over an array of weights ``w``."""
    w = np.asarray(w, dtype=float)[..., None]
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    z = w * x + b
    err = act.forward(z) - t
    return 0.5 * np.mean(err * err, axis=-1), np.mean(err * act.derivative(z) * x, axis=-1)


def neuron_descent(act: Activation, ex: NeuronExample = STEP_EXAMPLE) -> Array:
    """The weights w_0 … w_steps of gradient descent w ← w − lr·dL/dw on ``ex``."""
    w = [float(ex.w0)]
    for _ in range(ex.steps):
        _, g = neuron_loss(act, w[-1], ex.x, ex.t, ex.b)
        w.append(w[-1] - ex.lr * float(g))
    return np.array(w)


@dataclass(frozen=True)
class NeuronComparison:
    """The step section's example: each activation's loss over the weight (``curves``), its
    descent and the losses along it (``paths``), and (final w, first loss, last loss) (``summary``)."""
    w: Array
    curves: dict
    paths: dict
    summary: dict


def neuron_comparison(names=("step", "sigmoid"), ex: NeuronExample = STEP_EXAMPLE) -> NeuronComparison:
    """One neuron trained by gradient descent with each activation of ``names`` (``ex``'s data):
    the step function's zero derivative leaves w where it started; sigmoid's moves it."""
    w = np.linspace(*ex.w_range, 301)
    curves, paths, summary = {}, {}, {}
    for name in names:
        act = get(name)
        curves[name] = neuron_loss(act, w, ex.x, ex.t, ex.b)
        path = neuron_descent(act, ex)
        losses = neuron_loss(act, path, ex.x, ex.t, ex.b)[0]
        paths[name] = (path, losses)
        summary[name] = (path[-1], losses[0], losses[-1])
    return NeuronComparison(w, curves, paths, summary)
