"""Backpropagation step by step on a 2-2-2 sigmoid network."""
import numpy as np
import streamlit as st

from optviz import backprop as bp
from optviz import ui_fundamentals as uf
from optviz.plots import fundamentals2 as plots
from optviz.ui import chart, tr

SPEC = uf.Spec("bp", dict(x1=0.05, x2=0.10, t1=0.01, t2=0.99, lr=0.5, biases=False, p=""),
               bounds=dict(x1=(-5.0, 5.0, False), x2=(-5.0, 5.0, False), t1=(0.0, 1.0, False),
                           t2=(0.0, 1.0, False), lr=(0.001, 10.0, False)))
# Params.flat() order: W1 row-major (i1→h1, i1→h2, i2→h1, i2→h2), b1, W2 row-major, b2; named as in
# the worked example, where w1, w2 feed h1 and w3, w4 feed h2 (w5..w8 likewise for o1, o2)
NAMES = ["w1", "w3", "w2", "w4", "b(h1)", "b(h2)", "w5", "w7", "w6", "w8", "b(o1)", "b(o2)"]


def params() -> bp.Params:
    try:
        v = [float(t) for t in st.session_state[SPEC.key("p")].split(",")]
        if len(v) == 12 and np.all(np.isfinite(v)):
            return bp.Params.from_flat(v)
    except ValueError:
        pass
    return bp.Params.example()


def set_params(p: bp.Params) -> None:
    st.session_state[SPEC.key("p")] = ",".join(f"{v:.10g}" for v in p.flat())


st.title(tr("bp.title"))
st.write(tr("bp.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
c1, c2 = sb.columns(2)
c1.number_input("x₁", -5.0, 5.0, key=SPEC.key("x1"), step=0.05, format="%g")
c2.number_input("x₂", -5.0, 5.0, key=SPEC.key("x2"), step=0.05, format="%g")
c1.number_input("t₁", 0.0, 1.0, key=SPEC.key("t1"), step=0.01, format="%g")
c2.number_input("t₂", 0.0, 1.0, key=SPEC.key("t2"), step=0.01, format="%g")
sb.number_input(tr("bp.lr"), 0.001, 10.0, key=SPEC.key("lr"), step=0.1, format="%g")
sb.toggle(tr("bp.biases"), key=SPEC.key("biases"))
s = uf.values(SPEC)
x, t = (s["x1"], s["x2"]), (s["t1"], s["t2"])
p = params()
trace = bp.forward_backward(p, x, t)

b1, b2, _ = st.columns([1, 1, 3])
if b1.button(tr("bp.next"), key="bp_next", type="primary"):
    st.session_state.setdefault("bp_losses", []).append(trace.loss)
    set_params(bp.step(p, trace.grads, s["lr"], s["biases"]))
    st.rerun()
if b2.button(tr("bp.reset"), key="bp_reset"):
    st.session_state["bp_losses"] = []
    set_params(bp.Params.example())
    st.rerun()

chart(plots.network(p, trace, x, tr=tr))
st.subheader(tr("bp.forward"))
st.dataframe({tr("bp.node"): ["h1", "h2", "o1", "o2"],
              "net": np.r_[trace.net_h, trace.net_o].round(9), "out = σ(net)": np.r_[trace.out_h, trace.out_o].round(9),
              "t": ["", "", f"{t[0]:g}", f"{t[1]:g}"]}, hide_index=True)
st.latex(rf"E = \tfrac12\left[(t_1 - o_1)^2 + (t_2 - o_2)^2\right] = {trace.loss:.9f}")

st.subheader(tr("bp.backward"))
st.caption(tr("bp.chain_caption"))
num = bp.numeric_grads(p, x, t).flat()
ana = trace.grads.flat()
rows = []
for i, name in enumerate(NAMES):
    layer2 = i >= 6
    j = (i - 6) if layer2 else i
    if name.startswith("w"):
        src, dst = divmod(j, 2)
        inp = trace.out_h[src] if layer2 else x[src]
        if layer2:
            expr = f"({trace.out_o[dst]:.4f} − {t[dst]:g}) · {trace.dout_dnet_o[dst]:.4f} · {inp:.4f}"
        else:
            expr = f"{trace.dE_dout_h[dst]:.4f} · {trace.dout_dnet_h[dst]:.4f} · {inp:.4f}"
    else:
        k = j - 4
        expr = (f"({trace.out_o[k]:.4f} − {t[k]:g}) · {trace.dout_dnet_o[k]:.4f} · 1" if layer2
                else f"{trace.dE_dout_h[k]:.4f} · {trace.dout_dnet_h[k]:.4f} · 1")
    rows.append((name, f"{p.flat()[i]:.6f}", expr, f"{ana[i]:.9f}", f"{num[i]:.9f}", f"{abs(ana[i] - num[i]):.1e}"))
st.dataframe({h: [r[c] for r in rows] for c, h in enumerate(
    [tr("bp.param"), tr("bp.value"), tr("bp.chain"), tr("bp.analytic"), tr("bp.numeric"), tr("bp.diff")])},
    hide_index=True, width="stretch", height=460)
losses = st.session_state.get("bp_losses", []) + [trace.loss]
if len(losses) > 1:
    chart(plots.loss_history(np.array(losses), tr=tr))
st.caption(tr("bp.steps_done", n=len(losses) - 1, loss=trace.loss))
if not st.session_state[SPEC.key("p")]:
    set_params(p)
uf.write(SPEC, url)
