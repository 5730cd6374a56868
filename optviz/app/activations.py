"""Widgets, URL state, cached computations and tables of the activations page (Streamlit).
The functions live in ``optviz.activations``, the figures in ``optviz.plots.activations``."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from .. import activations as A
from .. import i18n
from ..plots import activations as plots
from .ui import UrlState, counted, current_lang, keep_widgets, tr

# Presets reproduce the course's figures: notes 003 draw sigmoid, tanh, ReLU, Leaky ReLU (α 0.01)
# and ELU (α 1) each beside its derivative on x in [−10, 10]; notes 002 (the book) step, sigmoid, ReLU.
PRESETS = {
    "course_basic": dict(acts=["sigmoid", "tanh", "relu"], layout="overlay"),
    "course_003": dict(acts=["sigmoid", "tanh", "relu", "leaky_relu", "elu"], layout="grid",
                       xmin=-10.0, xmax=10.0),
    "course_002": dict(acts=["step", "sigmoid", "relu"], layout="overlay"),
    "step_vs_sigmoid": dict(acts=["step", "sigmoid"], layout="overlay"),
    "relu_family": dict(acts=["relu", "leaky_relu", "elu"], layout="overlay", xmin=-3.0, xmax=3.0,
                        leaky_alpha=0.1),
    "smooth_modern": dict(acts=["swish", "gelu", "softplus", "elu"], layout="grid"),
}
DEFAULT_PRESET = "course_basic"
CHART_DEFAULTS = dict(acts=["sigmoid", "tanh", "relu"], layout="overlay", xmin=-5.0, xmax=5.0, leaky_alpha=0.01,
                      elu_alpha=1.0, swish_beta=1.0)
DEFAULTS = dict(CHART_DEFAULTS, depth=30, scores="2.0, 1.0, 0.1", temperature=1.0, scrub="")
BOUNDS = dict(xmin=(-20.0, 0.0), xmax=(0.0, 20.0), leaky_alpha=(0.0, 1.0), elu_alpha=(0.0, 5.0),
              swish_beta=(0.1, 10.0), temperature=(0.05, 10.0))
MAX_DEPTH = 100
LAYOUTS = ("overlay", "grid")


# --- state: presets and the URL -------------------------------------------------------------------

def apply_preset(preset: str) -> None:
    """Set the chart's widgets to a preset (the softmax example and the depth stay as they are)."""
    for k, v in {**CHART_DEFAULTS, **PRESETS[preset]}.items():
        st.session_state[f"act_{k}"] = list(v) if isinstance(v, list) else v


def _on_preset() -> None:
    if st.session_state.get("act_preset") in PRESETS:
        apply_preset(st.session_state["act_preset"])


def _on_custom() -> None:
    """Changing a chart setting by hand leaves the preset; the selector then says so."""
    st.session_state["act_preset"] = ""


def init_state(url: UrlState) -> None:
    """First run of a session: the defaults and the default preset, then whatever the URL says.
    Later runs keep every setting, also of widgets that are not drawn in this run."""
    if st.session_state.get("act_init"):
        _keep_settings()
        return
    st.session_state["act_init"] = True
    ss = st.session_state
    for k, v in DEFAULTS.items():
        ss[f"act_{k}"] = list(v) if isinstance(v, list) else v
    apply_preset(DEFAULT_PRESET)
    ss["act_preset"] = DEFAULT_PRESET
    # an empty list is what the page itself writes when nothing is chosen
    ss["act_acts"] = [] if url.text("acts", "x") == "" else url.choices("acts", ss["act_acts"], A.NAMES)
    ss["act_layout"] = url.choice("layout", ss["act_layout"], LAYOUTS)
    for key, (lo, hi) in BOUNDS.items():
        ss[f"act_{key}"] = url.number(key, ss[f"act_{key}"], lo, hi)
    ss["act_depth"] = url.number("depth", ss["act_depth"], 1, MAX_DEPTH, integer=True)
    ss["act_scores"] = url.text("scores", ss["act_scores"], max_len=A.MAX_SCORES_CHARS)
    ss["act_scrub"] = url.choice("scrub", "", ["", *A.SCRUB_PARAMS])  # the activation whose parameter is scrubbed
    if any(k in st.query_params for k in CHART_DEFAULTS):
        ss["act_preset"] = ""
    _keep_settings()


