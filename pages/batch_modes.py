"""Batch vs mini-batch vs SGD on the same line-fitting problem."""
import streamlit as st

from optviz import linefit, optimizers
from optviz.app import spec as uf
from optviz.plots import batch_modes as plots
from optviz.app.ui import app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

SPEC = uf.Spec("batch_modes", dict(n=100, noise=1.0, seed=0, opt="sgd", lr=0.02, epochs=20, b=10),
               bounds=dict(n=(2, 1000, True), noise=(0.0, 5.0, False), seed=(0, 9999, True),
                           lr=(0.0005, 0.5, False), epochs=(1, 200, True), b=(1, 1000, True)),
               choices=dict(opt=list(optimizers.NAMES)),
               presets=dict(course=dict(), typical=dict(n=1000, b=32, epochs=5), small_batches=dict(b=2),
                            noisy=dict(noise=3.0), big_lr=dict(lr=0.2), adam=dict(opt="adam", lr=0.05)))

st.title(tr("batch_modes.title"))
st.write(tr("batch_modes.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.slider(tr("line_fitting.n"), 2, 1000, key=SPEC.key("n"))
sb.slider(tr("line_fitting.noise"), 0.0, 5.0, key=SPEC.key("noise"), step=0.1)
sb.number_input(tr("line_fitting.seed"), 0, 9999, key=SPEC.key("seed"))
sb.selectbox(tr("line_fitting.optimizer"), SPEC.choices["opt"], key=SPEC.key("opt"), format_func=optimizers.display_name)
sb.number_input(tr("line_fitting.lr"), 0.0005, 0.5, key=SPEC.key("lr"), step=0.005, format="%g")
sb.number_input(tr("batch_modes.epochs"), 1, 200, key=SPEC.key("epochs"))
sb.number_input(tr("batch_modes.b"), 1, 1000, key=SPEC.key("b"))
s = uf.values(SPEC)

n = s["n"]
epochs = min(s["epochs"], uf.PAGE_MAX_UPDATES // n)  # SGD makes n updates an epoch
if epochs < s["epochs"]:
    st.info(tr("batch_modes.epochs_capped", epochs=epochs, asked=s["epochs"], max=uf.PAGE_MAX_UPDATES))
x, y = linefit.make_line(2.0, 1.0, s["noise"], n, s["seed"])
best = linefit.least_squares(x, y)
B = min(int(s["b"]), n)
modes = {tr("batch_modes.full"): None, tr("batch_modes.mini", b=B): B, tr("batch_modes.sgd"): 1}
fits = {name: uf.fit_gd(x, y, s["opt"], epochs, batch_size=b, seed=s["seed"], lr=s["lr"])
        for name, b in modes.items()}
floor = float(linefit.mse(x, y, *best))
bad = [name for name, f in fits.items() if f.diverged or not f.loss[-1] <= f.loss[0]]
if bad:  # the exact gradient overshooting too is a different story from the noisy ones alone
    why = "batch_modes.diverged_all" if tr("batch_modes.full") in bad else "batch_modes.diverged"
    st.warning(tr(why, modes=", ".join(bad), lr=s["lr"]))
chart(plots.ab_contours(x, y, {k: f.path for k, f in fits.items()}, best, tr=plot_tr))
c1, c2 = st.columns(2)
with c1:
    chart(plots.fit_losses({k: (f.update, f.loss) for k, f in fits.items()}, tr("batch_modes.updates_log"), floor,
                           log_x=True, tr=plot_tr))
with c2:
    chart(plots.fit_losses({k: (f.seen, f.loss) for k, f in fits.items()}, tr("batch_modes.seen"), floor, tr=plot_tr))

st.subheader(tr("batch_modes.table"))
st.table({  # a static table wraps its text: all seven columns fit the page, no sideways scrolling
    tr("batch_modes.col_mode"): list(fits),
    tr("batch_modes.col_updates"): [f.updates_per_epoch for f in fits.values()],
    tr("batch_modes.col_total"): [f.updates for f in fits.values()],
    tr("batch_modes.col_noise"): [f"{f.grad_noise:.3f}" for f in fits.values()],
    tr("batch_modes.col_memory"): [tr("batch_modes.memory_one" if b == 1 else "batch_modes.memory", k=b) for b in (n, B, 1)],
    tr("batch_modes.col_final"): [f"{float(f.loss[-1]):.4g}" for f in fits.values()],
    tr("batch_modes.col_use"): [tr("batch_modes.use_full"), tr("batch_modes.use_mini"), tr("batch_modes.use_sgd")],
})
st.caption(tr("batch_modes.caption", epochs=epochs, floor=floor))
st.caption(tr("batch_modes.noise_note"))
uf.write(SPEC, url)
