"""In-place versions of the update rules in ``optimizers.py``, for the batched trajectory loop.

The pure ``update`` functions are the specification; these kernels perform the very same floating
point operations in the same order, but into preallocated buffers (``out=``), so that a step over
K starts allocates nothing. ``tests/test_kernels.py`` checks them bit for bit against the pure
updates. An optimizer without a kernel simply runs through its pure update.
"""
from __future__ import annotations

import math

import numpy as np

from .optimizers import Optimizer


class Kernel:
    """``step(x, g, out)`` writes the next point into ``out`` (x itself when omitted; shape (2, K)),
    so the batched loop can write straight into its trajectory; ``reset(cols)`` zeroes the state
    of starts that diverged, so their NaNs do not slow the loop down."""

    def __init__(self, opt: Optimizer, shape):
        self.hp = opt.hyperparams
        self.tmp = np.empty(shape)
        self.t = 0
        self.buffers: list[np.ndarray] = []

    def _buffer(self, shape) -> np.ndarray:
        b = np.zeros(shape)
        self.buffers.append(b)
        return b

    def reset(self, cols: np.ndarray) -> None:
        for b in self.buffers:
            b[:, cols] = 0.0


class _SGD(Kernel):
    def step(self, x, g, out=None):
        np.multiply(self.hp["lr"], g, out=self.tmp)
        np.subtract(x, self.tmp, out=x if out is None else out)


class _Momentum(Kernel):
    def __init__(self, opt, shape):
        super().__init__(opt, shape)
        self.v = self._buffer(shape)

    def step(self, x, g, out=None):  # v ← βv − ηg ; x ← x + v
        v, tmp = self.v, self.tmp
        np.multiply(self.hp["beta"], v, out=v)
        np.multiply(self.hp["lr"], g, out=tmp)
        np.subtract(v, tmp, out=v)
        np.add(x, v, out=x if out is None else out)


class _Nesterov(Kernel):
    def __init__(self, opt, shape):
        super().__init__(opt, shape)
        self.b = self._buffer(shape)

    def step(self, x, g, out=None):  # b ← βb + g ; x ← x − η(g + βb)
        b, tmp, beta = self.b, self.tmp, self.hp["beta"]
        np.multiply(beta, b, out=b)
        np.add(b, g, out=b)
        np.multiply(beta, b, out=tmp)
        np.add(g, tmp, out=tmp)
        np.multiply(self.hp["lr"], tmp, out=tmp)
        np.subtract(x, tmp, out=x if out is None else out)


class _Adaptive(Kernel):
    """AdaGrad (``beta`` None: h ← h + g²) and RMSprop (h ← βh + (1−β)g²); x ← x − ηg/(√h + ε)."""

    def __init__(self, opt, shape, beta=None):
        super().__init__(opt, shape)
        self.h = self._buffer(shape)
        self.den = np.empty(shape)
        self.beta = beta

    def step(self, x, g, out=None):
        h, tmp, den = self.h, self.tmp, self.den
        if self.beta is None:
            np.multiply(g, g, out=tmp)
        else:
            np.multiply(self.beta, h, out=h)
            np.multiply(1.0 - self.beta, g, out=tmp)
            np.multiply(tmp, g, out=tmp)
        np.add(h, tmp, out=h)
        np.sqrt(h, out=den)
        np.add(den, self.hp["eps"], out=den)
        np.multiply(self.hp["lr"], g, out=tmp)
        np.divide(tmp, den, out=tmp)
        np.subtract(x, tmp, out=x if out is None else out)


class _Adam(Kernel):
    def __init__(self, opt, shape, decay: bool = False):
        super().__init__(opt, shape)
        self.m = self._buffer(shape)
        self.v = self._buffer(shape)
        self.den = np.empty(shape)
        self.decay = 1.0 - self.hp["lr"] * self.hp["weight_decay"] if decay else None

    def step(self, x, g, out=None):
        hp, m, v, tmp, den = self.hp, self.m, self.v, self.tmp, self.den
        out = x if out is None else out
        b1, b2 = hp["beta1"], hp["beta2"]
        self.t += 1
        t = self.t
        if self.decay is not None:  # AdamW: x ← x(1 − ηλ) first
            np.multiply(x, self.decay, out=out)
            x = out
        np.multiply(b1, m, out=m)
        np.multiply(1.0 - b1, g, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(b2, v, out=v)
        np.multiply(1.0 - b2, g, out=tmp)
        np.multiply(tmp, g, out=tmp)
        np.add(v, tmp, out=v)
        np.sqrt(v, out=den)
        np.divide(den, math.sqrt(1.0 - b2**t), out=den)
        np.add(den, hp["eps"], out=den)
        np.multiply(hp["lr"] / (1.0 - b1**t), m, out=tmp)
        np.divide(tmp, den, out=tmp)
        np.subtract(x, tmp, out=out)


def make(opt: Optimizer, shape) -> Kernel | None:
    """The in-place kernel for ``opt`` over arrays of ``shape``, or None if it has none."""
    name = opt.name
    if name == "sgd":
        return _SGD(opt, shape)
    if name == "momentum":
        return _Momentum(opt, shape)
    if name == "nesterov":
        return _Nesterov(opt, shape)
    if name == "adagrad":
        return _Adaptive(opt, shape)
    if name == "rmsprop":
        return _Adaptive(opt, shape, beta=opt.hyperparams["beta"])
    if name in ("adam", "adamw"):
        return _Adam(opt, shape, decay=(name == "adamw"))
    return None
