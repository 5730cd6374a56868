"""Process-level tuning for the app and the benchmarks (applied by them, not on import)."""
from __future__ import annotations

import ctypes
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
