"""A small fully-connected network with hand-written backprop (one implementation for every page).

Layers: ``h₀ = X``; ``zₗ = hₗ₋₁ Wₗ + bₗ``; ``hₗ = act(zₗ)`` for hidden layers; the output layer is
linear. ``W`` has shape (n_in, n_out). Losses: ``mse`` = mean over all elements of (out − y)²;
``cross_entropy`` = mean over samples of −log softmax(out)[label].
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import activations as _activations

Array = np.ndarray
INITS = ("xavier", "he", "normal", "glorot_uniform")
LOSSES = ("mse", "cross_entropy")


def init_weights(n_in: int, n_out: int, init: str, rng: np.random.Generator,
                 std: float = 0.01) -> Array:
    """Weight matrix (n_in, n_out) for initialization scheme ``init``.

    xavier: N(0, 1/n_in)   he: N(0, 2/n_in)   normal: N(0, std²)
    glorot_uniform: U(−a, a), a = √(6 / (n_in + n_out))
    """
    if init == "xavier":
        return rng.standard_normal((n_in, n_out)) * math.sqrt(1.0 / n_in)
    if init == "he":
        return rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_in)
    if init == "normal":
        if not (math.isfinite(std) and std > 0):
            raise ValueError(f"init_std must be a positive number, got {std!r}")
        return rng.standard_normal((n_in, n_out)) * std
    if init == "glorot_uniform":
        a = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-a, a, size=(n_in, n_out))
    raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")


@dataclass
class Forward:
    """Everything a forward pass computed: pre-activations ``zs`` and activations ``hs`` per layer.

    ``hs[0]`` is the input; ``zs[l]`` and ``hs[l + 1]`` belong to layer l (the last is the output).
    """
    zs: list
    hs: list

    @property
    def output(self) -> Array:
        return self.hs[-1]


def log_softmax(z: Array) -> Array:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


class MLP:
    def __init__(self, sizes, activation="tanh", init="xavier", loss="mse", seed=0,
                 init_std: float = 0.01, **activation_params):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least an input and an output size, all ≥ 1; got {sizes}")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
        self.sizes = sizes
        self.act = _activations.get(activation, **activation_params)
        self.init = init
        self.loss = loss
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.params = [(init_weights(a, b, init, rng, init_std), np.zeros(b))
                       for a, b in zip(sizes[:-1], sizes[1:])]

    # -- bookkeeping -----------------------------------------------------------------------------
    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in self.params)

    def flat(self) -> list:
        return [a for pair in self.params for a in pair]

    def set_flat(self, arrays: list) -> None:
        self.params = [(arrays[i], arrays[i + 1]) for i in range(0, len(arrays), 2)]

    def copy(self) -> "MLP":
        other = object.__new__(MLP)
        other.__dict__.update(self.__dict__)
        other.params = [(W.copy(), b.copy()) for W, b in self.params]
        return other

    # -- forward / loss / backward --------------------------------------------------------------
    def forward(self, X) -> Forward:
        h = np.asarray(X, dtype=float)
        if h.ndim != 2 or h.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n, {self.sizes[0]}), got {h.shape}")
        zs, hs = [], [h]
        last = len(self.params) - 1
        for i, (W, b) in enumerate(self.params):
            z = h @ W + b
            h = z if i == last else self.act.forward(z)
            zs.append(z)
            hs.append(h)
        return Forward(zs, hs)

    def predict(self, X) -> Array:
        return self.forward(X).output

    def predict_proba(self, X) -> Array:
        return np.exp(log_softmax(self.predict(X)))

    def _targets(self, y, out):
        if self.loss == "cross_entropy":
            y = np.asarray(y)
            if y.shape != (out.shape[0],) or not np.issubdtype(y.dtype, np.integer):
                raise ValueError("cross_entropy needs integer class labels of shape (n,)")
            if y.min() < 0 or y.max() >= out.shape[1]:
                raise ValueError(f"labels must lie in 0..{out.shape[1] - 1}")
            return y
        return np.asarray(y, dtype=float).reshape(out.shape)

    def loss_value(self, out, y) -> float:
        y = self._targets(y, out)
        if self.loss == "mse":
            return float(np.mean((out - y) ** 2))
        return float(-np.mean(log_softmax(out)[np.arange(out.shape[0]), y]))

    def loss_and_grads(self, X, y, fwd: Forward | None = None):
        """(loss, grads) with grads = [(dW, db), ...] in the structure of ``params``."""
        fwd = fwd or self.forward(X)
        out = fwd.output
        y = self._targets(y, out)
        n = out.shape[0]
        if self.loss == "mse":
            diff = out - y
            loss = float(np.mean(diff * diff))
            delta = 2.0 * diff / diff.size
        else:
            logp = log_softmax(out)
            loss = float(-np.mean(logp[np.arange(n), y]))
            delta = np.exp(logp)
            delta[np.arange(n), y] -= 1.0
            delta /= n
        grads = [None] * len(self.params)
        for i in range(len(self.params) - 1, -1, -1):
            W, _ = self.params[i]
            grads[i] = (fwd.hs[i].T @ delta, delta.sum(axis=0))
            if i > 0:
                delta = (delta @ W.T) * self.act.derivative(fwd.zs[i - 1])
        return loss, grads

    def accuracy(self, X, y) -> float:
        return float(np.mean(np.argmax(self.predict(X), axis=1) == np.asarray(y)))
