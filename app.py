"""optviz entry point: `streamlit run app.py` (or `make run`)."""
import streamlit as st

from optviz import system
from optviz.app import classroom, ui
from optviz.app.pages import HOME, present

system.keep_freed_memory()  # numpy temporaries of a few hundred kB reuse freed memory (idempotent)
system.single_threaded_blas()  # one script thread per session: BLAS threads would only compete

with ui.app_run():
    st.set_page_config(page_title="optviz", page_icon="📉", layout="wide",
                       initial_sidebar_state="collapsed" if ui.presentation_from_url() else "auto")
    ui.language_selector()
    ui.presentation_toggle()
    classroom.from_link()  # a join or teacher link: taken out of the address before any page reads it

    # the page list (optviz.app.pages); a page's URL path is its file name: until a session has run
    # st.navigation (a fresh server), Streamlit's legacy pages/ mode answers a deep link by file name
    # and runs that file alone; its app_frame(__file__) then runs this script around it, where the
    # same path finds the same page.
    pages = [st.Page(p.file, title=ui.tr(p.title_key), icon=p.icon, url_path=p.name, default=(p.name == HOME))
             for p in present()]
    page = st.navigation(pages, expanded=True)  # every page in view (13: more than the 10 shown by default)
    classroom.remember_page(page)
    classroom.sidebar()  # before the page, which may stop early (st.stop on a refused input)
    classroom.join_prompt()  # a student's join link: the form above the page
    classroom.question_panel()  # the room's open question: answers, tally, reveal
    page.run()
    ui.share_link()  # after the page: it has written its settings to the URL
