"""Classroom rooms through the app (AppTest): start, the teacher link, joining by link or code,
"Send my view"; a forged or malformed link is refused with a message, and the token never stays
in the address."""
import pytest

from conftest import all_text, open_page
from optviz.app import classroom


def start_room(page="playground.py", **query):
    at = open_page(page, **query)
    at.button(key="room_start").click().run()
    room = at.session_state["room"]
    assert room["role"] == "teacher" and classroom.STORE.is_teacher(room["code"], room["token"])
    return at, room


def test_a_teacher_starts_a_room_and_sends_the_view_with_its_settings():
    at, room = start_room(s="rosenbrock", steps="300")
    text = all_text(at)
    assert f"Room code: **{room['code']}**" in text and "0 students joined" in text
    assert "teacher" not in at.query_params and "room" not in at.query_params  # never in the address
    at.button(key="room_send").click().run()
    seq, view = classroom.STORE.view(room["code"])
    assert seq == 1 and view["page"] == "playground"
    assert view["query"]["s"] == "rosenbrock" and view["query"]["steps"] == "300" and "lang" not in view["query"]


def test_the_teacher_link_reopens_the_room_as_teacher_and_a_forged_one_does_not():
    _, room = start_room()
    at = open_page(None, room=room["code"], teacher=room["token"])
    assert at.session_state["room"]["role"] == "teacher"
    assert "teacher" not in at.query_params
    for forged in [room["token"][:-2] + "xx", "", "x" * 500]:
        at = open_page(None, room=room["code"], teacher=forged)
        assert "room" not in at.session_state
        assert "not valid for the room" in all_text(at) and "teacher" not in at.query_params


def test_a_student_joins_by_the_link_and_lands_on_the_current_view():
    teacher, room = start_room()
    teacher.button(key="room_send").click().run()
    at = open_page(None, room=room["code"].lower())  # as typed from the projector, in lower case
    assert "Join room" in all_text(at) and at.session_state["room_code_input"] == room["code"]
    at.text_input(key="room_name_main").set_value("  Aiko <b>  ").run()
    at.button(key="room_join_main").click().run()
    me = at.session_state["room"]
    assert me["role"] == "student" and me["name"] == "Aiko <b>"
    assert classroom.STORE.tally(room["code"])["students"] == 1
    assert me["seen"] == 1 and at.title[0].value == "Optimizer playground"  # landed on the teacher's view


@pytest.mark.parametrize("code", ["nope", "ABC", "ZZZZZZZZZ", "<script>", "A" * 40])
def test_a_malformed_or_unknown_room_code_is_said_plainly(code):
    at = open_page(None, room=code)
    assert not at.exception
    assert "room" not in at.query_params
    text = all_text(at)
    assert "six letters and digits" in text or "Join room" in text
    if "Join room" in text:  # a well-formed code of no room: joining says so
        at.button(key="room_join_main").click().run()
        assert "no room with this code" in all_text(at)
