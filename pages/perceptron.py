"""Perceptron logic gates, and why XOR needs two layers."""
import streamlit as st

from optviz import perceptron as pc
from optviz.app import spec as uf
from optviz.plots import perceptron as plots
from optviz.app.ui import app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

LIMIT = 30.0  # weights and bias: wide enough for note 002's bias of −20
SPEC = uf.Spec("perceptron", dict(w1=0.5, w2=0.5, b=-0.7, gate="AND"),
               bounds=dict(w1=(-LIMIT, LIMIT, False), w2=(-LIMIT, LIMIT, False), b=(-LIMIT, LIMIT, False)),
               choices=dict(gate=list(pc.TARGETS)),
               presets={g.lower(): dict(zip(("w1", "w2", "b"), w), gate=g) for g, w in pc.WEIGHTS.items()}
               | {"note002": dict(w1=15.0, w2=15.0, b=-20.0, gate="AND"),  # note 002: a bias of −20
                  "xor": dict(w1=0.5, w2=0.5, b=-0.2, gate="XOR")})

st.title(tr("perceptron.title"))
st.write(tr("perceptron.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.selectbox(tr("perceptron.gate"), SPEC.choices["gate"], key=SPEC.key("gate"))
for name in ("w1", "w2", "b"):  # typed or stepped: a slider over ±30 could not hit 0.5
    sb.number_input(name, -LIMIT, LIMIT, key=SPEC.key(name), step=0.05, format="%g")
s = uf.values(SPEC)
target = pc.TARGETS[s["gate"]]
got = pc.truth_table(s["w1"], s["w2"], s["b"])

st.latex(rf"y = \begin{{cases}} 1 & {s['w1']:g}\,x_1 + {s['w2']:g}\,x_2 + ({s['b']:g}) > 0 \\ 0 & \text{{otherwise}} \end{{cases}}")
left, right = st.columns([2, 3])
with left:
    st.dataframe({"x₁": [int(v) for v in pc.INPUTS[:, 0]], "x₂": [int(v) for v in pc.INPUTS[:, 1]],
                  "y": list(got), tr("perceptron.target", gate=s["gate"]): list(target),
                  "": ["✓" if a == b else "✗" for a, b in zip(got, target)]}, hide_index=True)
    if got == target:
        st.success(tr("perceptron.works", gate=s["gate"]))
    elif s["gate"] == "XOR":
        st.warning(tr("perceptron.xor_impossible"))
    else:
        st.info(tr("perceptron.not_yet", n=sum(a != b for a, b in zip(got, target)), gate=s["gate"]))
with right:
    chart(plots.perceptron_plane(s["w1"], s["w2"], s["b"], target, tr=plot_tr))

st.subheader(tr("perceptron.xor_title"))
st.write(tr("perceptron.xor_text"))
out = pc.xor_two_layers(pc.INPUTS)
left, right = st.columns([1, 1])  # the table has six columns
left.dataframe({"x₁": [int(v) for v in pc.INPUTS[:, 0]], "x₂": [int(v) for v in pc.INPUTS[:, 1]],
                "s₁ = NAND": list(out["s1"]), "s₂ = OR": list(out["s2"]), "y = AND(s₁, s₂)": list(out["y"]),
                "XOR": list(pc.TARGETS["XOR"])}, hide_index=True)
with right:
    chart(plots.xor_plane(tr=plot_tr))
    st.caption(tr("perceptron.xor_caption"))
uf.write(SPEC, url)
