"""Trajectories: optviz's batched `optimize` (the fused C kernels that `make` builds) against
torch.optim with autograd on a (K, 2) tensor, and against the memory-bandwidth bound (one numpy
`a += b` pass over the same (2, K) arrays); also the same `optimize` with the C library switched off
(optviz's numpy kernels, what runs where no C compiler is) and, for Adam, the naive vectorized numpy
baseline (`naive_adam`), each against the same torch run. Every side stores the whole trajectory."""
from __future__ import annotations

import time

import numpy as np

import optviz
from optviz import fused, surfaces

from .common import best_time, have_torch, table

CASES = [(1, 100), (1, 1000), (100, 100), (100, 1000), (10_000, 100), (10_000, 1000),
         (250_000, 100), (250_000, 1000)]
TORCH = {"sgd": lambda t, p: t.optim.SGD(p, lr=1e-3),
         "momentum": lambda t, p: t.optim.SGD(p, lr=1e-3, momentum=0.9),
         "nesterov": lambda t, p: t.optim.SGD(p, lr=1e-3, momentum=0.9, nesterov=True),
         "adagrad": lambda t, p: t.optim.Adagrad(p, lr=0.01),
         "rmsprop": lambda t, p: t.optim.RMSprop(p, lr=1e-3),
         "adam": lambda t, p: t.optim.Adam(p, lr=1e-3),
         "adamw": lambda t, p: t.optim.AdamW(p, lr=1e-3)}
HP = {"sgd": dict(lr=1e-3), "momentum": dict(lr=1e-3), "nesterov": dict(lr=1e-3),
      "adagrad": dict(lr=0.01), "rmsprop": dict(lr=1e-3), "adam": dict(lr=1e-3), "adamw": dict(lr=1e-3)}


def starts(k: int) -> np.ndarray:
    return np.random.default_rng(0).uniform(-2, 2, (k, 2))


def _repeats(k: int, n: int) -> int:
    """Best of 3 up to 160 MB of trajectory, else of 2 (also for the 4 GB case: fresh memory's page
    faults vary between runs)."""
    return 3 if k * n <= 10_000_000 else 2


def run_optviz(name, k, n):
    s = starts(k)
    return best_time(lambda: optviz.optimize("rosenbrock", name, s if k > 1 else s[0], n, **HP[name]),
                     repeat=_repeats(k, n))


def run_numpy_kernels(name, k, n):
    with fused.disabled():
        return run_optviz(name, k, n)


def run_torch(name, k, n):
    import torch

    def go():
        p = torch.tensor(starts(k), dtype=torch.float64, requires_grad=True)
        opt = TORCH[name](torch, [p])
        traj = torch.empty((n + 1, k, 2), dtype=torch.float64)
        traj[0] = p.detach()
        for i in range(n):
            opt.zero_grad()
            x, y = p[:, 0], p[:, 1]
            ((1 - x) ** 2 + 100 * (y - x * x) ** 2).sum().backward()
            opt.step()
            traj[i + 1] = p.detach()
    return best_time(go, repeat=_repeats(k, n))


def naive_adam(k: int, n: int, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8) -> np.ndarray:
    """The baseline the issue names: a straightforward vectorized numpy Adam on a (K, 2) array
    (strided columns, a temporary per operation), storing the whole trajectory."""
    p = starts(k)
    m, v = np.zeros_like(p), np.zeros_like(p)
    traj = np.empty((n + 1, k, 2))
    traj[0] = p
    for t in range(1, n + 1):
        x, y = p[:, 0], p[:, 1]
        d = y - x * x
        g = np.empty_like(p)
        g[:, 0], g[:, 1] = -2 * (1 - x) - 400 * x * d, 200 * d
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        traj[t] = p
    return traj


def run_naive(k, n):
    return best_time(lambda: naive_adam(k, n), repeat=_repeats(k, n))


def bandwidth_pass(k: int) -> float:
    a, b = np.ones((2, k)), np.ones((2, k))
    reps = max(10, 2_000_000 // k)
    return best_time(lambda: [np.add(a, b, out=a) for _ in range(reps)]) / reps


def warm_memory(nbytes: int) -> float:
    """Touch ``nbytes`` of fresh memory once and free it; returns the seconds it took.

    On this VM the first touch of guest memory the host has not backed yet costs ≈ 2 s per GB
    (4 GB: 7.5 s the first time in a process, 0.16 s on memory touched before), and it lands on
    whichever side of a comparison happens to be handed such pages first. Warming twice the largest
    trajectory beforehand lets both sides pay only the ordinary page faults of a fresh array."""
    t = time.perf_counter()
    a = np.empty(nbytes // 8)
    a[::512] = 0.0  # one write per 4 kB page
    del a
    return time.perf_counter() - t


def main(quick: bool = False) -> str:
    names = ["adam", "sgd", "momentum"] if quick else list(TORCH)
    cases = CASES[:6] if quick else CASES
    torch_ok = have_torch()
    largest = max(k * (n + 1) * 2 * 8 for k, n in cases)
    print(f"trajectories: warming {2 * largest / 1e9:.1f} GB of memory took {warm_memory(2 * largest):.1f} s",
          flush=True)
    rows = []
    for k, n in cases:
        for name in names:  # every optimizer at every K × N
            ours = run_optviz(name, k, n)
            theirs = run_torch(name, k, n) if torch_ok else float("nan")
            passes = ours / n / bandwidth_pass(k) if k >= 10_000 else float("nan")
            naive = run_naive(k, n) if name == "adam" and k * n <= 25_000_000 and torch_ok else None
            plain = run_numpy_kernels(name, k, n) if k * n <= 25_000_000 and torch_ok else None
            rows.append([name, f"{k:,}", n, f"{ours * 1e3:.1f}", f"{ours / n * 1e6:.1f}",
                         f"{theirs * 1e3:.1f}" if torch_ok else "—",
                         f"**{theirs / ours:.1f}×**" if torch_ok else "—",
                         f"{theirs / plain:.1f}×" if plain else "—",
                         f"{theirs / naive:.1f}×" if naive else "—",
                         f"{passes:.0f}" if passes == passes else "—"])
            print("trajectories", rows[-1], flush=True)
    out = table(["optimizer", "K starts", "N steps", "optviz ms", "µs/step", "torch.optim ms",
                 "speed-up", "numpy kernels vs torch", "naive numpy Adam vs torch",
                 "bandwidth passes/step"], rows)
    if not fused.available():
        out = "**The fused C library is not built: optviz ran its numpy kernels.**\n\n" + out
    return out


if __name__ == "__main__":
    print(main())
