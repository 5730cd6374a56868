"""optviz: see how neural networks learn.

The numeric core (this package's modules) is numpy only; ``optviz.plots`` draws with plotly;
``optviz.app`` is the Streamlit glue of ``app.py`` and ``pages/``. Importing ``optviz`` imports
neither plotly nor Streamlit nor the glue.
"""
from . import activations, datasets, mlp, optimizers, surfaces, training
from .trajectory import OptimizeResult, optimize

__all__ = ["activations", "datasets", "mlp", "optimizers", "surfaces", "training",
           "optimize", "OptimizeResult"]
__version__ = "0.1.0"
