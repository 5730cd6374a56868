"""The layers (pages → optviz.app → optviz.plots → the numeric core): the core imports neither
streamlit nor plotly nor the glue, whether streamlit is loaded or not; only optviz/app, app.py and
pages/ import streamlit; the app's first session imports every module in one thread
(optviz/app/preload.py)."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from optviz.app import preload

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted(p for p in (ROOT / "optviz").glob("*.py") if p.stem != "__main__")
GLUE = ("streamlit", "plotly", "pandas", "optviz.app", "optviz.plots")


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120).stdout.strip()


def loaded(names=GLUE) -> str:
    return f"print(sorted(m for m in sys.modules if m.split('.')[0] in {names!r} or m.startswith({names!r})))"


@pytest.mark.parametrize("streamlit_first", [False, True])
def test_importing_optviz_and_every_core_module_loads_no_glue(streamlit_first):
    modules = ", ".join(f"optviz.{p.stem}" for p in CORE if p.stem != "__init__")
    before = "import streamlit; " if streamlit_first else ""
    names = ("optviz.app", "optviz.plots") if streamlit_first else GLUE  # streamlit itself loads plotly and pandas
    out = run(f"import sys; {before}import optviz, {modules}; "
              "optviz.optimize('rosenbrock', 'adam', (0, 0), 5); " + loaded(names))
    assert out == "[]"


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [*CORE, *sorted((ROOT / "optviz" / "plots").glob("*.py"))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_below_the_glue_names_streamlit(path):
    text = path.read_text(encoding="utf-8")
    assert not any(n.split(".")[0] == "streamlit" for n in imports_of(path)), path
    assert "from .app" not in text and "from ..app" not in text and "import optviz.app" not in text, path


def test_in_the_app_importing_the_glue_loads_every_page_module_at_once():
    out = run("import sys, streamlit, optviz.app; "
              "print(all(m in sys.modules for m in ('pandas', 'plotly.graph_objects', 'optviz.app.playground', "
              "'optviz.app.mlp', 'optviz.plots.autoencoder', 'optviz.plots.common', 'optviz.expr')))")
    assert out == "True"


def test_app_modules_are_every_module_on_disk_but_the_command_line():
    on_disk = {f"optviz.{p.stem}" for p in (ROOT / "optviz").glob("*.py")} | {"optviz.plots", "optviz.app"}
    for sub in ("plots", "app"):
        on_disk |= {f"optviz.{sub}.{p.stem}" for p in (ROOT / "optviz" / sub).glob("*.py")}
    skipped = {"optviz.__init__", "optviz.__main__", "optviz.cli", "optviz.app.preload", "optviz.plots.__init__",
               "optviz.app.__init__"}
    assert set(preload.app_modules()) == on_disk - skipped
