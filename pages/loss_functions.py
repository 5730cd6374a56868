"""Loss functions on a small example, and why we minimize a loss rather than accuracy."""
import numpy as np
import streamlit as st

from optviz import losses
from optviz.app import spec as uf
from optviz.plots import loss_functions as plots
from optviz.app.ui import app_frame, chart, coded_message, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

BOOK = "0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0"  # ゼロから作る 4.2: the network says "2"
SPEC = uf.Spec("loss_functions", dict(p=BOOK, label=2, w=1.0),
               bounds=dict(label=(0, losses.MAX_CLASSES - 1, True), w=(-3.0, 3.0, False)),
               presets=dict(book_right=dict(), book_wrong=dict(p="0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0"),
                            sure_wrong=dict(p="0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.99, 0.01, 0.0"),
                            unsure=dict(p=", ".join(["0.1"] * 10)), three=dict(p="0.2, 0.7, 0.1", label=1)))

st.title(tr("loss_functions.title"))
st.write(tr("loss_functions.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.text_input(tr("loss_functions.predictions"), key=SPEC.key("p"), help=tr("loss_functions.predictions_help"))
try:
    raw = losses.parse_predictions(st.session_state[SPEC.key("p")])
except losses.PredictionError as e:
    st.error(tr("loss_functions.bad_predictions", message=coded_message("loss_functions.err_", e)))
    raw = losses.parse_predictions(BOOK)
if st.session_state[SPEC.key("label")] >= len(raw):
    st.session_state[SPEC.key("label")] = 0
sb.selectbox(tr("loss_functions.label"), list(range(len(raw))), key=SPEC.key("label"))
s = uf.values(SPEC)

p, scaled = losses.as_probabilities(raw)
if scaled:
    st.info(tr("loss_functions.normalized", total=float(raw.sum())))
target = np.eye(len(p))[s["label"]]
c1, c2, c3 = st.columns(3)
c1.metric(tr("loss_functions.sse"), f"{losses.sum_squares(p, target):.4f}")
c2.metric(tr("loss_functions.mse"), f"{losses.mse(p, target):.4f}")
c3.metric(tr("loss_functions.ce"), f"{losses.cross_entropy(p, s['label']):.4f}")
st.latex(r"E_{\mathrm{SSE}} = \frac{1}{2}\sum_k (y_k - t_k)^2,\quad \mathrm{MSE} = \frac{1}{K}\sum_k (y_k - t_k)^2,"
         r"\quad E_{\mathrm{CE}} = -\sum_k t_k \log y_k")
grads = {tr("loss_functions.grad_sse"): losses.sum_squares_grad(p, target), tr("loss_functions.grad_ce"): losses.cross_entropy_grad(p, s["label"])}
chart(plots.prediction_bars(p, target, grads, tr=plot_tr))
st.write(tr("loss_functions.explain", p=float(p[s["label"]]), k=s["label"]))

st.subheader(tr("loss_functions.why"))
st.slider(tr("loss_functions.w"), -3.0, 3.0, key=SPEC.key("w"), step=0.05)
w = uf.values(SPEC)["w"]
x, y = losses.toy_classification()
ws = np.linspace(-3, 3, 601)
b = losses.TOY_BIAS
acc, ce = losses.accuracy_and_loss_vs_w(x, y, ws, b)
acc_w, ce_w = (v[0] for v in losses.accuracy_and_loss_vs_w(x, y, [w], b))
chart(plots.acc_vs_loss(ws, acc, ce, w, tr=plot_tr))
c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("loss_functions.acc_at_w"), f"{acc_w:.3f}")
c2.metric(tr("loss_functions.acc_slope"), f"{losses.accuracy_slope(x, y, w, b):+.4f}")
c3.metric(tr("loss_functions.ce_at_w"), f"{ce_w:.4f}")
c4.metric(tr("loss_functions.ce_slope"), f"{losses.ce_grad_w(x, y, w, b):+.4f}")
st.write(tr("loss_functions.why_text", n=len(x)))
uf.write(SPEC, url)
