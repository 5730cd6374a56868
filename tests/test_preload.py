"""optviz/preload.py: the app's first session imports every page module in one thread; plain use
of the core stays numpy only."""
import subprocess
import sys
from pathlib import Path

from optviz import preload

ROOT = Path(__file__).resolve().parents[1]


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120).stdout.strip()


def test_the_core_alone_imports_neither_streamlit_nor_plotly():
    out = run("import sys, optviz; optviz.optimize('rosenbrock', 'adam', (0, 0), 5); "
              "print(sorted(m for m in ('streamlit', 'plotly', 'pandas', 'optviz.ui', 'optviz.preload') if m in sys.modules))")
    assert out == "[]"


def test_in_the_app_importing_optviz_loads_every_page_module_at_once():
    out = run("import sys, streamlit, optviz; "
              "print(all(m in sys.modules for m in ('pandas', 'plotly.graph_objects', 'optviz.ui_playground', "
              "'optviz.ui_mlp', 'optviz.plots.fundamentals2', 'optviz.plots.common')))")
    assert out == "True"


def test_app_modules_are_every_module_on_disk_but_the_command_line():
    on_disk = {f"optviz.{p.stem}" for p in (ROOT / "optviz").glob("*.py")} | {
        f"optviz.plots.{p.stem}" for p in (ROOT / "optviz" / "plots").glob("*.py")} | {"optviz.plots"}
    skipped = {"optviz.__init__", "optviz.__main__", "optviz.cli", "optviz.preload", "optviz.plots.__init__"}
    assert set(preload.app_modules()) == on_disk - skipped
