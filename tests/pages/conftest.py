from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def open_page(page: str | None = None, timeout: float = 60, **query) -> AppTest:
    """Run app.py (with its navigation and language selector) and switch to ``pages/<page>``.

    AppTest starts every run in Streamlit's legacy ``pages/`` mode, as a fresh server does, so after
    the switch each run executes the page file alone: its ``app_frame(__file__)`` runs app.py around
    it, as in the browser."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"pages/{page}")
        at.run()
    return at


def all_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                 "error", "success"):
        parts += [shown(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


@pytest.fixture
def page():
    return open_page


def shown(markdown: str) -> str:
    """The text a reader sees of a Markdown message whose values were escaped (``\\=`` shows ``=``)."""
    import re
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown))
