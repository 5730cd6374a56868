"""In-place steps for the batched trajectory loop, compiled from each optimizer's rule.

The pure ``update`` of an optimizer (its rule, optviz.rules) is the specification; its in-place
kernel (``rules.InPlace``) performs the very same floating-point operations in the same order, but
into preallocated buffers (``out=``), so that a step over K starts allocates nothing.
``tests/test_kernels.py`` checks them bit for bit against the pure updates. Every rule has one:
the built-ins and the rules students type alike; an optimizer without a rule runs its pure update.
"""
from __future__ import annotations

from .optimizers import Optimizer
from .rules import InPlace


def make(opt: Optimizer, shape) -> InPlace | None:
    """The in-place kernel for ``opt`` over arrays of ``shape``, or None if it has no rule."""
    if opt.rule is None:
        return None
    return InPlace(opt.rule, opt.hyperparams, shape)
