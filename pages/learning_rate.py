"""The learning rate in one dimension: regimes, loss after N steps, schedules."""
import numpy as np
import streamlit as st

from optviz import onedim
from optviz import ui_fundamentals as uf
from optviz.plots import fundamentals as plots
from optviz.ui import chart, tr

SPEC = uf.Spec("lr1d", dict(fn="quadratic", a=1.0, x0=2.5, lr=0.3, steps=20),
               bounds=dict(a=(0.1, 5.0, False), x0=(-3.0, 3.0, False), lr=(0.001, 2.0, False), steps=(1, 100, True)),
               choices=dict(fn=["quadratic", "nonconvex"]),
               presets=dict(slow=dict(lr=0.02), good=dict(lr=0.3), oscillating=dict(lr=0.8),
                            diverging=dict(lr=1.05), nonconvex_local=dict(fn="nonconvex", x0=1.5, lr=0.05, steps=40),
                            nonconvex_global=dict(fn="nonconvex", x0=-1.5, lr=0.05, steps=40)))

st.title(tr("lr1d.title"))
st.write(tr("lr1d.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.selectbox(tr("lr1d.function"), SPEC.choices["fn"], key=SPEC.key("fn"), format_func=lambda f: tr(f"lr1d.fn_{f}"))
if st.session_state[SPEC.key("fn")] == "quadratic":
    sb.slider(tr("lr1d.a"), 0.1, 5.0, key=SPEC.key("a"), step=0.1)
sb.slider(tr("lr1d.x0"), -3.0, 3.0, key=SPEC.key("x0"), step=0.1)
sb.slider(tr("lr1d.lr"), 0.001, 2.0, key=SPEC.key("lr"), step=0.001, format="%.3f")
sb.slider(tr("lr1d.steps"), 1, 100, key=SPEC.key("steps"))
s = uf.values(SPEC)
a = s["a"] if s["fn"] == "quadratic" else 1.0

xs, diverged = onedim.descend(s["fn"], s["x0"], s["lr"], s["steps"], a=a)
if s["fn"] == "quadratic":
    once, edge = onedim.thresholds(a)
    reg = onedim.regime(s["lr"], a)
    box = {"slow": st.info, "good": st.success, "oscillating": st.warning, "edge": st.warning,
           "diverging": st.error}[reg]
    box(tr(f"lr1d.regime_{reg}", lr=s["lr"], once=once, edge=edge, f2=2 * a))
else:
    st.info(tr("lr1d.nonconvex_note", x=float(xs[np.isfinite(xs)][-1])))
if diverged >= 0:
    st.error(tr("lr1d.diverged", step=int(diverged)))
chart(plots.descent_1d(s["fn"], a, xs, tr=tr))
st.latex(tr("lr1d.update_rule"))

lrs = np.logspace(-3, np.log10(2.0), 200)
runs, _ = onedim.descend(s["fn"], s["x0"], lrs, s["steps"], a=a)
fmin = onedim.minimum(s["fn"], a)[1]
final = onedim.f(s["fn"], runs[-1], a) - fmin
marks = [(once, "1/f''"), (edge, "2/f''")] if s["fn"] == "quadratic" else []
chart(plots.loss_vs_lr(lrs, final, s["lr"], marks, tr=tr))
st.caption(tr("lr1d.loss_vs_lr_caption", steps=s["steps"]))

st.subheader(tr("lr1d.schedules"))
rates, losses = {}, {}
for name in onedim.SCHEDULES:
    rates[name] = onedim.schedule(name, s["lr"], np.arange(s["steps"]), s["steps"])
    path, _ = onedim.descend(s["fn"], s["x0"], s["lr"], s["steps"], a=a, sched=name)
    losses[name] = onedim.f(s["fn"], path, a) - fmin
chart(plots.schedules(s["steps"], rates, losses, tr=tr))
st.caption(tr("lr1d.schedules_caption"))
uf.write(SPEC, url)
