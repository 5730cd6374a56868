"""Line fitting: least squares in closed form next to gradient descent on the MSE."""
import numpy as np
import streamlit as st

from optviz import linefit, optimizers
from optviz.app import spec as uf
from optviz.plots import line_fitting as plots
from optviz.app.ui import app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

SPEC = uf.Spec("line_fitting", dict(a=2.0, b=1.0, noise=1.0, n=30, seed=0, opt="sgd", lr=0.05, epochs=100, k=0),
               bounds=dict(a=(-5.0, 5.0, False), b=(-5.0, 5.0, False), noise=(0.0, 5.0, False), n=(2, 500, True),
                           seed=(0, 9999, True), lr=(0.001, 1.0, False), epochs=(1, 1000, True), k=(0, 1000, True)),
               choices=dict(opt=list(optimizers.NAMES)),
               presets=dict(course=dict(), two_points=dict(n=2, noise=0.5), exact=dict(noise=0.0),
                            slow=dict(lr=0.005, epochs=300, k=300), too_big=dict(lr=0.4, epochs=30, k=30),
                            adam=dict(opt="adam", lr=0.1)))

st.title(tr("line_fitting.title"))
st.write(tr("line_fitting.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.subheader(tr("line_fitting.data"))
c1, c2 = sb.columns(2)
c1.number_input(tr("line_fitting.true_a"), -5.0, 5.0, key=SPEC.key("a"), step=0.5)
c2.number_input(tr("line_fitting.true_b"), -5.0, 5.0, key=SPEC.key("b"), step=0.5)
sb.slider(tr("line_fitting.noise"), 0.0, 5.0, key=SPEC.key("noise"), step=0.1)
sb.slider(tr("line_fitting.n"), 2, 500, key=SPEC.key("n"))
sb.number_input(tr("line_fitting.seed"), 0, 9999, key=SPEC.key("seed"))
sb.subheader(tr("line_fitting.gd"))
sb.selectbox(tr("line_fitting.optimizer"), SPEC.choices["opt"], key=SPEC.key("opt"), format_func=optimizers.display_name)
sb.number_input(tr("line_fitting.lr"), 0.001, 1.0, key=SPEC.key("lr"), step=0.005, format="%g")
sb.number_input(tr("line_fitting.epochs"), 1, 1000, key=SPEC.key("epochs"))
s = uf.values(SPEC)

x, y = linefit.make_line(s["a"], s["b"], s["noise"], s["n"], s["seed"])
best = linefit.least_squares(x, y)
floor = float(linefit.mse(x, y, *best))
fit = uf.fit_gd(x, y, s["opt"], s["epochs"], lr=s["lr"])  # full batch: one update per epoch, never thinned
last = fit.updates
if st.session_state.get(SPEC.key("k"), 0) > last:
    st.session_state[SPEC.key("k")] = last
k = st.slider(tr("line_fitting.show_step"), 0, last, key=SPEC.key("k"))
a_k, b_k = fit.path[k]
if fit.diverged or not fit.loss[-1] <= fit.loss[0]:  # the loss grew: the steps overshoot
    st.error(tr("line_fitting.diverged", lr=s["lr"]))

left, right = st.columns(2)
with left:
    chart(plots.line_fit(x, y, {tr("line_fitting.ls"): best, tr("line_fitting.gd_at", k=k): (a_k, b_k)}, tr=plot_tr))
with right:
    chart(plots.ab_contours(x, y, {f"{s['opt']} (lr={s['lr']:g})": fit.path[:k + 1]}, best, view=fit.path, tr=plot_tr))

j = min(k, last - 1)  # the five steps of update j + 1: from path[j] to path[j + 1]
st.subheader(tr("line_fitting.five_steps", k=j + 1))
g = linefit.grad(x, y, *fit.path[j])
rule = "update_sgd" if s["opt"] == "sgd" else "update_other"
update = tr(f"line_fitting.{rule}", a1=fit.path[j + 1][0], b1=fit.path[j + 1][1], lr=s["lr"], opt=s["opt"], k1=j + 1)
nums = dict(a=fit.path[j][0], b=fit.path[j][1], loss=float(fit.loss[j]), da=g[0], db=g[1], k=j, update=update)
st.markdown(tr("line_fitting.steps_md", **nums))
st.latex(tr("line_fitting.closed_form", a=best[0], b=best[1], loss=floor))
chart(plots.fit_losses({s["opt"]: (fit.update, fit.loss)}, tr("line_fitting.updates"), floor, at=k, tr=plot_tr))
gap = float(np.hypot(*(fit.path[-1] - best)))
start = float(fit.loss[0])
st.caption(tr("line_fitting.gap", gap=gap, updates=last, loss=linefit.shown_loss(float(fit.loss[-1]), start),
              floor=linefit.shown_loss(floor, start)))
uf.write(SPEC, url)
