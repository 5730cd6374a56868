"""The course's classroom questions: each answer is computed by the app and agrees with an
independent reason (a closed form, a separate run through the public API); every question's view
opens its page, and its texts exist in both languages."""
import math

import numpy as np
import pytest

from optviz import i18n, onedim, optimize, surfaces, rooms
from optviz import playground as pg
from optviz import questions as Q
from optviz import vanishing as vg
from optviz.app.pages import PAGES


def test_six_course_questions_in_both_languages_on_real_pages():
    assert len(Q.QUESTIONS) >= 6
    names = {p.name for p in PAGES}
    for q in Q.QUESTIONS.values():
        assert q.page in names
        for lang in i18n.LANGS:
            cat = i18n.catalog(lang)
            assert q.text_key() in cat and all(k in cat for k in q.option_keys()), (q.id, lang)
        # as a room stores it: a valid view and a valid question
        rooms.check_view(q.page, q.query, names)
        spec = {"kind": q.kind, "text": i18n.t(q.text_key(), "en")}
        spec.update(options=[i18n.t(k, "en") for k in q.option_keys()]) if q.kind == "choice" else spec.update(box=q.box())
        checked = rooms.check_question(spec)
        ans = q.answer()
        assert rooms.check_answer(checked, list(ans) if q.kind == "point" else ans) is not None


def test_sgd_at_the_stability_limit_oscillates_as_the_closed_form_says():
    q = Q.QUESTIONS["sgd_limit"]
    surf = surfaces.get(q.query["s"])
    assert math.isclose(surf.stability_limit, 0.1)  # lr = 2/λmax exactly: |1 − lr·λmax| = 1
    assert Q.REGIMES[q.answer()] == "oscillates"
    res = pg.race(surf, [pg.spec("sgd", lr=0.1)], (-7, 2), 40)[0]
    assert pg.diagnose(surf, pg.spec("sgd", lr=0.1), res).regime == "edge"


def test_lr_beyond_two_over_f2_diverges_as_the_closed_form_says():
    q = Q.QUESTIONS["lr_1d_large"]
    assert onedim.regime(float(q.query["lr"]), 2 * float(q.query["a"])) == "diverging"
    assert Q.REGIMES[q.answer()] == "diverges"


def test_momentum_overshoots_because_heavy_ball_is_underdamped_along_x():
    q = Q.QUESTIONS["momentum_overshoot"]
    lr, beta, lam = 0.02, 0.9, 2.0  # x² + 10y²: λ = 2 along x
    # x_{k+1} = (1 + β − lr·λ) x_k − β x_{k−1}: complex roots (underdamped) iff (1 + β − lr·λ)² < 4β
    underdamped = (1 + beta - lr * lam) ** 2 < 4 * beta
    assert underdamped and q.options[q.answer()] == "yes"


def test_adagrad_slows_down_and_ends_farther_than_rmsprop():
    q = Q.QUESTIONS["adagrad_slows"]
    start, steps = (-7.0, 2.0), 200
    ada = optimize("quadratic", "adagrad", start=start, steps=steps, lr=0.5)
    rms = optimize("quadratic", "rmsprop", start=start, steps=steps, lr=0.05)
    surf = surfaces.get("quadratic")
    d = [surf.distance_to_minimum(*r.points[-1]) for r in (ada, rms)]
    assert q.options[q.answer()] == ("adagrad", "rmsprop")[int(np.argmin(d))]
    step = np.linalg.norm(np.diff(ada.points, axis=0), axis=1)
    assert step[-1] < 0.05 * step[0]  # the reason: AdaGrad's steps shrink as h accumulates


def test_adams_point_is_where_a_separate_run_ends():
    q = Q.QUESTIONS["adam_rosenbrock"]
    ref = optimize("rosenbrock", "adam", start=(-1.5, 2.0), steps=300, lr=0.02)
    np.testing.assert_allclose(q.answer(), ref.points[-1])
    x0, x1, y0, y1 = q.box()
    assert x0 <= ref.points[-1][0] <= x1 and y0 <= ref.points[-1][1] <= y1


