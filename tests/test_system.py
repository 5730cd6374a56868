"""Process tuning used by app.py and the benchmarks."""
import platform
import sys

import numpy as np
import pytest

from optviz.system import keep_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_keep_freed_memory_is_accepted_by_glibc_and_idempotent():
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True
    a = np.ones((512, 64)) @ np.ones((64, 64))  # numpy still allocates and frees as before
    assert a[0, 0] == 64.0


def test_out_of_range_thresholds_are_refused_not_raised():
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        assert keep_freed_memory() is False
        return
    assert keep_freed_memory(mmap_threshold=1 << 40) is False  # past a C int: refused, not wrapped
    assert keep_freed_memory(mmap_threshold=64 << 20) is False  # glibc caps the threshold at 32 MB
    assert keep_freed_memory() is True


def test_numpys_openblas_can_be_set_to_one_thread():
    import subprocess
    import sys
    # in a fresh process, so this test leaves the suite's own BLAS as it was
    code = ("import numpy; from optviz.system import single_threaded_blas, blas_threads; "
            "ok = single_threaded_blas(); print(ok, blas_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin", "OPENBLAS_NUM_THREADS": "2"}).stdout.split()
    assert out == ["True", "1"]
