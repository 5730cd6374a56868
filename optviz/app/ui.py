"""Streamlit glue shared by the pages: language, translated text, and settings kept in the URL.

Only this module and the pages import streamlit; the numeric core and the plotting module never do.
"""
from __future__ import annotations

import html
import math
import runpy
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable

import streamlit as st

from .. import budget, i18n, optimizers, worker

LANG_NAMES = {"en": "English", "ja": "日本語"}
_LANG_KEY = "lang"  # the session's language, in its own session state (see language_selector)
_LANG_WIDGET = "lang_choice"  # the sidebar's language selectbox


# --- language ------------------------------------------------------------------------------------

def _language_chosen() -> None:
    st.session_state[_LANG_KEY] = st.session_state[_LANG_WIDGET]


def language_selector() -> str:
    """Sidebar language choice, started from ``?lang=`` and kept in the session and the URL.

    The language is ``st.session_state["lang"]``, not the widget's state: Streamlit derives a
    widget's identity from the page that runs it, and a fresh server's first session runs app.py
    once as a page of the legacy ``pages/`` mode (until app.py's ``st.navigation`` turns that mode
    off), so its widgets there are other widgets than in every later run. Kept by the widget, the
    language fell back to English on the next run (the first click on a page), and a language
    chosen in that first run was dropped. A widget's callback runs even when the widget has been
    replaced, so the choice reaches the session either way."""
    if _LANG_KEY not in st.session_state:
        st.session_state[_LANG_KEY] = i18n.normalize_lang(st.query_params.get("lang"))
    lang = st.session_state[_LANG_KEY]
    st.sidebar.selectbox(i18n.t("app.sidebar.language", lang), i18n.LANGS, index=i18n.LANGS.index(lang),
                         format_func=LANG_NAMES.get, key=_LANG_WIDGET, on_change=_language_chosen)
    st.query_params["lang"] = lang
    return lang


_RUN = threading.local()  # set while app.py (the navigation) is running in this script thread


@contextmanager
def app_run():
    """app.py wraps its whole run in this, so pages can tell they were reached through it."""
    _RUN.in_app = True
    worker.warm()  # the worker processes for heavy work, started once (then nothing to do)
    try:
        with budget.light():  # heavy work in other sessions makes way for this run
            yield
    finally:
        _RUN.in_app = False


def app_frame(page_file: str) -> None:
    """A page's first call (``app_frame(__file__)``): make sure the page runs inside app.py (its
    navigation, language and presentation mode).

    Streamlit keeps its legacy ``pages/`` mode until a session has run ``st.navigation``: until
    then a deep link runs ``pages/<page>.py`` alone (a fresh server's first visitor, and a room of
    visitors opening links at once). Then run app.py here, as that mode runs it for ``/``: its
    ``st.navigation`` turns the mode off for every session and runs this page inside it; the lone
    run stops after that."""
    if getattr(_RUN, "in_app", False):
        return
    runpy.run_path(str(Path(page_file).resolve().parents[1] / "app.py"), run_name="__main__")
    st.stop()


def current_lang() -> str:
    """The session's language: the selector's (app.py), else ``?lang=``."""
    return i18n.normalize_lang(st.session_state.get(_LANG_KEY, st.query_params.get("lang")))


def tr(key: str, **fmt) -> str:
    """The message ``key`` in the session's language, as Markdown: text values in ``fmt`` (a user's
    expression, a CSV cell, a link's value) are shown as plain text, never as links, HTML or maths."""
    return i18n.markdown(key, current_lang(), **fmt)


def plot_tr(key: str, **fmt) -> str:
    """The message ``key`` for a plotly figure (titles, legends, axes): plotly reads no Markdown but
    renders a few HTML tags (<a href>, <b>), so text values in ``fmt`` are HTML-escaped instead."""
    return i18n.t(key, current_lang(), **{k: html.escape(v, quote=False) if isinstance(v, str) else v
                                          for k, v in fmt.items()})


