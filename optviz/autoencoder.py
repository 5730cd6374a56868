"""Autoencoders on generated data (8×8 images of shapes, a 3-D point cloud on a bent sheet), built
from the core MLP and optimizers: reconstruction, the latent space, comparison with PCA, denoising and
anomaly detection."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import memo
from . import optimizers as _optimizers
from .mlp import MLP
from .training import Trainer

SIZE = 8
CLASSES = ("horizontal", "vertical", "square", "diagonal")


SUB = 4  # each pixel is drawn from 4×4 sub-pixel samples: shapes sit at fractional positions


def _grid():
    """Sub-pixel sample centres (u across, v down), in pixel units on [0, SIZE)."""
    g = (np.arange(SIZE * SUB) + 0.5) / SUB
    return np.meshgrid(g, g)  # (32, 32) each


def _draw(kind: str, n: int, rng) -> np.ndarray:
    """n images (n, 8, 8) of one kind. Position, length, stroke thickness and ink are drawn from
    continuous ranges and rendered with sub-pixel sampling, so no two images are the same."""
    u, v = _grid()
    col = lambda a: np.asarray(a, dtype=float)[:, None, None]  # one value per image
    thick = col(rng.uniform(0.8, 1.5, n))
    if kind in ("horizontal", "vertical"):
        across, along = (v, u) if kind == "horizontal" else (u, v)
        pos, start, length = col(rng.uniform(0.7, SIZE - 0.7, n)), col(rng.uniform(0, 2.5, n)), col(rng.uniform(4.5, 6, n))
        ink = (np.abs(across - pos) <= thick / 2) & (along >= start) & (along <= start + length)
    elif kind == "square":
        s = col(rng.uniform(3.2, 6, n))
        r, c = col(rng.uniform(0, 1, n)) * (SIZE - s), col(rng.uniform(0, 1, n)) * (SIZE - s)
        outer = (v >= r) & (v <= r + s) & (u >= c) & (u <= c + s)
        t = np.minimum(thick, s / 3)
        inner = (v > r + t) & (v < r + s - t) & (u > c + t) & (u < c + s - t)
        ink = outer & ~inner
    elif kind == "diagonal":  # the line v = u + k, at distance ≤ thick/2
        k = col(rng.uniform(-2.5, 2.5, n))
        ink = np.abs(v - u - k) / np.sqrt(2) <= thick / 2
    elif kind == "checker":  # an anomaly: nothing like the training shapes
        phase = col(rng.integers(0, 2, n))
        ink = (np.floor(u) + np.floor(v) + phase) % 2 == 0
    elif kind == "blob":  # an anomaly: a filled block
        s = col(rng.uniform(3.5, 6.5, n))
        r, c = col(rng.uniform(0, 1, n)) * (SIZE - s), col(rng.uniform(0, 1, n)) * (SIZE - s)
        ink = (v >= r) & (v <= r + s) & (u >= c) & (u <= c + s)
    else:
        raise ValueError(f"unknown shape {kind!r}")
    # average the 4×4 samples of each pixel, then scale by the image's ink strength
    img = ink.reshape(n, SIZE, SUB, SIZE, SUB).mean(axis=(2, 4))
    return np.clip(img * col(rng.uniform(0.75, 1.0, n)), 0, 1)


def shapes(n: int = 600, seed: int = 0, kinds=CLASSES):
    """n images (n, 64) with values in [0, 1] and their class index into ``kinds`` (in turn)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % len(kinds)
    X = np.empty((n, SIZE * SIZE))
    for k, kind in enumerate(kinds):  # one vectorized draw per class
        X[labels == k] = _draw(kind, int(np.sum(labels == k)), rng).reshape(-1, SIZE * SIZE)
    return X, labels


def anomalies(n: int = 100, seed: int = 1):
    """Images unlike the training shapes: checkerboards and filled blocks."""
    return shapes(n, seed, kinds=("checker", "blob"))


CLOUD_CLASSES = ("part1", "part2", "part3", "part4")
_BEND = 0.75 * np.pi  # the sheet is bent through ±135°: three quarters of a cylinder


