"""Autoencoders: reconstruction, latent space, PCA, denoising, anomaly detection."""
import numpy as np
import streamlit as st

from optviz import autoencoder as ae
from optviz.app import spec as uf
from optviz.plots import autoencoder as plots
from optviz.app.ui import app_frame, chart, plot_tr, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

SPEC = uf.Spec("autoencoder", dict(data="shapes", latent=2, hidden=32, act="relu", loss="bce", epochs=60, lr=0.01, noise=0.0, n=600,
                          seed=0, pct=95.0),
               bounds=dict(latent=(1, 16, True), hidden=(0, 64, True), epochs=(5, 300, True), lr=(0.0005, 0.1, False),
                           noise=(0.0, 0.3, False), n=(100, 2000, True), seed=(0, 9999, True),
                           pct=(50.0, 100.0, False)),
               choices=dict(data=list(ae.DATASETS), act=["relu", "tanh", "sigmoid", "elu", "identity"],
                            loss=["mse", "bce"]),
               presets=dict(latent2=dict(), vs_pca=dict(latent=4, hidden=0, act="identity", loss="mse", epochs=200),
                            denoise=dict(latent=16, hidden=64, noise=0.1, epochs=80),
                            anomaly=dict(latent=8, epochs=80),
                            cloud=dict(data="cloud", act="tanh", loss="mse", epochs=60)))

HIDDEN = [0, 16, 32, 64]


st.title(tr("autoencoder.title"))
st.write(tr("autoencoder.intro"))
url = uf.setup(SPEC)
sb = st.sidebar
sb.selectbox(tr("autoencoder.data"), SPEC.choices["data"], key=SPEC.key("data"), format_func=lambda v: tr(f"autoencoder.data_{v}"))
sb.slider(tr("autoencoder.latent"), 1, 16, key=SPEC.key("latent"))
if st.session_state[SPEC.key("hidden")] not in HIDDEN:
    st.session_state[SPEC.key("hidden")] = 32
sb.selectbox(tr("autoencoder.hidden"), HIDDEN, key=SPEC.key("hidden"))
sb.selectbox(tr("autoencoder.activation"), SPEC.choices["act"], key=SPEC.key("act"))
sb.selectbox(tr("autoencoder.loss"), SPEC.choices["loss"], key=SPEC.key("loss"), format_func=lambda v: tr(f"autoencoder.loss_{v}"))
sb.slider(tr("autoencoder.epochs"), 5, 300, key=SPEC.key("epochs"), step=5)
sb.number_input(tr("autoencoder.lr"), 0.0005, 0.1, key=SPEC.key("lr"), format="%g", step=0.001)
images = st.session_state[SPEC.key("data")] == "shapes"
sb.slider(tr("autoencoder.noise"), 0.0, 0.3, key=SPEC.key("noise"), step=0.01,
          help=tr("autoencoder.noise_help" if images else "autoencoder.noise_help_cloud"))
sb.slider(tr("autoencoder.n"), 100, 2000, key=SPEC.key("n"), step=100)
s = uf.values(SPEC)

(X, y), (Xt, yt), A = ae.lesson_data(s["data"], s["n"], s["seed"])
latent = min(s["latent"], X.shape[1] - 1)  # a code as wide as the input would only copy it
if latent < s["latent"]:
    st.caption(tr("autoencoder.latent_capped", k=latent, d=X.shape[1]))
classes = [tr(f"autoencoder.class_{c}") for c in ae.DATASETS[s["data"]][2]]
epochs = ae.epochs_within(s["epochs"], len(X))
if epochs < s["epochs"]:
    st.info(tr("autoencoder.epochs_capped", epochs=epochs, asked=s["epochs"], max=ae.MAX_UPDATES))
key = tuple(sorted((k, v) for k, v in s.items() if k != "pct"))
bar = None if ae.trained.stored(key) else st.progress(0.0, text=tr("autoencoder.training"))
model, hist, seconds = ae.trained(key, progress=bar and (lambda e, h: bar.progress(e / epochs, text=tr("autoencoder.training"))))
if bar is not None:
    bar.empty()

p = ae.pca(X, latent)
R = model.reconstruct(Xt)
ours = ae.reconstruction_error(Xt, R).mean()
theirs = ae.reconstruction_error(Xt, p.reconstruct(Xt)).mean()
st.success(tr("autoencoder.summary" if images else "autoencoder.summary_cloud", ae=ours, pca=theirs, k=latent,
              loss=hist.loss[-1], epochs=hist.epochs, secs=seconds))
if not images and s["act"] == "relu" and ours > theirs:
    st.warning(tr("autoencoder.relu_code"))
show = np.arange(8) * 25 % len(Xt) if images else np.arange(len(Xt))
rows = {tr("autoencoder.input"): Xt[show], tr("autoencoder.reconstruction"): R[show], tr("autoencoder.pca_row", k=latent): p.reconstruct(Xt[show])}
chart(plots.image_rows(rows, tr=plot_tr) if images else plots.cloud(rows, tr("autoencoder.cloud_title"), tr=plot_tr))

if s["noise"]:
    st.subheader(tr("autoencoder.denoise"))
    Nt = ae.corrupt(s["data"], Xt, s["noise"], s["seed"] + 7)
    rows = {tr("autoencoder.noisy"): Nt[show], tr("autoencoder.denoised"): model.reconstruct(Nt[show]), tr("autoencoder.clean"): Xt[show]}
    chart(plots.image_rows(rows, tr=plot_tr) if images else plots.cloud(rows, tr("autoencoder.denoise_title"), tr=plot_tr))
    st.caption(tr("autoencoder.denoise_caption" if images else "autoencoder.denoise_caption_cloud", before=ae.reconstruction_error(Xt, Nt).mean(),
                  after=ae.reconstruction_error(Xt, model.reconstruct(Nt)).mean()))

st.subheader(tr("autoencoder.latent_header"))
view, shares = ae.code_view(model.encode(Xt))
axes = [tr("autoencoder.pc_axis", i=i + 1, share=100 * v) for i, v in enumerate(shares)] if shares is not None else ["z₁", "z₂"]
chart(plots.latent_scatter(view, yt, classes, axes=axes, tr=plot_tr,
                           title=tr(("autoencoder.latent_title" if images else "autoencoder.latent_title_cloud") + ("_pca" if shares is not None else ""))))
if shares is not None:
    st.caption(tr("autoencoder.latent_more", k=latent))

st.subheader(tr("autoencoder.anomaly"))
normal = ae.reconstruction_error(Xt, R)
odd = ae.reconstruction_error(A, model.reconstruct(A))
st.slider(tr("autoencoder.pct"), 50.0, 100.0, key=SPEC.key("pct"), step=0.5, help=tr("autoencoder.pct_help"))
threshold = float(np.percentile(normal, st.session_state[SPEC.key("pct")]))
hit, false_alarm = ae.detection_rates(normal, odd, threshold)
chart(plots.error_histograms(normal, odd, threshold, images=images, tr=plot_tr))
st.info(tr("autoencoder.rates" if images else "autoencoder.rates_cloud", hit=100 * hit, fa=100 * false_alarm, t=threshold))
uf.write(SPEC, url)
