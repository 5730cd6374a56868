import numpy as np
import pytest

import optviz
from optviz import playground as pg


def test_runs_round_trip_through_text():
    specs = [pg.spec("sgd", lr=0.1), pg.spec("adam", lr=0.3, beta1=0.8), pg.spec("sgd", lr=0.01)]
    assert pg.parse_runs(pg.format_runs(specs)) == specs


@pytest.mark.parametrize("text,match", [("sgd:lr=abc", "lr must be a number"),
                                        ("adm:lr=0.1", "unknown optimizer"),
                                        ("sgd:lr=-1", "lr must be a positive"),
                                        ("sgd:beta=0.5", "no hyperparameter"),
                                        ("", "no optimizer"),
                                        ("|".join(["sgd"] * 9), "at most 8"),
                                        ("SGD!", "cannot read")])
def test_malformed_runs_text_raises_value_error(text, match):
    with pytest.raises(ValueError, match=match):
        pg.parse_runs(text)


def test_race_starts_everyone_at_the_same_point_with_the_same_noise():
    specs = [pg.spec("sgd", lr=0.01), pg.spec("sgd", lr=0.01)]
    a, b = pg.race("quadratic", specs, (-7, 2), 20, noise=0.5, seed=3)
    np.testing.assert_array_equal(a.points, b.points)


def test_stability_limits_match_closed_forms():
    assert pg.stability_limit("quadratic", pg.spec("sgd")) == pytest.approx(0.1)
    # heavy ball on a quadratic is stable iff 0 < ηλ < 2(1+β)
    assert pg.stability_limit("quadratic", pg.spec("momentum", beta=0.5)) == pytest.approx(0.15)
    assert pg.stability_limit("quadratic", pg.spec("adam")) is None
    assert pg.stability_limit("rosenbrock", pg.spec("sgd")) is None


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_momentum_limit_separates_convergence_from_divergence(beta):
    limit = pg.stability_limit("quadratic", pg.spec("momentum", beta=beta))
    ok = optviz.optimize("quadratic", "momentum", (-7, 2), 4000, lr=0.97 * limit, beta=beta)
    bad = optviz.optimize("quadratic", "momentum", (-7, 2), 4000, lr=1.03 * limit, beta=beta)
    assert ok.diverged_at == -1 and ok.losses[-1] < 1e-6 and bad.diverged_at > 0


def test_diagnosis_names_the_regime():
    runs = [pg.spec("sgd", lr=0.05), pg.spec("sgd", lr=0.1), pg.spec("sgd", lr=0.105),
            pg.spec("sgd", lr=0.2), pg.spec("adam", lr=0.1)]
    res = pg.race("quadratic", runs, (-7, 2), 30)
    regimes = [pg.diagnose("quadratic", s, r).regime for s, r in zip(runs, res)]
    assert regimes == ["stable", "edge", "unstable", "diverged", "unknown"]
    d = pg.diagnose("quadratic", runs[3], res[3])
    assert d.diverged_at == 12 and np.isfinite(d.final_loss)  # the last finite point
    assert d.suggested_lr == pytest.approx(0.02)  # lr/10, below half the limit 0.05
    far = pg.diagnose("quadratic", pg.spec("sgd", lr=100), pg.race("quadratic", [pg.spec("sgd", lr=100)], (-7, 2), 5)[0])
    assert far.suggested_lr == pytest.approx(0.05)  # never the limit 0.1 itself, where SGD oscillates for ever


def test_lr_sweep_equals_separate_runs_and_finds_the_best_lr():
    lrs = np.array([0.001, 0.01, 0.05, 0.09, 0.2])
    sw = pg.lr_sweep("quadratic", pg.spec("sgd"), (-7, 2), 50, lrs)
    for lr, final, div in zip(lrs, sw.final_loss, sw.diverged):
        one = optviz.optimize("quadratic", "sgd", (-7, 2), 50, lr=lr)
        assert div == (one.diverged_at >= 0)
        if not div:
            assert final == pytest.approx(one.losses[-1], rel=1e-12)
    # x contracts by |1−2η| and y by |1−20η| per step; the slower of the two is fastest at
    # η = 2/(λmin+λmax) = 2/22 ≈ 0.0909, so 0.09 wins among these; 0.2 > 2/λmax diverges
    assert sw.best_lr == 0.09 and np.isnan(sw.final_loss[-1])


def test_inspector_reports_the_update_and_adaptive_step():
    res = pg.race("quadratic", [pg.spec("adagrad", lr=0.5, eps=1e-10)], (-7, 2), 5)[0]
    info = pg.inspect_step(res, 0)
    np.testing.assert_allclose(info["gradient"], [-14, 40])
    # AdaGrad's first step moves every coordinate by lr·g/|g| = lr: effective lr = lr/|g|
    np.testing.assert_allclose(info["update"], [0.5, -0.5])
    np.testing.assert_allclose(info["effective_lr"], [0.5 / 14, 0.5 / 40])
    np.testing.assert_allclose(pg.inspect_step(res, 1)["h"], [14**2, 40**2])
    assert np.isnan(pg.inspect_step(res, 5)["update"]).all()


def test_every_preset_runs_and_the_course_ones_match_their_description():
    for p in pg.PRESETS.values():
        res = pg.race(p.surface, list(p.runs), p.start, p.steps)
        assert len(res) == len(p.runs)
    book = pg.PRESETS["book_ellipse"]
    assert [s.name for s in book.runs] == ["sgd", "momentum", "adagrad", "adam"]
    assert [s.params["lr"] for s in book.runs] == [0.95, 0.1, 1.5, 0.3]
    course = pg.PRESETS["course_ellipse"]
    assert course.start == (-7.0, 2.0) and course.steps == 30
    assert all(s.params["lr"] == 0.1 for s in course.runs)


def test_csv_export_has_a_row_per_point():
    res = pg.race("quadratic", [pg.spec("sgd", lr=0.2)], (-7, 2), 15)
    text = pg.to_csv(res, ["a"])
    lines = text.strip().splitlines()
    assert lines[0] == "run,optimizer,step,x,y,loss" and len(lines) == 17
    assert lines[13].endswith("nan,nan,nan")  # step 12 diverged
