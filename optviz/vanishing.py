"""The vanishing-gradient experiments (numpy only), all run on the one core MLP.

*Probe*: a deep net of ``depth`` hidden layers of ``width`` units gets ``n`` standard-normal inputs
of dimension ``width`` (the classic experiment: 5 layers × 100 units, 1000 inputs). One forward
pass gives each hidden layer's activations (histograms, spread); one backward pass of a softmax
cross-entropy loss against random labels of ``N_CLASSES`` classes gives ‖∂L/∂Wₗ‖ for every layer.
The labels are random on purpose: at initialization only the *flow* of the gradient matters, not
what it teaches.

*Learning run*: the same architecture (input 2, same hidden layers) trained on a 2-D toy data set
with the core Trainer, to see whether the layers that receive tiny gradients learn.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import activations as _activations
from . import budget as _budget
from . import datasets as _datasets
from . import memo as _memo
from . import optimizers as _optimizers
from .mlp import MLP
from .training import train

# page id → (MLP init, init_std)
# xavier_glorot is Xavier as note 003 defines it, N(0, 2/(n_in + n_out)); xavier the book form
# N(0, 1/n_in) of the classic experiment (the same for the square hidden layers, not for the first
# layer of the training run, 2 → width, nor the output layer)
INITS = {"n1": ("normal", 1.0), "n001": ("normal", 0.01), "xavier_glorot": ("xavier_glorot", 0.01),
         "xavier": ("xavier", 0.01), "he": ("he", 0.01), "glorot": ("glorot_uniform", 0.01)}
INIT_IDS = tuple(INITS)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "swish")
DATASETS = ("moons", "circles", "xor", "spiral")
OPTIMIZERS = ("sgd", "momentum", "adam")
N_CLASSES = 10
MAX_DEPTH, MAX_WIDTH, MAX_SAMPLES, MAX_EPOCHS = 30, 200, 5000, 200
TRAIN_POINTS, TRAIN_BATCH = 128, 32
NEAR = 0.05  # "near" a value: within 0.05, the classic saturation test for sigmoid outputs
# a layer's gradient this far below (above) the output layer's counts as vanished (exploded)
VANISHED, EXPLODED = 1e-3, 1e3
# Absolute sizes of ‖∂L/∂Wₗ‖ for the probe's softmax cross-entropy: a network whose activations
# are of order 1 has ‖∂L/∂W‖ of order 1 (every well-initialized net here: 0.04–12 from 5 to 30
# layers of 100). Above 1e3 the signal itself has blown up (ReLU · N(0, 1): 10⁴ at 5 layers,
# 10²⁶ at 30), and one step of even lr = 0.001 moves a weight matrix by more than 1.
TINY_GRAD, HUGE_GRAD = 1e-6, 1e3
STUCK_TOL = 0.03  # a final loss this close to ln K (relative) has learned nothing


@dataclass(frozen=True)
class NetConfig:
    """Activation, weight initialization, batch normalization and residual connections (every
    hidden layer of the same size as its input adds that input: h + f(z)) of a deep network."""
    activation: str = "sigmoid"
    init: str = "n1"
    batch_norm: bool = False
    residual: bool = False

    def __post_init__(self):
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of: {', '.join(ACTIVATIONS)}")
        if self.init not in INITS:
            raise ValueError(f"unknown initialization {self.init!r}; choose one of: {', '.join(INIT_IDS)}")

    @property
    def id(self) -> str:
        """Compact text form for URLs: ``sigmoid.n1``, ``relu.he.bn``, ``sigmoid.xavier.res``."""
        return f"{self.activation}.{self.init}" + (".bn" if self.batch_norm else "") + (
            ".res" if self.residual else "")

    @classmethod
    def parse(cls, text: str) -> "NetConfig":
        parts = str(text).split(".")
        flags = parts[2:]
        if len(parts) < 2 or flags not in ([], ["bn"], ["res"], ["bn", "res"]):
            raise ValueError(f"cannot read network configuration {text!r} (expected e.g. relu.he.bn or "
                             "sigmoid.xavier.res)")
        return cls(parts[0], parts[1], "bn" in flags, "res" in flags)

    def mlp(self, sizes, seed: int = 0) -> MLP:
        init, std = INITS[self.init]
        return MLP(sizes, activation=self.activation, init=init, init_std=std, loss="cross_entropy",
                   seed=seed, batch_norm=self.batch_norm, residual=self.residual)


# the comparison menu: the configurations a lecture contrasts
COMPARISONS = tuple(NetConfig.parse(s) for s in (
    "sigmoid.n1", "sigmoid.n001", "sigmoid.xavier_glorot", "sigmoid.xavier", "tanh.n1", "tanh.n001",
    "tanh.xavier_glorot", "tanh.xavier", "relu.n001", "relu.he", "sigmoid.n1.bn", "sigmoid.xavier.bn",
    "sigmoid.xavier_glorot.bn", "relu.he.bn", "sigmoid.xavier_glorot.res", "relu.he.res"))


def check_sizes(depth: int, width: int, n_samples: int) -> None:
    for name, v, lo, hi in (("depth", depth, 1, MAX_DEPTH), ("width", width, 1, MAX_WIDTH),
                            ("number of samples", n_samples, 2, MAX_SAMPLES)):
        if not (isinstance(v, (int, np.integer)) and lo <= v <= hi):
            raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {v!r}")


def gaussian_inputs(n_samples: int, width: int, seed: int = 0):
    """(X, y): X ~ N(0, 1) of shape (n, width) and random labels in 0..N_CLASSES−1."""
    rng = np.random.default_rng([seed, 1])  # independent of the weights' stream (seed)
    return rng.standard_normal((n_samples, width)), rng.integers(0, N_CLASSES, n_samples)


# --- statistics of activations -----------------------------------------------------------------

def share_within(h, centres, tol: float = NEAR) -> float:
    """Share of the values of ``h`` that lie within ``tol`` of any of ``centres``."""
    h = np.asarray(h, dtype=float)
    near = np.zeros(h.shape, dtype=bool)
    for c in centres:
        near |= np.abs(h - c) <= tol
    return float(near.mean())


def saturation_share(h, activation: str, tol: float = NEAR) -> float:
    """Share of outputs within ``tol`` of the ends of a bounded activation's range (sigmoid: 0 or
    1; tanh: −1 or 1), where its derivative is nearly 0. NaN for unbounded activations."""
    lo, hi = _activations.get(activation).output_range
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return math.nan
    return share_within(h, (lo, hi), tol)


def centre_share(h, activation: str, tol: float = NEAR) -> float:
    """Share of outputs within ``tol`` of the activation's value at 0 (sigmoid: 0.5): all units
    giving nearly the same output is the "collapsed" signature of too-small weights."""
    return share_within(h, (float(_activations.get(activation)(0.0)),), tol)


@dataclass
class Probe:
    """One forward and backward pass of a deep net on Gaussian inputs (see module docstring).

    Layer l = 1..depth is a hidden layer; ``grad_norms`` has depth + 1 entries (the last is the
    linear output layer). ``counts[l−1]`` is the share of layer l's values in each bin of the
    shared ``edges`` (values outside are counted in the end bins; exact zeros are left out and
    reported in ``zero_share``, so a ReLU's inactive half does not hide the rest).
    """
    config: NetConfig
    edges: np.ndarray
    counts: np.ndarray
    zero_share: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    saturated: np.ndarray  # saturation_share per layer (NaN when unbounded)
    centred: np.ndarray    # centre_share per layer
    grad_norms: np.ndarray
    loss: float
    width: int = 0  # units per hidden layer

    @property
    def depth(self) -> int:
        return len(self.std)

    @property
    def gradient_ratio(self) -> float:
        """‖∂L/∂W₁‖ / ‖∂L/∂W_out‖: how much of the output layer's gradient reaches layer 1."""
        g = self.grad_norms
        return float(g[0] / g[-1]) if g[-1] > 0 else math.nan


def bounded(activation: str) -> bool:
    lo, hi = _activations.get(activation).output_range
    return math.isfinite(lo) and math.isfinite(hi)


def histogram_range(hidden: list, activation: str, residual: bool = False) -> tuple[float, float]:
    """Shared x-range: a bounded activation's output range (unless residual connections add the
    layers' inputs to it), else the 0.5–99.5 % range of all layers."""
    if bounded(activation) and not residual:
        return _activations.get(activation).output_range
    values = np.concatenate([h.ravel()[:: max(1, h.size // 20000)] for h in hidden])
    values = values[np.isfinite(values) & (values != 0)]
    if values.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(values, [0.5, 99.5])
    lo = min(0.0, float(lo))
    hi = float(hi) if hi > lo else lo + 1.0
    return lo, hi


def layer_histograms(hidden: list, lo: float, hi: float, bins: int = 40):
    """(edges, counts, zero_share) for a list of per-layer activation arrays, all with one binning.
    One layer at a time: stacking 30 layers of 5000 × 200 values first cost a 240 MB copy."""
    edges = np.linspace(lo, hi, bins + 1)
    counts = np.zeros((len(hidden), bins))
    zeros = np.zeros(len(hidden))
    scale = bins / (hi - lo)
    for layer, h in enumerate(hidden):
        v = h.ravel()
        is_zero = v == 0
        zeros[layer] = is_zero.mean()
        v = v[~is_zero & np.isfinite(v)]
        # clip in floating point before the cast: a value of 10²⁶ has no integer bin
        idx = np.clip(np.floor((v - lo) * scale), 0, bins - 1).astype(np.intp)
        counts[layer] = np.bincount(idx, minlength=bins) / h.size
    return edges, counts, zeros


def probe(config: NetConfig, depth: int = 5, width: int = 100, n_samples: int = 1000,
          seed: int = 0, bins: int = 40) -> Probe:
    """Forward and backward pass of a ``depth`` × ``width`` net on Gaussian inputs."""
    check_sizes(depth, width, n_samples)
    X, y = gaussian_inputs(n_samples, width, seed)
    model = config.mlp([width] + [width] * depth + [N_CLASSES], seed=seed)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        fwd = model.forward(X)
        loss, grads = model.loss_and_grads(X, y, fwd)
        hidden = fwd.hs[1:-1]
        edges, counts, zeros = layer_histograms(
            hidden, *histogram_range(hidden, config.activation, config.residual), bins)
        # saturation is the activation's own: f(z), which a skip adds to the layer's input (one
        # layer's f(z) at a time: all of them at once would double the probe's memory)
        saturated, centred = np.empty(depth), np.empty(depth)
        for i in range(depth):
            a = fwd.hs[i + 1] - fwd.hs[i] if model.skips[i] else fwd.hs[i + 1]
            saturated[i], centred[i] = saturation_share(a, config.activation), centre_share(a, config.activation)
        return Probe(
            config, edges, counts, zeros,
            mean=np.array([h.mean() for h in hidden]), std=np.array([h.std() for h in hidden]),
            saturated=saturated, centred=centred,
            grad_norms=np.array([np.linalg.norm(dW) for dW, _ in grads[:depth + 1]]), loss=loss, width=width)


def derivative_bound(output_grad_norm: float, depth: int, max_derivative: float) -> np.ndarray:
    """Reference line for layers 1..depth+1: the output layer's gradient times (max f′)ᵏ, k being
    the number of activation derivatives between layer l and the output (k = depth + 1 − l).
    For the sigmoid, max σ′ = σ′(0) = 0.25: even with the most favourable inputs each layer
    costs a factor 4, unless the weights make up for it."""
    k = np.arange(depth, -1, -1)
    return output_grad_norm * float(max_derivative) ** k


# --- does it learn? ------------------------------------------------------------------------------

@dataclass
class LearningRun:
    config: NetConfig
    loss: list
    accuracy: list
    chance_loss: float  # ln K: the cross-entropy of a network that guesses uniformly
    grad_norms: list    # per epoch, per layer (mean over the epoch's updates)
    epochs_asked: int = 0  # the epochs asked for
    epochs_allowed: int = 0  # fewer than asked when the run would exceed MAX_TRAIN_WORK

    @property
    def capped(self) -> bool:
        return self.epochs_allowed < self.epochs_asked

    @property
    def diverged(self) -> bool:
        return not self.loss or not math.isfinite(self.loss[-1])


def train_weights(depth: int, width: int, classes: int = 2, inputs: int = 2) -> int:
    """Number of weights of the training net: inputs → depth × width → classes."""
    return inputs * width + (depth - 1) * width * width + width * classes


def epoch_cap(configs, depth: int, width: int, epochs: int, seconds: float = _budget.MAX_SECONDS,
              classes: int = 2) -> int:
    """``epochs``, or fewer (at least 1) so that training every network of ``configs`` for that many
    epochs takes at most ``seconds`` (estimated: ``epoch_seconds``)."""
    per_epoch = sum(epoch_seconds(c, depth, width, classes) for c in configs)
    return max(1, min(int(epochs), int(seconds // per_epoch)))


def learning_run(config: NetConfig, depth: int = 5, width: int = 100, dataset: str = "moons",
                 optimizer: str = "momentum", lr: float = 0.01, epochs: int = 40,
                 seed: int = 0, allowed: int | None = None) -> LearningRun:
    """Train the deep net (input 2, ``depth`` hidden layers of ``width``) on a 2-D toy data set of
    TRAIN_POINTS points with mini-batches of TRAIN_BATCH, for ``epochs`` epochs or ``allowed`` if
    fewer (default: as many as one change's budget allows this run alone, ``epoch_cap``; the run
    says so in ``capped``)."""
    check_sizes(depth, width, TRAIN_POINTS)
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r}; choose one of: {', '.join(DATASETS)}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}")
    if not (isinstance(epochs, (int, np.integer)) and 1 <= epochs <= MAX_EPOCHS):
        raise ValueError(f"epochs must be a whole number from 1 to {MAX_EPOCHS}, got {epochs!r}")
    X, y = _datasets.make(dataset, TRAIN_POINTS, noise=0.2 if dataset == "xor" else 0.1, seed=seed)
    k = int(y.max()) + 1
    model = config.mlp([2] + [width] * depth + [k], seed=seed)
    allowed = epoch_cap([config], depth, width, epochs, classes=k) if allowed is None \
        else max(1, min(int(epochs), int(allowed)))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        h = train(model, X, y, _optimizers.get(optimizer, lr=lr), allowed, batch_size=TRAIN_BATCH, seed=seed)
    return LearningRun(config, h.loss, h.accuracy, math.log(k), h.grad_norms, int(epochs), allowed)


# --- what the experiments cost (the page shrinks them to one change's budget, optviz.budget) -----
# Measured on the 2-core development machine with other work running, one BLAS thread (as the app
# runs): time.process_time around probe() and learning_run(), tracemalloc's peak for memory; five
# activations × batch norm on and off, 1–30 layers of 10–200 units, 200–5 000 samples. Every
# constant is the largest value seen, rounded up (estimates lie 1–2× above the times measured).
_ACT_CLASS = {"relu": 0, "leaky_relu": 0, "sigmoid": 1, "tanh": 1, "elu": 2, "gelu": 2, "swish": 2}
# probe: PROBE_FIXED + layers × samples × units × (activation + batch norm + PROBE_MATMUL × units).
# Measured per layer, sample and unit at 10 units (elementwise only): ReLU 25 ns, sigmoid 50, ELU 78,
# GELU 97, swish + BN 91, sigmoid + BN 71; the products add 0.2–0.45 ns per unit more (30 × 200 ×
# 5 000 sigmoid: 4.1 s; ReLU + BN: 3.8 s).
PROBE_FIXED = 0.03
PROBE_ELEMENT = (35e-9, 70e-9, 120e-9)  # by activation class: cheap, logistic, smooth ReLU-like
PROBE_ELEMENT_BN = 25e-9
PROBE_MATMUL = 0.45e-9
# probe memory: (a·layers + b) arrays of samples × units floats at the peak (activations, their
# derivatives, the backward pass); measured 2.2–3.3 per layer without batch norm, 4.2–5.3 with it
# (a 30 × 200 × 5 000 probe with batch norm: 1 GB).
PROBE_ARRAYS, PROBE_ARRAYS_BN = (3.4, 6.0), (5.4, 8.0)
PROBE_MAX_BYTES = 300 * 1024 * 1024  # of the 400 MB one change may take: the rest for the page
MIN_SAMPLES = 50  # a probe never uses fewer inputs (50 × 30 × 200 costs 0.4 s and 32 MB)
# a training epoch (adam, the slowest optimizer here): RUN_EPOCH + layers × (RUN_LAYER + RUN_UNIT ×
# units) + RUN_WEIGHT × TRAIN_POINTS × weights; least squares on 35 settings gave 0.25–0.92 ms per
# layer, up to 12 µs per layer and unit (swish + BN) and 1.23 ns per weight and point; 30 × 200:
# 134 ms (ReLU) to 306 ms (swish + BN) per epoch.
RUN_EPOCH = 2e-3
RUN_LAYER, RUN_LAYER_BN = (0.3e-3, 0.4e-3, 0.7e-3), 0.5e-3
RUN_UNIT, RUN_UNIT_BN = (1e-6, 2e-6, 8e-6), 4e-6
RUN_WEIGHT = 1.3e-9


def probe_seconds(config: NetConfig, depth: int, width: int, n_samples: int) -> float:
    """Estimated CPU seconds of ``probe(config, depth, width, n_samples)`` (an upper bound)."""
    extra = config.batch_norm or config.residual  # a skip's add and f(z) = h − input: less than BN's
    per = PROBE_ELEMENT[_ACT_CLASS[config.activation]] + (PROBE_ELEMENT_BN if extra else 0.0)
    return PROBE_FIXED + depth * n_samples * width * (per + PROBE_MATMUL * width)


def probe_bytes(config: NetConfig, depth: int, width: int, n_samples: int) -> float:
    """Estimated peak of extra memory of ``probe(config, depth, width, n_samples)``, in bytes."""
    a, b = PROBE_ARRAYS_BN if config.batch_norm or config.residual else PROBE_ARRAYS
    return 8.0 * n_samples * width * (a * depth + b)


def epoch_seconds(config: NetConfig, depth: int, width: int, classes: int = 2) -> float:
    """Estimated CPU seconds of one training epoch of ``learning_run`` (an upper bound)."""
    # residual runs take the general backward pass, as batch norm does: at most its cost (measured
    # 0.45–1.3× the plain run's)
    c, bn = _ACT_CLASS[config.activation], config.batch_norm or config.residual
    layer = RUN_LAYER[c] + (RUN_LAYER_BN if bn else 0.0) + (RUN_UNIT[c] + (RUN_UNIT_BN if bn else 0.0)) * width
    return RUN_EPOCH + depth * layer + RUN_WEIGHT * TRAIN_POINTS * train_weights(depth, width, classes)


def sample_cap(configs, depth: int, width: int, n_samples: int, seconds: float,
               max_bytes: float = PROBE_MAX_BYTES) -> int:
    """``n_samples``, or fewer (at least MIN_SAMPLES, or n_samples if smaller) so that probing every
    network of ``configs`` takes at most ``seconds`` and each probe at most ``max_bytes``."""
    fixed = sum(probe_seconds(c, depth, width, 0) for c in configs)
    per_sample = sum(probe_seconds(c, depth, width, 1) for c in configs) - fixed
    by_time = (seconds - fixed) / per_sample
    by_memory = max_bytes / max(probe_bytes(c, depth, width, 1) for c in configs)
    fit = min(by_time, by_memory)
    if fit >= n_samples:
        return int(n_samples)
    fit = _round_down(fit)  # 1 000 inputs, not 1 026: a number people read, and fewer cache keys
    return int(min(n_samples, max(MIN_SAMPLES, fit)))


def _round_down(x: float) -> int:
    """x rounded down to two significant digits (1 026 → 1 000, 687 → 680, 48 → 48)."""
    if x < 1:
        return 0
    step = 10 ** max(0, math.floor(math.log10(x)) - 1)
    return int(x // step * step)


@dataclass(frozen=True)
class Plan:
    """What one change computes: the probe's inputs and the training epochs, within the budget."""
    n_samples: int
    epochs: int
    probe_seconds: float
    train_seconds: float


def plan(configs, depth: int, width: int, n_samples: int, epochs: int,
         seconds: float = _budget.MAX_SECONDS, max_bytes: float = PROBE_MAX_BYTES) -> Plan:
    """The probes first, with as many of the ``n_samples`` inputs as fit in PROBE_SHARE of
    ``seconds`` and in ``max_bytes`` each; then the training runs of every network with as many of
    the ``epochs`` as the rest of ``seconds`` allows (at least one). Deterministic: the same
    settings give the same plan (so the same cached results) in every session."""
    n = sample_cap(configs, depth, width, n_samples, PROBE_SHARE * seconds, max_bytes)
    probing = sum(probe_seconds(c, depth, width, n) for c in configs)
    allowed = epoch_cap(configs, depth, width, epochs, seconds - probing)
    training = allowed * sum(epoch_seconds(c, depth, width) for c in configs)
    return Plan(n, allowed, probing, training)


PROBE_SHARE = 0.4  # of one change's seconds, at most, for the probes (4 s: four 30 × 200 probes of ~1 000 inputs)


# --- verdicts for the plain-language summary ------------------------------------------------------

def gradient_verdict(ratio: float) -> str:
    """'vanishing', 'exploding', 'healthy' or 'none' (no gradient at all)."""
    if not math.isfinite(ratio):
        return "none"
    if ratio < VANISHED:
        return "vanishing"
    if ratio > EXPLODED:
        return "exploding"
    return "healthy"


def gradient_size_verdict(p: Probe) -> str:
    """'tiny' when every layer's ‖∂L/∂W‖ is below TINY_GRAD, 'huge' when every one is above
    HUGE_GRAD (or not finite), else 'normal'. The ratio layer 1 / output (``gradient_verdict``)
    cannot see either: it is ordinary when all layers are tiny or all are huge together."""
    g = np.asarray(p.grad_norms, dtype=float)
    if g.size and (not np.all(np.isfinite(g)) or g.min() > HUGE_GRAD):
        return "huge"
    if g.size and g.max() < TINY_GRAD:
        return "tiny"
    return "normal"


def activation_verdict(p: Probe) -> str:
    """How the last hidden layer's activations look: 'saturated' (≥ 50 % near the ends of a bounded
    range), 'collapsed' (≥ 90 % within 0.05 of f(0), or spread < 1e-3), 'dead' (≥ 90 % exact
    zeros), 'exploding' (spread > 1e3) or 'healthy'."""
    i = -1
    if p.zero_share[i] >= 0.9:
        return "dead"
    if not math.isfinite(p.std[i]) or p.std[i] > 1e3:
        return "exploding"
    if math.isfinite(p.saturated[i]) and p.saturated[i] >= 0.5:
        return "saturated"
    if p.centred[i] >= 0.9 or p.std[i] < 1e-3:
        return "collapsed"
    return "healthy"


def weights_too_large(p: Probe) -> str | None:
    """Whether the initial weights alone push the signal out of range, and how: 'exploding' (the
    last hidden layer's spread or some layer's gradient explodes), 'saturated' (its units sit at
    the flat ends of a bounded activation), else None. Such a network is confidently wrong, or
    diverges, before it learns anything; a smaller learning rate does not cure it."""
    if activation_verdict(p) == "exploding" or gradient_size_verdict(p) == "huge":
        return "exploding"
    return "saturated" if activation_verdict(p) == "saturated" else None


def training_verdict(run: LearningRun) -> str:
    """'diverged'; 'stuck' (final loss within STUCK_TOL = 3 % of chance, either side);
    'above_chance' (higher still: worse than guessing, the network is confidently wrong, as
    saturated units with large weights or too large steps make it); 'learned' (≥ 90 % accuracy);
    else 'slow'."""
    if run.diverged:
        return "diverged"
    if abs(run.loss[-1] - run.chance_loss) <= STUCK_TOL * run.chance_loss:
        return "stuck"
    if run.loss[-1] > run.chance_loss:
        return "above_chance"
    if run.accuracy[-1] is not None and run.accuracy[-1] >= 0.9:
        return "learned"
    return "slow"


def power_of_ten(x: float) -> str:
    """A positive number in the form a×10ⁿ with superscript digits (1.3×10⁻⁷); plain when 0.01 ≤ x < 1000."""
    if not math.isfinite(x):
        return "—"
    if x == 0:
        return "0"
    if 0.01 <= abs(x) < 1000:
        return f"{x:.3g}"
    e = math.floor(math.log10(abs(x)))
    m = x / 10 ** e
    if round(m, 1) >= 10:
        m, e = m / 10, e + 1
    sup = str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{m:.1f}×10{sup}"


# --- presets: the course's experiments in one click ----------------------------------------------

@dataclass(frozen=True)
class Preset:
    config: NetConfig
    comparisons: tuple  # ids of COMPARISONS
    depth: int = 5
    width: int = 100
    n_samples: int = 1000
    dataset: str = "moons"
    optimizer: str = "momentum"
    lr: float = 0.01
    epochs: int = 40


_CLASSIC = dict(depth=5, width=100, n_samples=1000)
PRESETS = {
    # the classic histogram experiment (「ゼロから作る Deep Learning」6.2): 5 × 100, 1000 inputs
    # the default: saturated (std 1) beside the three lessons of the course's 3.2 in a short run
    # (5 × 100, momentum, lr 0.01, 40 epochs): tiny weights never leave ln 2, ReLU · He and
    # batch norm learn. Not sigmoid · Xavier: its activations stay spread, but σ′ ≤ 0.25 leaves
    # layer 1 with 2×10⁻⁴ of the gradient and it is still at ln 2 after 40 epochs.
    "classic_sigmoid_n1": Preset(NetConfig("sigmoid", "n1"), ("sigmoid.n001", "relu.he", "sigmoid.xavier.bn"),
                                 **_CLASSIC),
    "classic_sigmoid_n001": Preset(NetConfig("sigmoid", "n001"), ("sigmoid.n1", "sigmoid.xavier"), **_CLASSIC),
    "classic_sigmoid_xavier": Preset(NetConfig("sigmoid", "xavier"), ("sigmoid.n1", "sigmoid.n001"), **_CLASSIC),
    "classic_relu_n001": Preset(NetConfig("relu", "n001"), ("relu.he", "sigmoid.xavier"), **_CLASSIC),
    "classic_relu_he": Preset(NetConfig("relu", "he"), ("relu.n001", "sigmoid.xavier"), **_CLASSIC),
    # note 003 §3.2: a 10-layer sigmoid network, and its four remedies (ReLU, batch norm, residual
    # connections, the right initialization); §3.4: Xavier (the note's, 2/(n_in + n_out)) for
    # sigmoid/tanh, He for ReLU. The advice visibly holds for tanh at 10 layers on the circles
    # (momentum, lr 0.01, 40 epochs): Xavier learns (98 %), N(0, 1) ends above chance, N(0, 0.01)
    # stays at ln 2; ReLU · He learns.
    "course_sigmoid_10": Preset(NetConfig("sigmoid", "xavier_glorot"), ("tanh.xavier_glorot", "relu.he"), depth=10),
    "course_remedies": Preset(NetConfig("sigmoid", "xavier_glorot"),
                              ("relu.he", "sigmoid.xavier_glorot.bn", "sigmoid.xavier_glorot.res"), depth=10),
    "course_init_table": Preset(NetConfig("tanh", "xavier_glorot"), ("sigmoid.n001", "relu.n001", "relu.he"),
                                depth=10),
    "course_advice_holds": Preset(NetConfig("tanh", "xavier_glorot"), ("tanh.n1", "tanh.n001", "relu.he"),
                                  depth=10, dataset="circles"),
    # curriculum 2.2, remedy ③: batch normalization rescues the naive sigmoid network
    "batch_norm": Preset(NetConfig("sigmoid", "xavier", True), ("sigmoid.xavier", "sigmoid.n1.bn"), depth=10),
    # 30 layers: fewer epochs keep four training runs near 2 s
    "deep_30": Preset(NetConfig("relu", "he"), ("sigmoid.xavier", "tanh.xavier", "relu.he.bn"), depth=30,
                      epochs=20),
}
DEFAULT_PRESET = "classic_sigmoid_n1"


def reference_bound(probes: list):
    """The (max f′)ᵏ line for the first probe whose activation has max f′ < 1 (the sigmoid),
    anchored at that probe's output-layer gradient; None when no such probe is shown."""
    for p in probes:
        m = _activations.get(p.config.activation).max_derivative
        if m < 1 and p.grad_norms[-1] > 0 and not p.config.residual:  # a skip bypasses f′
            return derivative_bound(float(p.grad_norms[-1]), p.depth, m)
    return None


# --- note 003's scalar chain ------------------------------------------------------------------------

NOTE_003_CHAIN = dict(depth=10, weight=0.5, x=1.0, activation="sigmoid")  # the note's demonstration


@dataclass(frozen=True)
class ScalarChain:
    """One unit per layer, ``a_l = act(w · a_{l−1})`` from ``a_0 = x``: ``outputs`` a_1 … a_L and, per
    layer l, ``gradients[l−1]`` = ∂a_L/∂a_{l−1} = Π_{j ≥ l} act′(w · a_{j−1}) · w, what note 003's
    demonstration prints as 第 l 層 (the product of the factors from the top down to layer l)."""
    depth: int
    weight: float
    x: float
    activation: str
    outputs: np.ndarray
    factors: np.ndarray  # act′(z_l) · w per layer: each < 1 shrinks the gradient
    gradients: np.ndarray


def scalar_chain(depth: int = 10, weight: float = 0.5, x: float = 1.0, activation: str = "sigmoid") -> ScalarChain:
    """Note 003's scalar demonstration of the vanishing gradient (any depth ≤ 100, weight, input,
    activation); ValueError for what cannot be drawn."""
    depth = int(depth)
    if not 1 <= depth <= 100:
        raise ValueError(f"depth must be 1 to 100 layers, got {depth}")
    if not (math.isfinite(weight) and math.isfinite(x) and abs(weight) <= 100 and abs(x) <= 100):
        raise ValueError("the weight and the input must be numbers between −100 and 100")
    act = _activations.get(activation)
    a, outputs, factors = float(x), [], []
    for _ in range(depth):
        z = weight * a
        a = float(act(z))
        outputs.append(a)
        factors.append(float(act.derivative(np.asarray(z, dtype=float))) * weight)
    gradients = np.cumprod(np.array(factors)[::-1])[::-1]  # layer l: the factors of layers l … L
    return ScalarChain(depth, float(weight), float(x), activation, np.array(outputs), np.array(factors), gradients)


# --- shared computations: one for every session (optviz.memo), in a worker process when heavy ---
# Sizes measured with memo.nbytes: a probe ≈ 3 kB (5 layers) to 13 kB (30 layers); a learning run
# of 40 epochs of 5 layers ≈ 13 kB, of 200 epochs of 30 layers ≈ 0.21 MB (the largest).

@_memo.memo(max_mb=4, name="vanishing.probe", offload=True)  # 300 of the largest
def cached_probe(config_id: str, depth: int, width: int, n_samples: int, seed: int) -> Probe:
    return probe(NetConfig.parse(config_id), depth, width, n_samples, seed)


@_memo.memo(max_mb=16, name="vanishing.run", offload=True)  # 75 of the largest, 1 200 of the default's
def cached_run(config_id: str, depth: int, width: int, dataset: str, optimizer: str, lr: float,
               epochs: int, seed: int, allowed: int) -> LearningRun:
    return learning_run(NetConfig.parse(config_id), depth, width, dataset, optimizer, lr, epochs, seed,
                        allowed=allowed)
