"""Activation functions and their derivatives, side by side."""
import numpy as np
import streamlit as st

from optviz import activations as A
from optviz import ui_activations as ui
from optviz.plots import activations as plots
from optviz.ui import UrlState, chart, tr

st.title(tr("activations.title"))
st.write(tr("activations.intro"))
url = UrlState()
ui.init_state(url)
s = ui.sidebar()
url.show_fallbacks()

if not s["acts"]:
    st.info(tr("activations.none_chosen"))
    acts = []
else:
    acts = ui.build(s)
    lo, hi = s["xmin"], s["xmax"]
    if not lo < hi:
        st.warning(tr("activations.bad_range"))
        lo, hi = -5.0, 5.0
    x = np.linspace(lo, hi, 601)
    chart(plots.curves(acts, x, grid=s["layout"] == "grid", tr=tr))
    with st.expander(tr("activations.formulas")):
        for a in acts:
            st.latex(rf"\text{{{a.name}}}:\quad f(x) = {a.latex},\qquad f'(x) = {a.dlatex}")

    st.subheader(tr("activations.properties"))
    st.dataframe(ui.properties_table(acts), hide_index=True, width="stretch")
    st.caption(tr("activations.properties_caption"))

    st.subheader(tr("activations.depth"))
    depths = np.arange(1, 31)
    chart(plots.depth_bound(acts, depths, tr=tr))
    if any(a.name == "sigmoid" for a in acts):
        st.info(tr("activations.sigmoid_depth", g10=float(A.gradient_bound(A.get("sigmoid"), 10))))

st.subheader(tr("activations.step_title"))
st.write(tr("activations.step_text"))

st.subheader(tr("activations.softmax"))
c1, c2 = st.columns([3, 2])
c1.text_input(tr("activations.scores"), key="act_scores", help=tr("activations.scores_help"))
c2.slider(tr("activations.temperature"), *ui.BOUNDS["temperature"], key="act_temperature", step=0.05)
try:
    scores = A.parse_scores(st.session_state["act_scores"])
except ValueError as e:
    st.error(tr("activations.scores_error", message=str(e)))
else:
    T = float(st.session_state["act_temperature"])
    probs = A.softmax(scores, T)
    chart(plots.softmax_bars(scores, probs, tr=tr))
    st.latex(r"\mathrm{softmax}(z)_i = \frac{e^{(z_i - \max z)/T}}{\sum_j e^{(z_j - \max z)/T}}")
    naive = A.softmax_naive(scores, T)
    if not np.all(np.isfinite(naive)):
        st.warning(tr("activations.overflow"))
    else:
        st.caption(tr("activations.stable_note"))

url.write({"acts": s["acts"], "layout": s["layout"], "xmin": s["xmin"], "xmax": s["xmax"],
           "leaky_alpha": s["leaky_alpha"], "elu_alpha": s["elu_alpha"], "swish_beta": s["swish_beta"],
           "scores": st.session_state["act_scores"], "temperature": st.session_state["act_temperature"]})
