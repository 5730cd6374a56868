"""Classroom rooms in the sidebar (Streamlit glue over ``optviz.rooms``): a teacher starts a room and
gets its code, join link and QR code; students join by the link or the code; the teacher's "Send my
view" puts the teacher's page and settings on every student's screen within about 2 s (a fragment
that polls the room), and "Back to the teacher's view" returns there after exploring.

The teacher's token lives in the teacher's session and in a teacher link (to reopen the room on
another device); a link's ``room`` and ``teacher`` values are taken out of the address at once, so
the share link and the projector never show the token.
"""
from __future__ import annotations

import io

import streamlit as st

from .. import rooms
from .pages import PAGES
from .ui import app_link, current_lang, presenting, tr

STORE = rooms.MemoryStore(pages=[p.name for p in PAGES])  # this server's rooms, shared by its sessions
ROOM = "room"  # session key: {"role": "teacher", "code", "token"} or {"role": "student", "code", "id", "name", "seen"}
POLL_SECONDS = 2
NOT_SETTINGS = ("lang", "present", "room", "teacher")  # query values that are no page's settings


def from_link() -> None:
    """Take ``?room=`` (a student's join link: the join form opens with the code) and ``?teacher=``
    (the teacher link) out of the address; a valid teacher link makes this session the room's teacher."""
    qp = st.query_params
    code, token = qp.get("room"), qp.get("teacher")
    for k in ("room", "teacher"):
        if k in qp:
            del qp[k]
    if code is None:
        return
    try:
        code = rooms.normalize_code(code)
    except rooms.RoomError as e:
        st.session_state["room_error"] = e.key
        return
    if token is not None:
        if STORE.is_teacher(code, token):
            st.session_state[ROOM] = {"role": "teacher", "code": code, "token": token}
        else:
            st.session_state["room_error"] = "not_teacher"
    elif ROOM not in st.session_state:
        st.session_state["room_code_input"] = code


def remember_page(page) -> None:
    """The page this run shows (what "Send my view" sends)."""
    st.session_state["room_page"] = page.url_path or "home"


def join_link(code: str) -> str:
    return app_link({"room": code}, path="/")


def qr_png(text: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


# --- actions (callbacks: they run before the next script run) ------------------------------------

def _error(e: rooms.RoomError) -> None:
    st.session_state["room_error"] = e.key


def _start() -> None:
    try:
        code, token = STORE.create()
    except rooms.RoomError as e:
        return _error(e)
    st.session_state[ROOM] = {"role": "teacher", "code": code, "token": token}


def _join(name_key: str = "room_name_input") -> None:
    try:
        code = rooms.normalize_code(st.session_state.get("room_code_input", ""))
        name = rooms.clean_name(st.session_state.get(name_key, ""))
        sid = STORE.join(code, name)
    except rooms.RoomError as e:
        return _error(e)
    st.session_state[ROOM] = {"role": "student", "code": code, "id": sid, "name": name, "seen": 0}
    st.session_state["room_go"] = True  # a late joiner lands on the current view


def _send() -> None:
    room = st.session_state.get(ROOM) or {}
    query = {k: st.query_params[k] for k in st.query_params if k not in NOT_SETTINGS}
    try:
        STORE.send_view(room.get("code"), room.get("token"), st.session_state.get("room_page", "home"), query)
    except rooms.RoomError as e:
        return _error(e)
    st.session_state["room_sent"] = True


def _leave() -> None:
    st.session_state.pop(ROOM, None)


def _back() -> None:
    st.session_state["room_go"] = True


def go(view: dict) -> None:
    """Show ``view`` (a page and its link settings) in this session: the pages read their settings
    from the link again, the session keeps its language."""
    for k in [k for k in st.session_state if str(k).endswith("_init")]:
        del st.session_state[k]
    page = next(p for p in PAGES if p.name == view["page"])
    st.switch_page(page.file, query_params={**view["query"], "lang": current_lang()})


# --- the join prompt and the sidebar ------------------------------------------------------------

def join_prompt() -> None:
    """Above the page, for a student who opened a join link (on a phone the sidebar is closed): the
    room's code, a name and Join."""
    code = st.session_state.get("room_code_input")
    if st.session_state.get(ROOM) is not None or not code:
        return
    with st.container(border=True):
        st.markdown(tr("classroom.join_prompt", code=code))
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input(tr("classroom.name"), key="room_name_main", max_chars=rooms.MAX_NAME)
        c2.button(tr("classroom.join"), key="room_join_main", type="primary", on_click=_join, args=("room_name_main",))


# --- the sidebar ---------------------------------------------------------------------------------

def sidebar() -> None:
    room = st.session_state.get(ROOM)
    error = st.session_state.pop("room_error", None)
    with st.sidebar.expander(tr("classroom.title"), expanded=room is not None or error is not None
                             or "room_code_input" in st.session_state):
        if error:
            st.error(tr(f"classroom.error_{error}"))
        if room is None:
            st.button(tr("classroom.start"), key="room_start", on_click=_start, help=tr("classroom.start_help"))
            st.text_input(tr("classroom.code"), key="room_code_input", max_chars=12)
            st.text_input(tr("classroom.name"), key="room_name_input", max_chars=rooms.MAX_NAME)
            st.button(tr("classroom.join"), key="room_join", on_click=_join)
        elif room["role"] == "teacher":
            _teacher(room)
        else:
            _student(room)


def _teacher(room: dict) -> None:
    code = room["code"]
    if not STORE.exists(code):
        st.session_state.pop(ROOM, None)
        st.error(tr("classroom.error_no_room"))
        return
    st.markdown(tr("classroom.code_is", code=code))
    link = join_link(code)
    st.image(qr_png(link), caption=tr("classroom.qr_caption"), width=360 if presenting() else 200)
    st.code(link, language=None, wrap_lines=True)
    st.caption(tr("classroom.students", n=STORE.tally(code)["students"]))  # as of the teacher's last change
    st.button(tr("classroom.send"), key="room_send", type="primary", on_click=_send, help=tr("classroom.send_help"))
    if st.session_state.pop("room_sent", False):
        st.caption(tr("classroom.sent"))
    with st.popover(tr("classroom.teacher_link")):
        st.caption(tr("classroom.teacher_link_help"))
        st.code(app_link({"room": code, "teacher": room["token"]}, path="/"), language=None, wrap_lines=True)
    st.button(tr("classroom.leave"), key="room_leave", on_click=_leave)


def _student(room: dict) -> None:
    st.markdown(tr("classroom.joined", code=room["code"], name=room["name"] or "—"))
    _follow()
    st.button(tr("classroom.back"), key="room_back", on_click=_back)
    st.button(tr("classroom.leave"), key="room_leave", on_click=_leave)


@st.fragment(run_every=POLL_SECONDS)
def _follow() -> None:
    """Every POLL_SECONDS: a new view from the teacher (or "Back to the teacher's view") is shown."""
    room = st.session_state.get(ROOM)
    if not room or room.get("role") != "student":
        return
    try:
        seq, view = STORE.view(room["code"])
    except rooms.RoomError as e:
        st.session_state.pop(ROOM, None)
        _error(e)
        st.rerun(scope="app")
    back = st.session_state.pop("room_go", False)
    if view is not None and (seq > room["seen"] or back):
        room["seen"] = seq
        go(view)
    st.caption(tr("classroom.following") if view is not None else tr("classroom.waiting"))