# The optimizers' hyperparameters other than lr, as number inputs accept them (and a link)
# from the optimizers' definitions (optviz.optimizers): the range a page or a link accepts
HYPERPARAM_BOUNDS = {name: span for name, span in optimizers.bounds().items() if name != "lr"}


def hyperparam_step(name: str, default: float) -> float:
    """The +/− step of a hyperparameter's number input: a tenth of ε's default, 0.001 of a decay
    (weight decay, NAdam's momentum decay), 0.01 of a β or ρ."""
    return default / 10 if name == "eps" else 0.001 if name.endswith("decay") else 0.01


def lr_step(lr: float) -> float:
    """The +/− step of a learning-rate input: one unit of its leading digit (0.003 → 0.001, so
    + gives 0.004), and a tenth of that at a power of ten (0.001 → 0.0001), so that − goes on
    down (0.0009) instead of to zero."""
    try:
        lr = float(lr)
    except (TypeError, ValueError):
        return 0.001
    if not (math.isfinite(lr) and lr > 0):
        return 0.001
    e = math.floor(math.log10(lr))
    return 10.0 ** (e - 1 if lr / 10.0 ** e < 1.05 else e)


def keep_widgets(store: str, keys) -> None:
    """Keep widget values that Streamlit drops: it forgets the value of a widget a run does not
    draw (another page was open, a slider hidden by a choice, everything below an error), so a
    later run would bring the widget back at its minimum, or raise a KeyError. Call at the top of
    a run: a key still present is remembered under ``store`` (a key no widget owns), a missing one
    is put back from there — or, when ``keys`` is a dict, from its default there."""
    ss = st.session_state
    kept = ss.setdefault(store, {})
    defaults = keys if isinstance(keys, dict) else {}
    for key in keys:
        if key in ss:
            kept[key] = ss[key]
        elif key in kept:
            ss[key] = kept[key]
        elif key in defaults:
            ss[key] = defaults[key]


def coded_message(prefix: str, error) -> str:
    """A core refusal (``optviz.errors.CodedError``) in the session's language: the catalog's
    message ``prefix + code`` (``"expr."`` + ``"syntax"``), filled with the error's params."""
    return tr(prefix + error.code, **error.params)


def counted(key: str, n: int, **fmt) -> str:
    """'1 layer' / '30 layers': the catalog's ``key_one`` for 1, ``key`` otherwise."""
    return tr(f"{key}_one" if n == 1 else key, n=n, **fmt)


# --- presentation mode (projector) -------------------------------------------------------------

_PRESENT_KEY = "present"  # the sidebar switch
_PRESENTING = "presenting"  # presentation mode, in the session's own state (as the language)
_PRESENT_CSS = """<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 21px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.15rem; }
h1 { font-size: 2.6rem !important; }
</style>"""


def presentation_from_url() -> bool:
    """Presentation mode: the session's, else as the URL asks (``?present=1``); for ``st.set_page_config``."""
    return st.session_state.get(_PRESENTING, st.query_params.get("present") in ("1", "true"))


def _presentation_switched() -> None:
    st.session_state[_PRESENTING] = st.session_state[_PRESENT_KEY]


def presentation_toggle() -> bool:
    """Sidebar switch for larger fonts and lines and taller figures; kept in the session and the
    URL (in the session's own state, not the switch's, for the reason given in language_selector)."""
    if _PRESENTING not in st.session_state:
        st.session_state[_PRESENTING] = presentation_from_url()
    on = st.session_state[_PRESENTING]
    st.sidebar.toggle(tr("app.sidebar.presentation"), value=on, key=_PRESENT_KEY,
                      help=tr("app.sidebar.presentation_help"), on_change=_presentation_switched)
    if on:
        st.query_params["present"] = "1"
        st.html(_PRESENT_CSS)
    elif "present" in st.query_params:
        del st.query_params["present"]
    return on


def presenting() -> bool:
    return bool(st.session_state.get(_PRESENTING, False))


