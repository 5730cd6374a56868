"""Gradient-based optimizers as pure ``init`` / ``update`` pairs over numpy arrays of any shape.

``opt.init(x)`` returns the optimizer state for parameters ``x``; ``opt.update(x, g, state)``
returns ``(x_new, state_new)`` for gradient ``g``. Nothing is modified in place, so one code path
moves a (K, 2) batch of points on a surface and the weight matrices of an MLP.

Every rule equals PyTorch's ``torch.optim`` step for step (accumulators start at zero, eps is added
after the square root); ``tests/test_optimizers.py`` checks that against the formulas below, and
against torch itself when it is installed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Optimizer:
    name: str
    hyperparams: dict[str, float]
    init: Callable[[Array], Any] = field(repr=False)
    update: Callable[[Array, Array, Any], tuple[Array, Any]] = field(repr=False)

    def label(self) -> str:
        """Short label such as ``adam(lr=0.01)`` for legends and file names."""
        lr = self.hyperparams["lr"]
        return f"{self.name}(lr={lr:g})" if np.ndim(lr) == 0 else f"{self.name}(lr sweep)"


# --- argument checks: errors are for people ------------------------------------------------------

def _check_positive(**kw: float) -> None:
    for name, value in kw.items():
        if isinstance(value, np.ndarray) and name == "lr":  # a learning-rate sweep: one lr per start
            if value.size and np.all(np.isfinite(value)) and np.all(value > 0):
                continue
            raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)
                and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")


def _check_unit_interval(**kw: float) -> None:
    for name, value in kw.items():
        if not (isinstance(value, (int, float, np.floating, np.integer)) and 0 <= value < 1):
            raise ValueError(f"{name} must be in [0, 1), got {value!r}")


def _check_nonnegative(**kw: float) -> None:
    for name, value in kw.items():
        if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)
                and value >= 0):
            raise ValueError(f"{name} must be zero or positive, got {value!r}")


# --- states --------------------------------------------------------------------------------------

class NoState(NamedTuple):
    step: int


class VelocityState(NamedTuple):
    step: int
    velocity: Array  # momentum buffer


class AccumulatorState(NamedTuple):
    step: int
    h: Array  # sum (AdaGrad) or running mean (RMSprop) of squared gradients


class AdamState(NamedTuple):
    step: int
    m: Array  # first moment
    v: Array  # second moment


# --- the optimizers ------------------------------------------------------------------------------

def sgd(lr: float = 0.01) -> Optimizer:
    """Plain gradient descent.

        x ← x − η·g
    """
    _check_positive(lr=lr)

    def init(x):
        return NoState(0)

    def update(x, g, s):
        return x - lr * g, NoState(s.step + 1)

    return Optimizer("sgd", {"lr": lr}, init, update)


def momentum(lr: float = 0.01, beta: float = 0.9) -> Optimizer:
    """Heavy-ball momentum (Polyak, 1964), the course's form.

        v ← β·v − η·g
        x ← x + v
    Equal to torch SGD(momentum=β, dampening=0), whose buffer b ← β·b + g is −v/η.
    """
    _check_positive(lr=lr)
    _check_unit_interval(beta=beta)

    def init(x):
        return VelocityState(0, np.zeros_like(x, dtype=float))

    def update(x, g, s):
        v = beta * s.velocity - lr * g
        return x + v, VelocityState(s.step + 1, v)

    return Optimizer("momentum", {"lr": lr, "beta": beta}, init, update)


def nesterov(lr: float = 0.01, beta: float = 0.9) -> Optimizer:
    """Nesterov accelerated gradient in torch's SGD(nesterov=True) form (Sutskever et al., 2013).

        b ← β·b + g
        x ← x − η·(g + β·b)
    """
    _check_positive(lr=lr)
    _check_unit_interval(beta=beta)

    def init(x):
        return VelocityState(0, np.zeros_like(x, dtype=float))

    def update(x, g, s):
        b = beta * s.velocity + g
        return x - lr * (g + beta * b), VelocityState(s.step + 1, b)

    return Optimizer("nesterov", {"lr": lr, "beta": beta}, init, update)


def adagrad(lr: float = 0.01, eps: float = 1e-10) -> Optimizer:
    """AdaGrad (Duchi et al., 2011).

        h ← h + g²
        x ← x − η·g / (√h + ε)
    """
    _check_positive(lr=lr, eps=eps)

    def init(x):
        return AccumulatorState(0, np.zeros_like(x, dtype=float))

    def update(x, g, s):
        h = s.h + g * g
        return x - lr * g / (np.sqrt(h) + eps), AccumulatorState(s.step + 1, h)

    return Optimizer("adagrad", {"lr": lr, "eps": eps}, init, update)


def rmsprop(lr: float = 0.01, beta: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSprop (Tieleman & Hinton, 2012); β is torch's ``alpha``.

        h ← β·h + (1 − β)·g²
        x ← x − η·g / (√h + ε)
    """
    _check_positive(lr=lr, eps=eps)
    _check_unit_interval(beta=beta)

    def init(x):
        return AccumulatorState(0, np.zeros_like(x, dtype=float))

    def update(x, g, s):
        h = beta * s.h + (1.0 - beta) * g * g
        return x - lr * g / (np.sqrt(h) + eps), AccumulatorState(s.step + 1, h)

    return Optimizer("rmsprop", {"lr": lr, "beta": beta, "eps": eps}, init, update)


