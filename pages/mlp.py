"""MLP trainer: train a small network in the browser and watch it learn."""
import math

import streamlit as st

from optviz import evaluation as ev
from optviz import features
from optviz import ui_mlp as ui
from optviz.plots import mlp as plots
from optviz.training import Trainer
from optviz.ui import UrlState, chart, tr

st.title(tr("mlp.title"))
st.write(tr("mlp.intro"))
url = UrlState()
ui.init_state(url)
s = ui.controls()
url.show_fallbacks()
url.write({k: v for k, v in s.items() if k != "data" or v != "upload"})
try:
    hidden = ui.parse_hidden(s["hidden"])
    data = ui.load_data(s)
except ValueError as e:
    st.error(tr("mlp.bad_input", message=str(e)))
    st.stop()
classify = data.task == "classification"
extra = s["feats"] if classify else []
upload = st.session_state.get("mlp_upload")
sig = (s["data"], s["n"], s["noise"], s["classes"], s["test"], s["seed"], tuple(hidden), s["act"], s["init"],
       tuple(extra), getattr(upload, "file_id", None))
if st.session_state.get("mlp_sig") != sig:  # another data set or network: start again
    st.session_state.update(mlp_sig=sig, mlp_trainer=None, mlp_compare_result=None, mlp_seconds=None)

st.subheader(tr("mlp.train_header"))
ui.training_controls()
n = len(data.X)
b = ui.batch_of(s, n)
st.caption(tr(f"mlp.mode_note_{s['mode']}", n=n, b=b, updates=math.ceil(n / b)))
c1, c2, c3, _ = st.columns([1, 1, 1, 3])
do_train = c1.button(tr("mlp.train"), key="mlp_train", type="primary")
do_continue = c2.button(tr("mlp.continue"), key="mlp_continue", disabled=st.session_state["mlp_trainer"] is None)
if c3.button(tr("mlp.reset"), key="mlp_reset"):
    st.session_state.update(mlp_trainer=None, mlp_seconds=None)
st.caption(tr("mlp.stop_note"))

left, right = st.columns([3, 2])
board, curves = left.empty(), right.empty()


draws = iter(range(10**6))  # each redraw of the placeholders needs its own element key


def draw(trainer):
    n = next(draws)
    with board.container():
        if not classify:
            curve = ev.regression_curve(trainer.model, data.X) if trainer else None
            chart(plots.regression(data.X, data.y, curve, title=tr("mlp.fit_title"), tr=tr), key=f"mlp_b{n}")
        else:
            grid = ev.boundary_grid(trainer.model, data.X, extra) if trainer else None
            title = tr("mlp.boundary_title") if trainer else tr("mlp.data_title")
            chart(plots.boundary(data.X, data.y, data.names, grid, data.Xte, data.yte, title=title, tr=tr),
                  key=f"mlp_b{n}")
    if trainer is not None and trainer.history.epochs:
        with curves.container():
            chart(plots.history(trainer.history, tr=tr), key=f"mlp_h{n}")


reg = dict(l2=s["rate"] if s["reg"] == "l2" else 0.0, l1=s["rate"] if s["reg"] == "l1" else 0.0)
if do_train:
    trainer = Trainer(ui.new_model(s, data, hidden), ui.optimizer_of(s), b, s["seed"], **reg)
    st.session_state.update(mlp_trainer=trainer)
    st.session_state["mlp_seconds"] = ui.train(trainer, s, data, extra, s["epochs"], lambda h: draw(trainer))
elif do_continue:
    trainer = st.session_state["mlp_trainer"]
    change = tr("mlp.change", opt=s["opt"], lr=s["lr"], reg=tr(f"mlp.reg_{s['reg']}"), rate=s["rate"],
                mode=tr(f"mlp.mode_{s['mode']}"))
    if change != st.session_state.get("mlp_trained_with"):
        trainer.history.changes.append((trainer.history.epochs, change))
    trainer.configure(ui.optimizer_of(s), b, **reg)
    st.session_state["mlp_seconds"] = ui.train(trainer, s, data, extra, s["epochs"], lambda h: draw(trainer))
if do_train or do_continue:  # what the weights were last trained with, to mark a later change
    st.session_state["mlp_trained_with"] = tr("mlp.change", opt=s["opt"], lr=s["lr"],
                                              reg=tr(f"mlp.reg_{s['reg']}"), rate=s["rate"],
                                              mode=tr(f"mlp.mode_{s['mode']}"))
trainer = st.session_state["mlp_trainer"]
draw(trainer)

if trainer is not None and trainer.history.epochs:
    h = trainer.history
    fmt = lambda v: "—" if not v or v[-1] is None else f"{v[-1]:.4g}"  # noqa: E731
    st.success(tr("mlp.summary", epochs=h.epochs, loss=fmt(h.loss), test_loss=fmt(h.test_loss),
                  acc=fmt(h.accuracy), test_acc=fmt(h.test_accuracy), params=trainer.model.n_params,
                  updates=h.updates, seconds=st.session_state.get("mlp_seconds") or 0.0))
    if not math.isfinite(h.loss[-1]):
        st.error(tr("mlp.diverged"))
    g1, g2 = st.columns([3, 2])
    with g1:
        chart(plots.grad_norms(h, tr=tr))
    if classify:
        X_eval, y_eval = (data.Xte, data.yte) if len(data.Xte) else (data.X, data.y)
        pred = trainer.model.predict(features.expand(X_eval, extra)).argmax(axis=1)
        with g2:
            chart(plots.confusion(ev.confusion_matrix(y_eval, pred, len(data.names)), data.names, tr=tr))
    st.download_button(tr("common.download_csv"), ev.history_csv(h), "optviz-training.csv", "text/csv")

st.subheader(tr("mlp.compare_header"))
st.multiselect(tr("mlp.compare"), ui.optimizers.NAMES, key="mlp_compare", max_selections=4,
               placeholder=tr("common.choose"))
if st.button(tr("mlp.compare_run"), key="mlp_compare_run", disabled=not s["compare"]):
    st.session_state["mlp_compare_result"] = ui.compare(s, data, hidden, extra, reg)
result = st.session_state.get("mlp_compare_result")
if result:
    chart(plots.compare_losses([r[1] for r in result], [r[0] for r in result], tr=tr))
    if classify:
        chart(plots.compare_boundaries(data.X, data.y, data.names, [r[2] for r in result],
                                       [r[0] for r in result], tr=tr))
    st.caption(tr("mlp.compare_note", epochs=s["epochs"], lr=s["lr"]))
