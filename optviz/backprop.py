"""Backpropagation by hand on a 2-2-2 sigmoid network and one example, every chain-rule factor
kept so a page can show it (the classic worked example: Mazur, "A Step by Step Backpropagation
Example", 2015). Loss E = ½·Σ(t − o)². The same network through optviz.mlp gives the same gradients
(tests/test_backprop.py)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Mazur's numbers: inputs, targets, weights w1..w8 and the biases of the two layers
EXAMPLE = dict(x=(0.05, 0.10), t=(0.01, 0.99), W1=((0.15, 0.25), (0.20, 0.30)), b1=(0.35, 0.35),
               W2=((0.40, 0.50), (0.45, 0.55)), b2=(0.60, 0.60))


def sigmoid(z):
    """1/(1+e^(−z)), in a form that never overflows: e^(−|z|) ≤ 1, so large weights typed in by hand
    (or a diverging lr) saturate the neuron at 0 or 1 instead of raising an overflow."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@dataclass
class Params:
    """W1[i, j]: input i → hidden j; W2[j, k]: hidden j → output k (the MLP's (n_in, n_out) layout)."""
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    @classmethod
    def example(cls) -> "Params":
        e = EXAMPLE
        return cls(np.array(e["W1"]), np.array(e["b1"]), np.array(e["W2"]), np.array(e["b2"]))

    def flat(self) -> np.ndarray:
        return np.concatenate([self.W1.ravel(), self.b1, self.W2.ravel(), self.b2])

    @classmethod
    def from_flat(cls, v) -> "Params":
        v = np.asarray(v, dtype=float)
        return cls(v[:4].reshape(2, 2), v[4:6].copy(), v[6:10].reshape(2, 2), v[10:12].copy())


@dataclass
class Trace:
    """Forward values and backward factors of one pass."""
    net_h: np.ndarray
    out_h: np.ndarray
    net_o: np.ndarray
    out_o: np.ndarray
    loss: float
    dE_dout_o: np.ndarray  # o − t
    dout_dnet_o: np.ndarray  # o(1 − o)
    delta_o: np.ndarray  # product of the two: ∂E/∂net_o
    dE_dout_h: np.ndarray  # Σ_k δ_o,k · W2[j, k]
    dout_dnet_h: np.ndarray  # h(1 − h)
    delta_h: np.ndarray  # ∂E/∂net_h
    grads: Params


def forward_backward(p: Params, x, t) -> Trace:
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    net_h = x @ p.W1 + p.b1
    out_h = sigmoid(net_h)
    net_o = out_h @ p.W2 + p.b2
    out_o = sigmoid(net_o)
    loss = float(0.5 * np.sum((t - out_o) ** 2))
    dE_dout_o = out_o - t
    dout_dnet_o = out_o * (1 - out_o)
    delta_o = dE_dout_o * dout_dnet_o
    dE_dout_h = p.W2 @ delta_o
    dout_dnet_h = out_h * (1 - out_h)
    delta_h = dE_dout_h * dout_dnet_h
    grads = Params(np.outer(x, delta_h), delta_h, np.outer(out_h, delta_o), delta_o)
    return Trace(net_h, out_h, net_o, out_o, loss, dE_dout_o, dout_dnet_o, delta_o, dE_dout_h, dout_dnet_h,
                 delta_h, grads)


def numeric_grads(p: Params, x, t, h: float = 1e-6) -> Params:
    v = p.flat()
    g = np.empty_like(v)
    for i in range(len(v)):
        e = np.zeros_like(v)
        e[i] = h
        g[i] = (forward_backward(Params.from_flat(v + e), x, t).loss
                - forward_backward(Params.from_flat(v - e), x, t).loss) / (2 * h)
    return Params.from_flat(g)


def step(p: Params, grads: Params, lr: float, update_biases: bool = True) -> Params:
    """One gradient-descent update (Mazur's example leaves the biases fixed)."""
    return Params(p.W1 - lr * grads.W1, p.b1 - lr * grads.b1 if update_biases else p.b1.copy(),
                  p.W2 - lr * grads.W2, p.b2 - lr * grads.b2 if update_biases else p.b2.copy())


# Params.flat() order: W1 row-major (i1→h1, i1→h2, i2→h1, i2→h2), b1, W2 row-major, b2, named as in the
# worked example: w1, w2 feed h1 and w3, w4 feed h2 (w5, w6 feed o1 and w7, w8 feed o2)
NAMES = ("w1", "w3", "w2", "w4", "b(h1)", "b(h2)", "w5", "w7", "w6", "w8", "b(o1)", "b(o2)")
ORDER = tuple(NAMES.index(n) for n in ("w1", "w2", "w3", "w4", "b(h1)", "b(h2)",
                                       "w5", "w6", "w7", "w8", "b(o1)", "b(o2)"))  # flat indices, by name


def weight_name(layer: int, src: int, dst: int) -> str:
    """The name of the weight from node ``src`` to node ``dst`` of layer 1 (input → hidden) or 2."""
    return f"w{4 * (layer - 1) + 2 * dst + src + 1}"


@dataclass
class Row:
    """One parameter: its value, ∂E/∂θ as the chain-rule factors whose product it is, the numerical
    gradient and the value after one update."""
    name: str
    value: float
    factors: tuple  # floats; their product is ``analytic``
    chain: str  # the factors as text, (o − t) written out
    analytic: float
    numeric: float
    new_value: float


def table(p: Params, x, t, lr: float, update_biases: bool = True) -> list[Row]:
    """Every parameter in the order w1 … w4, b(h1), b(h2), w5 … w8, b(o1), b(o2)."""
    tr = forward_backward(p, x, t)
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    value, analytic = p.flat(), tr.grads.flat()
    numeric = numeric_grads(p, x, t).flat()
    new = step(p, tr.grads, lr, update_biases).flat()
    rows = []
    for i in ORDER:
        layer2, j = i >= 6, i % 6
        src, dst = divmod(j, 2) if j < 4 else (None, j - 4)  # biases: input 1
        if layer2:  # δ_o = (o − t) · o(1 − o)
            factors = (tr.out_o[dst] - t[dst], tr.dout_dnet_o[dst], 1.0 if src is None else tr.out_h[src])
            first = f"({tr.out_o[dst]:.4f} − {t[dst]:g})"
        else:  # δ_h = Σ_k δ_o,k · w_jk · h(1 − h)
            factors = (tr.dE_dout_h[dst], tr.dout_dnet_h[dst], 1.0 if src is None else x[src])
            first = f"{tr.dE_dout_h[dst]:.4f}"
        chain = " · ".join([first, f"{factors[1]:.4f}", "1" if src is None else f"{factors[2]:.4f}"])
        rows.append(Row(NAMES[i], float(value[i]), tuple(float(f) for f in factors), chain, float(analytic[i]),
                        float(numeric[i]), float(new[i])))
    return rows
