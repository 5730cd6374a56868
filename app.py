"""optviz entry point: `streamlit run app.py` (or `make run`)."""
from pathlib import Path

import streamlit as st

from optviz import system, ui

system.keep_freed_memory()  # numpy temporaries of a few hundred kB reuse freed memory (idempotent)
system.single_threaded_blas()  # one script thread per session: BLAS threads would only compete

with ui.app_run():
    st.set_page_config(page_title="optviz", page_icon="📉", layout="wide",
                       initial_sidebar_state="collapsed" if ui.presentation_from_url() else "auto")
    ui.language_selector()
    ui.presentation_toggle()

    # (file, catalog key of its title, icon, URL path); a page appears once its file exists. The URL
    # path is the file name: until a session has run st.navigation (a fresh server), Streamlit's
    # legacy pages/ mode answers a deep link by file name and runs that file alone; its
    # ui.app_frame(__file__) then runs this script around it, where the same path finds the same page.
    PAGES = [
        ("pages/home.py", "nav.home", "🏠", "home"),
        ("pages/playground.py", "nav.playground", "🏁", "playground"),
        ("pages/activations.py", "nav.activations", "〰️", "activations"),
        ("pages/vanishing.py", "nav.vanishing", "📉", "vanishing"),
        ("pages/mlp.py", "nav.mlp", "🧠", "mlp"),
        ("pages/learning_rate.py", "nav.learning_rate", "📏", "learning_rate"),
        ("pages/line_fitting.py", "nav.line_fitting", "📈", "line_fitting"),
        ("pages/batch_modes.py", "nav.batch_modes", "🎲", "batch_modes"),
        ("pages/loss_functions.py", "nav.loss_functions", "🎯", "loss_functions"),
        ("pages/perceptron.py", "nav.perceptron", "🔌", "perceptron"),
        ("pages/backprop.py", "nav.backprop", "🔁", "backprop"),
        ("pages/autoencoder.py", "nav.autoencoder", "🗜️", "autoencoder"),
    ]
    here = Path(__file__).parent
    pages = [st.Page(f, title=ui.tr(key), icon=icon, url_path=path, default=(path == "home"))
             for f, key, icon, path in PAGES if (here / f).exists()]
    st.navigation(pages).run()
    ui.share_link()  # after the page: it has written its settings to the URL
