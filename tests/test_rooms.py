"""Classroom rooms: codes, the teacher token, following the teacher's view, questions, answers,
the tally and the CSV; every message from outside validated, nothing reaching another room. Every
test runs against both stores: this process's memory and a real redis-server."""
import csv
import io
import threading

import pytest

from optviz import rooms

PAGES = ("playground", "activations", "learning_rate")


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


STORE = {}  # the store under test: "memory", or "redis" and its URL


@pytest.fixture(autouse=True, params=["memory", "redis"])
def backend(request):
    STORE.clear()
    if request.param == "redis":
        import redis
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        STORE["redis"] = url
    yield request.param


def store(clock=None, pages=PAGES):
    if "redis" in STORE:
        return rooms.RedisStore(STORE["redis"], clock=clock or Clock(), pages=pages)
    return rooms.MemoryStore(clock=clock or Clock(), pages=pages)


def test_codes_are_hard_to_guess_and_read_off_a_projector():
    assert len(rooms.CODE_ALPHABET) ** rooms.CODE_LENGTH >= 10 ** 9
    assert not set("01OI") & set(rooms.CODE_ALPHABET)
    s = store()
    codes = {s.create()[0] for _ in range(300)}
    assert len(codes) == 300 and all(len(c) == 6 and set(c) <= set(rooms.CODE_ALPHABET) for c in codes)
    assert rooms.normalize_code(" abc-def ".replace("abc", "k7m").replace("def", "q2z")) == "K7MQ2Z"
    for bad in ["", "ABCDE", "ABCDEFG", "ABC0EF", "ABCIEF", "ab<cd>", None, 12345678, "A" * 100]:
        with pytest.raises(rooms.RoomError):
            rooms.normalize_code(bad)


def test_only_the_token_holder_is_the_teacher():
    s = store()
    code, token = s.create()
    other, other_token = s.create()
    assert s.is_teacher(code, token) and not s.is_teacher(code, other_token)
    for forged in [other_token, token[:-1], token + "x", "", None, 123, ["x"], "x" * 10_000]:
        assert not s.is_teacher(code, forged)
        with pytest.raises(rooms.RoomError) as e:
            s.send_view(code, forged, "playground", {})
        assert e.value.key == "not_teacher"
        with pytest.raises(rooms.RoomError):
            s.ask(code, forged, {"kind": "choice", "text": "?", "options": ["a", "b"]})
        with pytest.raises(rooms.RoomError):
            s.reveal(code, forged)
        with pytest.raises(rooms.RoomError):
            s.csv(code, forged)
    assert s.view(code) == (0, None)  # nothing forged got through


def test_students_follow_the_teachers_latest_view():
    s = store()
    code, token = s.create()
    assert s.view(code) == (0, None)
    s.send_view(code, token, "playground", {"s": "rosenbrock", "steps": 300, "lr": 0.1})
    late = s.join(code, "late student")  # joins after the view was sent: lands on it
    seq, view = s.view(code)
    assert seq == 1 and view == {"page": "playground", "query": {"s": "rosenbrock", "steps": "300", "lr": "0.1"}}
    assert s.send_view(code, token, "activations", {"acts": "relu,elu"}) == 2
    assert s.view(code)[1]["page"] == "activations" and late


def test_a_students_poll_reads_view_and_question_in_one_read():
    s = store()
    code, token = s.create()
    assert s.follow(code) == (0, None, 0, False)
    s.send_view(code, token, "activations", {"acts": "relu"})
    s.ask(code, token, {"kind": "choice", "text": "Which wins?", "options": ["SGD", "Adam"]})
    s.reveal(code, token)
    seq, view = s.view(code)
    number, _, revealed = s.question(code)
    assert s.follow(code) == (seq, view, number, revealed) == (1, view, 1, True)
    with pytest.raises(rooms.RoomError):
        s.follow("ZZZZZZ")


@pytest.mark.parametrize("page,query", [("nope", {}), ("../etc", {}), (None, {}), ("playground", []),
                                        ("playground", {"S": "x"}), ("playground", {"a b": "x"}),
                                        ("playground", {"x": {"nested": 1}}), ("playground", {"x": True}),
                                        ("playground", {"x": "y" * 1001}),
                                        ("playground", {f"k{i}": "v" for i in range(41)}),
                                        ("playground", {f"k{i}": "v" * 999 for i in range(20)})])
def test_a_forged_or_oversized_view_is_refused(page, query):
    s = store()
    code, token = s.create()
    with pytest.raises(rooms.RoomError) as e:
        s.send_view(code, token, page, query)
    assert e.value.key == "bad_view" and s.view(code) == (0, None)


def test_names_are_trimmed_limited_and_plain():
    assert rooms.clean_name("  Aiko  ") == "Aiko"
    assert rooms.clean_name("x" * 100) == "x" * rooms.MAX_NAME
    assert rooms.clean_name("a\x00b\nc\u202e") == "abc"
    assert rooms.clean_name(None) == ""
    with pytest.raises(rooms.RoomError):
        rooms.clean_name(["a"])


