"""Loss functions on a small example, and why we minimize a loss rather than accuracy."""
import numpy as np
import streamlit as st

from optviz import losses
from optviz import ui_fundamentals as uf
from optviz.plots import fundamentals as plots
from optviz.ui import chart, tr

SPEC = uf.Spec("loss", dict(p0=0.1, p1=0.05, p2=0.6, p3=0.25, label=2),
               bounds=dict(p0=(0.0, 1.0, False), p1=(0.0, 1.0, False), p2=(0.0, 1.0, False),
                           p3=(0.0, 1.0, False), label=(0, 3, True)),
               presets=dict(right=dict(p0=0.1, p1=0.05, p2=0.6, p3=0.25, label=2),
                            wrong=dict(p0=0.1, p1=0.6, p2=0.05, p3=0.25, label=2),
                            sure_wrong=dict(p0=0.0, p1=0.99, p2=0.0, p3=0.01, label=2)))

st.title(tr("loss.title"))
st.write(tr("loss.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
for i in range(4):
    sb.slider(tr("loss.score", k=i), 0.0, 1.0, key=SPEC.key(f"p{i}"), step=0.01)
sb.selectbox(tr("loss.label"), [0, 1, 2, 3], key=SPEC.key("label"))
s = uf.values(SPEC)

raw = np.array([s[f"p{i}"] for i in range(4)])
if raw.sum() <= 0:
    st.warning(tr("loss.all_zero"))
    raw = np.ones(4)
p = raw / raw.sum()
target = np.eye(4)[s["label"]]
st.caption(tr("loss.normalized"))
chart(plots.prediction_bars(p, target, tr=tr))
c1, c2, c3 = st.columns(3)
c1.metric(tr("loss.mse"), f"{losses.mse(p, target):.4f}")
c2.metric(tr("loss.sse"), f"{losses.sum_squares(p, target):.4f}")
c3.metric(tr("loss.ce"), f"{losses.cross_entropy(p, s['label']):.4f}")
st.latex(r"\mathrm{MSE} = \frac{1}{K}\sum_k (y_k - t_k)^2,\quad E = \frac{1}{2}\sum_k (y_k - t_k)^2,\quad "
         r"\mathrm{CE} = -\sum_k t_k \log y_k")
st.write(tr("loss.explain", p=float(p[s["label"]])))

st.subheader(tr("loss.why"))
x, y = losses.toy_classification()
ws = np.linspace(-3, 3, 601)
acc, ce = losses.accuracy_and_loss_vs_w(x, y, ws)
chart(plots.acc_vs_loss(ws, acc, ce, tr=tr))
st.write(tr("loss.why_text"))
uf.write(SPEC, url)
