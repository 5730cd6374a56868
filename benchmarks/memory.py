"""Peak memory and time of the largest basin maps (200 × 200 starts × 500 steps, and × the
playground's cap of 2000 steps; Rastrigin, whose gradient has sin and runs the numpy kernels),
each in a fresh process, then once more in it (as a server, which has touched its memory before)."""
from __future__ import annotations

import subprocess
import sys

from .common import table

SNIPPET = """
import time
import optviz, numpy as np
from optviz.basins import basin_map
def hwm():  # peak resident memory of this process, kB (/proc: not inherited across exec)
    return int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1])
base = hwm()
t = time.perf_counter()
bm = basin_map("{surface}", "{opt}", steps={steps}, n=200, lr={lr})
dt = time.perf_counter() - t
peak = hwm()
t = time.perf_counter()
basin_map("{surface}", "{opt}", steps={steps}, n=200, lr={lr})  # again: memory the process has touched
print(base, peak, dt, time.perf_counter() - t)
"""


def main(quick: bool = False) -> str:
    rows = []
    from optviz.basins import MAX_BASIN_STEPS
    for surface, opt, lr, steps in [("himmelblau", "adam", 0.05, 500), ("six_hump_camel", "momentum", 0.01, 500),
                                    ("himmelblau", "adam", 0.05, MAX_BASIN_STEPS),
                                    ("rastrigin", "adam", 0.05, 500)]:  # sin/cos: the numpy kernels
        out = subprocess.run([sys.executable, "-c", SNIPPET.format(surface=surface, opt=opt, lr=lr, steps=steps)],
                             capture_output=True, text=True, check=True).stdout.split()
        base, peak, dt, again = int(out[0]), int(out[1]), float(out[2]), float(out[3])
        rows.append([f"{surface}, {opt}", f"40,000 × {steps}", f"{dt:.2f}", f"{again:.2f}",
                     f"{(peak - base) / 1024:.0f}",
                     f"{peak / 1024:.0f}"])
        print("memory", rows[-1], flush=True)
    return table(["basin map", "starts × steps", "seconds (fresh process)", "seconds (again)",
                  "extra peak MB", "process peak MB"], rows)


if __name__ == "__main__":
    print(main())
