import streamlit as st

from optviz.app.pages import HOME, present
from optviz.app.ui import app_frame, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

st.title(tr("home.title"))
st.write(tr("home.intro"))
st.subheader(tr("home.pages"))
for page in present():
    if page.name != HOME:
        st.page_link(page.file, label=tr(page.title_key), icon=page.icon)
        st.caption(tr(f"home.{page.name}"))
