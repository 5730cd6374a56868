"""optviz: see how neural networks learn. The numeric core is pure numpy."""
from . import activations, datasets, mlp, optimizers, surfaces, training
from .trajectory import OptimizeResult, optimize

__all__ = ["activations", "datasets", "mlp", "optimizers", "surfaces", "training",
           "optimize", "OptimizeResult"]
__version__ = "0.1.0"
