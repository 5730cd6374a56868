"""optviz: see how neural networks learn. The numeric core is pure numpy."""
from . import activations, datasets, mlp, optimizers, surfaces, training
from .trajectory import OptimizeResult, optimize

__all__ = ["activations", "datasets", "mlp", "optimizers", "surfaces", "training",
           "optimize", "OptimizeResult"]
__version__ = "0.1.0"

import sys as _sys

if "streamlit" in _sys.modules:  # in the app: import every page's modules now, in one thread
    from . import preload as _preload  # noqa: F401  (why: see optviz/preload.py)