def _keep_settings() -> None:
    """The α slider once Leaky ReLU is deselected, the depth slider while nothing is chosen: kept."""
    keep_widgets("act_kept", {**{f"act_{k}": v for k, v in DEFAULTS.items()}, "act_preset": ""})


def url_values() -> dict:
    return {k: st.session_state[f"act_{k}"] for k in DEFAULTS}


def sidebar() -> dict:
    sb = st.sidebar
    fixed = _tr(current_lang())  # format_func may be called outside the run (AppTest): bind the language
    sb.selectbox(tr("activations.preset"), ["", *PRESETS], key="act_preset", on_change=_on_preset,
                 format_func=lambda p: fixed(f"activations.preset_{p}" if p else "activations.preset_none"))
    kw = dict(on_change=_on_custom)
    sb.multiselect(tr("activations.choose"), A.NAMES, key="act_acts",
                   format_func=lambda n: fixed(f"activations.name_{n}"), **kw)
    sb.radio(tr("activations.layout"), LAYOUTS, key="act_layout", horizontal=True,
             format_func=lambda v: fixed(f"activations.layout_{v}"), **kw)
    c1, c2 = sb.columns(2)
    c1.number_input(tr("activations.xmin"), *BOUNDS["xmin"], key="act_xmin", step=1.0, **kw)
    c2.number_input(tr("activations.xmax"), *BOUNDS["xmax"], key="act_xmax", step=1.0, **kw)
    chosen = st.session_state["act_acts"]
    if "leaky_relu" in chosen:
        sb.slider(tr("activations.leaky_alpha"), *BOUNDS["leaky_alpha"], key="act_leaky_alpha", step=0.01,
                  help=tr("activations.leaky_alpha_help"), **kw)
    if "elu" in chosen:
        sb.slider(tr("activations.elu_alpha"), *BOUNDS["elu_alpha"], key="act_elu_alpha", step=0.1, **kw)
    if "swish" in chosen:
        sb.slider(tr("activations.swish_beta"), *BOUNDS["swish_beta"], key="act_swish_beta", step=0.01,
                  help=tr("activations.swish_beta_help"), **kw)
    return {k: st.session_state[f"act_{k}"] for k in DEFAULTS}


SCRUB_WIDGETS = {"leaky_relu": "act_leaky_alpha", "elu": "act_elu_alpha", "swish": "act_swish_beta"}
on_scrub_pick = _on_custom  # a value written back from the chart is a change by hand


def scrub_controls(acts: list[A.Activation]) -> str:
    """The scrub switch (with the activation to scrub when several have a parameter): the name of
    the activation whose parameter the chart's slider moves, or "" when off."""
    names = [a.name for a in acts if a.name in A.SCRUB_PARAMS]
    if not names:
        return ""
    ss = st.session_state
    if "act_scrub_on" not in ss:  # from the link (act_scrub) on the first run; a widget's own state after
        ss["act_scrub_on"] = ss.get("act_scrub") in names
    if not st.toggle(tr("activations.scrub"), key="act_scrub_on", help=tr("activations.scrub_help")):
        ss["act_scrub"] = ""
        return ""
    if ss.get("act_scrub") not in names:
        ss["act_scrub"] = names[0]
    if len(names) > 1:
        fixed = _tr(current_lang())
        st.radio(tr("activations.scrub_which"), names, key="act_scrub", horizontal=True,
                 format_func=lambda n: fixed(f"activations.name_{n}"))
    return ss["act_scrub"]


