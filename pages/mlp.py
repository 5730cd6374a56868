"""MLP trainer: train a small network in the browser and watch it learn."""
import math

import streamlit as st

from optviz import evaluation as ev
from optviz.app import mlp as ui
from optviz.plots import mlp as plots
from optviz.app.ui import UrlState, app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

st.title(tr("mlp.title"))
st.write(tr("mlp.intro"))
url = UrlState()
ui.init_state(url)
s = ui.controls()
url.show_fallbacks()
url.write(ui.url_values(s))
if s["data"] == "draw":
    ui.drawing_pad()  # before the data are read: an empty drawing stops the page below
st.subheader(tr("mlp.train_header"))
ui.training_controls()  # drawn before the input check below, so a bad input leaves them as they were
try:
    hidden = ui.parse_hidden(s["hidden"])
    ui.check_optimizer(s)
    data = ui.load_data(s)
except ValueError as e:
    st.error(tr("mlp.bad_input", message=str(e)))
    st.stop()
classify = data.task == "classification"
extra = s["feats"] if classify else []
upload = st.session_state.get("mlp_upload")
sig = (s["data"], s["n"], s["noise"], s["classes"], s["test"], s["seed"], tuple(hidden), s["act"], s["init"],
       tuple(extra), getattr(upload, "file_id", None), ui.drawing_key(s))
if st.session_state.get("mlp_sig") != sig:  # another data set or network: start again
    st.session_state.update(mlp_sig=sig, mlp_trainer=None, mlp_compare_result=None, mlp_run=None, mlp_path=None)

n = len(data.X)
b = ui.batch_of(s, n)
st.caption(tr(f"mlp.mode_note_{s['mode']}", n=n, b=b, updates=math.ceil(n / b)))
c1, c2, c3, _ = st.columns([1, 1, 1, 3])
do_train = c1.button(tr("mlp.train"), key="mlp_train", type="primary")
no_weights = st.session_state.get("mlp_trainer") is None and not do_train
do_continue = c2.button(tr("mlp.continue"), key="mlp_continue", disabled=no_weights)
if c3.button(tr("mlp.reset"), key="mlp_reset"):
    st.session_state.update(mlp_trainer=None, mlp_run=None, mlp_path=None)
st.caption(tr("mlp.stop_note"))

board = ui.Board(data, extra)
reg = dict(l2=s["rate"] if s["reg"] == "l2" else 0.0, l1=s["rate"] if s["reg"] == "l1" else 0.0)
refused = (do_train or do_continue) and ui.too_slow(s, data, hidden, b)
if refused:
    st.error(refused)
elif do_train or do_continue:
    ui.yield_if_heavy(s, data, hidden, b)
    trainer = ui.start_run(s, data, hidden, b, reg, fresh=do_train)
    board.draw(trainer)  # the data (and the boundary so far) stay in view until the first live update
    ui.train(trainer, s, data, extra, s["epochs"], lambda h: board.draw(trainer))
trainer = st.session_state.get("mlp_trainer")
board.draw(trainer, final=True)

if trainer is not None and trainer.history.epochs:
    h = trainer.history
    st.success(ui.summary(trainer, classify))
    if sym := ui.symmetry_note(trainer):  # zero initialization: note 003's "do not use", shown
        st.warning(sym)
        st.dataframe(ui.first_layer_table(trainer), key="mlp_units")
    cut = (st.session_state.get("mlp_run") or {}).get("cut")
    if cut:
        st.warning(tr("mlp.budget_stopped", limit=ui.budget.MAX_SECONDS, **cut))
    if not math.isfinite(h.loss[-1]):
        st.error(tr("mlp.diverged"))
    g1, g2 = st.columns([3, 2])
    with g1:
        chart(plots.grad_norms(h, tr=plot_tr))
    if classify:
        with g2:
            chart(ui.confusion(trainer, data, extra))
    st.download_button(tr("app.download_csv"), ev.history_csv(h), "optviz-training.csv", "text/csv")
    ui.landscape_section(trainer, data, extra)

st.subheader(tr("mlp.compare_header"))
st.multiselect(tr("mlp.compare"), ui.optimizers.NAMES, key="mlp_compare", max_selections=ui.MAX_COMPARE,
               format_func=ui.optimizers.display_name,
               placeholder=tr("app.choose"))
if st.button(tr("mlp.compare_run"), key="mlp_compare_run", disabled=not s["compare"]):
    refused = ui.too_slow(s, data, hidden, b, compare=len(s["compare"]))
    if refused:
        st.error(refused)
    else:
        ui.yield_if_heavy(s, data, hidden, b, compare=len(s["compare"]))
    st.session_state["mlp_compare_result"] = None if refused else ui.compare(s, data, hidden, extra, reg, b)
result = st.session_state.get("mlp_compare_result")
if result:
    runs = result["runs"]
    chart(plots.compare_losses([r[1] for r in runs], [r[0] for r in runs], [r[3] for r in runs], tr=plot_tr))
    if classify:
        chart(plots.compare_boundaries(data.X, data.y, data.names, [r[2] for r in runs],
                                       [r[0] for r in runs], tr=plot_tr))
    st.caption(tr("mlp.compare_note", epochs=result["epochs"], lr=result["lr"], mode=result["mode"]))
    ui.compare_landscape(result, data, extra)
