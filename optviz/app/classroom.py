"""Classroom rooms in the sidebar (Streamlit glue over ``optviz.rooms``): a teacher starts a room and
gets its code, join link and QR code; students join by the link or the code; the teacher's "Send my
view" puts the teacher's page and settings on every student's screen within about 2 s (a fragment
that polls the room), and "Back to the teacher's view" returns there after exploring.

Predict, then reveal: the teacher asks one of the course's questions (``optviz.questions``; its view
goes to every screen with it) or "where will run 1 of this view end?"; above the page each student
answers (a button per option, or a tap on the surface's chart), the teacher's screen shows the live
tally (bars, or the guesses as dots) and, on "Reveal", the answer the app computes: the right bar, or
the real path over the guesses and who was closest. The answers download as CSV.

The teacher's token lives in the teacher's session and in a teacher link (to reopen the room on
another device); a link's ``room`` and ``teacher`` values are taken out of the address at once, so
the share link and the projector never show the token.
"""
from __future__ import annotations

import functools
import io

import streamlit as st

from .. import i18n, questions, rooms, surfaces
from ..plots import classroom as plots
from .pages import PAGES
from .ui import app_link, chart, chart_points, current_lang, plot_tr, presenting, tr

# the rooms: this server's memory, or Redis when OPTVIZ_ROOMS=redis://... (several servers, one room)
STORE = rooms.store_from_env(pages=[p.name for p in PAGES])
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


def _ask() -> None:
    """The teacher asks the question chosen: its view goes to the room with it (and to the
    teacher's own screen, for a course question)."""
    room = st.session_state.get(ROOM) or {}
    pick = st.session_state.get("room_q_pick")
    if pick == questions.WHERE:
        query = {k: st.query_params[k] for k in st.query_params if k not in NOT_SETTINGS}
        q = questions.where(query) if st.session_state.get("room_page") == "playground" else None
        if q is None:
            st.session_state["room_error"] = "no_where"
            return
    elif pick in questions.QUESTIONS:
        q = questions.QUESTIONS[pick]
    else:
        return
    lang = current_lang()
    text = i18n.t(q.text_key(), lang, **q.text_params())
    options = [i18n.t(k, lang) for k in q.option_keys()]
    try:
        STORE.send_view(room.get("code"), room.get("token"), q.page, q.query)
        STORE.ask(room.get("code"), room.get("token"), questions.for_room(q, text, options))
    except rooms.RoomError as e:
        return _error(e)
    st.session_state["room_asked"] = True
    if pick != questions.WHERE:
        st.session_state["room_go_view"] = {"page": q.page, "query": dict(q.query)}


def _reveal() -> None:
    room = st.session_state.get(ROOM) or {}
    try:
        STORE.reveal(room.get("code"), room.get("token"))
    except rooms.RoomError as e:
        _error(e)


def _answer(number: int, answer) -> None:
    room = st.session_state.get(ROOM) or {}
    try:
        STORE.answer(room.get("code"), room.get("id"), number, answer)
    except rooms.RoomError as e:
        return _error(e)
    room.setdefault("answers", {})[str(number)] = answer


def _on_guess(number: int, key: str, box: list) -> None:
    """A tap on the question's chart: the grid point under it is the guess."""
    points = chart_points(key)
    if not points or "x" not in points[0] or "y" not in points[0]:
        return
    x0, x1, y0, y1 = box
    x = min(max(float(points[0]["x"]), x0), x1)
    y = min(max(float(points[0]["y"]), y0), y1)
    _answer(number, [round(x, 3), round(y, 3)])


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


# --- the question above the page -------------------------------------------------------------------

def _question_label(qid: str) -> str:
    if qid == questions.WHERE:
        return i18n.t("classroom.where_option", current_lang())
    text = i18n.t(questions.QUESTIONS[qid].text_key(), current_lang())
    return text if len(text) <= 70 else text[:68] + "…"


def question_panel() -> None:
    """Above the page, while the room has a question: the students' answer, the teacher's tally and
    reveal."""
    room = st.session_state.get(ROOM)
    if not room:
        return
    try:
        number, stored, revealed = STORE.question(room["code"])
    except rooms.RoomError:
        return
    q = questions.from_room(stored)
    if q is None:
        return
    with st.container(border=True, key="room_question"):
        st.markdown("**" + tr(q.text_key(), **q.text_params()) + "**")
        if room["role"] == "teacher":
            if revealed:
                _results(room, q, stored, revealed=True)
            else:
                _live_tally(q, stored)
                st.button(tr("classroom.reveal"), key="room_reveal", type="primary", on_click=_reveal)
        else:
            _student_question(room, number, q, stored, revealed)


@st.fragment(run_every=POLL_SECONDS)
def _live_tally(q, stored) -> None:
    """The teacher's tally, every POLL_SECONDS while the question is open."""
    room = st.session_state.get(ROOM) or {}
    _results(room, q, stored, revealed=False)