def scrub_figure(key: tuple, name: str, lo: float, hi: float, side_by_side: bool, lang: str):
    """The curves with activation ``name``'s parameter under the chart's slider; (figure, values)."""
    which = [n for n, _ in key].index(name)
    param = A.SCRUB_PARAMS[name][0]
    values = A.scrub_values(name, dict(key[which][1])[param])
    return _scrub_figure(key, which, tuple(values), lo, hi, side_by_side, lang), values


@st.cache_data(max_entries=50, show_spinner=False)
def _scrub_figure(key: tuple, which: int, values: tuple, lo: float, hi: float, side_by_side: bool, lang: str):
    name, params = key[which]
    param = A.SCRUB_PARAMS[name][0]
    current = values.index(dict(params)[param])
    variants = [A.get(name, **{param: v}) for v in values]
    return plots.curves_scrub(build(key), A.x_grid(lo, hi, plots.SCRUB_POINTS), which, variants, values, current,
                              side_by_side=side_by_side, tr=_tr(lang))


# --- the chosen activations and the computations behind the page (cached) ------------------------

def spec(settings: dict) -> tuple:
    """The chosen activations with their parameters, as a hashable key for the caches."""
    params = {"leaky_relu": (("alpha", float(settings["leaky_alpha"])),),
              "elu": (("alpha", float(settings["elu_alpha"])),),
              "swish": (("beta", float(settings["swish_beta"])),)}
    return tuple((n, params.get(n, ())) for n in settings["acts"])


def build(key: tuple) -> list[A.Activation]:
    return [A.get(name, **dict(params)) for name, params in key]


def x_range(settings: dict) -> tuple[float, float]:
    lo, hi = float(settings["xmin"]), float(settings["xmax"])
    if lo < hi:
        return lo, hi
    st.warning(tr("activations.bad_range"))
    return CHART_DEFAULTS["xmin"], CHART_DEFAULTS["xmax"]


@st.cache_data(max_entries=200, show_spinner=False)
def curves_figure(key: tuple, lo: float, hi: float, side_by_side: bool, lang: str):
    return plots.curves(build(key), A.x_grid(lo, hi), side_by_side=side_by_side, tr=_tr(lang))


@st.cache_data(max_entries=200, show_spinner=False)
def depth_figure(key: tuple, depth: int, lang: str):
    acts, depths = build(key), np.arange(1, depth + 1)
    return plots.depth_bound(acts, depths, [A.gradient_bound(a, depths) for a in acts], tr=_tr(lang))


@st.cache_data(max_entries=200, show_spinner=False)
def softmax_figure(scores: tuple, probs: tuple, lang: str):
    return plots.softmax_bars(np.array(scores), np.array(probs), tr=_tr(lang))


def saturation(key: tuple) -> list:
    return [_saturation_edges(item) for item in key]


@st.cache_data(max_entries=500, show_spinner=False)
def _saturation_edges(item: tuple) -> tuple:
    """One activation at a time: a changed α recomputes only the activation it belongs to."""
    return A.saturation_edges(build((item,))[0])


@st.cache_data(max_entries=4, show_spinner=False)
def neuron_example(lang: str):
    """The one-neuron example of the step section: figure and the numbers quoted under it."""
    c = A.neuron_comparison()
    return plots.neuron_example(c.w, c.curves, c.paths, tr=_tr(lang)), c.summary


def _tr(lang: str):
    return lambda key, **fmt: i18n.t(key, lang, **fmt)


# --- text and tables -------------------------------------------------------------------------------

def num(v: float, digits: int = 3) -> str:
    """A number for a reader: ∞ and a real minus sign."""
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v + 0.0:.{digits}g}".replace("-", "−")  # + 0.0 turns −0 into 0


def output_range(a: A.Activation) -> str:
    if a.outputs is not None:
        return "{" + ", ".join(num(v) for v in a.outputs) + "}"
    lo, hi = a.output_range
    left = "[" if a.range_attained[0] else "("
    right = "]" if a.range_attained[1] else ")"
    return f"{left}{num(lo, 4)}, {num(hi, 4)}{right}"


