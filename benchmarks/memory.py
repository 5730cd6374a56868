"""Peak memory of the largest basin map (200 × 200 starts × 500 steps), in a fresh process."""
from __future__ import annotations

import subprocess
import sys

from .common import table

SNIPPET = """
import resource, time
import optviz, numpy as np
from optviz.basins import basin_map
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
bm = basin_map("{surface}", "{opt}", steps=500, n=200, lr={lr})
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base, peak, dt)
"""


def main(quick: bool = False) -> str:
    rows = []
    for surface, opt, lr in [("himmelblau", "adam", 0.05), ("six_hump_camel", "momentum", 0.01)]:
        out = subprocess.run([sys.executable, "-c", SNIPPET.format(surface=surface, opt=opt, lr=lr)],
                             capture_output=True, text=True, check=True).stdout.split()
        base, peak, dt = int(out[0]), int(out[1]), float(out[2])
        rows.append([f"{surface}, {opt}", "40,000 × 500", f"{dt:.2f}", f"{(peak - base) / 1024:.0f}",
                     f"{peak / 1024:.0f}"])
        print("memory", rows[-1], flush=True)
    return table(["basin map", "starts × steps", "seconds", "extra peak MB", "process peak MB"], rows)


if __name__ == "__main__":
    print(main())
