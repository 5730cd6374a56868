"""A small fully-connected network with hand-written backprop (one implementation for every page).

Layers: ``h₀ = X``; ``zₗ = hₗ₋₁ Wₗ + bₗ``; ``hₗ = act(zₗ)`` for hidden layers; the output layer is
linear. ``W`` has shape (n_in, n_out). Losses: ``mse`` = mean over all elements of (out − y)²;
``cross_entropy`` = mean over samples of −log softmax(out)[label]; ``bce`` = binary cross-entropy of
σ(out) against targets in [0, 1], mean over all elements (for autoencoders of images).

With ``batch_norm=True`` every hidden layer normalizes its pre-activation over the batch before
the activation (Ioffe & Szegedy, 2015), with a learnable scale γ and shift β per unit:

    ẑ = (z − μ_B) / √(σ²_B + ε),   u = γ ẑ + β,   h = act(u)

μ_B, σ²_B are the mean and (biased) variance over the samples of the batch ("training mode");
``forward(X, bn_stats=...)`` uses given statistics instead ("inference mode", see ``bn_statistics``).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from . import activations as _activations

Array = np.ndarray
INITS = ("xavier_glorot", "xavier", "he", "normal", "glorot_uniform", "zero")
LOSSES = ("mse", "cross_entropy", "bce")


def init_weights(n_in: int, n_out: int, init: str, rng: np.random.Generator,
                 std: float = 0.01) -> Array:
    """Weight matrix (n_in, n_out) for initialization scheme ``init``.

    xavier_glorot: N(0, 2/(n_in + n_out)), Xavier as Glorot & Bengio (2010) and course note 003
    define it; xavier: N(0, 1/n_in), the book form (equal to it when n_in = n_out)
    he: N(0, 2/n_in)   normal: N(0, std²)   glorot_uniform: U(−a, a), a = √(6 / (n_in + n_out))
    zero: W = 0 (note 003's "do not use": every unit of a layer computes the same and stays so)
    """
    if init == "xavier_glorot":
        return rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / (n_in + n_out))
    if init == "zero":
        return np.zeros((n_in, n_out))
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
class BatchNormCache:
    """What batch normalization of one hidden layer computed, kept for its backward pass."""
    z: Array        # the affine output h W + b, before normalization
    z_hat: Array    # (z − mean) · inv_std
    mean: Array
    var: Array
    inv_std: Array  # 1 / √(var + ε)


@dataclass
class Forward:
    """Everything a forward pass computed: pre-activations ``zs`` and activations ``hs`` per layer.

    ``hs[0]`` is the input; ``zs[l]`` and ``hs[l + 1]`` belong to layer l (the last is the output).
    ``zs[l]`` is the input of the activation function, so with batch normalization it is u = γẑ + β;
    ``bn[l]`` then holds that hidden layer's :class:`BatchNormCache` (empty without batch norm).
    """
    zs: list
    hs: list
    bn: list = field(default_factory=list)

    @property
    def output(self) -> Array:
        return self.hs[-1]


def _rows(ufunc, z: Array) -> Array:
    """ufunc.reduce over each row of a (n, K) array, as a (n, 1) column. For a few columns, one
    call per column: numpy's reduction along short rows costs ~20 µs at 512 × 2, this ~3 µs (the
    same result: max is exact, and a sum of fewer than 8 terms is added left to right either way)."""
    if z.shape[1] > 16:
        return ufunc.reduce(z, axis=1, keepdims=True)
    out = z[:, 0].copy()
    for j in range(1, z.shape[1]):
        ufunc(out, z[:, j], out=out)
    return out[:, None]


@functools.lru_cache(maxsize=8)
def _arange(n: int) -> Array:
    a = np.arange(n)
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=8)
def _zeros(*shape) -> Array:
    """A read-only array of zeros (np.maximum(z, zeros) is ≈ 3× faster than np.maximum(z, 0.0))."""
    z = np.zeros(shape)
    z.flags.writeable = False
    return z


def log_softmax(z: Array) -> Array:
    z = z - _rows(np.maximum, z)
    return z - np.log(_rows(np.add, np.exp(z)))


class MLP:
    """``batch_norm``: normalize each hidden layer over the batch (see the module docstring); its
    parameters are ``bn_params = [(γ, β), ...]`` (one pair per hidden layer, γ = 1 and β = 0 at
    the start). ``flat()`` lists the weights and biases of ``params`` first, then γ, β of every
    hidden layer, and ``loss_and_grads`` returns the gradients in that same order.
    """

    def __init__(self, sizes, activation="tanh", init="xavier", loss="mse", seed=0,
                 init_std: float = 0.01, batch_norm: bool = False, bn_eps: float = 1e-5,
                 residual: bool = False, **activation_params):
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
        if not (math.isfinite(bn_eps) and bn_eps > 0):
            raise ValueError(f"bn_eps must be a positive number, got {bn_eps!r}")
        self.batch_norm = bool(batch_norm)
        self.bn_eps = float(bn_eps)
        self.bn_params = [(np.ones(n), np.zeros(n)) for n in sizes[1:-1]] if self.batch_norm else []
        # residual: a hidden layer whose input has its own size adds that input, h + f(z)
        self.residual = bool(residual)
        self.skips = [self.residual and i < len(sizes) - 2 and sizes[i] == sizes[i + 1]
                      for i in range(len(sizes) - 1)]

    # -- bookkeeping -----------------------------------------------------------------------------
    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in self.params + self.bn_params)

    def flat(self) -> list:
        return [a for pair in self.params + self.bn_params for a in pair]

    def set_flat(self, arrays: list) -> None:
        pairs = [(arrays[i], arrays[i + 1]) for i in range(0, len(arrays), 2)]
        k = len(self.params)
        if self.bn_params:  # without batch norm any length is accepted, as before
            if len(pairs) != k + len(self.bn_params):
                raise ValueError(f"expected {2 * (k + len(self.bn_params))} arrays, got {len(arrays)}")
            self.bn_params = pairs[k:]
        self.params = pairs[:k] if self.bn_params else pairs

    def copy(self) -> "MLP":
        other = object.__new__(MLP)
        other.__dict__.update(self.__dict__)
        other.params = [(W.copy(), b.copy()) for W, b in self.params]
        other.bn_params = [(g.copy(), be.copy()) for g, be in self.bn_params]
        return other

    # -- forward / loss / backward --------------------------------------------------------------
    def forward(self, X, bn_stats: list | None = None) -> Forward:
        """Forward pass; with batch norm, ``bn_stats`` = [(mean, var), ...] per hidden layer
        replaces the batch's own statistics (inference mode)."""
        h = np.asarray(X, dtype=float)
        if h.ndim != 2 or h.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n, {self.sizes[0]}), got {h.shape}")
        zs, hs, bn = [], [h], []
        last = len(self.params) - 1
        for i, (W, b) in enumerate(self.params):
            z = h @ W + b
            if i < last and self.batch_norm:
                mean, var = bn_stats[i] if bn_stats is not None else (z.mean(axis=0), z.var(axis=0))
                inv_std = 1.0 / np.sqrt(var + self.bn_eps)
                z_hat = (z - mean) * inv_std
                gamma, beta = self.bn_params[i]
                bn.append(BatchNormCache(z, z_hat, mean, var, inv_std))
                z = gamma * z_hat + beta
            h = z if i == last else (h + self.act.forward(z) if self.skips[i] else self.act.forward(z))
            zs.append(z)
            hs.append(h)
        return Forward(zs, hs, bn)

    def bn_statistics(self, X) -> list:
        """[(mean, var), ...] of every hidden layer's pre-normalization z over all of ``X`` (for
        ``forward(..., bn_stats=...)``, e.g. to predict on a grid with the training set's statistics)."""
        return [(c.mean, c.var) for c in self.forward(X).bn]

    def predict(self, X, bn_stats: list | None = None) -> Array:
        return self.forward(X, bn_stats).output

    def predict_proba(self, X) -> Array:
        return np.exp(log_softmax(self.predict(X)))

    def _targets(self, y, out):
        if self.loss == "cross_entropy":
            y = np.asarray(y)
            if y.shape != (out.shape[0],) or y.dtype.kind not in "iu":  # np.integer
                raise ValueError("cross_entropy needs integer class labels of shape (n,)")
            # one pass for both bounds: seen as unsigned, a negative label is huge
            unsigned = y.view(y.dtype.str.replace("i", "u")) if y.dtype.kind == "i" else y
            if unsigned.max() >= out.shape[1]:
                raise ValueError(f"labels must lie in 0..{out.shape[1] - 1}")
            return y
        return np.asarray(y, dtype=float).reshape(out.shape)

    def loss_value(self, out, y) -> float:
        y = self._targets(y, out)
        if self.loss == "mse":
            return float(np.mean((out - y) ** 2))
        if self.loss == "bce":  # −[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z, stably
            return float(np.mean(np.logaddexp(0.0, out) - y * out))
        return float(-np.mean(log_softmax(out)[np.arange(out.shape[0]), y]))

    def loss_and_grads(self, X, y, fwd: Forward | None = None):
        """(loss, grads) with grads = [(dW, db), ...] in the structure of ``params``, followed
        with batch norm by [(dγ, dβ), ...] per hidden layer (the order of ``flat()``).

        Without a given ``fwd`` and without batch norm (every training step) the work is done
        feature-major by :meth:`_loss_and_grads_t`: the same formulas, the same results up to the
        rounding of the matrix products."""
        if fwd is None and not self.batch_norm and not self.residual:
            return self._loss_and_grads_t(X, y)
        fwd = fwd or self.forward(X)
        out = fwd.output
        y = self._targets(y, out)
        n = out.shape[0]
        if self.loss == "mse":
            diff = out - y
            loss = float(np.mean(diff * diff))
            delta = 2.0 * diff / diff.size
        elif self.loss == "bce":
            loss = float(np.mean(np.logaddexp(0.0, out) - y * out))
            delta = (0.5 * (1.0 + np.tanh(0.5 * out)) - y) / out.size  # (σ(z) − y) / N
        else:
            logp = log_softmax(out)
            loss = float(-np.mean(logp[np.arange(n), y]))
            delta = np.exp(logp)
            delta[np.arange(n), y] -= 1.0
            delta /= n
        grads = [None] * len(self.params)
        bn_grads = [None] * len(self.bn_params)
        d_above = None  # ∂L/∂hᵢ₊₁, which a skip hᵢ₊₁ = hᵢ + f(zᵢ) passes on to hᵢ unchanged
        for i in range(len(self.params) - 1, -1, -1):
            W, _ = self.params[i]
            # the bias gradient Σₙ δ as a product with ones: BLAS, ~5× faster than numpy's column sums
            grads[i] = (fwd.hs[i].T @ delta, np.ones(n) @ delta)
            if i > 0:
                d_h = delta @ W.T
                if self.skips[i]:
                    d_h += d_above
                d_above = d_h
                from_output = None if self.residual else self.act.derivative_from_output
                # f′ from hᵢ = f(zᵢ₋₁) (no second tanh), unless a skip added hᵢ₋₁ to it
                slope = from_output(fwd.hs[i]) if from_output else self.act.derivative(fwd.zs[i - 1])
                delta = d_h * slope
                if self.batch_norm:
                    delta, bn_grads[i - 1] = self._bn_backward(delta, i - 1, fwd.bn[i - 1])
        return loss, grads + bn_grads

    def _loss_and_grads_t(self, X, y):
        """``loss_and_grads`` without batch norm, with every layer's activations transposed:
        (units, samples) instead of (samples, units).

        Why (2-16-16-2 at batch 512, one BLAS thread, each numpy call timed alone): numpy adds a
        bias to a (512, 16) array row by row of 16 at ≈ 2.7 µs; transposed, each unit's activations
        are one contiguous row and get a ones row below them, so the bias rides in the product
        [W; b]ᵀ · [h; 1] for free, and that same product's gradient [h; 1] · δᵀ gives [dW; db]
        (no Σₙ δ). Every elementwise pass (tanh, f′, δ·f′, the softmax over a few classes) then
        runs over contiguous rows: the softmax of 2 classes is 2 rows of 512 instead of 512 rows
        of 2. tanh and ReLU work in place (f′ from the output, as in ``loss_and_grads``); ReLU's
        max(z, 0) takes an array of zeros, ≈ 3× faster than numpy's max with the scalar 0.
        Everything returned is freshly allocated per call: dW and db are views into one new
        (n_in + 1, n_out) array per layer."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n, {self.sizes[0]}), got {X.shape}")
        n = X.shape[0]
        act = self.act
        kind = act.name if act.name in ("tanh", "relu", "sigmoid") and not act.params else None
        a = np.empty((X.shape[1] + 1, n))  # [hᵀ; 1]: the layer's input with a row of ones
        a[:-1] = X.T
        a[-1] = 1.0
        inputs, zs = [a], []
        last = len(self.params) - 1
        for i, (W, b) in enumerate(self.params):
            Wb = np.concatenate((W, b[None]))  # (n_in + 1, n_out): [W; b]
            if i == last:
                out = np.matmul(Wb.T, a)  # (n_out, n)
                break
            k = W.shape[1]
            a = np.empty((k + 1, n))
            a[k] = 1.0
            h = a[:k]
            if kind == "tanh":
                np.tanh(np.matmul(Wb.T, inputs[-1], out=h), out=h)
            elif kind == "relu":
                zero = _zeros(k, n) if k * n <= 1 << 16 else 0.0  # (cache at most 8 × 512 kB)
                np.maximum(np.matmul(Wb.T, inputs[-1], out=h), zero, out=h)
            else:
                z = np.matmul(Wb.T, inputs[-1])
                h[...] = act.forward(z)
                zs.append(z)
            inputs.append(a)
        loss, delta = self._loss_and_delta_t(out, y)
        grads = [None] * len(self.params)
        for i in range(last, -1, -1):
            a = inputs[i]
            G = np.matmul(a, delta.T)  # [h; 1] δᵀ = [dW; db]
            grads[i] = (G[:-1], G[-1])
            if i > 0:
                d = np.matmul(self.params[i][0], delta)  # (W δ), (n_in, n)
                h = a[:-1]
                if kind == "tanh":  # 1 − h²
                    s = np.multiply(h, h)
                    d *= np.subtract(1.0, s, out=s)
                elif kind == "relu":  # 1 where h > 0
                    np.multiply(d, h > 0, out=d)
                elif kind == "sigmoid":  # h (1 − h)
                    s = np.subtract(1.0, h)
                    d *= np.multiply(h, s, out=s)
                elif act.derivative_from_output is not None:
                    d *= act.derivative_from_output(h)
                else:
                    d *= act.derivative(zs[i - 1])
                delta = d
        return loss, grads

    def _loss_and_delta_t(self, out: Array, y):
        """The loss and δ = ∂loss/∂out for a transposed output ``out`` of shape (n_out, n)."""
        K, n = out.shape
        if self.loss == "cross_entropy":
            y = self._targets(y, out.T)
            z = out[0]  # the max over classes, then log-softmax = z − log Σ exp z
            for j in range(1, K):
                z = np.maximum(z, out[j])
            z = out - z
            e = np.exp(z)
            s = e[0].copy() if K == 1 else e[0] + e[1]
            for j in range(2, K):
                s += e[j]
            at_label = np.multiply(y, n, dtype=np.intp)
            at_label += _arange(n)  # the flat index of (label, sample)
            # mean of −log p(label) = log Σ exp z − z[label]: two sums of terms ≥ 0 and ≤ 0
            loss = float(np.add.reduce(np.log(s)) - np.add.reduce(z.take(at_label))) / n
            s *= n
            e *= np.divide(1.0, s, out=s)  # softmax / n
            e.ravel()[at_label] -= 1.0 / n  # (p − onehot) / n
            return loss, e
        y = np.ascontiguousarray(self._targets(y, out.T).T)
        if self.loss == "mse":
            diff = out - y
            return float(np.mean(diff * diff)), 2.0 * diff / diff.size
        loss = float(np.mean(np.logaddexp(0.0, out) - y * out))
        return loss, (0.5 * (1.0 + np.tanh(0.5 * out)) - y) / out.size  # (σ(z) − y) / N

    def _bn_backward(self, d_u: Array, layer: int, c: BatchNormCache):
        """Backward of u = γ ẑ + β, ẑ = (z − μ_B)/√(σ²_B + ε) with batch statistics:
            dγ = Σₙ du·ẑ     dβ = Σₙ du     dẑ = du·γ
            dz = (dẑ − mean(dẑ) − ẑ · mean(dẑ·ẑ)) / √(σ²_B + ε)   (means over the batch)
        """
        gamma, _ = self.bn_params[layer]
        d_hat = d_u * gamma
        d_z = c.inv_std * (d_hat - d_hat.mean(axis=0) - c.z_hat * (d_hat * c.z_hat).mean(axis=0))
        return d_z, ((d_u * c.z_hat).sum(axis=0), d_u.sum(axis=0))

    def accuracy(self, X, y) -> float:
        return float(np.mean(np.argmax(self.predict(X), axis=1) == np.asarray(y)))


@dataclass(frozen=True)
class LayerUnits:
    """How many different units a hidden layer has: ``distinct`` of ``units`` (a unit is its column
    of incoming weights and its bias); ``zero`` when every one of them is exactly 0."""
    units: int
    distinct: int
    zero: bool


def layer_units(model: MLP, rel_tol: float = 1e-9) -> list[LayerUnits]:
    """For each hidden layer, how many of its units differ (up to ``rel_tol`` of the layer's largest
    weight). Zero initialization (note 003's "do not use") gives every unit of a layer the same
    weights and the same gradient, so they stay equal: one distinct unit per layer, however wide."""
    out = []
    for W, b in model.params[:-1]:
        cols = np.vstack([W, b[None]]).T  # one row per unit
        scale = float(np.abs(cols).max())
        if scale == 0.0:
            out.append(LayerUnits(len(cols), 1, True))
            continue
        keys = np.round(cols / (scale * rel_tol))
        out.append(LayerUnits(len(cols), len(np.unique(keys, axis=0)), False))
    return out

