"""Process-level tuning for the app and the benchmarks (applied by them, not on import)."""
from __future__ import annotations

import ctypes
import functools
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def keep_freed_memory(mmap_threshold: int = 32 << 20, trim_threshold: int = 256 << 20) -> bool:
    """Let glibc reuse freed blocks instead of returning them to the OS.

    By default glibc maps every block above ~128 kB separately and unmaps it when freed, so each
    numpy temporary of that size (one 512 × 64 layer is 256 kB) is page-faulted in anew: ≈ 60 µs per
    array here, more than the arithmetic. Raising the mmap threshold to 32 MB (glibc's maximum) and
    the trim threshold to 256 MB keeps such blocks in the heap: MLP training at batch 512 × 64 runs
    ≈ 2× faster (benchmarks/NOTES.md). Larger arrays (trajectories of many starts) are still mapped
    and returned. Returns False where there is no glibc (macOS, musl): nothing changes there.
    """
    if not sys.platform.startswith("linux") or not (0 < mmap_threshold <= 32 << 20 and 0 < trim_threshold < 1 << 31):
        return False  # (glibc's mmap threshold is at most 32 MB; ctypes would wrap a value past a C int)
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        return bool(mallopt(M_MMAP_THRESHOLD, mmap_threshold) and mallopt(M_TRIM_THRESHOLD, trim_threshold))
    except (OSError, AttributeError):  # no glibc
        return False


_BLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                 "openblas_set_num_threads64_", "openblas_set_num_threads")


def _openblas_libs() -> list:
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and ".so" in line}
    except OSError:
        return []
    libs = []
    for path in sorted(paths):
        try:
            libs.append(ctypes.CDLL(path))
        except OSError:
            pass
    return libs


def blas_threads() -> int | None:
    """The thread count of the loaded OpenBLAS, or None when there is none."""
    for lib in _openblas_libs():
        for name in _BLAS_SETTERS:
            getter = getattr(lib, name.replace("_set_", "_get_"), None)
            if getter is not None:
                getter.argtypes, getter.restype = [], ctypes.c_int
                return int(getter())
    return None


@functools.cache  # app.py runs on every rerun of every session: once per process is enough
def single_threaded_blas() -> bool:
    """Run numpy's OpenBLAS on one thread (what OPENBLAS_NUM_THREADS=1 does, after import).

    The app's matrices are small (a 600 × 64 layer) and the server runs one script thread per
    session: OpenBLAS's own threads then only compete with them for the two cores and spin while
    they wait. Measured with the cores busy: a 600×64 · 64×32 product took ≈ 1 050 µs with its
    default threads and ≈ 110 µs with one. Returns False when no OpenBLAS is loaded (another BLAS,
    or not Linux): nothing changes there."""
    done = False
    for lib in _openblas_libs():
        for name in _BLAS_SETTERS:
            setter = getattr(lib, name, None)
            if setter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                setter(1)
                done = True
                break
    return done
