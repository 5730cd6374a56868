"""The fused C trajectory kernels (``_fused.c``), loaded with ctypes where ``make`` or ``pip install``
has built them.

A registry surface whose gradient is plain arithmetic, run by a built-in optimizer whose rule C can
compute exactly (optviz.codegen: every built-in today; one lr or one per start, the other
hyperparameters scalar) without gradient noise, goes through one C call per block of starts
instead of ~20 numpy calls per step, recording the gradients and states for the step inspector when
asked. The C of the updates is generated from the rules, and a library built from other rules than
the ones running is not used. The results are bit for bit those of the numpy loops
(``tests/test_fused.py``); without the library (no C compiler, or ``OPTVIZ_FUSED=0`` in the
environment) the numpy kernels run and only the speed differs.
"""
from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import codegen as _codegen
from . import optimizers as _optimizers
from . import surfaces as _surfaces

VERSION = 5  # must equal OPTVIZ_FUSED_VERSION in _fused.c: a stale build is not used
_HERE = Path(__file__).parent
LIBRARY = _HERE / "_fused.so"  # make's name; pip install's build (setup.py) adds the ABI tag
_KERNELS = _codegen.kernels()
_GRADIENTS = _codegen.fused_surfaces()  # {surface id: its gradient in C}, generated from surfaces.py
RULES_HASH = _codegen.current_version(_KERNELS, _GRADIENTS)
SURFACES = tuple(_GRADIENTS)  # the C table's order: every registry surface whose gradient is plain arithmetic
# the others (sin, cos, exp: numpy's SIMD versions need not equal libm's) run the numpy loops
NUMPY_ONLY = tuple(s for s in _surfaces.IDS if s not in _GRADIENTS)
OPTIMIZERS = tuple(k.name for k in _KERNELS)  # the C table's order (codegen)
N_STATES = {k.name: len(k.states) for k in _KERNELS}
_HYPER = {k.name: k.hyper for k in _KERNELS}

_dbl = ctypes.POINTER(ctypes.c_double)
_i64 = ctypes.POINTER(ctypes.c_int64)


def _load():
    if os.environ.get("OPTVIZ_FUSED", "1") == "0":
        return None
    for path in [LIBRARY, *sorted(_HERE.glob("_fused.*.so"))]:
        try:
            lib = ctypes.CDLL(str(path))  # CDLL calls release the GIL: blocks can run on two threads
            lib.optviz_fused_version.restype = ctypes.c_int64
            if lib.optviz_fused_version() != VERSION * 2**32 + RULES_HASH:
                continue  # built from other rules (or an older layout): not used
        except (OSError, AttributeError):
            continue
        lib.optviz_fused_run.restype = ctypes.c_int
        lib.optviz_fused_run.argtypes = [ctypes.c_int, ctypes.c_int, _dbl, _dbl, ctypes.c_int64, ctypes.c_int64,
                                         ctypes.c_int64, ctypes.c_int64, _dbl, _i64, _dbl, _dbl]
        return lib
    return None


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
            and opt.rule is not None and opt.rule.text == _optimizers.definition(opt.name).rule  # its own rule
            and np.shape(hp["lr"]) in ((), (k,)) and all(np.ndim(v) == 0 for n, v in hp.items() if n != "lr"))


class Plan:
    """One run's kernel and its hyperparameters in the C layout: lr one per start, the others in
    codegen's order."""

    def __init__(self, surface_id: str, opt, k: int):
        self.surface = SURFACES.index(surface_id)
        self.optimizer = OPTIMIZERS.index(opt.name)
        self.lr = np.ascontiguousarray(np.broadcast_to(np.asarray(opt.hyperparams["lr"], dtype=float), (k,)))
        self.hp = np.array([float(opt.hyperparams[h]) for h in _HYPER[opt.name]] or [0.0])

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
        rc = _lib.optviz_fused_run(self.surface, self.optimizer, p(self.hp), p(self.lr), k,
                                   n - 1, a, b, p(traj), diverged_at.ctypes.data_as(_i64),
                                   None if grads is None else p(grads), None if states is None else p(states))
        if rc != 0:
            raise RuntimeError(f"fused kernel refused its arguments (code {rc})")
