"""Every module the app's pages use, imported at once by the first session of a server process.

Streamlit runs each session's script in its own thread. On a fresh server, the first sessions (a
workshop room opening the link together) all import numpy, pandas, plotly and optviz's page
modules at the same moment, each page in its own order. Python's per-module import locks then meet
in cycles, and to break one importlib hands a thread a half-initialized module: pages showed
"partially initialized module 'pandas' has no attribute 'Series'" or "cannot import name
'axis_ref' from 'optviz.plots.common'" (every trial of twelve tabs opened at once). Plotly also
looks pandas up in ``sys.modules`` without importing it, so it could see another session's import
in progress.

``optviz/app/__init__.py`` imports this module, so the first session to touch the app's glue
imports everything below in one thread and one order, while the others wait at their first
``import optviz.app``, holding no import lock. Plain use of the numeric core (the CLI, notebooks,
the unit tests) never imports the glue, so it stays numpy only.
"""
from __future__ import annotations

import importlib
import pkgutil

THIRD_PARTY = ("numpy", "pandas", "pyarrow", "pyarrow.pandas_compat", "plotly.graph_objects", "plotly.io")
SKIP = {"__main__", "cli", "preload"}  # the command line, and this module itself


def app_modules() -> list[str]:
    """optviz's modules, its plots and its glue, as found on disk (a new page module is included
    unasked)."""
    import sys

    import optviz
    import optviz.plots

    names = []
    for package in (optviz, optviz.plots, sys.modules["optviz.app"]):  # the glue may be importing this
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
                  if m.name not in SKIP and not m.name.startswith("_")]
    return names


def preload() -> None:
    """Import every module of ``THIRD_PARTY`` that is installed, then all of ``app_modules()``."""
    for name in THIRD_PARTY:
        try:
            importlib.import_module(name)
        except ImportError:  # pyarrow is Streamlit's, not ours: its absence is Streamlit's business
            pass
    for name in app_modules():
        importlib.import_module(name)


preload()
