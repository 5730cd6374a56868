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
    np.testing.assert_allclose(ours, torch_path(make, s.start, 100), rtol=1e-10, atol=1e-12)


def torch_path(make, start, steps):
    """The points torch.optim visits on Rosenbrock, in float64, from ``start``."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make([p])
    pts = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        x, y = p[0], p[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        opt.step()
        pts.append(p.detach().numpy().copy())
    return np.array(pts)


# The newer optimizers, at torch's defaults and at other settings, 200 Rosenbrock steps, 1e-10.
NEWER = [
    ("nadam", {}, lambda p: torch.optim.NAdam(p)),
    ("nadam", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, momentum_decay=0.01),
     lambda p: torch.optim.NAdam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, momentum_decay=0.01)),
    ("radam", {}, lambda p: torch.optim.RAdam(p)),
    ("radam", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6),
     lambda p: torch.optim.RAdam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("adamax", {}, lambda p: torch.optim.Adamax(p)),
    ("adamax", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6),
     lambda p: torch.optim.Adamax(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("adadelta", {}, lambda p: torch.optim.Adadelta(p)),
    ("adadelta", dict(lr=0.5, rho=0.8, eps=1e-5), lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.8, eps=1e-5)),
]


@pytest.mark.parametrize("name,hp,make", NEWER, ids=[f"{c[0]}-{'default' if not c[1] else 'set'}" for c in NEWER])
def test_newer_optimizers_match_torch_optim_on_rosenbrock(name, hp, make):
    # torch keeps NAdam's product of the μ's in its scalar dtype, float32 unless the default dtype is
    # float64 (its rounding alone moves the path by 5e-10 in 200 steps): compared in float64 throughout
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        _compare_newer(name, hp, make)
    finally:
        torch.set_default_dtype(default)


def _compare_newer(name, hp, make):
    s = surfaces.get("rosenbrock")
    start = (-1.5, 2.0)
    ours = optviz.optimize(s, name, start=start, steps=200, **hp).points
    np.testing.assert_allclose(ours, torch_path(make, start, 200), rtol=1e-10, atol=1e-12)