def saturates_text(edges: tuple) -> str:
    left, right = edges
    if left == math.inf:
        return tr("activations.sat_everywhere")
    if left is None and right is None:
        return tr("activations.sat_never")
    if right is None:
        return tr("activations.sat_left", a=num(left))
    if left is None:
        return tr("activations.sat_right", b=num(right))
    if math.isclose(-left, right, rel_tol=1e-6):
        return tr("activations.sat_symmetric", b=num(right))
    return tr("activations.sat_both", a=num(left), b=num(right))


def zero_gradient_text(a: A.Activation) -> str:
    if a.dead_region == "point":
        return tr("activations.zero_point", x=num(a.zero_derivative_at))
    return tr(f"activations.zero_{a.dead_region}")


def properties_table(acts, edges) -> dict[str, list]:
    yes, no = tr("activations.yes"), tr("activations.no")
    return {
        tr("activations.col_name"): [plots.label(a) for a in acts],
        tr("activations.col_range"): [output_range(a) for a in acts],
        tr("activations.col_zero_centered"): [yes if a.zero_centered else no for a in acts],
        tr("activations.col_monotonic"): [yes if a.monotonic else no for a in acts],
        tr("activations.col_max_derivative"): [round(float(a.max_derivative), 4) for a in acts],
        tr("activations.col_saturates", tol=A.SATURATION_TOL): [saturates_text(e) for e in edges],
        tr("activations.col_zero_gradient"): [zero_gradient_text(a) for a in acts],
        tr("activations.col_cost"): [tr(f"activations.cost_{a.relative_cost}") for a in acts],
    }


def formulas(acts) -> None:
    for a in acts:
        st.latex(rf"{a.tex_name}(x) = {a.latex} \qquad {a.tex_name}'(x) = {a.dlatex}")


def depth_notes(acts, depth: int) -> list[str]:
    """Plain-language reading of the depth chart for the chosen activations."""
    notes = []
    by_name = {a.name: a for a in acts}
    layers = counted("activations.count_layers", depth)
    if "sigmoid" in by_name:
        notes.append(tr("activations.sigmoid_depth", layers=layers,
                        g=float(A.gradient_bound(by_name["sigmoid"], depth))))
    if "step" in by_name:
        notes.append(tr("activations.step_depth"))
    grow = [plots.label(a) for a in acts if a.max_derivative > 1]
    if grow:
        notes.append(tr("activations.grow_depth", names=", ".join(grow), layers=layers,
                        g=num(max(float(A.gradient_bound(a, depth)) for a in acts if a.max_derivative > 1))))
    for group in plots.coinciding(acts):
        notes.append(tr("activations.same_line", names=", ".join(plots.label(a) for a in group),
                        m=num(float(group[0].max_derivative), 4)))
    notes.append(tr("activations.depth_caveat"))
    return notes


def scores_error(e: A.ScoresError) -> str:
    return tr(f"activations.scores_error_{e.code}", n=A.MAX_SCORES, chars=A.MAX_SCORES_CHARS,
              max=num(A.MAX_ABS_SCORE))


def naive_failure_text(stages: A.SoftmaxStages, failure: str) -> str:
    """The warning for a textbook softmax that overflows or underflows (see ``A.naive_failure``)."""
    return tr(f"activations.{failure}", z=num(float(stages.scaled.max()), 6))


def softmax_table(stages: A.SoftmaxStages) -> dict[str, list]:
    def col(values, digits=6, underflow=False):
        return [tr("activations.overflow_cell") if np.isinf(v) else "NaN" if np.isnan(v)
                else tr("activations.underflow_cell") if underflow and v == 0 else num(v, digits)
                for v in values]
    # e^(z/T) is never 0 in exact arithmetic: a 0 in that column is an underflow
    return {"z / T": col(stages.scaled), "e^(z/T)": col(stages.naive_exp, underflow=True),
            tr("activations.col_naive"): col(stages.naive),
            "z/T − max": col(stages.shifted), "e^(z/T − max)": col(stages.shifted_exp),
            tr("activations.col_probs"): col(stages.probs)}
