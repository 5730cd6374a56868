"""The optimizers, each written once as its update rule (``DEFINITIONS``; the language is
optviz.rules), with its hyperparameters and its paper. To add one, add its Definition here and its
strings to the catalogs: the playground, the MLP trainer, the step inspector, links and the CLI
take it from there.

Built, an optimizer is a pure ``init`` / ``update`` pair over numpy arrays of any shape:
``opt.init(x)`` returns the optimizer state for parameters ``x``; ``opt.update(x, g, state)``
returns ``(x_new, state_new)`` for gradient ``g``. Nothing is modified in place, so one code path
moves a (K, 2) batch of points on a surface and the weight matrices of an MLP.

Every rule equals PyTorch's ``torch.optim`` step for step (accumulators start at zero, eps is added
after the square root; Lion follows its paper's pseudo-code); ``tests/test_optimizers.py`` checks
that against independent scalar loops, and against torch itself when it is installed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import rules as _rules

Array = np.ndarray


@dataclass(frozen=True)
class Optimizer:
    name: str
    hyperparams: dict[str, float]
    init: Callable[[Array], Any] = field(repr=False)
    update: Callable[[Array, Array, Any], tuple[Array, Any]] = field(repr=False)
    rule: Any = field(default=None, repr=False, compare=False)  # the optviz.rules.Rule it runs

    def __reduce__(self):
        """Pickled as its rule, hyperparameters and name, and built again (optviz.worker)."""
        if self.rule is None:
            raise TypeError(f"optimizer {self.name!r} has no rule and cannot be pickled")
        return from_rule, (self.rule, self.hyperparams, self.name)

    def label(self) -> str:
        """Short label such as ``adam(lr=0.01)`` for legends and file names."""
        lr = self.hyperparams["lr"]
        return f"{self.name}(lr={lr:g})" if np.ndim(lr) == 0 else f"{self.name}(lr sweep)"


# --- argument checks: errors are for people ------------------------------------------------------

def _values(name: str, value, ok, what: str) -> None:
    """Raise unless ``value`` (a number, or an array of one per start: a sweep or a scrub grid)
    passes ``ok`` everywhere."""
    if isinstance(value, np.ndarray):
        if value.size and value.dtype.kind in "fiu" and np.all(np.isfinite(value)) and np.all(ok(value)):
            return
    elif isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool) \
            and math.isfinite(value) and ok(value):
        return
    raise ValueError(f"{name} must be {what}, got {value!r}")


def _check_positive(**kw: float) -> None:
    for name, value in kw.items():
        _values(name, value, lambda v: v > 0, "a positive number")


def _check_unit_interval(**kw: float) -> None:
    for name, value in kw.items():
        _values(name, value, lambda v: (0 <= v) & (v < 1), "in [0, 1)")


def _check_nonnegative(**kw: float) -> None:
    for name, value in kw.items():
        _values(name, value, lambda v: v >= 0, "zero or positive")


# --- the optimizers: each one rule (optviz.rules) with its hyperparameters and its paper ----------

@dataclass(frozen=True)
class Hyper:
    """A hyperparameter: its default, the range a page or a link accepts (``low``, ``high``), the
    check every value must pass (``positive``, ``unit`` for [0, 1), ``nonnegative``) and what it means."""
    name: str
    default: float
    low: float
    high: float
    check: str
    meaning: str


def lr(default: float) -> Hyper:
    return Hyper("lr", default, 1e-6, 100.0, "positive", "learning rate: the step size")


def _beta(name: str, default: float, meaning: str) -> Hyper:
    return Hyper(name, default, 0.0, 0.99999 if name == "beta2" else 0.9999, "unit", meaning)


EPS = "added to the denominator so that it is never 0"
WEIGHT_DECAY = Hyper("weight_decay", 0.01, 0.0, 10.0, "nonnegative",
                     "weight decay: pulls the weights towards 0 at every step")


@dataclass(frozen=True)
class Definition:
    """One optimizer, written once: its update rule (the course's formula, in optviz.rules'
    language), its hyperparameters and the paper it comes from. Everything else derives from it:
    the numpy path, the step inspector's state names, the hyperparameters of links, the CLI and the
    pages, and the formula on screen."""
    name: str
    display: str
    rule: str
    hyper: tuple
    paper: str

    @property
    def parsed(self) -> _rules.Rule:
        return _rules.parsed(self.rule)


# torch's arrangement of Adam's bias corrections: η/(1 − β1ᵗ) and √v/√(1 − β2ᵗ) + ε
ADAM = """
        m = beta1*m + (1 - beta1)*g
        v = beta2*v + (1 - beta2)*g*g
        x = x - lr/(1 - beta1**t)*m/(sqrt(v)/sqrt(1 - beta2**t) + eps)"""

DEFINITIONS: tuple[Definition, ...] = (
    Definition("sgd", "SGD", "x = x - lr*g", (lr(0.01),),
               "Robbins & Monro, A Stochastic Approximation Method (1951)"),
    # torch SGD(momentum=β, dampening=0) keeps b ← βb + g, which is −v/η of this v
    Definition("momentum", "Momentum", """
        v = beta*v - lr*g
        x = x + v""", (lr(0.01), _beta("beta", 0.9, "momentum: the share of the last step kept")),
               "Polyak, Some methods of speeding up the convergence of iteration methods (1964)"),
    Definition("nesterov", "Nesterov", """
        b = beta*b + g
        x = x - lr*(g + beta*b)""", (lr(0.01), _beta("beta", 0.9, "momentum: the share of the last step kept")),
               "Sutskever, Martens, Dahl & Hinton, On the importance of initialization and momentum "
               "in deep learning (2013), in torch's SGD(nesterov=True) form"),
    Definition("adagrad", "AdaGrad", """
        h = h + g*g
        x = x - lr*g/(sqrt(h) + eps)""", (lr(0.01), Hyper("eps", 1e-10, 1e-12, 1.0, "positive", EPS)),
               "Duchi, Hazan & Singer, Adaptive Subgradient Methods for Online Learning and "
               "Stochastic Optimization (2011)"),
    Definition("rmsprop", "RMSprop", """
        h = beta*h + (1 - beta)*g*g
        x = x - lr*g/(sqrt(h) + eps)""",
               (lr(0.01), _beta("beta", 0.99, "decay of the running mean of g² (torch's alpha)"),
                Hyper("eps", 1e-8, 1e-12, 1.0, "positive", EPS)),
               "Tieleman & Hinton, Lecture 6.5 of Neural Networks for Machine Learning (2012)"),
    Definition("adam", "Adam", ADAM,
               (lr(0.001), _beta("beta1", 0.9, "decay of the running mean of g"),
                _beta("beta2", 0.999, "decay of the running mean of g²"),
                Hyper("eps", 1e-8, 1e-12, 1.0, "positive", EPS)),
               "Kingma & Ba, Adam: A Method for Stochastic Optimization (2015)"),
    # decoupled weight decay first, then Adam's step on the decayed x with the same gradient
    Definition("adamw", "AdamW", "x = x*(1 - lr*weight_decay)\n" + ADAM,
               (lr(0.001), _beta("beta1", 0.9, "decay of the running mean of g"),
                _beta("beta2", 0.999, "decay of the running mean of g²"),
                Hyper("eps", 1e-8, 1e-12, 1.0, "positive", EPS), WEIGHT_DECAY),
               "Loshchilov & Hutter, Decoupled Weight Decay Regularization (2019)"),
    # torch.optim.NAdam: μₜ = β1(1 − ½·0.96^(tψ)), the product of the μ's in p
    Definition("nadam", "NAdam", """
        mu = beta1*(1 - 0.5*0.96**(t*momentum_decay))
        mu_next = beta1*(1 - 0.5*0.96**((t + 1)*momentum_decay))
        p[0] = 1
        p = p*mu
        m = beta1*m + (1 - beta1)*g
        v = beta2*v + (1 - beta2)*g*g
        d = sqrt(v/(1 - beta2**t)) + eps
        x = x - lr*(1 - mu)/(1 - p)*g/d - lr*mu_next/(1 - p*mu_next)*m/d""",
               (lr(0.002), _beta("beta1", 0.9, "decay of the running mean of g"),
                _beta("beta2", 0.999, "decay of the running mean of g²"),
                Hyper("eps", 1e-8, 1e-12, 1.0, "positive", EPS),
                Hyper("momentum_decay", 0.004, 0.0, 1.0, "nonnegative", "how fast the momentum schedule μₜ rises")),
               "Dozat, Incorporating Nesterov Momentum into Adam (2016)"),
    # torch.optim.RAdam: the variance rectification r where the SMA length ρₜ > 5, else plain momentum
    Definition("radam", "RAdam", """
        m = beta1*m + (1 - beta1)*g
        v = beta2*v + (1 - beta2)*g*g
        rho_inf = 2/(1 - beta2) - 1
        rho = rho_inf - 2*t*beta2**t/(1 - beta2**t)
        r = sqrt(maximum((rho - 4)*(rho - 2)*rho_inf/((rho_inf - 4)*(rho_inf - 2)*rho), 0))
        x = x - lr*m/(1 - beta1**t)*where(rho > 5, r*sqrt(1 - beta2**t)/(sqrt(v) + eps), 1)""",
               (lr(0.001), _beta("beta1", 0.9, "decay of the running mean of g"),
                _beta("beta2", 0.999, "decay of the running mean of g²"),
                Hyper("eps", 1e-8, 1e-12, 1.0, "positive", EPS)),
               "Liu et al., On the Variance of the Adaptive Learning Rate and Beyond (2020)"),
    Definition("adamax", "Adamax", """
        m = beta1*m + (1 - beta1)*g
        u = maximum(beta2*u, abs(g) + eps)
        x = x - lr/(1 - beta1**t)*m/u""",
               (lr(0.002), _beta("beta1", 0.9, "decay of the running mean of g"),
                _beta("beta2", 0.999, "decay of the running maximum of |g|"),
                Hyper("eps", 1e-8, 1e-12, 1.0, "positive", EPS)),
               "Kingma & Ba, Adam: A Method for Stochastic Optimization (2015), section 7.1"),
    Definition("adadelta", "Adadelta", """
        h = rho*h + (1 - rho)*g*g
        d = sqrt(s + eps)/sqrt(h + eps)*g
        s = rho*s + (1 - rho)*d*d
        x = x - lr*d""",
               (lr(1.0), Hyper("rho", 0.9, 0.0, 0.9999, "unit", "decay of the running means of g² and of the steps²"),
                Hyper("eps", 1e-6, 1e-12, 1.0, "positive", EPS)),
               "Zeiler, ADADELTA: An Adaptive Learning Rate Method (2012)"),
    Definition("lion", "Lion", """
        c = beta1*m + (1 - beta1)*g
        x = x - lr*(sign(c) + weight_decay*x)
        m = beta2*m + (1 - beta2)*g""",
               (lr(0.0001), _beta("beta1", 0.9, "weight of the running mean of g in the step's sign"),
                _beta("beta2", 0.99, "decay of the running mean of g"),
                Hyper("weight_decay", 0.0, 0.0, 10.0, "nonnegative", WEIGHT_DECAY.meaning)),
               "Chen et al., Symbolic Discovery of Optimization Algorithms (2023)"),
)

_BY_NAME = {d.name: d for d in DEFINITIONS}
for _d in DEFINITIONS:  # a definition names exactly the hyperparameters its rule reads
    assert set(_d.parsed.hyperparameters) == {h.name for h in _d.hyper}, _d.name
NAMES: tuple[str, ...] = tuple(_BY_NAME)
# How the literature (and the course) writes them; the ids stay lowercase in code, links and CSV.
DISPLAY_NAMES = {d.name: d.display for d in DEFINITIONS}
_CHECKS = {"positive": _check_positive, "unit": _check_unit_interval, "nonnegative": _check_nonnegative}


def definition(name: str) -> Definition:
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(NAMES)}") from None


def _build(d: Definition, hp: dict) -> Optimizer:
    for h in d.hyper:
        _CHECKS[h.check](**{h.name: hp[h.name]})
    return from_rule(d.parsed, hp, d.name)


def from_rule(rule: _rules.Rule, hp: dict, name: str = "rule") -> Optimizer:
    """An optimizer that runs ``rule`` with hyperparameters ``hp`` (checked by optviz.rules)."""
    values = _rules.check_values(rule, hp)
    ordered = {h: values[h] for h in hp}  # in the order given (a definition's order for built-ins)
    return Optimizer(name, ordered, lambda x: rule.init(x, values),
                     lambda x, g, s: rule.update(x, g, s, values), rule)


def parse_rule(text: str, **hyperparams: float) -> Optimizer:
    """An optimizer from a typed rule (optviz.rules), with a value for every hyperparameter it
    reads: ``optimize(surface, parse_rule("x = x - lr*g", lr=0.1), start, steps)`` and the MLP
    trainer accept it in place of a built-in name. Bad text raises ``ValueError`` (a RuleError)."""
    rule = _rules.parsed(text)
    return from_rule(rule, {h: hyperparams[h] for h in rule.hyperparameters if h in hyperparams} | hyperparams)


def _factory(name: str) -> Callable[..., Optimizer]:
    d = definition(name)

    def make(**hp: float) -> Optimizer:
        allowed = [h.name for h in d.hyper]
        unknown = [k for k in hp if k not in allowed]
        if unknown:
            raise ValueError(f"optimizer {name!r} has no hyperparameter {unknown[0]!r}; "
                             f"it takes: {', '.join(allowed)}")
        full = {h.name: h.default for h in d.hyper}
        full.update({k: v if isinstance(v, np.ndarray) else float(v) for k, v in hp.items()})
        return _build(d, full)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"{d.display} ({d.paper}):\n{d.rule}"
    return make


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {d.name: _factory(d.name) for d in DEFINITIONS}
sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw = (OPTIMIZERS[n] for n in NAMES[:7])
nadam, radam, adamax, adadelta, lion = (OPTIMIZERS[n] for n in NAMES[7:])


def display_name(name: str) -> str:
    return DISPLAY_NAMES.get(name, name)


def hyperparameters(name: str) -> dict[str, float]:
    """The hyperparameters of optimizer ``name`` with their defaults, in the definition's order."""
    return {h.name: h.default for h in definition(name).hyper}


