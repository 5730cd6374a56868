"""Classroom rooms (no Streamlit): a teacher starts a room, students join it by its code, the teacher
sends a view (a page and its link settings) that the students' pages follow, asks a question and
tallies the answers.

Everything a room holds is plain JSON-able data, validated on the way in: a forged or oversized
message is refused with a ``RoomError`` (its ``key`` names the message for the page), never executed,
and can only reach the room whose code it names. Only the holder of the teacher token (kept as its
SHA-256, compared in constant time) can send, ask or reveal. ``MemoryStore`` keeps rooms in this
process (one server serves a room with nothing else installed); a shared store for several servers
implements the same methods over the same JSON.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import hmac
import io
import json
import math
import re
import secrets
import threading
import time
from typing import Any, Callable

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6  # 32⁶ ≈ 1.07 × 10⁹ codes
IDLE_SECONDS = 4 * 3600  # a room no one has touched for this long is gone
MAX_ROOMS = 2000  # per store: a new room beyond it is refused (after expired ones are dropped)
MAX_STUDENTS = 400  # per room
MAX_NAME = 40  # characters of a display name
MAX_QUERY_KEYS = 40
MAX_QUERY_VALUE = 1000  # characters, as a link's longest value (a typed expression or rule)
MAX_VIEW_BYTES = 8000  # a view as JSON
MAX_OPTIONS = 8  # of a multiple-choice question
MAX_TEXT = 300  # characters of a question or an option
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")  # a link's names: "s", "runs", "3d"
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_STUDENT = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


class RoomError(ValueError):
    """A refused request: ``key`` names what went wrong ("rooms.<key>" in the page's catalog)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def normalize_code(text: str) -> str:
    """A code as typed (spaces, dashes, lower case, O for 0 ...) in its canonical form; RoomError
    if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        raise RoomError("bad_code", "a room code is six letters and digits")
    code = re.sub(r"[\s-]", "", text).upper()
    if not _CODE.match(code):
        raise RoomError("bad_code", "a room code is six letters and digits")
    return code


def clean_name(name: Any) -> str:
    """A display name: trimmed, control characters removed, at most MAX_NAME characters ("" if none).
    It is shown as plain text by the page, never as markup."""
    if name is None:
        return ""
    if not isinstance(name, str):
        raise RoomError("bad_name", "a name is text")
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_NAME]


def check_view(page: Any, query: Any, pages) -> dict:
    """A view (a page of ``pages`` and its link's settings) as stored, or RoomError."""
    if not isinstance(page, str) or page not in set(pages):
        raise RoomError("bad_view", "unknown page")
    if not isinstance(query, dict) or len(query) > MAX_QUERY_KEYS:
        raise RoomError("bad_view", "a view's settings are at most 40 names and values")
    clean = {}
    for k, v in query.items():
        if not isinstance(k, str) or not _KEY.match(k):
            raise RoomError("bad_view", "a setting's name is a short lower-case word or number")
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise RoomError("bad_view", "a setting's value is text or a number")
        v = str(v)
        if len(v) > MAX_QUERY_VALUE:
            raise RoomError("bad_view", "a setting's value is too long")
        clean[k] = v
    view = {"page": page, "query": clean}
    if len(json.dumps(view)) > MAX_VIEW_BYTES:
        raise RoomError("bad_view", "the view is too large")
    return view


def check_question(question: Any, pages=()) -> dict:
    """A question as stored: {"kind": "choice", "text", "options"} or {"kind": "point", "text",
    "box": [x0, x1, y0, y1]} (a guess is a point inside the box); optionally "ref" (which question
    of the app it is, a short lower-case word) and "view" (the view it asks about, a page of
    ``pages`` and its settings, as ``check_view``). RoomError otherwise."""
    if not isinstance(question, dict):
        raise RoomError("bad_question", "a question is a kind, a text and its options or box")
    kind, text = question.get("kind"), question.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise RoomError("bad_question", "a question's text is at most 300 characters")
    extra = {}
    if "ref" in question:
        if not isinstance(question["ref"], str) or not _KEY.match(question["ref"]):
            raise RoomError("bad_question", "a question's reference is a short lower-case word")
        extra["ref"] = question["ref"]
    if "view" in question:
        view = question["view"]
        if not isinstance(view, dict):
            raise RoomError("bad_question", "a question's view is a page and its settings")
        try:
            extra["view"] = check_view(view.get("page"), view.get("query"), pages)
        except RoomError:
            raise RoomError("bad_question", "a question's view is a page and its settings") from None
    if kind == "choice":
        options = question.get("options")
        if not (isinstance(options, list) and 2 <= len(options) <= MAX_OPTIONS
                and all(isinstance(o, str) and 0 < len(o) <= MAX_TEXT for o in options)):
            raise RoomError("bad_question", "a choice has 2 to 8 options")
        return {"kind": kind, "text": text, "options": list(options), **extra}
    if kind == "point":
        box = question.get("box")
        if not (isinstance(box, list) and len(box) == 4 and all(_finite(v) for v in box)
                and box[0] < box[1] and box[2] < box[3]):
            raise RoomError("bad_question", "a point question has a box x0 < x1, y0 < y1")
        return {"kind": kind, "text": text, "box": [float(v) for v in box], **extra}
    raise RoomError("bad_question", "a question is a choice or a point")


def check_answer(question: dict, answer: Any):
    """An answer to ``question`` as stored (an option's index, or [x, y] inside the box)."""
    if question["kind"] == "choice":
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(question["options"]):
            raise RoomError("bad_answer", "an answer is one of the options")
        return answer
    if not (isinstance(answer, (list, tuple)) and len(answer) == 2 and all(_finite(v) for v in answer)):
        raise RoomError("bad_answer", "an answer is a point (x, y)")
    x0, x1, y0, y1 = question["box"]
    x, y = float(answer[0]), float(answer[1])
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise RoomError("bad_answer", "the point lies outside the chart")
    return [x, y]


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_ANYONE = object()  # no teacher token asked for


class _Store:
    """The rooms' rules, written once over a place that keeps them (``MemoryStore``: this process;
    ``RedisStore``: a Redis server that several app processes share). A room is one JSON-able dict;
    a subclass only reads it (``_get``), changes it atomically (``_change``: read, apply, write back,
    retried if another writer came between), adds or drops it and counts the rooms."""

    def __init__(self, clock: Callable[[], float] = time.time, pages=()):
        self._clock = clock
        self.pages = tuple(pages)

    # --- the room's life ---------------------------------------------------------------------------

    def create(self) -> tuple[str, str]:
        """A new room: (its code, the teacher token). The token is returned once; the store keeps
        only its digest."""
        now = self._clock()
        if self._count(now - IDLE_SECONDS) >= MAX_ROOMS:
            raise RoomError("full", "this server holds as many rooms as it can; try again later")
        token = secrets.token_urlsafe(24)
        room = {"teacher": _digest(token), "touched": now, "created": now, "view": None, "view_seq": 0,
                "students": {}, "question": None, "question_seq": 0, "answers": {}, "revealed": False,
                "history": []}
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if self._add(code, room):
                return code, token

    def exists(self, code: str) -> bool:
        return self._read(code) is not None

    def is_teacher(self, code: str, token: Any) -> bool:
        room = self._read(code, "teacher")
        return room is not None and _owns(room, token)

    def join(self, code: str, name: Any = None) -> str:
        """A student joins: their id in the room (kept by their session)."""
        name = clean_name(name)
        sid = secrets.token_urlsafe(12)

        def add(room):
            if len(room["students"]) >= MAX_STUDENTS:
                raise RoomError("room_full", "this room is full")
            room["students"][sid] = name
            return sid
        return self._changed(code, add)

    # --- follow the teacher -----------------------------------------------------------------------

    def send_view(self, code: str, token: Any, page: Any, query: Any) -> int:
        """The teacher's view for every student; returns its sequence number (1, 2, ...)."""
        view = check_view(page, query, self.pages)

        def send(room):
            room["view"] = view
            room["view_seq"] += 1
            return room["view_seq"]
        return self._changed(code, send, token)

    def view(self, code: str) -> tuple[int, dict | None]:
        """(sequence number, the teacher's last view or None): a page polls it and follows a new one."""
        room = self._need(code, "view_seq", "view")
        return room["view_seq"], room["view"]

    def follow(self, code: str) -> tuple[int, dict | None, int, bool]:
        """What a student's page polls every 2 s, in one read: (view number, the teacher's view or
        None, question number, revealed)."""
        room = self._need(code, "view_seq", "view", "question_seq", "revealed")
        return room["view_seq"], room["view"], room["question_seq"], room["revealed"]

    # --- questions and answers --------------------------------------------------------------------

    def ask(self, code: str, token: Any, question: Any) -> int:
        """A new question (the previous one's answers kept for the CSV); returns its number."""
        q = check_question(question, self.pages)

        def ask(room):
            room["history"] += _rows(room)
            room["question_seq"] += 1
            room["question"], room["answers"], room["revealed"] = q, {}, False
            return room["question_seq"]
        return self._changed(code, ask, token)

    def question(self, code: str) -> tuple[int, dict | None, bool]:
        """(number, the open question or None, revealed)."""
        room = self._need(code, "question_seq", "question", "revealed")
        return room["question_seq"], room["question"], room["revealed"]

    def answer(self, code: str, student: Any, number: Any, answer: Any) -> None:
        """A student's answer to question ``number`` (a later answer replaces theirs; an answer to an
        earlier question, or after the reveal, is refused)."""
        def put(room):
            if not isinstance(student, str) or not _STUDENT.match(student) or student not in room["students"]:
                raise RoomError("not_joined", "join the room first")
            if room["question"] is None or number != room["question_seq"]:
                raise RoomError("closed", "this question is no longer open")
            if room["revealed"]:
                raise RoomError("closed", "the answer has been revealed")
            room["answers"][student] = check_answer(room["question"], answer)
        self._changed(code, put)

    def tally(self, code: str) -> dict:
        """How the room answered the open question: answered / students, and per option a count
        (choice) or the points and, in the same order, the names of who gave them (point)."""
        room = self._need(code, "question", "answers", "students")
        q = room["question"]
        out = {"answered": len(room["answers"]), "students": len(room["students"]), "question": q}
        if q is None:
            return out
        if q["kind"] == "choice":
            counts = [0] * len(q["options"])
            for a in room["answers"].values():
                counts[a] += 1
            out["counts"] = counts
        else:
            out["points"] = [list(a) for a in room["answers"].values()]
            out["names"] = [room["students"].get(sid, "") for sid in room["answers"]]
        return out

    def reveal(self, code: str, token: Any) -> None:
        def reveal(room):
            room["revealed"] = True
        self._changed(code, reveal, token)

    def csv(self, code: str, token: Any) -> str:
        """Every question's answers, one row per answer: question, kind, text, student, and the option
        chosen or the point's x and y."""
        room = self._need(code, "teacher", "history", "question", "question_seq", "answers", "students")
        if not _owns(room, token):  # a read: the teacher's page builds it on every rerun, it writes nothing
            raise RoomError("not_teacher", "only the teacher of this room can do this")
        rows = room["history"] + _rows(room)
        students = room["students"]
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["question", "kind", "text", "student", "choice", "x", "y"])
        for number, kind, text, sid, answer in rows:
            cells = [_cell(answer), "", ""] if kind == "choice" else ["", repr(answer[0]), repr(answer[1])]
            w.writerow([number, kind, _cell(text), _cell(students.get(sid, "") or sid[:6]), *cells])
        return out.getvalue()

    # --- inside -----------------------------------------------------------------------------------

    def _read(self, code: Any, *fields: str) -> dict | None:
        """The room's ``fields`` (and "touched"; a copy to read), or None if there is none or it has
        expired. A page polls these every 2 s: only what is asked for is copied or fetched."""
        if not isinstance(code, str) or not _CODE.match(code):
            return None
        room = self._get(code, ("touched", *fields))
        if room is not None and self._clock() - room["touched"] > IDLE_SECONDS:
            self._drop(code)
            return None
        return room

    def _need(self, code: Any, *fields: str) -> dict:
        room = self._read(code, *fields)
        if room is None:
            raise RoomError("no_room", "there is no room with this code (it may have expired)")
        return room

    def _changed(self, code: Any, fn, token: Any = _ANYONE):
        """``fn(room)`` applied to the room atomically, which is then touched; given a ``token``
        (anything, None included), only for the room's teacher. RoomError if there is no such room
        (or it expired)."""
        if not isinstance(code, str) or not _CODE.match(code):
            raise RoomError("no_room", "there is no room with this code (it may have expired)")
        now = self._clock()

        def change(room):
            if room is None or now - room["touched"] > IDLE_SECONDS:
                raise RoomError("no_room", "there is no room with this code (it may have expired)")
            if token is not _ANYONE and not _owns(room, token):
                raise RoomError("not_teacher", "only the teacher of this room can do this")
            out = fn(room)
            room["touched"] = now
            return out
        return self._change(code, change)

    # the place (subclasses)
    def _get(self, code: str, fields: tuple) -> dict | None:
        raise NotImplementedError

    def _change(self, code: str, fn):
        raise NotImplementedError

    def _add(self, code: str, room: dict) -> bool:
        raise NotImplementedError

    def _drop(self, code: str) -> None:
        raise NotImplementedError

    def _count(self, since: float) -> int:
        """Rooms touched after ``since`` (the others are dropped)."""
        raise NotImplementedError


def _owns(room, token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 100 and hmac.compare_digest(room["teacher"], _digest(token))


def _rows(room) -> list:
    q = room["question"]
    if q is None:
        return []
    fmt = (lambda a: q["options"][a]) if q["kind"] == "choice" else (lambda a: list(a))
    return [[room["question_seq"], q["kind"], q["text"], sid, fmt(a)] for sid, a in room["answers"].items()]


class MemoryStore(_Store):
    """Rooms in this process, shared by every session of the server; thread-safe (one lock)."""

    def __init__(self, clock: Callable[[], float] = time.time, pages=()):
        super().__init__(clock, pages)
        self._rooms: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _get(self, code, fields):
        with self._lock:
            room = self._rooms.get(code)
            return {f: copy.deepcopy(room[f]) for f in fields} if room is not None else None

    def _change(self, code, fn):
        with self._lock:
            return fn(self._rooms.get(code))

    def _add(self, code, room):
        with self._lock:
            if code in self._rooms:
                return False
            self._rooms[code] = room
            return True

    def _drop(self, code):
        with self._lock:
            self._rooms.pop(code, None)

    def _count(self, since):
        with self._lock:
            for code in [c for c, r in self._rooms.items() if r["touched"] < since]:
                del self._rooms[code]
            return len(self._rooms)


class RedisStore(_Store):
    """Rooms in Redis (``OPTVIZ_ROOMS=redis://host:6379/0``), so that several app processes behind
    a load balancer serve one room. Each room is a hash (``optviz:room:<code>``: one JSON value per
    field, so a poll fetches only the fields it reads; expiring with the room), changed in
    optimistic transactions (WATCH / MULTI / EXEC, retried when another writer came between); an
    index of codes by last activity bounds their number."""

    PREFIX = "optviz:room:"
    INDEX = "optviz:rooms"

    def __init__(self, url: str, clock: Callable[[], float] = time.time, pages=()):
        import redis  # only for this store: the in-memory one needs nothing

        super().__init__(clock, pages)
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._WatchError = redis.WatchError

    def _key(self, code):
        return self.PREFIX + code

    @staticmethod
    def _decode(raw: dict) -> dict | None:
        return {k.decode(): json.loads(v) for k, v in raw.items()} if raw else None

    def _get(self, code, fields):
        values = self._redis.hmget(self._key(code), list(fields))
        if values[0] is None:  # no "touched": no room
            return None
        return {f: json.loads(v) if v is not None else None for f, v in zip(fields, values)}

    def _save(self, pipe, code, room):
        key = self._key(code)
        pipe.hset(key, mapping={k: json.dumps(v, separators=(",", ":")) for k, v in room.items()})
        pipe.expire(key, int(IDLE_SECONDS) + 60)
        pipe.zadd(self.INDEX, {code: room["touched"]})

    def _transact(self, code, fn):
        """``fn(the room or None)`` -> (result, the room to write or None), atomically: retried from
        the room's new state when another writer changed it in between."""
        key = self._key(code)
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    out, room = fn(self._decode(pipe.hgetall(key)))  # RoomError: nothing written
                    if room is None:
                        pipe.unwatch()
                        return out
                    pipe.multi()
                    self._save(pipe, code, room)
                    pipe.execute()
                    return out
                except self._WatchError:
                    continue

    def _change(self, code, fn):
        return self._transact(code, lambda room: (fn(room), room))

    def _add(self, code, room):
        return self._transact(code, lambda existing: (False, None) if existing is not None else (True, room))

    def _drop(self, code):
        self._redis.delete(self._key(code))
        self._redis.zrem(self.INDEX, code)

    def _count(self, since):
        for code in self._redis.zrangebyscore(self.INDEX, "-inf", f"({since}"):
            self._drop(code.decode() if isinstance(code, bytes) else code)
        return int(self._redis.zcard(self.INDEX))


def store_from_env(pages=(), env=None) -> _Store:
    """The store ``OPTVIZ_ROOMS`` names: ``redis://...`` (or ``rediss://``) for Redis, else (unset
    or ``memory``) this process's memory. A Redis URL that cannot be used fails here, at start."""
    import os

    url = (env if env is not None else os.environ).get("OPTVIZ_ROOMS", "").strip()
    if not url or url == "memory":
        return MemoryStore(pages=pages)
    if url.startswith(("redis://", "rediss://", "unix://")):
        store = RedisStore(url, pages=pages)
        store._redis.ping()
        return store
    raise ValueError(f"OPTVIZ_ROOMS must be a redis:// URL or 'memory', not {url[:40]!r}")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (=, +, -, @ first)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
