import streamlit as st

from optviz import course
from optviz.app.pages import HOME, PAGES, present
from optviz.app.ui import app_frame, current_lang, tr

app_frame(__file__)  # first: a fresh server may run this file alone (see optviz.app.ui.app_frame)

st.title(tr("home.title"))
st.write(tr("home.intro"))
st.subheader(tr("home.pages"))
for page in present():
    if page.name != HOME:
        st.page_link(page.file, label=tr(page.title_key), icon=page.icon)
        st.caption(tr(f"home.{page.name}"))

# the course map: each note's sections, as links that open the page and settings that show them
st.subheader(tr("home.map_title"))
st.caption(tr("home.map_caption"))
files = {p.name: p.file for p in PAGES}
for note in dict.fromkeys(e.note for e in course.MAP):
    st.markdown("**" + (tr("home.map_note", note=note) if note else tr("home.map_beyond")) + "**")
    for e in (e for e in course.MAP if e.note == note):
        label = (f"{e.section} " if e.section else "") + tr(e.text_key())
        st.page_link(files[e.page], label=label, query_params={**e.query, "lang": current_lang()})

