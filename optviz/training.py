"""Training loop: any optimizer of the core on an MLP, full batch, mini-batch or one sample at a time."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import budget as _budget
from . import optimizers as _optimizers
from .mlp import MLP


@dataclass
class History:
    """Per-epoch record. ``grad_norms[e][l]`` is the mean over epoch e's updates of ‖∂L/∂W_l‖."""
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    updates: int = 0  # optimizer steps taken so far
    changes: list = field(default_factory=list)  # (epoch, description) where settings changed

    @property
    def epochs(self) -> int:
        return len(self.loss)


# Seconds of one core per training step, measured on the 2-core development VM (numpy, one BLAS
# thread as in the app; 2-16-16-2 … 2-256×4-6 networks, batches 1 … 2 000, SGD and Adam) and rounded
# up so that the estimate bounds what was measured: a step costs a fixed overhead (Python, the
# optimizer's loop over the layers) plus a share per weight for the optimizer's update (Adam's is
# the largest), and every sample costs a share per weight for its forward and backward pass and
# the epoch's evaluation. E.g. 2-256-256-256-256-6 on 2 000 points: Adam at batch 1 took 3.2 ms a
# step (estimate 3.4), at batch 32 0.44 s an epoch (estimate 0.62).
SECONDS_PER_UPDATE = 200e-6
SECONDS_PER_UPDATE_WEIGHT = 1.6e-8
SECONDS_PER_SAMPLE_WEIGHT = 1.0e-9


def n_weights(layer_sizes) -> int:
    """Weights and biases of a dense network with these layer sizes (inputs first)."""
    return sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def epoch_seconds(layer_sizes, n_train: int, batch_size: int, n_test: int = 0) -> float:
    """An upper estimate of the CPU seconds one epoch of training takes (see the constants above)."""
    w = n_weights(layer_sizes)
    updates = math.ceil(n_train / max(1, min(batch_size, n_train)))
    return updates * (SECONDS_PER_UPDATE + SECONDS_PER_UPDATE_WEIGHT * w) \
        + (n_train + n_test) * SECONDS_PER_SAMPLE_WEIGHT * w


def batch_size_for(mode: str, n: int, batch_size: int | None = None) -> int:
    """Batch size for ``mode`` in {"full", "mini", "sgd"} on n samples."""
    if mode == "full":
        return n
    if mode == "sgd":
        return 1
    if mode == "mini":
        if batch_size is None or batch_size < 1:
            raise ValueError("mini-batch mode needs a batch size ≥ 1")
        return min(int(batch_size), n)
    raise ValueError(f"unknown batch mode {mode!r}; choose one of: full, mini, sgd")


def _same_but_lr(a, b) -> bool:
    """The same optimizer with the same hyperparameters, the learning rate aside."""
    others = lambda o: {k: v for k, v in o.hyperparams.items() if k != "lr"}  # noqa: E731
    text = lambda o: getattr(o.rule, "text", None)  # noqa: E731  (a typed rule: the same rule)
    return a.name == b.name and text(a) == text(b) and others(a) == others(b)


