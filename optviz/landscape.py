"""A trained network's loss landscape (numpy only): the training loss on a 2-D slice through its
weights, the slice spanned by two directions from the trained weights θ*:

    L(α, β) = loss(θ* + α·d₁ + β·d₂)

*Random, filter-normalised* (Li, Xu, Taylor, Studer, Goldstein, "Visualizing the Loss Landscape of
Neural Nets", NeurIPS 2018): each direction is Gaussian, then every filter (here a unit's incoming
weights, one column of W) is rescaled to the norm of the same filter of θ*, and biases get 0; so a
step of 1 changes every unit by as much as its own weights, whatever the scale of the layer.

*PCA of the trajectory*: the weights after each epoch, minus θ*, and their two principal directions
(the plane in which the path moved most); the path itself is drawn projected onto that plane.
A 2-D slice of a space of thousands of dimensions shows only what lies in that slice: a valley in
it may be a saddle across it.

Every grid point's forward pass runs batched (weights stacked as (G, n_in, n_out)), in chunks that
bound memory.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import budget as _budget
from .mlp import MLP

GRID = 41
CHUNK_FLOATS = 4_000_000  # floats of activations one chunk of grid points may hold (32 MB)
# seconds per grid point and sample: per unit (its activation, the elementwise work) and per weight
# (the products); fitted to `make bench` (section landscape) on the 2-core machine and rounded up:
# 2-8-8-2 on 300 points 0.19 s (estimate 0.24), 2-16-16-16-2 on 1 000 1.6 s (2.1), 2-64-64-2 on
# 1 500 6.5 s (12)
UNIT_SECONDS, WEIGHT_SECONDS = 2e-8, 5e-10


def flat(model: MLP) -> np.ndarray:
    """Weights and biases of ``model.params`` in one vector (W₁, b₁, W₂, b₂, …)."""
    return np.concatenate([a.ravel() for pair in model.params for a in pair])


def _split(model: MLP, v: np.ndarray) -> list:
    """A vector as [(W, b), …] in the shapes of ``model.params`` (views into v)."""
    out, i = [], 0
    for W, b in model.params:
        w = v[i:i + W.size].reshape(W.shape)
        i += W.size
        out.append((w, v[i:i + b.size]))
        i += b.size
    return out


def with_weights(model: MLP, v: np.ndarray) -> MLP:
    """A copy of ``model`` with the weights of vector ``v``."""
    other = model.copy()
    other.params = [(W.copy(), b.copy()) for W, b in _split(model, np.asarray(v, dtype=float))]
    return other


def filter_normalized(model: MLP, seed: int = 0) -> np.ndarray:
    """A random direction in weight space with each filter's norm equal to the trained filter's
    (Li et al. 2018, §4); 0 for the biases."""
    rng = np.random.default_rng(seed)
    parts = []
    for W, b in model.params:
        d = rng.standard_normal(W.shape)
        d *= np.linalg.norm(W, axis=0) / np.maximum(np.linalg.norm(d, axis=0), 1e-300)
        parts += [d.ravel(), np.zeros(b.size)]
    return np.concatenate(parts)


@dataclass(frozen=True)
class Plane:
    """Two directions d₁, d₂ through ``centre``; ``path`` the trajectory's coordinates (α, β) in it
    (PCA) and ``explained`` the share of the path's variance along each (NaN for random ones)."""
    centre: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    path: np.ndarray | None
    explained: tuple


def random_plane(model: MLP, seed: int = 0) -> Plane:
    return Plane(flat(model), filter_normalized(model, seed), filter_normalized(model, seed + 1), None,
                 (math.nan, math.nan))


def pca_plane(trajectory) -> Plane:
    """The plane of the trajectory's two principal directions, through its last point (the trained
    weights); the path as its coordinates in that plane. ``trajectory``: (T, P), one row per
    recorded point, T ≥ 3."""
    path = np.asarray(trajectory, dtype=float)
    if path.ndim != 2 or len(path) < 3:
        raise ValueError("the loss landscape along the path needs at least 3 recorded points (train longer)")
    centre = path[-1]
    M = path - centre
    _, S, Vt = np.linalg.svd(M - M.mean(axis=0), full_matrices=False)
    total = float(np.sum(S ** 2))
    explained = tuple(float(s ** 2 / total) if total > 0 else math.nan for s in S[:2])
    d1, d2 = Vt[0], Vt[1] if len(Vt) > 1 else np.zeros_like(Vt[0])
    return Plane(centre, d1, d2, np.column_stack([M @ d1, M @ d2]), explained)


def joint_pca_plane(trajectories) -> tuple[Plane, list]:
    """One PCA plane for several runs from the same start (their points stacked), through the first
    run's end; each run's path in it."""
    paths = [np.asarray(t, dtype=float) for t in trajectories]
    plane = pca_plane(np.vstack(paths[1:] + paths[:1]))  # the first run's end last: the centre
    return plane, [np.column_stack([(p - plane.centre) @ plane.d1, (p - plane.centre) @ plane.d2]) for p in paths]


