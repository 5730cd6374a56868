"""The perceptron: y = 1 if w1·x1 + w2·x2 + b > 0 else 0 (ゼロから作るDeep Learning, ch. 2)."""
from __future__ import annotations

import numpy as np

INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
TARGETS = {"AND": (0, 0, 0, 1), "NAND": (1, 1, 1, 0), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}
# working weights (w1, w2, b) for each gate that one line can separate, as in the book
WEIGHTS = {"AND": (0.5, 0.5, -0.7), "NAND": (-0.5, -0.5, 0.7), "OR": (0.5, 0.5, -0.2)}


def output(x, w1: float, w2: float, b: float) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return (w1 * x[..., 0] + w2 * x[..., 1] + b > 0).astype(int)


def truth_table(w1: float, w2: float, b: float) -> tuple[int, ...]:
    return tuple(int(v) for v in output(INPUTS, w1, w2, b))


def gate(name: str, x) -> np.ndarray:
    return output(x, *WEIGHTS[name])


def xor_two_layers(x) -> dict:
    """XOR = AND(NAND(x), OR(x)): the intermediate outputs s1, s2 and the result y."""
    s1, s2 = gate("NAND", x), gate("OR", x)
    y = gate("AND", np.stack([s1, s2], axis=-1))
    return {"s1": s1, "s2": s2, "y": y}


def separable(target, grid: np.ndarray | None = None) -> bool:
    """Whether some (w1, w2, b) on a grid reproduces ``target`` (vectorized search)."""
    g = np.linspace(-1, 1, 41) if grid is None else grid
    W1, W2, B = np.meshgrid(g, g, g, indexing="ij")
    z = W1[..., None] * INPUTS[:, 0] + W2[..., None] * INPUTS[:, 1] + B[..., None]
    return bool(np.any(np.all((z > 0).astype(int) == np.asarray(target), axis=-1)))
