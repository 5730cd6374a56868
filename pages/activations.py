"""Activation functions side by side: each function and its derivative, their properties, what they
do to a gradient through many layers, why the step cannot learn, and softmax."""
import streamlit as st

from optviz import activations as A
from optviz.app import activations as ui
from optviz.app.ui import UrlState, app_frame, chart, current_lang, scrub_chart, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

st.title(tr("activations.title"))
st.write(tr("activations.intro"))
url = UrlState()
ui.init_state(url)
s = ui.sidebar()
url.show_fallbacks()
lang = current_lang()
key = ui.spec(s)
acts = ui.build(key)

# --- each function beside its derivative -----------------------------------------------------------
if not acts:
    st.info(tr("activations.none_chosen"))
else:
    lo, hi = ui.x_range(s)
    scrubbed = ui.scrub_controls(acts)
    if scrubbed:  # the parameter's every value in the figure, moved by its own slider: no round trip
        fig, values = ui.scrub_figure(key, scrubbed, lo, hi, s["layout"] == "grid", lang)
        scrub_chart(fig, "act_scrub_chart", values, ui.SCRUB_WIDGETS[scrubbed], scalar=True, on_pick=ui.on_scrub_pick)
        st.caption(tr("activations.scrub_tip", name=tr(f"activations.name_{scrubbed}"), count=len(values)))
    else:
        chart(ui.curves_figure(key, lo, hi, s["layout"] == "grid", lang))
    st.caption(tr("activations.curves_caption"))
    with st.expander(tr("activations.formulas"), expanded=len(acts) <= 3):
        ui.formulas(acts)

    st.subheader(tr("activations.properties"))
    # a static table wraps its cells: every column stays readable at any window width
    st.table(ui.properties_table(acts, ui.saturation(key)), hide_index=True)
    st.caption(tr("activations.properties_caption", tol=A.SATURATION_TOL))

    # --- the best case for a gradient crossing L layers ----------------------------------------------
    st.subheader(tr("activations.depth"))
    st.slider(tr("activations.depth_slider"), 1, ui.MAX_DEPTH, key="act_depth")
    chart(ui.depth_figure(key, int(s["depth"]), lang))
    st.markdown("\n".join(f"- {note}" for note in ui.depth_notes(acts, int(s["depth"]))))

# --- why the step function cannot learn -------------------------------------------------------------
st.subheader(tr("activations.step_title"))
st.write(tr("activations.step_text"))
st.latex(A.NEURON_LATEX)
fig, summary = ui.neuron_example(lang)
chart(fig)
ex = A.STEP_EXAMPLE
st.caption(tr("activations.neuron_caption", steps=ex.steps, w0=ex.w0, lr=ex.lr, b=ex.b,
              w_step=summary["step"][0], w_sig=summary["sigmoid"][0], l0=summary["sigmoid"][1],
              l1=summary["sigmoid"][2], l_step=summary["step"][2]))

# --- softmax: scores to probabilities ----------------------------------------------------------------
st.subheader(tr("activations.softmax"))
st.write(tr("activations.softmax_text"))
c1, c2 = st.columns([3, 2])
c1.text_input(tr("activations.scores"), key="act_scores", help=tr("activations.scores_help"))
c2.slider(tr("activations.temperature"), *ui.BOUNDS["temperature"], key="act_temperature", step=0.05,
          help=tr("activations.temperature_help"))
try:
    scores = A.parse_scores(st.session_state["act_scores"])
except A.ScoresError as e:
    st.error(ui.scores_error(e))
else:
    stages = A.softmax_stages(scores, float(st.session_state["act_temperature"]))
    chart(ui.softmax_figure(tuple(scores), tuple(stages.probs), lang))
    st.latex(A.SOFTMAX_LATEX + A.SOFTMAX_STABLE_LATEX)
    st.caption(tr("activations.softmax_formula_caption"))
    failure = A.naive_failure(stages)
    if failure:
        st.warning(ui.naive_failure_text(stages, failure))
    with st.expander(tr("activations.stability"), expanded=failure is not None):
        st.dataframe(ui.softmax_table(stages), hide_index=True, width="stretch")
        st.caption(tr("activations.stable_note"))

url.write(ui.url_values())
