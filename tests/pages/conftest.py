from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _run_through_navigation() -> None:
    """AppTest resets Streamlit's legacy pages/ flag before every run, so after switch_page each run
    would execute the page file alone (and optviz's guard would rerun it through app.py, losing a
    button's click). A real server clears the flag for good on its first st.navigation call; do
    the same here, so every run goes through app.py as in the browser."""
    from streamlit.runtime import pages_manager

    init = pages_manager.PagesManager.__init__
    if getattr(init, "_optviz", False):
        return

    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    patched._optviz = True
    pages_manager.PagesManager.__init__ = patched


_run_through_navigation()
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def open_page(page: str | None = None, timeout: float = 60, **query) -> AppTest:
    """Run app.py (with its navigation and language selector) and switch to ``pages/<page>``."""
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