def _results(room: dict, q, stored: dict, revealed: bool) -> None:
    try:
        t = STORE.tally(room["code"])
    except rooms.RoomError:
        return
    st.caption(tr("classroom.answered", answered=t["answered"], students=t["students"]))
    if q.kind == "choice":
        labels = [plot_tr(k) for k in q.option_keys()]
        answer = questions.answer_of(q) if revealed else None
        if revealed:
            st.markdown(tr("classroom.answer_is", answer=i18n.t(q.option_keys()[answer], current_lang())))
        chart(plots.tally_bars(labels, t.get("counts", [0] * len(labels)), answer, tr=plot_tr,
                               present=presenting()), key="room_bars")
        return
    surf = surfaces.get(q.query["s"])
    points = t.get("points", [])
    path = questions.path_of(q) if revealed else None
    chart(plots.guess_figure(surf, points, path=path, tr=plot_tr, present=presenting(), clickable=False),
          key="room_guesses")
    if revealed:
        end = path[-1]
        st.markdown(tr("classroom.answer_point", x=f"{end[0]:.3g}", y=f"{end[1]:.3g}"))
        best = questions.closest(points, t.get("names", []), end)
        if best:
            st.markdown(tr("classroom.closest") + "\n\n" + "\n\n".join(
                tr("classroom.closest_row", rank=str(i + 1), name=name or i18n.t("classroom.anonymous", current_lang()),
                   d=f"{d:.3g}") for i, (name, d) in enumerate(best)))


def _student_question(room: dict, number: int, q, stored: dict, revealed: bool) -> None:
    mine = (room.get("answers") or {}).get(str(number))
    if q.kind == "choice":
        labels = [tr(k) for k in q.option_keys()]
        answer = questions.answer_of(q) if revealed else None
        for i, label in enumerate(labels):
            st.button(label, key=f"room_opt_{number}_{i}", on_click=_answer, args=(number, i), disabled=revealed,
                      type="primary" if mine == i else "secondary", width="stretch")
        if revealed:
            st.markdown(tr("classroom.answer_is", answer=labels[answer]))
            if mine is not None:
                st.markdown(tr("classroom.right") if mine == answer else tr("classroom.wrong"))
        elif mine is not None:
            st.caption(tr("classroom.your_answer", answer=labels[mine]))
        return
    surf = surfaces.get(q.query["s"])
    path = questions.path_of(q) if revealed else None
    key = f"room_guess_{number}"
    if not revealed:
        st.caption(tr("classroom.tap"))
        chart(plots.guess_figure(surf, mine=mine, tr=plot_tr, present=presenting()), key=key,
              on_select=functools.partial(_on_guess, number, key, stored["box"]), selection_mode="points")
    else:
        chart(plots.guess_figure(surf, mine=mine, path=path, tr=plot_tr, present=presenting(), clickable=False),
              key=key + "_revealed")
        end = path[-1]
        st.markdown(tr("classroom.answer_point", x=f"{end[0]:.3g}", y=f"{end[1]:.3g}"))
    if mine is not None:
        st.caption(tr("classroom.your_point", x=f"{mine[0]:.3g}", y=f"{mine[1]:.3g}") if not revealed else
                   tr("classroom.you_were", d=f"{questions.closest([mine], [''], path[-1])[0][1]:.3g}"))


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
    view = st.session_state.pop("room_go_view", None)
    if view is not None:  # the teacher asked a course question: the projector shows its view too
        go(view)


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
    st.markdown(f"**{tr('classroom.ask_title')}**")
    st.selectbox(tr("classroom.question"), [questions.WHERE, *questions.QUESTIONS], key="room_q_pick",
                 format_func=_question_label)
    st.button(tr("classroom.ask"), key="room_ask", on_click=_ask, help=tr("classroom.ask_help"))
    if st.session_state.pop("room_asked", False):
        st.caption(tr("classroom.asked"))
    answers = STORE.csv(code, room["token"])
    if answers.count("\n") > 1:
        st.download_button(tr("classroom.csv"), answers, file_name=f"optviz-room-{code}.csv", mime="text/csv",
                           key="room_csv")
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
        seq, view, number, revealed = STORE.follow(room["code"])  # one read of the room
    except rooms.RoomError as e:
        st.session_state.pop(ROOM, None)
        _error(e)
        st.rerun(scope="app")
    back = st.session_state.pop("room_go", False)
    asked = [number, revealed]
    new_question = number > 0 and room.get("asked") != asked
    room["asked"] = asked
    if view is not None and (seq > room["seen"] or back):
        room["seen"] = seq
        go(view)
    if new_question:  # a new question, or its answer revealed: the panel above the page shows it
        st.rerun(scope="app")
    st.caption(tr("classroom.following") if view is not None else tr("classroom.waiting"))