def in_pieces(text: str, fn, calls: list[tuple]) -> list:
    """``[fn(*args) for args in calls]`` for a function of ``optviz.memo``, one call per piece of
    work. When any call must compute, a progress bar moves between the pieces: each update hands
    control to Streamlit, which ends the run there when the tab has closed or the user clicked
    something else, so a user who has gone costs at most the piece under way (or, for a piece in a
    worker process, half a second of it: the worker is stopped)."""
    if all(fn.stored(*args) for args in calls):
        return [fn(*args) for args in calls]
    bar = st.progress(0.0, text=text)
    out = []
    for k, args in enumerate(calls):
        # heavy pieces compute in a worker process (optviz.worker); while this thread waits, the bar
        # is sent again every half second, which is where Streamlit stops a run whose user has gone
        with worker.ticking(lambda f=k / len(calls): bar.progress(f, text=text)):
            out.append(fn(*args))
        bar.progress((k + 1) / len(calls), text=text)
    bar.empty()
    return out


def chart(fig, **kwargs):
    """``st.plotly_chart`` with the app's defaults; in presentation mode fonts, lines and the figure
    grow so that one figure fills a projector screen."""
    if presenting():
        from ..plots.common import presentation

        presentation(fig)
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("config", {"displaylogo": False})
    return st.plotly_chart(fig, **kwargs)


def chart_points(key: str) -> list[dict]:
    """The points of the last click on the chart with ``key``."""
    return (st.session_state.get(key) or {}).get("selection", {}).get("points", [])


def scrub_value(points: list[dict], values, scalar: bool = False) -> float | None:
    """The value of a click on a scrubbed trace, snapped to ``values``, the values the figure was
    drawn with (float32 customdata reads 0.0013300000596 for 0.00133); None for a click on anything
    else. The scrubbed trace's points carry [index, value], or (``scalar``) the value alone."""
    for pt in points:
        cd = pt.get("customdata")
        if isinstance(cd, dict):  # a row of a typed array arrives as {"0": index, "1": value}
            cd = [cd.get("0"), cd.get("1")]
        if scalar and isinstance(cd, (int, float)):
            cd = [None, cd]
        if isinstance(cd, (list, tuple)) and len(cd) == 2 and isinstance(cd[1], (int, float)) \
                and math.isfinite(cd[1]) and values:
            return min(values, key=lambda v: abs(v - float(cd[1])))
    return None


def scrub_chart(fig, key: str, values, target: str, scalar: bool = False, on_pick=None) -> None:
    """A figure with an in-figure value slider (plots.common.value_slider); a click on a point that
    carries the value (see ``scrub_value``) sets the widget ``target`` to it, so the page and its
    link follow; then ``on_pick()``, if given."""
    st.session_state[key + "_values"] = [float(v) for v in values]

    def pick():
        value = scrub_value(chart_points(key), st.session_state.get(key + "_values"), scalar)
        if value is not None:
            st.session_state[target] = value
            if on_pick is not None:
                on_pick()

    chart(fig, key=key, on_select=pick, selection_mode="points")


def app_link(query: dict, path: str | None = None) -> str:
    """An absolute link to this app with ``query``: on ``path`` ("/" the home page), or on the page
    this session shows; a relative one when the app's address is unknown (tests)."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    parts = urlsplit(st.context.url or "")
    encoded = urlencode(query)
    if not parts.netloc:
        return (path or "") + "?" + encoded
    return urlunsplit((parts.scheme, parts.netloc, parts.path if path is None else path, encoded, ""))


SHARE_KEY = "share_open"  # the share box's expander (open or not)


def share_link() -> None:
    """Sidebar box with the link to exactly this view (every setting is in the query string);
    the code box has a copy button. The box's content is drawn only while it is open (opening it
    reruns the page): a code box makes every new tab load Streamlit's syntax highlighter, about
    0.4 s of the browser's work before the first chart is drawn, for a box that is closed."""
    box = st.sidebar.expander(tr("app.sidebar.share"), key=SHARE_KEY, on_change="rerun")
    if box.open:
        with box:
            st.code(app_link({k: st.query_params[k] for k in st.query_params}), language=None, wrap_lines=True)
            st.caption(tr("app.sidebar.share_help"))


