from pathlib import Path

import streamlit as st

from optviz.ui import app_frame, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.ui.app_frame)

st.title(tr("home.title"))
st.write(tr("home.intro"))
st.subheader(tr("home.pages"))
root = Path(__file__).parent
for page, icon in [("playground", "🏁"), ("activations", "〰️"), ("vanishing", "📉"), ("mlp", "🧠"),
                   ("learning_rate", "📏"), ("line_fitting", "📈"), ("batch_modes", "🎲"),
                   ("loss_functions", "🎯"), ("perceptron", "🔌"), ("backprop", "🔁"), ("autoencoder", "🗜️")]:
    if (root / f"{page}.py").exists():
        st.page_link(f"pages/{page}.py", label=tr(f"nav.{page}"), icon=icon)
        st.caption(tr(f"home.{page}"))