class Trainer:
    """Holds a model, its optimizer state and its history, so training can continue after a change.

    ``l2``: adds (λ/2)·ΣW² to the loss (weights only); ``l1``: adds λ·Σ|W|.
    """

    def __init__(self, model: MLP, optimizer, batch_size: int | None = None, seed: int = 0,
                 l2: float = 0.0, l1: float = 0.0):
        self.model = model
        self.history = History()
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self.configure(optimizer, batch_size, l2, l1)

    def configure(self, optimizer=None, batch_size: int | None = None, l2: float | None = None,
                  l1: float | None = None) -> bool:
        """Change settings between runs. Returns True when the optimizer's state (step count,
        velocity, moments) was kept: the same optimizer with at most another learning rate keeps it,
        as setting ``lr`` on a torch param_group does; another optimizer, or other hyperparameters
        (β, ε, weight decay), start from fresh state."""
        kept = True
        if optimizer is not None:
            new = _optimizers.get(optimizer)
            kept = hasattr(self, "opt_state") and _same_but_lr(self.optimizer, new)
            self.optimizer = new
            if not kept:
                self.opt_state = _optimizers.init_tree(new, self.model.flat())
        if batch_size is not None or not hasattr(self, "batch_size"):
            if batch_size is not None and batch_size < 1:
                raise ValueError("batch size must be ≥ 1")
            self.batch_size = batch_size
        for name, value in (("l2", l2), ("l1", l1)):
            if value is not None:
                if not (math.isfinite(value) and value >= 0):
                    raise ValueError(f"{name} must be zero or positive, got {value!r}")
                setattr(self, name, float(value))
        return kept

    def _penalty(self) -> float:
        p = 0.0
        for W, _ in self.model.params:
            if self.l2:
                p += 0.5 * self.l2 * float(np.sum(W * W))
            if self.l1:
                p += self.l1 * float(np.sum(np.abs(W)))
        return p

    def _regularize(self, grads: list) -> list:
        if not (self.l2 or self.l1):
            return grads
        out = []
        for (W, _), (gW, gb) in zip(self.model.params, grads):
            out.append((gW + self.l2 * W + self.l1 * np.sign(W), gb))
        return out + list(grads[len(out):])  # batch-norm γ, β are not regularized

    def evaluate(self, X, y) -> tuple[float, float | None]:
        out = self.model.predict(X)
        loss = self.model.loss_value(out, y) + self._penalty()
        acc = None
        if self.model.loss == "cross_entropy":
            acc = float(np.mean(np.argmax(out, axis=1) == y))
        return loss, acc

    def run(self, X, y, epochs: int, X_test=None, y_test=None,
            callback: Callable[[int, History], bool | None] | None = None,
            inputs: Callable[[int], np.ndarray] | None = None) -> History:
        """Train for ``epochs`` epochs. ``callback(epoch, history)`` may return True to stop early.
        ``inputs(epoch)``, when given, supplies each epoch's inputs in place of X (a denoising
        autoencoder corrupts its inputs anew every epoch; the targets stay y)."""
        with np.errstate(all="ignore"):  # a diverging run overflows; it is detected below
            return self._run(np.asarray(X, dtype=float), y, epochs, X_test, y_test, callback, inputs)

    def _run(self, X, y, epochs, X_test, y_test, callback, inputs=None) -> History:
        n = X.shape[0]
        b = n if self.batch_size is None else min(self.batch_size, n)
        h = self.history
        for _ in range(int(epochs)):
            if inputs is not None:
                X = np.asarray(inputs(h.epochs), dtype=float)
            order = self._rng.permutation(n) if b < n else np.arange(n)
            layers = len(self.model.params)  # grads may go on with batch-norm (dγ, dβ)
            norms = np.zeros(layers)
            count = 0
            for start in range(0, n, b):
                _budget.make_way()  # light reruns of other sessions first, when this is heavy work
                idx = order[start:start + b]
                _, grads = self.model.loss_and_grads(X[idx], y[idx])
                grads = self._regularize(grads)
                norms += [np.linalg.norm(gW) for gW, _ in grads[:layers]]
                flat_g = [a for pair in grads for a in pair]
                new, self.opt_state = _optimizers.update_tree(
                    self.optimizer, self.model.flat(), flat_g, self.opt_state)
                self.model.set_flat(new)
                count += 1
            h.updates += count
            h.grad_norms.append((norms / count).tolist())
            loss, acc = self.evaluate(X, y)
            h.loss.append(loss)
            h.accuracy.append(acc)
            if X_test is not None and len(X_test):
                tl, ta = self.evaluate(X_test, y_test)
                h.test_loss.append(tl)
                h.test_accuracy.append(ta)
            if not math.isfinite(loss):
                break  # diverged: the history keeps the finite part
            if callback is not None and callback(h.epochs, h) is True:  # only an explicit True stops
                break
        return h


