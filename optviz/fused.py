"""The fused C trajectory kernels (``_fused.c``), loaded with ctypes when ``make`` has built them.

A registry surface whose gradient is plain arithmetic, run by one of the seven optimizers (one lr
or one per start, the other hyperparameters scalar) without gradient noise, goes through one C
call per block of starts instead of ~20 numpy calls per step, recording the gradients and states
for the step inspector when asked. The results are bit for bit those of the numpy loops
(``tests/test_fused.py``); without the library (no C compiler, or ``OPTVIZ_FUSED=0`` in the
environment) the numpy kernels run and only the speed differs.
"""
from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np

VERSION = 3  # must equal OPTVIZ_FUSED_VERSION in _fused.c: a stale build is not used
LIBRARY = Path(__file__).with_name("_fused.so")
# the C file's table order
SURFACES = ("quadratic", "quadratic_book", "rosenbrock", "beale", "himmelblau", "saddle", "booth",
            "six_hump_camel")
NUMPY_ONLY = ("rastrigin", "ackley")  # sin, cos, exp: numpy's SIMD versions need not equal libm's
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
N_STATES = {"sgd": 0, "momentum": 1, "nesterov": 1, "adagrad": 1, "rmsprop": 1, "adam": 2, "adamw": 2}

_dbl = ctypes.POINTER(ctypes.c_double)
_i64 = ctypes.POINTER(ctypes.c_int64)


def _load():
    if os.environ.get("OPTVIZ_FUSED", "1") == "0" or not LIBRARY.exists():
        return None
    try:
        lib = ctypes.CDLL(str(LIBRARY))  # CDLL calls release the GIL: blocks can run on two threads
        if lib.optviz_fused_version() != VERSION:
            return None
    except (OSError, AttributeError):
        return None
    lib.optviz_fused_run.restype = ctypes.c_int
    lib.optviz_fused_run.argtypes = [ctypes.c_int, ctypes.c_int, _dbl, _dbl, _dbl, ctypes.c_int64, ctypes.c_int64,
                                     ctypes.c_int64, ctypes.c_int64, _dbl, _i64, _dbl, _dbl]
    return lib


_lib = _load()


def available() -> bool:
    return _lib is not None


@contextmanager
def disabled():
    """Run the numpy loops instead, within the block (benchmarks and tests compare the two)."""
    global _lib
    lib, _lib = _lib, None
    try:
        yield
    finally:
        _lib = lib


def supports(surface_id: str, opt, k: int) -> bool:
    """True if (surface, optimizer) has a fused kernel and the library is loaded; lr may be one
    per start (an lr sweep), every other hyperparameter is one number."""
    hp = opt.hyperparams
    return (_lib is not None and surface_id in SURFACES and opt.name in OPTIMIZERS
            and np.shape(hp["lr"]) in ((), (k,)) and all(np.ndim(v) == 0 for n, v in hp.items() if n != "lr"))


class Plan:
    """One run's kernel and its hyperparameters in the C layout, computed by the same Python
    expressions as the pure update (so they are the same doubles)."""

    def __init__(self, surface_id: str, opt, k: int):
        hp = {n: float(v) for n, v in opt.hyperparams.items() if n != "lr"}
        self.surface = SURFACES.index(surface_id)
        self.optimizer = OPTIMIZERS.index(opt.name)
        self.lr = np.ascontiguousarray(np.broadcast_to(np.asarray(opt.hyperparams["lr"], dtype=float), (k,)))
        self.decay = self.lr  # read by no kernel but AdamW's
        if opt.name in ("adam", "adamw"):
            b1, b2 = hp["beta1"], hp["beta2"]
            if opt.name == "adamw":  # the pure rule's factor 1 − ηλ, per start
                self.decay = 1.0 - self.lr * hp["weight_decay"]
            values = [b1, b2, hp["eps"], 1.0 - b1, 1.0 - b2]
        else:
            beta = hp.get("beta", 0.0)
            values = [beta, 1.0 - beta, hp.get("eps", 0.0), 0.0, 0.0]
        self.hp = np.array(values)

    def run(self, traj: np.ndarray, diverged_at: np.ndarray, a: int, b: int,
            grads: np.ndarray | None = None, states: np.ndarray | None = None) -> None:
        """Run columns [a, b) of ``traj`` ((steps+1, 2, K), row 0 = the starts) through all steps,
        writing each start's divergence step (−1 if none) into ``diverged_at``; with ``grads``
        ((steps+1, 2, K)) and ``states`` ((steps+1, n_states, 2, K), row 0 zeros) also the gradient
        at every point and the state after every step."""
        for arr in (traj, grads, states):
            assert arr is None or (arr.flags.c_contiguous and arr.dtype == np.float64)
        assert diverged_at.dtype == np.int64 and (grads is None) == (states is None)
        n, _, k = traj.shape
        assert grads is None or (grads.shape == traj.shape and states.ndim == 4
                                 and states.shape[0] == n and states.shape[2:] == (2, k))
        assert self.lr.shape == (k,)
        p = lambda arr: arr.ctypes.data_as(_dbl)  # noqa: E731
        rc = _lib.optviz_fused_run(self.surface, self.optimizer, p(self.hp), p(self.lr), p(self.decay), k,
                                   n - 1, a, b, p(traj), diverged_at.ctypes.data_as(_i64),
                                   None if grads is None else p(grads), None if states is None else p(states))
        if rc != 0:
            raise RuntimeError(f"fused kernel refused its arguments (code {rc})")
