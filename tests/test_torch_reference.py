"""optviz's optimizers equal torch.optim step for step (runs only where torch is installed:
`make bench` installs it)."""
import numpy as np
import pytest

import optviz
from optviz import surfaces

torch = pytest.importorskip("torch")

CASES = [
    ("sgd", dict(lr=1e-3), lambda p: torch.optim.SGD(p, lr=1e-3)),
    ("momentum", dict(lr=1e-3, beta=0.9), lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9)),
    ("nesterov", dict(lr=1e-3, beta=0.9),
     lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9, nesterov=True)),
    ("adagrad", dict(lr=0.05), lambda p: torch.optim.Adagrad(p, lr=0.05)),
    ("rmsprop", dict(lr=0.01, beta=0.99), lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99)),
    ("adam", dict(lr=0.02), lambda p: torch.optim.Adam(p, lr=0.02)),
    ("adamw", dict(lr=0.02, weight_decay=0.1), lambda p: torch.optim.AdamW(p, lr=0.02, weight_decay=0.1)),
]


@pytest.mark.parametrize("name,hp,make", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_optim_on_rosenbrock(name, hp, make):
    s = surfaces.get("rosenbrock")
    ours = optviz.optimize(s, name, start=s.start, steps=100, **hp).points
    p = torch.tensor(s.start, dtype=torch.float64, requires_grad=True)
    opt = make([p])
    pts = [p.detach().numpy().copy()]
    for _ in range(100):
        opt.zero_grad()
        x, y = p[0], p[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        opt.step()
        pts.append(p.detach().numpy().copy())
    np.testing.assert_allclose(ours, np.array(pts), rtol=1e-10, atol=1e-12)
