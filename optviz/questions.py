"""The course's classroom questions (no Streamlit): each asks about one view of a page (the page and
its link settings, which the teacher's screen and the students' follow) and carries the answer the
app computes with its own core, never one typed in. Texts are catalog keys ``questions.<id>`` and
``questions.<id>_<option>`` (or a shared ``questions.regime_<option>``).

The six follow the course notes: SGD at the stability limit 2/λmax, Momentum's overshoot, AdaGrad's
slowing down, Adam on Rosenbrock's valley, sigmoid against ReLU through depth, a 1-D learning rate
beyond 2/f″.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import onedim, surfaces
from . import playground as pg
from . import vanishing as vg

REGIMES = ("converges", "oscillates", "diverges")
WHERE = "where"  # "where will run 1 be after N steps?", about the teacher's own playground view


@dataclass(frozen=True)
class Question:
    id: str
    page: str
    query: dict  # the view's link settings
    kind: str  # "choice": one of ``options``; "point": a guess (x, y) on the page's chart
    compute: Callable[[], object] = field(repr=False)  # the answer: an option's index, or (x, y)
    options: tuple[str, ...] = ()  # option ids (catalog suffixes)
    shared_options: bool = False  # options named questions.regime_<id>, not questions.<id>_<id>

    def text_key(self) -> str:
        return f"questions.{self.id}"

    def text_params(self) -> dict:
        """What the text's placeholders say ("where": the run and the steps)."""
        if self.id != WHERE:
            return {}
        return {"run": "1 · " + pg.parse_runs(self.query["runs"])[0].label(), "steps": self.query["steps"]}

    def option_keys(self) -> list[str]:
        return [f"questions.regime_{o}" if self.shared_options else f"questions.{self.id}_{o}" for o in self.options]

    def answer(self):
        return self.compute()

    def box(self) -> list[float]:
        """The chart area a point guess must lie in (the surface's view)."""
        (x0, x1), (y0, y1) = surfaces.get(self.query["s"]).view
        return [x0, x1, y0, y1]


def regime_of_path(points: np.ndarray, diverged_at: int, minimum) -> int:
    """Index in REGIMES of a run that ended at ``points[-1]``: diverges (left every bound, or ended
    farther from ``minimum`` than it started); converges (ended within 1 % of the start's distance);
    else oscillates (still going back and forth, or on its way: not yet within 1 %)."""
    m = np.asarray(minimum, dtype=float)
    start, end = np.linalg.norm(points[0] - m), np.linalg.norm(points[-1] - m)
    if diverged_at >= 0 or not np.isfinite(end) or end > start * (1 + 1e-9):
        return REGIMES.index("diverges")
    return REGIMES.index("converges" if end <= 0.01 * start else "oscillates")


def _race(query: dict, first: bool = False):
    """The view's race as the playground runs it (the same start, steps and noise); ``first``: only
    its first run."""
    runs = pg.parse_runs(query["runs"])[:1 if first else None]
    return runs, pg.race(query["s"], runs, (float(query["x"]), float(query["y"])), int(query["steps"]),
                         noise=float(query.get("noise", 0.0)))


def _sgd_limit(q) -> int:
    (_, res), surf = _race(q), surfaces.get(q["s"])
    return regime_of_path(res[0].points, res[0].diverged_at, surf.minima[0])


def _momentum_overshoot(q) -> int:
    """Does Momentum's path pass the minimum's x (0) coming from x = −7? yes (0) / no (1)."""
    _, res = _race(q)
    return 0 if (res[0].points[:, 0] > 0).any() else 1


def _nearer(q) -> int:
    """Which of the two runs ends nearer the minimum: index 0 or 1."""
    _, res = _race(q)
    surf = surfaces.get(q["s"])
    d = [surf.distance_to_minimum(*r.points[-1]) for r in res]
    return int(np.argmin(d))


def path(q: Question) -> np.ndarray:
    """A point question's first run, its finite part ((steps+1, 2) or shorter): what the reveal draws."""
    _, res = _race(q.query, first=True)
    return res[0].points[: res[0].last_finite_index() + 1]


def _end_point(q) -> tuple[float, float]:
    """Where the view's first run is after its steps (its last finite point, if it diverged)."""
    _, res = _race(q, first=True)
    k = res[0].last_finite_index()
    return float(res[0].points[k, 0]), float(res[0].points[k, 1])


def _depth(q) -> int:
    """Whose first-layer gradient is larger through ``d`` layers: sigmoid (0) or ReLU (1)."""
    norms = [vg.probe(vg.NetConfig(a, q["i"]), depth=int(q["d"]), width=int(q["w"])).grad_norms[0]
             for a in ("sigmoid", "relu")]
    return int(np.argmax(norms))