def test_relu_passes_the_larger_gradient_through_ten_layers():
    q = Q.QUESTIONS["depth_sigmoid_relu"]
    sig = vg.probe(vg.NetConfig("sigmoid", "he"), depth=10, width=100)
    relu = vg.probe(vg.NetConfig("relu", "he"), depth=10, width=100)
    assert sig.gradient_ratio < 0.25 ** 5 < relu.gradient_ratio  # sigmoid's f′ ≤ 1/4 per layer
    assert q.options[q.answer()] == "relu"


@pytest.mark.parametrize("points,diverged,expected", [
    ([[3.0], [0.0]], -1, "converges"), ([[3.0], [-3.0]], -1, "oscillates"), ([[3.0], [3.1]], -1, "diverges"),
    ([[3.0], [np.nan]], 1, "diverges"), ([[3.0], [2.0]], -1, "oscillates")])
def test_regime_of_a_path(points, diverged, expected):
    assert Q.REGIMES[Q.regime_of_path(np.array(points), diverged, [0.0])] == expected


# --- questions as a room stores them, "where will it end?", the reveal -----------------------------

def test_every_question_goes_through_a_room_and_comes_back_as_itself():
    names = [p.name for p in PAGES]
    store = rooms.MemoryStore(pages=names)
    code, token = store.create()
    where = Q.where(dict(s="himmelblau", x="0.5", y="-1", steps="80", runs="momentum:lr=0.01|adam:lr=0.1",
                         noise="0.0", k="3", sweep="1"))
    for q in [*Q.QUESTIONS.values(), where]:
        text = i18n.t(q.text_key(), "ja", **q.text_params())
        options = [i18n.t(k, "ja") for k in q.option_keys()]
        store.ask(code, token, Q.for_room(q, text, options))
        _, stored, _ = store.question(code)
        again = Q.from_room(stored)
        assert (again.id, again.page, again.query, again.kind) == (q.id, q.page, q.query, q.kind)
        assert Q.answer_of(again) == q.answer()


def test_where_asks_where_the_first_run_ends_as_the_playground_computes_it():
    q = Q.where(dict(s="rosenbrock", x="-1.5", y="2.0", steps="150", runs="adam:lr=0.05|sgd:lr=0.001",
                     noise="0.2"))
    assert q.kind == "point" and q.text_params() == {"run": "1 · Adam (lr=0.05)", "steps": "150"}
    # an independent run through the public API, with the page's noise and seed
    res = optimize("rosenbrock", "adam", (-1.5, 2.0), 150, lr=0.05, noise=0.2, seed=0)
    np.testing.assert_array_equal(q.answer(), res.points[-1])
    np.testing.assert_array_equal(Q.path_of(q), res.points)
    x0, x1, y0, y1 = q.box()
    assert (x0, x1, y0, y1) == (-2.0, 2.0, -1.0, 3.0)


def test_a_diverging_run_s_answer_is_its_last_finite_point():
    q = Q.where(dict(s="quadratic", x="-7", y="2", steps="60", runs="sgd:lr=0.12"))
    res = optimize("quadratic", "sgd", (-7, 2), 60, lr=0.12)
    assert res.diverged_at >= 0
    assert q.answer() == tuple(res.points[res.last_finite_index()])
    assert np.isfinite(Q.path(q)).all()


@pytest.mark.parametrize("query", [
    dict(s="custom", expr="x**2", x="1", y="1", steps="10", runs="sgd:lr=0.1"),  # no fixed chart box
    dict(s="quadratic", x="1", y="1", steps="10", runs="sgd:lr=0.1", fair="1"),  # the fair comparison
    dict(s="quadratic", x="1", y="1", steps="10", runs=""), dict(s="quadratic", x="a", y="1", steps="10", runs="sgd"),
    dict(s="quadratic", x="1", y="1", steps="0", runs="sgd"), dict(s="quadratic", x="1", y="1", steps="99999", runs="sgd"),
    dict(s="nope", x="1", y="1", steps="10", runs="sgd"), {}, dict(s="quadratic")])
def test_where_cannot_be_asked_about_a_view_without_a_run_on_a_fixed_chart(query):
    assert Q.where(query) is None


def test_closest_orders_the_guesses_by_distance_to_the_answer():
    got = Q.closest([[3, 4], [0, 1], [1, 0], [10, 10]], ["a", "b", "c", "d"], (0, 0))
    assert [n for n, _ in got] == ["b", "c", "a"] and [d for _, d in got] == [1.0, 1.0, 5.0]
    assert Q.closest([], [], (0, 0)) == []
