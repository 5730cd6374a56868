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


# --- predict, then reveal -------------------------------------------------------------------------

def join(room, name="Aiko"):
    at = open_page(None, room=room["code"])
    at.text_input(key="room_name_main").set_value(name).run()
    at.button(key="room_join_main").click().run()
    return at


def ask(teacher, pick):
    teacher.selectbox(key="room_q_pick").set_value(pick).run()
    teacher.button(key="room_ask").click().run()
    return teacher


def test_a_course_question_goes_to_every_screen_with_its_view_and_the_tally_and_reveal_follow():
    from optviz import questions
    teacher, room = start_room()
    students = [join(room, n) for n in ("Aiko", "Ben")]
    ask(teacher, "sgd_limit")
    q = questions.QUESTIONS["sgd_limit"]
    seq, view = classroom.STORE.view(room["code"])
    assert view == {"page": "playground", "query": q.query}  # the question's view went to the room
    assert teacher.title[0].value == "Optimizer playground" and teacher.query_params["runs"] == "sgd:lr=0.1"
    assert "0 of 2 answered" in all_text(teacher)
    for at, choice in zip(students, (1, 2)):
        at.run()  # (the poll's rerun)
        assert "what does it do?" in all_text(at)
        at.button(key=f"room_opt_1_{choice}").click().run()
        assert "Your answer" in all_text(at)
    teacher.run()
    assert "2 of 2 answered" in all_text(teacher)
    assert classroom.STORE.tally(room["code"])["counts"] == [0, 1, 1]
    teacher.button(key="room_reveal").click().run()
    answer = questions.answer_of(q)
    assert answer == questions.REGIMES.index("oscillates")  # at 2/λmax exactly: the course's point
    assert "Answer: **It keeps oscillating, never arriving**" in all_text(teacher)
    right, wrong = students
    right.run()
    wrong.run()
    assert "Right!" in all_text(right) and "Not this time." in all_text(wrong)
    assert all(b.disabled for b in right.button if b.key and b.key.startswith("room_opt_"))
    csv = classroom.STORE.csv(room["code"], room["token"])
    assert "Aiko" in csv and "Ben" in csv and "It keeps oscillating" in csv


def test_where_will_it_end_about_the_teacher_s_own_view_reveals_the_path_and_who_was_closest():
    from optviz import questions
    teacher, room = start_room(s="rosenbrock", x="-1.5", y="2.0", steps="120", runs="adam:lr=0.05")
    ask(teacher, questions.WHERE)
    number, stored, _ = classroom.STORE.question(room["code"])
    assert stored["ref"] == "where" and stored["view"]["query"]["steps"] == "120"
    assert "Where will 1 · Adam (lr=0.05) be after 120 steps?" in all_text(teacher)
    end = questions.path_of(questions.from_room(stored))[-1]
    far, near = join(room, "Far"), join(room, "Near")
    for at in (far, near):
        at.run()
        assert "Tap your guess" in all_text(at)
    # a tap on the chart reaches the store through the chart's selection (what the browser sends)
    ids = {n: at.session_state["room"]["id"] for n, at in (("Far", far), ("Near", near))}
    classroom.STORE.answer(room["code"], ids["Far"], number, [-1.9, -0.9])
    classroom.STORE.answer(room["code"], ids["Near"], number, [float(end[0]) + 0.01, float(end[1])])
    teacher.run()
    assert "2 of 2 answered" in all_text(teacher)
    teacher.button(key="room_reveal").click().run()
    text = all_text(teacher)
    assert "Closest guesses" in text and text.index("1. Near") < text.index("2. Far")
    near.run()
    assert "Answer: (" in all_text(near)


def test_where_is_refused_with_a_message_off_the_playground_or_on_a_typed_surface():
    teacher, room = start_room("activations.py")
    ask(teacher, "where")
    assert "Open a playground view" in all_text(teacher)
    assert classroom.STORE.question(room["code"])[1] is None
    teacher, room = start_room(s="custom", expr="x**2 + y**2")
    ask(teacher, "where")
    assert "Open a playground view" in all_text(teacher)


def test_a_forged_or_malformed_answer_is_refused_and_the_tally_is_unchanged():
    from optviz import questions
    teacher, room = start_room()
    ask(teacher, "adam_rosenbrock")
    student = join(room)
    student.run()
    assert "Tap your guess" in all_text(student)
    number, stored, _ = classroom.STORE.question(room["code"])
    assert stored["box"] == questions.QUESTIONS["adam_rosenbrock"].box()
    sid = student.session_state["room"]["id"]
    for bad in (["1", 2], [float("nan"), 0.0], [0.0], "x", None, 3, [99.0, -99.0], [True, 1.0]):
        with pytest.raises(classroom.rooms.RoomError):
            classroom.STORE.answer(room["code"], sid, number, bad)
    with pytest.raises(classroom.rooms.RoomError):  # someone who did not join
        classroom.STORE.answer(room["code"], "x" * 16, number, [0.0, 0.0])
    assert classroom.STORE.tally(room["code"])["answered"] == 0