def _adam_step(x, g, s, lr, beta1, beta2, eps):
    t = s.step + 1
    m = beta1 * s.m + (1.0 - beta1) * g
    v = beta2 * s.v + (1.0 - beta2) * g * g
    # torch's arrangement: (√v / √(1−β2ᵗ)) + ε, step size η / (1−β1ᵗ)
    denom = np.sqrt(v) / math.sqrt(1.0 - beta2**t) + eps
    return x - (lr / (1.0 - beta1**t)) * m / denom, AdamState(t, m, v)


def adam(lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam (Kingma & Ba, 2015).

        m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
        m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
        x ← x − η·m̂ / (√v̂ + ε)
    """
    _check_positive(lr=lr, eps=eps)
    _check_unit_interval(beta1=beta1, beta2=beta2)

    def init(x):
        return AdamState(0, np.zeros_like(x, dtype=float), np.zeros_like(x, dtype=float))

    def update(x, g, s):
        return _adam_step(x, g, s, lr, beta1, beta2, eps)

    return Optimizer("adam", {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps}, init, update)


def adamw(lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
          weight_decay: float = 0.01) -> Optimizer:
    """AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, applied first.

        x ← x·(1 − η·λ)
        then the Adam step on the decayed x with the same gradient g
    """
    _check_positive(lr=lr, eps=eps)
    _check_unit_interval(beta1=beta1, beta2=beta2)
    _check_nonnegative(weight_decay=weight_decay)

    def init(x):
        return AdamState(0, np.zeros_like(x, dtype=float), np.zeros_like(x, dtype=float))

    def update(x, g, s):
        return _adam_step(x * (1.0 - lr * weight_decay), g, s, lr, beta1, beta2, eps)

    hp = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": weight_decay}
    return Optimizer("adamw", hp, init, update)


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": sgd, "momentum": momentum, "nesterov": nesterov, "adagrad": adagrad,
    "rmsprop": rmsprop, "adam": adam, "adamw": adamw,
}
NAMES: tuple[str, ...] = tuple(OPTIMIZERS)
# How the literature (and the course) writes them; the ids stay lowercase in code, links and CSV.
DISPLAY_NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
                 "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}


def display_name(name: str) -> str:
    return DISPLAY_NAMES.get(name, name)


def hyperparameters(name: str) -> dict[str, float]:
    """The hyperparameters of optimizer ``name`` with their defaults, in signature order."""
    import inspect

    factory = _factory(name)
    return {p.name: p.default for p in inspect.signature(factory).parameters.values()}


def _factory(name: str) -> Callable[..., Optimizer]:
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(NAMES)}") from None


def get(optimizer: str | Optimizer, **hyperparams: float) -> Optimizer:
    """Build optimizer ``name`` with the given hyperparameters (the rest keep their defaults)."""
    if isinstance(optimizer, Optimizer):
        if hyperparams:
            return get(optimizer.name, **{**optimizer.hyperparams, **hyperparams})
        return optimizer
    factory = _factory(optimizer)
    allowed = hyperparameters(optimizer)
    unknown = [k for k in hyperparams if k not in allowed]
    if unknown:
        raise ValueError(
            f"optimizer {optimizer!r} has no hyperparameter {unknown[0]!r}; "
            f"it takes: {', '.join(allowed)}"
        )
    return factory(**{k: v if isinstance(v, np.ndarray) else float(v) for k, v in hyperparams.items()})


# --- applying an optimizer to a list of arrays (an MLP's weights) ----------------------------------

def _pack(arrays: list) -> np.ndarray:
    return np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])


def init_tree(opt: Optimizer, params: list) -> list:
    """The state for a list of arrays (an MLP's weights and biases): one state over all of them
    laid end to end, in a list of one (``states[0].step`` is the step count)."""
    return [opt.init(_pack(params))]


def update_tree(opt: Optimizer, params: list, grads: list, states: list) -> tuple[list, list]:
    """One update of every array. The update rules are elementwise, so running them once over
    the arrays laid end to end gives the very numbers of one update per array, with a dozen numpy
    calls instead of a dozen per array (a 2-16-16-2 network has six arrays). The new arrays are
    views into one buffer, shaped like the old ones."""
    new, state = opt.update(_pack(params), _pack(grads), states[0])
    out, start = [], 0
    for p in params:
        size = np.size(p)
        out.append(new[start:start + size].reshape(np.shape(p)))
        start += size
    return out, [state]
