"""The app's pages, defined once: app.py's navigation and the home page's list both read ``PAGES``."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]  # the checkout: app.py and pages/


class Page(NamedTuple):
    """A page: its file ``pages/<name>.py``, URL path ``/<name>``, glue ``optviz.app.<name>`` (when it
    has one), plots ``optviz.plots.<name>``, catalog ``locales/<lang>/<name>.json``, and strings
    ``<name>.*``; its title is ``app.nav.<name>``."""
    name: str
    icon: str

    @property
    def file(self) -> str:
        return f"pages/{self.name}.py"

    @property
    def title_key(self) -> str:
        return f"app.nav.{self.name}"


PAGES = (
    Page("home", "🏠"),
    Page("playground", "🏁"),
    Page("activations", "〰️"),
    Page("vanishing", "📉"),
    Page("mlp", "🧠"),
    Page("learning_rate", "📏"),
    Page("line_fitting", "📈"),
    Page("batch_modes", "🎲"),
    Page("loss_functions", "🎯"),
    Page("perceptron", "🔌"),
    Page("forward", "➡️"),
    Page("backprop", "🔁"),
    Page("autoencoder", "🗜️"),
)
HOME = PAGES[0].name


def present() -> list[Page]:
    """The pages whose file exists (a checkout may hold a subset)."""
    return [p for p in PAGES if (ROOT / p.file).exists()]
