"""Backpropagation step by step on a 2-2-2 sigmoid network."""
import numpy as np
import streamlit as st

from optviz import backprop as bp
from optviz.app import spec as uf
from optviz.plots import backprop as plots
from optviz.app.ui import app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)



def text(p: bp.Params) -> str:
    """The weights as the URL's ``p``: 12 numbers in Params.flat() order."""
    return ",".join(f"{v:.10g}" for v in p.flat())


EXAMPLE = text(bp.Params.example())  # Mazur's w1…w8 and biases 0.35, 0.60
SPEC = uf.Spec("backprop", dict(x1=0.05, x2=0.10, t1=0.01, t2=0.99, lr=0.5, biases=False, p=""),
               bounds=dict(x1=(-5.0, 5.0, False), x2=(-5.0, 5.0, False), t1=(0.0, 1.0, False),
                           t2=(0.0, 1.0, False), lr=(0.001, 10.0, False)),
               presets=dict(worked=dict(p=EXAMPLE), biases=dict(p=EXAMPLE, biases=True),
                            large_lr=dict(p=EXAMPLE, lr=10.0)))
KEYS = [SPEC.key("w_" + "".join(c for c in name if c.isalnum())) for name in bp.NAMES]  # bp_w_w1, bp_w_bh1, …


def params() -> bp.Params:
    """The weights in the URL's ``p`` (12 numbers in Params.flat() order), else the worked example."""
    try:
        v = [float(t) for t in st.session_state[SPEC.key("p")].split(",")]
        if len(v) == 12 and np.all(np.isfinite(v)):
            return bp.Params.from_flat(v)
    except ValueError:
        pass
    return bp.Params.example()


def set_params(p: bp.Params) -> None:
    """Into the number inputs and the URL (from a callback or before the inputs are drawn)."""
    for key, v in zip(KEYS, p.flat()):
        st.session_state[key] = float(v)
    st.session_state[SPEC.key("p")] = text(p)


def current() -> bp.Params:
    return bp.Params.from_flat([st.session_state[k] for k in KEYS])


def next_step() -> None:
    s, p = uf.values(SPEC), current()
    trace = bp.forward_backward(p, (s["x1"], s["x2"]), (s["t1"], s["t2"]))
    st.session_state.setdefault("backprop_losses", []).append(trace.loss)
    set_params(bp.step(p, trace.grads, s["lr"], s["biases"]))


def reset() -> None:
    st.session_state["backprop_losses"] = []
    set_params(bp.Params.example())


def edited() -> None:  # weights typed in by hand start a new run of steps
    st.session_state["backprop_losses"] = []
    st.session_state[SPEC.key("p")] = text(current())


st.title(tr("backprop.title"))
st.write(tr("backprop.intro"))
url = uf.setup(SPEC)
if KEYS[0] not in st.session_state:
    set_params(params())
elif st.session_state[SPEC.key("p")] != text(current()):  # a preset set other weights: a new run of steps
    set_params(params())
    st.session_state["backprop_losses"] = []
sb = st.sidebar
c1, c2 = sb.columns(2)
c1.number_input("x₁", -5.0, 5.0, key=SPEC.key("x1"), step=0.05, format="%g")
c2.number_input("x₂", -5.0, 5.0, key=SPEC.key("x2"), step=0.05, format="%g")
c1.number_input("t₁", 0.0, 1.0, key=SPEC.key("t1"), step=0.01, format="%g")
c2.number_input("t₂", 0.0, 1.0, key=SPEC.key("t2"), step=0.01, format="%g")
sb.number_input(tr("backprop.lr"), 0.001, 10.0, key=SPEC.key("lr"), step=0.1, format="%g")
sb.toggle(tr("backprop.biases"), key=SPEC.key("biases"))
box = sb.expander(tr("backprop.weights"), expanded=True)
cols = box.columns(2)
for n, i in enumerate(bp.ORDER):  # w1 w2 | w3 w4 | b(h1) b(h2) | w5 w6 | …
    cols[n % 2].number_input(bp.NAMES[i], key=KEYS[i], step=0.05, format="%.6f", on_change=edited)
s = uf.values(SPEC)
x, t = (s["x1"], s["x2"]), (s["t1"], s["t2"])
p = current()
trace = bp.forward_backward(p, x, t)

b1, b2, _ = st.columns([1, 1, 3])
b1.button(tr("backprop.next"), key="backprop_next", type="primary", on_click=next_step)
b2.button(tr("backprop.reset"), key="backprop_reset", on_click=reset)

chart(plots.network(p, trace, x, tr=plot_tr))
st.subheader(tr("backprop.forward"))
st.table({tr("backprop.node"): ["h1", "h2", "o1", "o2"],  # static tables: no data grid to load on each step
          "net": np.r_[trace.net_h, trace.net_o].round(9), "out = σ(net)": np.r_[trace.out_h, trace.out_o].round(9),
          "t": ["", "", f"{t[0]:g}", f"{t[1]:g}"]}, hide_index=True)
st.latex(rf"E = \tfrac12\left[(t_1 - o_1)^2 + (t_2 - o_2)^2\right] = {trace.loss:.9f}")

st.subheader(tr("backprop.backward"))
st.caption(tr("backprop.chain_caption"))
rows = bp.table(p, x, t, s["lr"], s["biases"])
st.table({tr("backprop.param"): [r.name for r in rows], tr("backprop.value"): [f"{r.value:.6f}" for r in rows],
          tr("backprop.chain"): [r.chain for r in rows], tr("backprop.analytic"): [f"{r.analytic:.9f}" for r in rows],
          tr("backprop.numeric"): [f"{r.numeric:.9f}" for r in rows],
          tr("backprop.diff"): [f"{abs(r.analytic - r.numeric):.1e}" for r in rows],
          tr("backprop.new_value"): [f"{r.new_value:.6f}" for r in rows]}, hide_index=True)
st.caption(tr("backprop.new_value_caption", lr=s["lr"]) + ("" if s["biases"] else " " + tr("backprop.biases_fixed")))
losses = st.session_state.get("backprop_losses", []) + [trace.loss]
if len(losses) > 1:
    chart(plots.loss_history(np.array(losses), tr=plot_tr))
st.caption(tr("backprop.steps_done", n=len(losses) - 1, loss=trace.loss))
uf.write(SPEC, url)
