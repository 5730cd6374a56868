"""Widgets and state of the activations page (Streamlit)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from . import activations as A
from .ui import UrlState, tr

PRESETS = {
    "course_basic": dict(acts=["sigmoid", "tanh", "relu"], layout="overlay"),
    "step_vs_sigmoid": dict(acts=["step", "sigmoid"], layout="overlay"),
    "relu_family": dict(acts=["relu", "leaky_relu", "elu"], layout="overlay", leaky_alpha=0.1),
    "smooth_modern": dict(acts=["swish", "gelu", "softplus", "elu"], layout="grid"),
}
DEFAULTS = dict(acts=["sigmoid", "tanh", "relu"], layout="overlay", xmin=-5.0, xmax=5.0, leaky_alpha=0.01,
                elu_alpha=1.0, swish_beta=1.0, scores="2.0, 1.0, 0.1", temperature=1.0)
BOUNDS = dict(xmin=(-20.0, 0.0), xmax=(0.0, 20.0), leaky_alpha=(0.0, 1.0), elu_alpha=(0.0, 5.0),
              swish_beta=(0.1, 10.0), temperature=(0.05, 10.0))


def apply_preset(preset: str) -> None:
    values = {**DEFAULTS, **PRESETS[preset]}
    for k, v in values.items():
        st.session_state[f"act_{k}"] = v


def _on_preset() -> None:
    if st.session_state.get("act_preset") in PRESETS:
        apply_preset(st.session_state["act_preset"])


def init_state(url: UrlState) -> None:
    if st.session_state.get("act_init"):
        return
    st.session_state["act_init"] = True
    apply_preset("course_basic")
    st.session_state["act_preset"] = "course_basic"
    ss = st.session_state
    ss["act_acts"] = url.choices("acts", ss["act_acts"], A.NAMES)
    ss["act_layout"] = url.choice("layout", ss["act_layout"], ["overlay", "grid"])
    for key, (lo, hi) in BOUNDS.items():
        ss[f"act_{key}"] = url.number(key, ss[f"act_{key}"], lo, hi)
    ss["act_scores"] = url.text("scores", ss["act_scores"], max_len=300)
    if any(k in st.query_params for k in ("acts", "layout", "xmin", "xmax")):
        ss["act_preset"] = ""


def sidebar() -> dict:
    sb = st.sidebar
    sb.selectbox(tr("activations.preset"), ["", *PRESETS], key="act_preset", on_change=_on_preset,
                 format_func=lambda p: tr(f"activations.preset_{p}") if p else tr("activations.preset_none"))
    sb.multiselect(tr("activations.choose"), A.NAMES, key="act_acts", placeholder=tr("common.choose"),
                   format_func=lambda n: tr(f"activations.name_{n}"))
    sb.radio(tr("activations.layout"), ["overlay", "grid"], key="act_layout", horizontal=True,
             format_func=lambda v: tr(f"activations.layout_{v}"))
    c1, c2 = sb.columns(2)
    c1.number_input(tr("activations.xmin"), *BOUNDS["xmin"], key="act_xmin", step=1.0)
    c2.number_input(tr("activations.xmax"), *BOUNDS["xmax"], key="act_xmax", step=1.0)
    chosen = st.session_state["act_acts"]
    if "leaky_relu" in chosen:
        sb.slider(tr("activations.leaky_alpha"), *BOUNDS["leaky_alpha"], key="act_leaky_alpha", step=0.01)
    if "elu" in chosen:
        sb.slider(tr("activations.elu_alpha"), *BOUNDS["elu_alpha"], key="act_elu_alpha", step=0.1)
    if "swish" in chosen:
        sb.slider(tr("activations.swish_beta"), *BOUNDS["swish_beta"], key="act_swish_beta", step=0.1)
    return {k: st.session_state.get(f"act_{k}", DEFAULTS[k]) for k in DEFAULTS}


def build(settings: dict) -> list:
    params = {"leaky_relu": {"alpha": settings["leaky_alpha"]}, "elu": {"alpha": settings["elu_alpha"]},
              "swish": {"beta": settings["swish_beta"]}}
    return [A.get(n, **params.get(n, {})) for n in settings["acts"]]


def _range(lo: float, hi: float) -> str:
    def fmt(v):
        return "∞" if v == np.inf else "−∞" if v == -np.inf else f"{v:.4g}"
    return f"({fmt(lo)}, {fmt(hi)})"


def properties_table(acts) -> dict[str, list]:
    yes, no = tr("activations.yes"), tr("activations.no")
    return {
        tr("activations.col_name"): [a.name for a in acts],
        tr("activations.col_range"): [_range(*a.output_range) for a in acts],
        tr("activations.col_zero_centered"): [yes if a.zero_centered else no for a in acts],
        tr("activations.col_monotonic"): [yes if a.monotonic else no for a in acts],
        tr("activations.col_max_derivative"): [round(float(a.max_derivative), 4) for a in acts],
        tr("activations.col_saturates"): [tr(f"activations.saturates_{a.name}") for a in acts],
        tr("activations.col_zero_gradient"): [tr(f"activations.zero_grad_{a.name}") for a in acts],
        tr("activations.col_cost"): [tr(f"activations.cost_{a.relative_cost}") for a in acts],
    }