@dataclass(frozen=True)
class Landscape:
    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray  # (len(betas), len(alphas)): row j is β = betas[j]
    centre_loss: float


def span(path, margin: float = 0.25, least: float = 1.0) -> tuple[tuple, tuple]:
    """(α range, β range): the extent of ``path`` (points (α, β) in the plane) with a margin, or
    ±``least`` without one (random directions)."""
    if path is None:
        return (-least, least), (-least, least)
    path = np.asarray(path, dtype=float)
    lo, hi = path.min(axis=0), path.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 1e-3)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def seconds(model: MLP, n_samples: int, n: int = GRID) -> float:
    """Estimated seconds of ``surface`` (n² forward passes of the data) on this machine."""
    units, weights = sum(model.sizes[1:]), sum(W.size for W, _ in model.params)
    return n * n * n_samples * (UNIT_SECONDS * units + WEIGHT_SECONDS * weights)


def _losses(model: MLP, X, y, thetas: np.ndarray) -> np.ndarray:
    """The loss of the network with each row of ``thetas`` as its weights, all at once."""
    G = len(thetas)
    h = X[None]  # (1, n, d): broadcasts against (G, d, k)
    last = len(model.params) - 1
    i = 0
    for layer, (W0, b0) in enumerate(model.params):
        W = thetas[:, i:i + W0.size].reshape(G, *W0.shape)
        i += W0.size
        b = thetas[:, i:i + b0.size]
        i += b0.size
        z = np.matmul(h, W) + b[:, None, :]
        h = z if layer == last else model.act.forward(z)
    if model.loss == "cross_entropy":
        z = h - h.max(axis=2, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
        return -logp[:, np.arange(len(y)), y].mean(axis=1)
    if model.loss == "bce":
        t = np.asarray(y, float).reshape(h.shape[1:])
        return (np.logaddexp(0.0, h) - t * h).mean(axis=(1, 2))
    t = np.asarray(y, float).reshape(h.shape[1:])
    return ((h - t) ** 2).mean(axis=(1, 2))


def surface(model: MLP, X, y, plane: Plane, alphas=None, betas=None, n: int = GRID,
            on_progress=None) -> Landscape:
    """The training loss over the grid ``alphas`` × ``betas`` of the plane (default: ``span``, n × n);
    ``on_progress(done, total)`` after each chunk."""
    X = np.asarray(X, dtype=float)
    if alphas is None or betas is None:
        (a0, a1), (b0, b1) = span(plane.path)
        alphas, betas = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
    alphas, betas = np.asarray(alphas, float), np.asarray(betas, float)
    A, B = np.meshgrid(alphas, betas)
    coef = np.column_stack([A.ravel(), B.ravel()])
    widest = max(model.sizes)
    chunk = max(1, CHUNK_FLOATS // max(1, len(X) * widest))
    out = np.empty(len(coef))
    with np.errstate(all="ignore"):
        for start in range(0, len(coef), chunk):
            c = coef[start:start + chunk]
            thetas = plane.centre + c[:, :1] * plane.d1 + c[:, 1:] * plane.d2
            out[start:start + chunk] = _losses(model, X, y, thetas)
            _budget.make_way()
            if on_progress is not None:
                on_progress(min(start + chunk, len(coef)), len(coef))
        centre = float(_losses(model, X, y, plane.centre[None])[0])
    return Landscape(alphas, betas, out.reshape(len(betas), len(alphas)), centre)


class PathRecorder:
    """The weights along a training run, bounded: at most ``max_points`` points and ``max_floats``
    numbers in all (4 MB: a network of 330 000 weights keeps 3 points, of 2 000 weights 200). When full it keeps every other
    point and records every second epoch from then on, so the points stay spread over the run."""

    def __init__(self, n_params: int, max_floats: int = 500_000, max_points: int = 200):
        self.limit = max(3, min(max_points, max_floats // max(1, n_params)))
        self.points, self.epochs, self.stride = [], [], 1

    def add(self, epoch: int, vector: np.ndarray) -> None:
        if epoch % self.stride:
            return
        self.points.append(np.array(vector, dtype=float))
        self.epochs.append(int(epoch))
        if len(self.points) > self.limit:
            self.points, self.epochs, self.stride = self.points[::2], self.epochs[::2], self.stride * 2

    def trajectory(self, current: np.ndarray) -> np.ndarray:
        """The recorded points, ending with ``current`` (the weights now) unless it is the last one."""
        pts = self.points + ([] if self.points and np.array_equal(self.points[-1], current) else [current])
        return np.vstack(pts)