def _sheet(t, v):
    """The bent sheet (sin t, 2v, −cos t), t ∈ [−3π/4, 3π/4], v ∈ [0, 1], scaled into [0, 1]³."""
    return (np.stack([np.sin(t), 2 * v, -np.cos(t)], axis=1) + np.array([1.0, 0.0, 1.0])) / 2


def cloud(n: int = 600, seed: int = 0, noise: float = 0.015):
    """n points (n, 3) near a 2-D sheet bent through 270° in [0, 1]³, labelled by which quarter of
    the bend they lie on. A plane (PCA with 2 components) cannot follow the bend; a 2-D code can."""
    rng = np.random.default_rng(seed)
    t = _BEND * (2 * rng.random(n) - 1)
    X = _sheet(t, rng.random(n)) + noise * rng.standard_normal((n, 3))
    labels = np.minimum(((t / _BEND + 1) * 2).astype(int), 3)
    return X, labels


def cloud_anomalies(n: int = 100, seed: int = 1, margin: float = 0.12):
    """Points of the box [0, 1]³ at least ``margin`` away from the sheet."""
    rng = np.random.default_rng(seed)
    # the sheet is an arc in the (x, z) plane extruded along y: distance is measured in (x, z)
    curve = _sheet(np.linspace(-_BEND, _BEND, 600), np.zeros(600))[:, [0, 2]]
    out = np.empty((0, 3))
    while len(out) < n:
        P = rng.random((4 * n, 3))
        d2 = ((P[:, None, [0, 2]] - curve[None]) ** 2).sum(axis=2).min(axis=1)
        out = np.vstack([out, P[d2 > margin ** 2]])
    return out[:n], np.zeros(n, dtype=int)


DATASETS = {"shapes": (shapes, anomalies, CLASSES), "cloud": (cloud, cloud_anomalies, CLOUD_CLASSES)}


def data(name: str, n: int, seed: int = 0):
    """(X, labels) of a data set: ``shapes`` (8×8 images, 64 values in [0, 1]) or ``cloud`` (3-D points)."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[name][0](n, seed)


def unusual(name: str, n: int, seed: int = 1):
    """Inputs unlike the data set's: checkerboards and blocks, or points off the sheet."""
    return DATASETS[name][1](n, seed)


@memo.memo(max_mb=8, name="autoencoder.data")  # ≤ 1.2 MB an entry (2 000 images of 8×8)
def lesson_data(name: str, n: int, seed: int = 0):
    """The page's training data, test data and unusual inputs, made once per setting for everyone
    (shared, read-only)."""
    return data(name, n, seed), data(name, 200, seed + 1000), unusual(name, 100, seed + 2000)[0]


def corrupt(name: str, X, level: float, seed=0):
    """Noise for denoising: flipped pixels (share ``level``) for images, Gaussian (σ = ``level``) for points."""
    if name == "cloud":
        return X + level * np.random.default_rng(seed).standard_normal(X.shape)
    return add_noise(X, level, seed)


def add_noise(X, level: float, seed=0):
    """Salt-and-pepper noise: each pixel flipped with probability ``level``."""
    rng = np.random.default_rng(seed)
    flip = rng.random(X.shape) < level
    return np.where(flip, 1.0 - X, X)


@dataclass
class PCA:
    mean: np.ndarray
    components: np.ndarray  # (k, d), orthonormal rows

    def encode(self, X):
        return (X - self.mean) @ self.components.T

    def reconstruct(self, X):
        return self.encode(X) @ self.components + self.mean


def pca(X, k: int) -> PCA:
    """The k principal directions from numpy's SVD of the centred data."""
    mean = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mean, full_matrices=False)
    return PCA(mean, Vt[:k])


def code_view(Z):
    """The code Z (n, k) in at most two dimensions for a scatter plot: Z itself for k ≤ 2, else its
    projection onto its two directions of largest variance (PCA of the code), with the share of the
    code's variance along each. Returns (coordinates, shares or None)."""
    if Z.shape[1] <= 2:
        return Z, None
    p = pca(Z, 2)
    total = np.sum((Z - p.mean) ** 2)
    coords = p.encode(Z)
    return coords, np.sum(coords ** 2, axis=0) / total if total > 0 else np.zeros(2)


