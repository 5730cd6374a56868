"""MLP training: optviz's numpy MLP (hand-written backprop, Adam) against the same network in torch
(float64, torch.set_num_threads 1 and 2), steps per second on moons; and the playground-style target:
2-16-16-2 on 500 points, 500 full-batch epochs."""
from __future__ import annotations

import time

import numpy as np

from optviz import datasets, optimizers
from optviz.mlp import MLP
from optviz.training import train

from .common import best_time, have_torch, table


def ours_steps(sizes, act, batch, steps=300):
    X, y = datasets.make("moons", 2048, 0.2, 0)
    m = MLP(sizes, act, loss="cross_entropy", seed=0)
    opt = optimizers.get("adam", lr=1e-3)
    state = optimizers.init_tree(opt, m.flat())
    idx = np.random.default_rng(0).integers(0, len(X), (steps, batch))

    def go():
        nonlocal state
        for i in range(steps):
            _, g = m.loss_and_grads(X[idx[i]], y[idx[i]])
            flat, state = optimizers.update_tree(opt, m.flat(), [a for p in g for a in p], state)
            m.set_flat(flat)
    return steps / best_time(go)


def torch_steps(sizes, act, batch, threads, steps=300):
    import torch
    torch.set_num_threads(threads)
    X, y = datasets.make("moons", 2048, 0.2, 0)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b).double())
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh() if act == "tanh" else torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    idx = torch.tensor(np.random.default_rng(0).integers(0, len(X), (steps, batch)))
    lossf = torch.nn.CrossEntropyLoss()

    def go():
        for i in range(steps):
            opt.zero_grad()
            lossf(net(Xt[idx[i]]), yt[idx[i]]).backward()
            opt.step()
    return steps / best_time(go)


def main(quick: bool = False) -> str:
    rows = []
    X, y = datasets.make("moons", 500, 0.2, 0)
    t = best_time(lambda: train(MLP([2, 16, 16, 2], "tanh", loss="cross_entropy"), X, y,
                                optimizers.get("adam", lr=0.01), 500))
    rows.append(["2-16-16-2, tanh, 500 points, 500 full-batch epochs (with per-epoch evaluation)",
                 f"{t:.2f} s", "—", "—", "—"])
    print("mlp", rows[-1], flush=True)
    configs = [(sizes, act, batch) for sizes in ([2, 16, 16, 2], [2, 64, 64, 64, 2])
               for act in ("tanh", "relu") for batch in (32, 512)]
    for sizes, act, batch in configs[:2] if quick else configs:
        ours = ours_steps(sizes, act, batch)
        t1 = torch_steps(sizes, act, batch, 1) if have_torch() else float("nan")
        t2 = torch_steps(sizes, act, batch, 2) if have_torch() else float("nan")
        rows.append(["-".join(map(str, sizes)) + f", {act}, batch {batch}", f"{ours:,.0f} steps/s",
                     f"{t1:,.0f}", f"{t2:,.0f}", f"**{ours / t2:.1f}×**" if t2 == t2 else "—"])
        print("mlp", rows[-1], flush=True)
    return table(["network", "optviz", "torch 1 thread steps/s", "torch 2 threads steps/s",
                  "optviz / torch (2 threads)"], rows)


if __name__ == "__main__":
    print(main())