def train(model: MLP, X, y, optimizer, epochs: int, batch_size: int | None = None, seed: int = 0,
          X_test=None, y_test=None, l2: float = 0.0, l1: float = 0.0, callback=None) -> History:
    """Train ``model`` in place and return its history (see :class:`Trainer`)."""
    return Trainer(model, optimizer, batch_size, seed, l2, l1).run(X, y, epochs, X_test, y_test, callback)


@dataclass
class Compared:
    """One optimizer's run of :func:`compare`: its trained model, history and loss at epoch 0."""
    name: str
    model: MLP
    history: History
    initial: float
    path: np.ndarray | None = None  # the weights along the run (``record``), its end the trained ones


def compare(model: MLP, optimizers: dict, X, y, epochs: int, batch_size: int | None = None, seed: int = 0,
            l2: float = 0.0, l1: float = 0.0,
            callback: Callable[[int, int], bool | None] | None = None, record: bool = False) -> list[Compared] | None:
    """Train a copy of ``model`` (the same initial weights) with each of ``optimizers`` ({name:
    optimizer}), the same mini-batches (same seed) and epochs. ``callback(i, epoch)`` after each
    epoch of the i-th run may return True to stop the comparison: then None. ``record``: keep each
    run's weights along the way (bounded, ``landscape.PathRecorder``) for its loss landscape."""
    from .landscape import PathRecorder, flat

    out = []
    for i, (name, optimizer) in enumerate(optimizers.items()):
        trainer = Trainer(model.copy(), optimizer, batch_size, seed, l2, l1)
        initial, _ = trainer.evaluate(X, y)  # epoch 0: the same for every optimizer
        stopped = False
        path = PathRecorder(model.n_params) if record else None
        if path is not None:
            path.add(0, flat(trainer.model))

        def each(epoch, h, i=i):
            nonlocal stopped
            if path is not None and epoch % path.stride == 0:
                path.add(epoch, flat(trainer.model))
            stopped = callback is not None and callback(i, epoch) is True
            return stopped

        trainer.run(X, y, epochs, callback=each)
        if stopped:
            return None
        out.append(Compared(name, trainer.model, trainer.history, initial,
                            path.trajectory(flat(trainer.model)) if path is not None else None))
    return out


# --- in pieces, for a worker process (optviz.worker): the trainer goes there and comes back --------

def train_piece(trainer: Trainer, X, y, epochs: int, X_test=None, y_test=None, seconds: float = 0.3,
                stop_loss: float = 0.0, record_every: int = 0) -> tuple[Trainer, list, float, bool]:
    """Train ``trainer`` for up to ``epochs`` epochs, ending after the first epoch that finishes
    ``seconds`` (wall time) after the start: one piece of a live run, drawn between pieces. Returns
    the trainer, its weights ``(epoch, landscape.flat)`` at every epoch divisible by ``record_every``
    (0: none), the CPU seconds it took, and whether the test loss reached ``stop_loss`` (0: no target)."""
    from .landscape import flat

    start, start_cpu = time.monotonic(), time.thread_time()
    records, reached = [], False

    def each(epoch, h):
        nonlocal reached
        if record_every and epoch % record_every == 0:
            records.append((epoch, flat(trainer.model)))
        reached = bool(stop_loss and h.test_loss and h.test_loss[-1] <= stop_loss)
        return reached or time.monotonic() - start >= seconds

    trainer.run(X, y, epochs, X_test, y_test, callback=each)
    return trainer, records, time.thread_time() - start_cpu, reached


def compare_within(model: MLP, optimizers: dict, X, y, epochs: int, batch_size: int | None = None, seed: int = 0,
                   seconds: float = _budget.MAX_SECONDS, record: bool = False, progress=None,
                   **reg) -> list[Compared] | None:
    """:func:`compare`, stopped (None) after ``seconds`` of CPU; ``progress(i, epoch)`` after every
    epoch of the i-th run."""
    deadline = _budget.Deadline(seconds)

    def each(i, epoch):
        if progress is not None:
            progress(i, epoch)
        return deadline.expired()

    return compare(model, optimizers, X, y, epochs, batch_size, seed, callback=each, record=record, **reg)