def test_choice_question_tally_and_the_answer_can_change_until_the_reveal():
    s = store()
    code, token = s.create()
    students = [s.join(code, f"s{i}") for i in range(5)]
    n = s.ask(code, token, {"kind": "choice", "text": "Which wins?", "options": ["SGD", "Momentum", "Adam"]})
    for sid, a in zip(students, [2, 2, 1, 0, 2]):
        s.answer(code, sid, n, a)
    s.answer(code, students[3], n, 2)  # changed their mind: counted once
    t = s.tally(code)
    assert t["counts"] == [0, 1, 4] and t["answered"] == 5 and t["students"] == 5
    s.reveal(code, token)
    with pytest.raises(rooms.RoomError) as e:
        s.answer(code, students[0], n, 0)
    assert e.value.key == "closed"
    s2 = store()
    c2, t2 = s2.create()
    sid = s2.join(c2)
    n2 = s2.ask(c2, t2, {"kind": "choice", "text": "", "options": ["a", "b", "c"]})
    for bad in [3, -1, True, "2", 1.0, None, [2]]:
        with pytest.raises(rooms.RoomError) as e:
            s2.answer(c2, sid, n2, bad)
        assert e.value.key == "bad_answer"
    assert s2.tally(c2)["answered"] == 0


def test_point_question_keeps_guesses_inside_the_chart():
    s = store()
    code, token = s.create()
    a, b = s.join(code), s.join(code)
    n = s.ask(code, token, {"kind": "point", "text": "Where will Adam be after 30 steps?", "box": [-8, 8, -4, 4]})
    s.answer(code, a, n, [1.5, -0.5])
    s.answer(code, b, n, (0, 0))
    assert sorted(s.tally(code)["points"]) == [[0.0, 0.0], [1.5, -0.5]]
    for bad in [[9, 0], [0, float("nan")], [0], "1,2", [True, 0], [1e308 * 10, 0]]:
        with pytest.raises(rooms.RoomError):
            s.answer(code, a, n, bad)


@pytest.mark.parametrize("question", [None, "q", {"kind": "essay"}, {"kind": "choice", "options": ["one"]},
                                      {"kind": "choice", "options": ["a"] * 9},
                                      {"kind": "choice", "options": ["a", ""]},
                                      {"kind": "choice", "text": "x" * 301, "options": ["a", "b"]},
                                      {"kind": "point", "box": [1, 0, 0, 1]},
                                      {"kind": "point", "box": [0, 1, 0, float("inf")]}])
def test_a_malformed_question_is_refused(question):
    s = store()
    code, token = s.create()
    with pytest.raises(rooms.RoomError) as e:
        s.ask(code, token, question)
    assert e.value.key == "bad_question" and s.question(code)[1] is None


def test_answers_reach_only_their_room_and_their_question():
    s = store()
    c1, t1 = s.create()
    c2, t2 = s.create()
    sid = s.join(c1)
    n1 = s.ask(c1, t1, {"kind": "choice", "text": "", "options": ["a", "b"]})
    s.ask(c2, t2, {"kind": "choice", "text": "", "options": ["a", "b"]})
    with pytest.raises(rooms.RoomError) as e:
        s.answer(c2, sid, n1, 0)  # joined room 1, not 2
    assert e.value.key == "not_joined"
    n1b = s.ask(c1, t1, {"kind": "choice", "text": "", "options": ["a", "b"]})
    with pytest.raises(rooms.RoomError):
        s.answer(c1, sid, n1, 0)  # an earlier question
    s.answer(c1, sid, n1b, 1)
    assert s.tally(c1)["counts"] == [0, 1] and s.tally(c2)["counts"] == [0, 0]
    for forged in [None, "", "x" * 7, "../../", 123, sid + "x"]:
        with pytest.raises(rooms.RoomError):
            s.answer(c1, forged, n1b, 0)


def test_rooms_expire_after_hours_idle_and_the_store_is_bounded(monkeypatch):
    clock = Clock()
    s = store(clock)
    code, token = s.create()
    clock.t += rooms.IDLE_SECONDS - 10
    s.join(code)  # touched: kept
    clock.t += rooms.IDLE_SECONDS - 10
    assert s.exists(code)
    clock.t += rooms.IDLE_SECONDS + 1
    assert not s.exists(code) and not s.is_teacher(code, token)
    with pytest.raises(rooms.RoomError) as e:
        s.join(code)
    assert e.value.key == "no_room"
    monkeypatch.setattr(rooms, "MAX_ROOMS", 3)
    for _ in range(3):
        s.create()
    with pytest.raises(rooms.RoomError) as e:
        s.create()
    assert e.value.key == "full"
    clock.t += rooms.IDLE_SECONDS + 1  # the old ones expire: room again
    s.create()


