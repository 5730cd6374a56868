"""Vanishing gradients: activations and gradients through a deep network, and whether it learns."""
import streamlit as st

from optviz.app import vanishing as ui
from optviz import vanishing as vg
from optviz.plots import vanishing as plots
from optviz.app.ui import UrlState, app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

st.title(tr("vanishing.title"))
st.write(tr("vanishing.intro"))
url = UrlState()
ui.init_state(url)
s = ui.sidebar_controls()
url.show_fallbacks()
work = ui.plan(s)  # the inputs and epochs that fit one change's budget
try:
    probes = ui.probes(s, work)
except ValueError as e:
    st.error(tr("app.error", message=e))
    st.stop()
chosen = probes[0]

st.subheader(tr("vanishing.hist_header"))
st.caption(tr("vanishing.hist_caption", n=work.n_samples, width=s.width,
              hidden_layers=ui.counted("vanishing.count_hidden_layers", s.depth)))
if note := ui.samples_note(s, work):
    st.info(note)
chart(plots.activation_histograms(chosen, tr=plot_tr))
notes = []
if s.depth > plots.MAX_PANELS:
    notes.append(tr("vanishing.hist_some_layers", shown=len(plots.panel_layers(s.depth)), depth=s.depth))
if chosen.zero_share.max() >= 0.005:
    notes.append(tr("vanishing.hist_zero_note"))
if not vg.bounded(s.config.activation):
    notes.append(tr("vanishing.hist_clip_note"))
if notes:
    st.caption(" ".join(notes))

st.subheader(tr("vanishing.grad_header"))
st.caption(tr("vanishing.grad_caption", n=work.n_samples, classes=vg.N_CLASSES))
bound = vg.reference_bound(probes)
chart(plots.layer_profiles(probes, bound=bound, tr=plot_tr))
if bound is not None:
    st.caption(tr("vanishing.bound_caption"))

st.subheader(tr("vanishing.learn_header"))
st.caption(tr("vanishing.learn_caption", hidden_layers=ui.counted("vanishing.count_hidden_layers", s.depth),
              width=s.width, points=vg.TRAIN_POINTS,
              dataset=tr(f"vanishing.ds_{s.dataset}"), optimizer=tr(f"vanishing.opt_{s.optimizer}"),
              lr=f"{s.lr:g}", batch=vg.TRAIN_BATCH))
try:
    runs = ui.runs(s, work)
except ValueError as e:
    st.error(tr("app.error", message=e))
    runs = []
if runs:
    chart(plots.loss_curves(runs, tr=plot_tr))
    if note := ui.capped_note(runs):
        st.caption(note)

st.subheader(tr("vanishing.summary_header"))
st.markdown("\n".join(f"- {line}" for line in ui.summary(chosen, probes, runs, s.lr)))
st.caption(tr("app.url.share"))
url.write(ui.url_values(s))

ui.scalar_chain_section()  # note 003's scalar demonstration, with its numbers
