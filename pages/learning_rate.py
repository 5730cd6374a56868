"""The learning rate in one dimension: regimes, loss after N steps, schedules."""
import numpy as np
import streamlit as st

from optviz import onedim
from optviz.app import spec as uf
from optviz.plots import learning_rate as plots
from optviz.app.ui import app_frame, chart, plot_tr, scrub_chart, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

LR_MAX = 5.0  # beyond 2/f″ = 1/a for every a ≥ 0.25
SPEC = uf.Spec("learning_rate", dict(fn="quadratic", a=1.0, x0=2.5, lr=0.3, steps=20, scrub=False), views=("scrub",),
               bounds=dict(a=(0.25, 5.0, False), x0=(-3.0, 3.0, False), lr=(0.001, LR_MAX, False),
                           steps=(1, 100, True)),
               choices=dict(fn=list(onedim.FUNCTIONS)),
               presets=dict(slow=dict(lr=0.02), good=dict(lr=0.3), one_step=dict(lr=0.5), oscillating=dict(lr=0.8),
                            edge=dict(lr=1.0), diverging=dict(lr=1.05), schedules=dict(lr=0.95, steps=50),
                            nonconvex_local=dict(fn="nonconvex", x0=1.5, lr=0.05, steps=40),
                            nonconvex_global=dict(fn="nonconvex", x0=-1.5, lr=0.05, steps=40),
                            nonconvex_bouncing=dict(fn="nonconvex", x0=-1.5, lr=0.15, steps=40)))

st.title(tr("learning_rate.title"))
st.write(tr("learning_rate.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.selectbox(tr("learning_rate.function"), SPEC.choices["fn"], key=SPEC.key("fn"), format_func=lambda f: tr(f"learning_rate.fn_{f}"))
if st.session_state[SPEC.key("fn")] == "quadratic":
    sb.slider(tr("learning_rate.a"), 0.25, 5.0, key=SPEC.key("a"), step=0.05)
sb.slider(tr("learning_rate.x0"), -3.0, 3.0, key=SPEC.key("x0"), step=0.1)
sb.slider(tr("learning_rate.lr"), 0.001, LR_MAX, key=SPEC.key("lr"), step=0.001, format="%.3f")
sb.slider(tr("learning_rate.steps"), 1, 100, key=SPEC.key("steps"))
sb.toggle(tr("learning_rate.scrub"), key=SPEC.key("scrub"), help=tr("learning_rate.scrub_help"))
s = uf.values(SPEC)
fn, lr = s["fn"], s["lr"]
a = s["a"] if fn == "quadratic" else 1.0

xs, diverged = onedim.descend(fn, s["x0"], lr, s["steps"], a=a)
reg, x_star, curvature = onedim.local_regime(fn, lr, xs, a=a)
once, edge = onedim.thresholds(curvature)
if fn == "nonconvex":
    st.caption(tr("learning_rate.nonconvex_note", x=float(xs[np.isfinite(xs)][-1])))
    st.caption(tr("learning_rate.near", x=x_star, f2=curvature))
box = {"slow": st.info, "good": st.success, "oscillating": st.warning, "edge": st.warning,
       "diverging": st.error, "bouncing": st.warning}[reg]
box(tr(f"learning_rate.regime_{reg}", lr=lr, once=once, edge=edge))
if diverged >= 0:
    st.error(tr("learning_rate.diverged", step=int(diverged)))
if s["scrub"]:  # every η's iterates in the figure, moved by its own slider without a round trip
    lrs = onedim.scrub_lrs(curvature, lr, 0.001, LR_MAX)
    scrubbed, _ = onedim.descend(fn, s["x0"], lrs, s["steps"], a=a)
    scrub_chart(plots.descent_scrub(fn, a, s["x0"], scrubbed, lrs, int(np.abs(lrs - lr).argmin()),
                                    [(once, ""), (edge, "")], tr=plot_tr),
                key="learning_rate_scrub_chart", values=lrs, target=SPEC.key("lr"))
    st.caption(tr("learning_rate.scrub_tip", once=once, edge=edge, count=lrs.size))
else:
    chart(plots.descent_1d(fn, a, xs, tr=plot_tr))
st.latex(tr("learning_rate.update_rule"))

lrs = np.logspace(-3, np.log10(LR_MAX), 200)
runs, _ = onedim.descend(fn, s["x0"], lrs, s["steps"], a=a)
star = "" if fn == "quadratic" else "(x*)"
floor = onedim.gap_floor(fn, s["x0"], a)
marks = [(once, plot_tr("learning_rate.mark_once", star=star, v=once)), (edge, plot_tr("learning_rate.mark_edge", star=star, v=edge))]
chart(plots.loss_vs_lr(lrs, onedim.loss_gap(fn, runs[-1], a), lr, marks, floor, tr=plot_tr))
st.caption(tr("learning_rate.loss_vs_lr_caption", steps=s["steps"]))

st.subheader(tr("learning_rate.schedules"))
chart(plots.schedules(onedim.compare_schedules(fn, s["x0"], lr, s["steps"], a), floor, tr=plot_tr))
st.caption(tr("learning_rate.schedules_caption"))
uf.write(SPEC, url)