# --- settings in the URL -------------------------------------------------------------------------

class UrlState:
    """Reads a page's settings from ``st.query_params`` with defaults and bounds.

    A value that is malformed or out of range falls back to its default and is remembered, so the
    page can say so (``show_fallbacks``) instead of failing. ``widget`` seeds a widget's session
    value from the URL on the first run only; ``write`` puts the current settings back in the URL.
    """

    def __init__(self, prefix: str = ""):
        self.prefix = prefix
        self.fallbacks: list[str] = []

    def _raw(self, key: str) -> str | None:
        return st.query_params.get(self.prefix + key)

    def _fallback(self, key: str, default: Any) -> Any:
        raw = str(self._raw(key))
        shown = raw if len(raw) <= 40 else raw[:40] + "…"  # a 5000-character value is not repeated whole
        self.fallbacks.append(f"{self.prefix}{key}={shown}")
        return default

    def number(self, key: str, default: float, lo: float, hi: float, integer: bool = False):
        raw = self._raw(key)
        if raw is None:
            return default
        try:
            v = float(raw)
        except ValueError:
            return self._fallback(key, default)
        if not math.isfinite(v) or not lo <= v <= hi or (integer and v != int(v)):
            return self._fallback(key, default)
        return int(v) if integer else v

    def choice(self, key: str, default: str, options: Iterable[str]) -> str:
        raw = self._raw(key)
        if raw is None:
            return default
        return raw if raw in set(options) else self._fallback(key, default)

    def choices(self, key: str, default: list[str], options: Iterable[str],
                max_items: int | None = None) -> list[str]:
        """A comma-separated selection: each option once (a repeat is dropped), at most
        ``max_items``; an unknown option, a repeat or too many items is noted as a fallback."""
        raw = self._raw(key)
        if raw is None:
            return list(default)
        items = [s for s in raw.split(",") if s]
        allowed = set(options)
        if not items or any(s not in allowed for s in items):
            return self._fallback(key, list(default))
        unique = list(dict.fromkeys(items))[:max_items]
        if unique != items:  # keep what can be kept, and say what was changed
            self._fallback(key, None)
        return unique

    def flag(self, key: str, default: bool) -> bool:
        raw = self._raw(key)
        if raw is None:
            return default
        if raw in ("1", "true", "0", "false"):
            return raw in ("1", "true")
        return self._fallback(key, default)

    def text(self, key: str, default: str, max_len: int = 200) -> str:
        raw = self._raw(key)
        if raw is None:
            return default
        return raw if len(raw) <= max_len else self._fallback(key, default)

    @staticmethod
    def widget(key: str, value: Any) -> str:
        """Seed the session value of widget ``key`` (first run only) and return the key."""
        if key not in st.session_state:
            st.session_state[key] = value
        return key

    def write(self, values: dict[str, Any]) -> None:
        """Put ``values`` in the URL (replacing this page's old ones), keeping the language."""
        def fmt(v):
            if isinstance(v, bool):
                return "1" if v else "0"
            if isinstance(v, (list, tuple)):
                return ",".join(fmt(x) for x in v)
            if isinstance(v, float):
                return repr(v)
            return str(v)

        unknown = []
        for k in [k for k in st.query_params if k.startswith(self.prefix) and k not in ("lang", "present")]:
            if k[len(self.prefix):] not in values:
                unknown.append(f"{k}={str(st.query_params[k])[:40]}")
                del st.query_params[k]
        # the link a session opened with (its first run) may come from another version of the app:
        # say which of its settings this page does not know, instead of dropping them silently
        if unknown and not st.session_state.get("_optviz_link_checked"):
            st.toast(tr("app.url.unknown", items=", ".join(unknown)), icon="🔗")
        st.session_state["_optviz_link_checked"] = True
        st.query_params.update({self.prefix + k: fmt(v) for k, v in values.items()})

    def show_fallbacks(self) -> None:
        if self.fallbacks:
            st.info(tr("app.url.fallback", items=", ".join(self.fallbacks)))