def reconstruction_error(X, R) -> np.ndarray:
    """Mean squared error per sample."""
    return np.mean((X - R) ** 2, axis=1)


@dataclass
class Autoencoder:
    model: MLP
    latent_layer: int  # index into Forward.hs of the code
    loss: str

    def reconstruct(self, X):
        out = self.model.predict(X)
        return 0.5 * (1 + np.tanh(0.5 * out)) if self.loss == "bce" else out

    def encode(self, X):
        return self.model.forward(X).hs[self.latent_layer]


def build(latent: int, hidden: int = 32, activation: str = "tanh", loss: str = "mse", seed: int = 0,
          d: int = SIZE * SIZE) -> Autoencoder:
    """d → hidden → latent → hidden → d (hidden = 0: d → latent → d). The code layer uses the same
    activation as the others; the output is linear (σ for ``bce``)."""
    sizes = [d, hidden, latent, hidden, d] if hidden else [d, latent, d]
    return Autoencoder(MLP(sizes, activation=activation, loss=loss, seed=seed),
                       latent_layer=2 if hidden else 1, loss=loss)


MAX_UPDATES = 3000  # a page's training run: ≈ 1–2 s on one core (an update of the widest net ≈ 0.5 ms)


def epochs_within(epochs: int, n: int, batch_size: int = 32, max_updates: int = MAX_UPDATES) -> int:
    """The epochs of mini-batches of ``batch_size`` over n samples that fit in ``max_updates`` updates
    (at least 1)."""
    per_epoch = -(-n // min(batch_size, n))
    return max(1, min(int(epochs), max_updates // per_epoch))


def train(ae: Autoencoder, X, epochs: int = 100, lr: float = 0.01, batch_size: int = 32, seed: int = 0,
          noise: float = 0.0, data: str = "shapes", callback=None):
    """Minimize the loss of reconstructing X with Adam. With ``noise`` > 0 (a denoising autoencoder)
    the inputs are corrupted anew every epoch — ``corrupt(data, X, noise, seed=(seed, epoch))`` —
    while the targets stay the clean X: the net cannot learn one fixed set of noisy pictures by
    heart and has to learn to remove noise."""
    trainer = Trainer(ae.model, _optimizers.get("adam", lr=lr), batch_size, seed)
    noisy = (lambda epoch: corrupt(data, X, noise, seed=(seed, epoch))) if noise else None
    return trainer.run(X, X, epochs, callback=callback, inputs=noisy)


@memo.memo(max_mb=16, name="autoencoder.trained",  # ≈ 40 kB a model with its history: ≈ 400 of them
           key=lambda settings, progress=None: settings)
def trained(settings: tuple, progress=None):
    """The page's autoencoder for ``settings`` (its (name, value) pairs: data, n, seed, latent, hidden,
    act, loss, epochs, lr, noise), trained once and shared by every session: going back to a setting,
    or a room moving the same slider, costs no training. Returns (model, history, seconds);
    ``progress(epoch, history)`` reports the training of the session that computes it."""
    s = dict(settings)
    (X, _), _, _ = lesson_data(s["data"], s["n"], s["seed"])
    latent = min(s["latent"], X.shape[1] - 1)  # a code as wide as the input would only copy it
    model = build(latent, s["hidden"], s["act"], s["loss"], s["seed"], d=X.shape[1])
    started = time.perf_counter()
    hist = train(model, X, epochs_within(s["epochs"], len(X)), s["lr"], seed=s["seed"], noise=s["noise"],
                 data=s["data"], callback=progress)
    return model, hist, time.perf_counter() - started


def detection_rates(normal_scores, anomaly_scores, threshold: float) -> tuple[float, float]:
    """(share of anomalies flagged, share of normal inputs wrongly flagged) for score > threshold."""
    return float(np.mean(anomaly_scores > threshold)), float(np.mean(normal_scores > threshold))