def _lr_1d(q) -> int:
    xs, diverged = onedim.descend(q["fn"], float(q["x0"]), float(q["lr"]), int(q["steps"]), a=float(q["a"]))
    return regime_of_path(xs[:, None], int(diverged), [0.0])


def _make(id, page, query, kind, fn, options=(), shared=False) -> Question:
    return Question(id, page, query, kind, lambda: fn(query), tuple(options), shared)


QUESTIONS: dict[str, Question] = {q.id: q for q in (
    _make("sgd_limit", "playground", dict(s="quadratic", x="-7.0", y="2.0", steps="40", runs="sgd:lr=0.1"),
          "choice", _sgd_limit, REGIMES, shared=True),
    _make("momentum_overshoot", "playground",
          dict(s="quadratic", x="-7.0", y="2.0", steps="60", runs="momentum:beta=0.9,lr=0.02"),
          "choice", _momentum_overshoot, ("yes", "no")),
    _make("adagrad_slows", "playground",
          dict(s="quadratic", x="-7.0", y="2.0", steps="200", runs="adagrad:lr=0.5|rmsprop:lr=0.05"),
          "choice", _nearer, ("adagrad", "rmsprop")),
    _make("adam_rosenbrock", "playground",
          dict(s="rosenbrock", x="-1.5", y="2.0", steps="300", runs="adam:lr=0.02"), "point", _end_point),
    _make("depth_sigmoid_relu", "vanishing", dict(d="10", w="100", a="sigmoid", i="he"), "choice", _depth,
          ("sigmoid", "relu")),
    _make("lr_1d_large", "learning_rate", dict(fn="quadratic", a="1.0", x0="2.5", lr="1.05", steps="20"),
          "choice", _lr_1d, REGIMES, shared=True),
)}


def where(query: dict) -> Question | None:
    """"Where will run 1 be after N steps?" about a playground view (its link settings), or None
    when the view cannot be asked about: a typed surface (no fixed chart box), the fair comparison
    (it picks each lr itself), settings that do not read."""
    try:
        if query.get("s") not in surfaces.IDS or query.get("fair") in ("1", "true", "True"):
            return None
        pg.parse_runs(query["runs"])[0]
        float(query["x"]), float(query["y"]), float(query.get("noise", 0.0))
        if not 1 <= int(query["steps"]) <= pg.MAX_RACE_STEPS:
            return None
    except (KeyError, ValueError, IndexError, TypeError):
        return None
    keep = ("s", "x", "y", "steps", "runs", "noise")
    return _make(WHERE, "playground", {k: str(query[k]) for k in keep if k in query}, "point", _end_point)


def for_room(q: Question, text: str, options: list[str]) -> dict:
    """What a room stores of ``q`` (optviz.rooms.check_question): its kind, its text and options in
    the teacher's language (for the CSV), which question it is (``ref``) and its view, from which
    every session rebuilds it (``from_room``) to show it in its own language and compute the answer."""
    out = {"kind": q.kind, "text": text, "ref": q.id, "view": {"page": q.page, "query": dict(q.query)}}
    if q.kind == "choice":
        out["options"] = list(options)
    else:
        out["box"] = q.box()
    return out


def from_room(stored: dict | None) -> Question | None:
    """The Question a room's stored question names (None if it names none this app knows)."""
    if not stored:
        return None
    ref, view = stored.get("ref"), stored.get("view") or {}
    if ref in QUESTIONS:
        return QUESTIONS[ref]
    if ref == WHERE and view.get("page") == "playground":
        return where(view.get("query") or {})
    return None


def closest(points: list, names: list, answer, n: int = 3) -> list[tuple[str, float]]:
    """The ``n`` guesses nearest ``answer``: (name, distance), nearest first (ties: in answer order)."""
    a = np.asarray(answer, dtype=float)
    d = [float(np.hypot(*(np.asarray(p, dtype=float) - a))) for p in points]
    order = sorted(range(len(d)), key=lambda i: d[i])[:n]
    return [(names[i], d[i]) for i in order]


@functools.lru_cache(maxsize=64)
def _remembered(ref: str, items: tuple, what: str):
    q = QUESTIONS[ref] if ref in QUESTIONS else where(dict(items))
    return q.answer() if what == "answer" else path(q)


def answer_of(q: Question):
    """``q.answer()``, computed once for every session of the server (a room reveals it to all)."""
    return _remembered(q.id, tuple(sorted(q.query.items())), "answer")


def path_of(q: Question) -> np.ndarray:
    """``path(q)``, computed once for every session of the server."""
    return _remembered(q.id, tuple(sorted(q.query.items())), "path")
