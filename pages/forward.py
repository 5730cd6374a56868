"""The forward pass step by step: note 002's 2-3-2-2 network, layer by layer in matrix form."""
import streamlit as st

from optviz import forward as fw
from optviz.app import spec as uf
from optviz.plots import forward as plots
from optviz.app.ui import app_frame, chart, coded_message, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

BOOK = {name.lower(): fw.matrix_text(p) for name, p in zip(fw.NAMES, fw.book_params())}
SPEC = uf.Spec("forward", dict(x1=fw.BOOK_X[0], x2=fw.BOOK_X[1], act="sigmoid", out="identity", label=1, step=3,
                               **BOOK),
               bounds=dict(x1=(-10.0, 10.0, False), x2=(-10.0, 10.0, False), label=(0, 1, True), step=(1, 3, True)),
               choices=dict(act=fw.HIDDEN, out=fw.OUTPUTS),
               presets=dict(book=dict(), book_softmax=dict(out="softmax"),
                            relu=dict(act="relu", out="softmax"),
                            confident_wrong=dict(out="softmax", label=0, w3="-3, 3; -3, 3")))

st.title(tr("forward.title"))
st.write(tr("forward.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
c1, c2 = sb.columns(2)
c1.number_input("x₁", -10.0, 10.0, key=SPEC.key("x1"), step=0.1, format="%g")
c2.number_input("x₂", -10.0, 10.0, key=SPEC.key("x2"), step=0.1, format="%g")
sb.selectbox(tr("forward.act"), fw.HIDDEN, key=SPEC.key("act"), format_func=lambda a: tr(f"forward.act_{a}"))
sb.radio(tr("forward.out"), fw.OUTPUTS, key=SPEC.key("out"), format_func=lambda o: tr(f"forward.out_{o}"),
         help=tr("forward.out_help"))
sb.selectbox(tr("forward.label"), [0, 1], key=SPEC.key("label"), format_func=lambda k: f"y{k + 1}",
             help=tr("forward.label_help"))
box = sb.expander(tr("forward.weights"), expanded=True)
box.caption(tr("forward.weights_help"))
for name, shape in zip(fw.NAMES, fw.SHAPES):
    dims = "×".join(map(str, shape))
    box.text_input(f"{name} ({dims})", key=SPEC.key(name.lower()), max_chars=fw.MAX_TEXT)
s = uf.values(SPEC)

params = []
for name, shape, book in zip(fw.NAMES, fw.SHAPES, fw.book_params()):
    try:
        params.append(fw.parse(s[name.lower()], shape, name))
    except fw.MatrixError as e:
        st.error(tr("forward.bad_matrix", message=coded_message("forward.err_", e)))
        params.append(book)
layers = fw.forward((s["x1"], s["x2"]), params, s["act"], s["out"])

st.slider(tr("forward.step"), 1, 3, key=SPEC.key("step"), help=tr("forward.step_help"))
step = uf.values(SPEC)["step"]
chart(plots.network((s["x1"], s["x2"]), layers, step, tr=plot_tr))
for i, layer in enumerate(layers[:step], start=1):
    st.subheader(tr("forward.layer_header", n=i) if i < 3 else tr("forward.output_header"))
    first, second = fw.latex(layer, i)
    st.latex(first)
    st.latex(second)
    st.caption(tr(f"forward.caption_{'hidden' if i < 3 else layer.function}", n=i,
                  act=tr(f"forward.act_{layer.function}") if i < 3 else ""))

if step == 3:
    y = layers[-1].z
    st.subheader(tr("forward.loss_header"))
    k = s["label"]
    c1, c2 = st.columns(2)
    c1.metric(tr("forward.sse"), f"{fw.sum_squares(y, k):.6f}")
    try:
        ce = fw.cross_entropy(y, k)
    except ValueError:
        c2.metric(tr("forward.ce"), "—")
        st.info(tr("forward.ce_needs_softmax"))
        chart(plots.neg_log(None, tr=plot_tr))
    else:
        c2.metric(tr("forward.ce"), f"{ce:.6f}")
        st.latex(rf"E = -\sum_k t_k \log y_k = -\log y_{k + 1} = -\log {y[k]:.6g} = {ce:.6g}")
        chart(plots.neg_log(float(y[k]), tr=plot_tr))
        st.caption(tr("forward.ce_caption", p=float(y[k]), k=k + 1))
uf.write(SPEC, url)
