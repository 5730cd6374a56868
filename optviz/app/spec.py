"""Settings plumbing shared by the fundamentals pages: widgets seeded from the URL (or a preset),
a preset menu, and the settings written back to the URL."""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from .ui import UrlState, keep_widgets, tr


@dataclass
class Spec:
    """A page's settings: defaults, number bounds (lo, hi, integer), choices, presets; ``views``
    names settings of how the page shows things (scrub mode), which a preset leaves as they are."""
    page: str
    defaults: dict
    bounds: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    presets: dict = field(default_factory=dict)
    views: tuple = ()

    def preset_values(self, preset: str) -> dict:
        """What choosing ``preset`` sets: every setting but the views."""
        return {k: v for k, v in {**self.defaults, **self.presets[preset]}.items() if k not in self.views}

    def key(self, name: str) -> str:
        return f"{self.page}_{name}"


SPECS: dict[str, Spec] = {}  # every page's Spec by its prefix, as its page first ran (for benchmarks/tools)


def setup(spec: Spec) -> UrlState:
    """First run of a session: every setting from the URL (bad values → defaults, noted).

    Later runs restore what Streamlit dropped: it forgets a widget's value when a run does not
    draw it, so a visit to another page would bring this one back with every slider at its
    minimum (or a KeyError)."""
    SPECS[spec.page] = spec
    url = UrlState()
    ss = st.session_state
    if ss.get(spec.key("init")):
        keep_widgets(spec.key("kept"), {spec.key(name): v for name, v in {**spec.defaults, "preset": ""}.items()})
        chosen = ss.get(spec.key("preset"))
        if chosen in spec.presets and any(ss.get(spec.key(k)) != v for k, v in spec.preset_values(chosen).items()):
            ss[spec.key("preset")] = ""  # changed by hand: the menu no longer names a preset
    else:
        st.session_state[spec.key("init")] = True
        for name, default in spec.defaults.items():
            if name in spec.bounds:
                lo, hi, integer = spec.bounds[name]
                value = url.number(name, default, lo, hi, integer=integer)
            elif name in spec.choices:
                value = url.choice(name, default, spec.choices[name])
            elif isinstance(default, bool):
                value = url.flag(name, default)
            else:
                value = url.text(name, default, max_len=200)
            st.session_state[spec.key(name)] = value
        st.session_state[spec.key("preset")] = ""
        url.show_fallbacks()  # at the top of the page, where it is seen
        keep_widgets(spec.key("kept"), [spec.key(name) for name in [*spec.defaults, "preset"]])
    if spec.presets:
        def apply():
            chosen = st.session_state.get(spec.key("preset"))
            if chosen in spec.presets:
                for name, value in spec.preset_values(chosen).items():
                    st.session_state[spec.key(name)] = value

        st.sidebar.selectbox(tr("app.preset"), ["", *spec.presets], key=spec.key("preset"), on_change=apply,
                             format_func=lambda p: tr(f"{spec.page}.preset_{p}") if p else tr("app.preset_none"))
    return url


def values(spec: Spec) -> dict:
    return {name: st.session_state.get(spec.key(name), d) for name, d in spec.defaults.items()}


def write(spec: Spec, url: UrlState) -> None:
    url.write(values(spec))


PAGE_MAX_UPDATES = 20_000  # one run's updates on a page: a cold run stays well under a second


@st.cache_data(max_entries=64, show_spinner=False)
def fit_gd(x, y, optimizer, epochs, batch_size=None, seed=0, **hyperparams):
    """linefit.fit_gd, cached and thinned to at most 2000 rows: thirty people on the same settings
    cost one computation, and a cache entry stays small."""
    from ..linefit import fit_gd as run

    return run(x, y, optimizer, epochs, batch_size=batch_size, seed=seed, **hyperparams).thinned(2000)