def test_sixty_students_answering_at_once_are_each_counted_once():
    s = store()
    code, token = s.create()
    students = [s.join(code, f"student {i}") for i in range(60)]
    n = s.ask(code, token, {"kind": "choice", "text": "", "options": ["a", "b", "c"]})
    threads = [threading.Thread(target=s.answer, args=(code, sid, n, i % 3)) for i, sid in enumerate(students)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert s.tally(code)["counts"] == [20, 20, 20]


def test_the_csv_holds_every_question_and_never_a_formula():
    s = store()
    code, token = s.create()
    a = s.join(code, "=HYPERLINK(\"http://evil\")")
    b = s.join(code, "Bo")
    n = s.ask(code, token, {"kind": "choice", "text": "@which", "options": ["+SGD", "Adam"]})
    s.answer(code, a, n, 0)
    s.answer(code, b, n, 1)
    m = s.ask(code, token, {"kind": "point", "text": "where?", "box": [-2, 2, -2, 2]})
    s.answer(code, b, m, [-1.25, 0.5])
    rows = list(csv.reader(io.StringIO(s.csv(code, token))))
    assert rows[0] == ["question", "kind", "text", "student", "choice", "x", "y"]
    assert ["1", "choice", "'@which", "'=HYPERLINK(\"http://evil\")", "'+SGD", "", ""] in rows
    assert ["1", "choice", "'@which", "Bo", "Adam", "", ""] in rows
    assert ["2", "point", "where?", "Bo", "", "-1.25", "0.5"] in rows
    assert len(rows) == 4


def test_a_question_may_name_itself_and_its_view_and_a_forged_one_is_refused():
    store_ = store(pages=["playground"])
    code, token = store_.create()
    q = {"kind": "point", "text": "where?", "box": [0, 1, 0, 1], "ref": "where",
         "view": {"page": "playground", "query": {"s": "quadratic", "runs": "sgd:lr=0.1"}}}
    store_.ask(code, token, q)
    assert store_.question(code)[1]["view"]["query"]["s"] == "quadratic"
    for bad in ({"ref": "<script>"}, {"ref": 3}, {"view": {"page": "nope", "query": {}}}, {"view": "x"},
                {"view": {"page": "playground", "query": {"A B": "1"}}}):
        with pytest.raises(rooms.RoomError):
            store_.ask(code, token, {**q, **bad})


def test_the_tally_of_a_point_question_names_who_guessed_each_point():
    s = store()
    code, token = s.create()
    a, b = s.join(code, "Aiko"), s.join(code)
    s.ask(code, token, {"kind": "point", "text": "where?", "box": [0, 1, 0, 1]})
    s.answer(code, a, 1, [0.5, 0.5])
    s.answer(code, b, 1, [0.25, 0.75])
    t = s.tally(code)
    assert t["points"] == [[0.5, 0.5], [0.25, 0.75]] and t["names"] == ["Aiko", ""]


def test_a_room_in_redis_is_shared_by_another_process(backend):
    """What two app processes behind a load balancer do: a room started through this one is joined,
    followed and answered through another process, and the tally here counts it."""
    if backend != "redis":
        pytest.skip("the shared store is Redis's")
    import json
    import subprocess
    import sys
    s = store(clock=None)
    s._clock = __import__("time").time
    code, token = s.create()
    s.send_view(code, token, "playground", {"s": "quadratic"})
    s.ask(code, token, {"kind": "choice", "text": "?", "options": ["a", "b", "c"]})
    other = f"""
import json, sys
from optviz import rooms
s = rooms.RedisStore({STORE['redis']!r}, pages={list(PAGES)!r})
out = []
for name, choice in (("Aiko", 2), ("Ben", 2), ("Chie", 0)):
    sid = s.join({code!r}, name)
    out.append(s.view({code!r})[1]["query"]["s"])
    s.answer({code!r}, sid, 1, choice)
print(json.dumps(out))
"""
    res = subprocess.run([sys.executable, "-c", other], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == ["quadratic"] * 3  # they followed the teacher's view
    t = s.tally(code)
    assert t["students"] == 3 and t["answered"] == 3 and t["counts"] == [1, 0, 2]


def test_the_store_is_chosen_by_the_environment(backend):
    assert isinstance(rooms.store_from_env(env={}), rooms.MemoryStore)
    assert isinstance(rooms.store_from_env(env={"OPTVIZ_ROOMS": "memory"}), rooms.MemoryStore)
    for bad in ("http://x", "redis", "postgres://db"):
        with pytest.raises(ValueError):
            rooms.store_from_env(env={"OPTVIZ_ROOMS": bad})
    if backend == "redis":
        assert isinstance(rooms.store_from_env(env={"OPTVIZ_ROOMS": STORE["redis"]}), rooms.RedisStore)
        import redis
        with pytest.raises(redis.ConnectionError):  # a server that is not there fails at start
            rooms.store_from_env(env={"OPTVIZ_ROOMS": "redis://127.0.0.1:1/0"})
