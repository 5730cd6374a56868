"""The MLP trainer's loss landscape: a 41 × 41 slice (1 681 forward passes of the training data,
batched) for networks from the page's default to a large one, against the same grid computed one
weight vector at a time (MLP.forward per grid point); the page refuses a slice estimated above 10 s
(``landscape.seconds``), so the estimate is listed too. And the network view of the largest network
the trainer allows (6 × 256): its computation and its figure's JSON size."""
from __future__ import annotations

import json

import numpy as np

from optviz import datasets, landscape as ls, netview
from optviz.mlp import MLP
from optviz.plots.mlp import network_view

from .common import best_time, table


def _one_by_one(model, X, y, plane, alphas, betas):
    out = np.empty((len(betas), len(alphas)))
    for j, b in enumerate(betas):
        for i, a in enumerate(alphas):
            m = ls.with_weights(model, plane.centre + a * plane.d1 + b * plane.d2)
            out[j, i] = m.loss_value(m.predict(X), y)
    return out


def main(quick: bool = False) -> str:
    rows = []
    for hidden, n in ([8, 8], 300), ([16, 16, 16], 1000), ([64, 64], 1500):
        X, y = datasets.make("moons", n, 0.2, 0)
        m = MLP([2, *hidden, 2], "tanh", loss="cross_entropy", seed=0)
        plane = ls.random_plane(m)
        t = best_time(lambda: ls.surface(m, X, y, plane), repeat=1 if quick else 3)
        g = np.linspace(-1, 1, 9)
        t1 = best_time(lambda: _one_by_one(m, X, y, plane, g, g), repeat=1) * (41 * 41) / (9 * 9)
        rows.append(["2-" + "-".join(map(str, hidden)) + "-2", n, f"{t:.2f} s", f"{ls.seconds(m, n):.1f} s",
                     f"{t1:.2f} s", f"{t1 / t:.1f}×"])
    out = table(["network", "points", "41 × 41 batched", "estimate (refused > 10 s)", "one at a time",
                 "speed-up"], rows)
    X, y = datasets.make("spiral", 2000, 0.1, 0)
    big = MLP([2] + [256] * 6 + [3], "relu", loss="cross_entropy", seed=0)
    t_view = best_time(lambda: netview.view(big, X, y), repeat=1 if quick else 3)
    fig = network_view(netview.view(big, X, y))
    size = len(json.dumps(fig.to_plotly_json(), default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
    t_fig = best_time(lambda: network_view(netview.view(big, X, y)), repeat=1 if quick else 3) - t_view
    return out + "\n\n" + table(["network view of 2-256×6-3 on 2 000 points", "value"],
                                [["computation (pictures, gradients, states)", f"{1000 * t_view:.0f} ms"],
                                 ["building the figure", f"{1000 * max(t_fig, 0):.0f} ms"],
                                 ["figure JSON", f"{size / 1000:.0f} kB"]])