def bounds() -> dict[str, tuple[float, float]]:
    """The range a page or a link accepts for each hyperparameter name (one range per name)."""
    out: dict[str, tuple[float, float]] = {}
    for d in DEFINITIONS:
        for h in d.hyper:
            out.setdefault(h.name, (h.low, h.high))
    return out


def get(optimizer: str | Optimizer, **hyperparams: float) -> Optimizer:
    """Build optimizer ``name`` with the given hyperparameters (the rest keep their defaults); an
    Optimizer is returned as it is, or rebuilt with the hyperparameters given."""
    if isinstance(optimizer, Optimizer):
        if hyperparams:
            if optimizer.name in _BY_NAME:
                return get(optimizer.name, **{**optimizer.hyperparams, **hyperparams})
            return from_rule(optimizer.rule, {**optimizer.hyperparams, **hyperparams}, optimizer.name)
        return optimizer
    return OPTIMIZERS[definition(optimizer).name](**hyperparams)


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
    with np.errstate(all="ignore"):  # a diverging run shows as a NaN loss, which the trainer reports
        new, state = opt.update(_pack(params), _pack(grads), states[0])
    out, start = [], 0
    for p in params:
        size = np.size(p)
        out.append(new[start:start + size].reshape(np.shape(p)))
        start += size
    return out, [state]
