"""AppTest runs of the optimizer playground, asserting on what it shows."""
import base64
import json

import numpy as np

import pytest

from conftest import all_text, open_page, shown
from optviz import budget, i18n, surfaces
from optviz import playground as pg
from optviz.app import playground as ui

PAGE = "playground.py"


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def open_tab(at, name: str):
    """Open the result tab ``name`` as a click on it does (only the open tab is computed and drawn)."""
    at.session_state["pg_tab"] = i18n.t(f"playground.tab_{name}", "en")
    return at.run()


def values(arr):
    """A plotly data array, plain list or base64 typed array, as a numpy array."""
    if isinstance(arr, dict):
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"])
    return np.asarray(arr)


def path_traces(fig):
    """The trajectory traces (lines+markers with a name), not contour, click grid or markers."""
    return [t for t in fig["data"] if t.get("mode") == "lines+markers"]


def test_defaults_show_the_course_race_with_five_paths_and_the_stability_note():
    at = open_page(PAGE)
    assert not at.exception and not at.error
    contour = charts(at)[0]
    assert [t["name"] for t in path_traces(contour)] == [
        "1 · SGD (lr=0.1)", "2 · Momentum (lr=0.1)", "3 · AdaGrad (lr=0.1, eps=1e-08)",
        "4 · RMSprop (lr=0.1)", "5 · Adam (lr=0.1)"]
    assert "2/λmax = 0.1" in at.info[0].value
    assert "exactly the stability limit" in at.warning[0].value  # SGD lr 0.1 on x²+10y²
    assert at.query_params["runs"].startswith("sgd:lr=0.1|momentum")


@pytest.mark.parametrize("preset", list(pg.PRESETS))
def test_every_preset_draws_one_path_per_optimizer(preset):
    at = open_page(PAGE)
    at.selectbox(key="pg_preset").set_value(preset).run()
    assert not at.exception
    p = pg.PRESETS[preset]
    assert len(path_traces(charts(at)[0])) == len(p.runs)
    assert at.number_input(key="pg_steps").value == p.steps
    assert at.selectbox(key="pg_surface").value == p.surface


def test_diverging_lr_is_reported_with_its_step_and_a_smaller_suggestion():
    at = open_page(PAGE, s="quadratic", runs="sgd:lr=0.2", steps="50", x="-7", y="2")
    assert not at.exception
    msg = at.error[0].value
    assert "diverged at step 12" in msg and "up to step 11" in msg and "lr ≤ 0.02" in msg
    assert "stability limit 2/λmax = 0.1" in msg
    path = path_traces(charts(at)[0])[0]
    xs = values(path["x"])
    assert len(xs) == 12 and np.isfinite(xs).all()  # the finite part: steps 0..11


def test_custom_surface_runs_and_says_its_gradient_is_numerical():
    at = open_page(PAGE, s="custom", expr="x**2 + 10*y**2", runs="sgd:lr=0.05", x="-4", y="2")
    assert not at.exception and not at.error
    assert "numerically" in all_text(at)
    assert len(path_traces(charts(at)[0])) == 1


@pytest.mark.parametrize("text", ["__import__('os')", "x.real", "x**1000", "x +"])
def test_bad_custom_expression_shows_a_message_not_a_traceback(text):
    at = open_page(PAGE, s="custom", expr=text)
    assert not at.exception
    assert at.error and at.error[0].value.startswith("This expression cannot be used")
    assert not at.get("plotly_chart")


def test_an_expression_error_is_said_in_japanese_with_the_users_text_as_code():
    at = open_page(PAGE, s="custom", expr="__import__('os')", lang="ja")
    message = at.error[0].value
    assert "`__import__` という関数は使えません" in message  # in backticks: no markdown bold


def test_malformed_url_falls_back_to_defaults_with_a_note():
    at = open_page(PAGE, s="nowhere", steps="-5", x="abc", runs="adm:lr=zz", noise="1e9")
    assert not at.exception
    note = shown(at.info[0].value)
    for bad in ("s=nowhere", "steps=-5", "x=abc", "runs=adm:lr=zz", "noise=1e9"):
        assert bad in note
    assert len(path_traces(charts(at)[0])) == 5  # the default preset


def test_url_reproduces_a_setting_exactly():
    at = open_page(PAGE, s="rosenbrock", x="-1.2", y="1.5", steps="300",
                   runs="adam:lr=0.02|sgd:lr=0.001|sgd:lr=0.002", k="100")
    assert not at.exception
    names = [t["name"] for t in path_traces(charts(at)[0])]
    assert names == ["1 · Adam (lr=0.02)", "2 · SGD (lr=0.001)", "3 · SGD (lr=0.002)"]
    assert at.slider(key="pg_step").value == 100
    assert at.query_params["s"] == "rosenbrock" and at.query_params["steps"] == "300"


def test_adding_and_removing_optimizers_and_changing_lr():
    at = open_page(PAGE, runs="sgd:lr=0.01", s="quadratic")
    add = [b for b in at.button if b.label.startswith("+")][0]
    add.click().run()
    assert len(path_traces(charts(at)[0])) == 2  # a copy of the last one
    at.number_input(key="pg_r1_lr").set_value(0.05).run()
    assert [t["name"] for t in path_traces(charts(at)[0])][1] == "2 · SGD (lr=0.05)"
    at.selectbox(key="pg_r1_name").set_value("adam").run()
    assert [t["name"] for t in path_traces(charts(at)[0])][1] == "2 · Adam (lr=0.05)"
    at.button(key="pg_remove_0").click().run()
    assert [t["name"] for t in path_traces(charts(at)[0])] == ["1 · Adam (lr=0.05)"]
    assert not at.exception


def test_fair_comparison_tunes_each_lr_from_its_sweep():
    at = open_page(PAGE, s="quadratic", runs="sgd:lr=0.001|adam:lr=0.001", steps="50")
    at.toggle(key="pg_fair").set_value(True).run()
    assert not at.exception
    note = [i.value for i in at.info if i.value.startswith("Fair comparison")][0]
    best = pg.lr_sweep("quadratic", pg.spec("sgd"), (-7.0, 2.0), 50).best_lr
    assert f"SGD (lr={float(f'{best:.3g}'):g})" in note  # the sweep's best, to 3 digits
    assert len(charts(open_tab(at, "loss"))) == 3  # contour, loss, distance
    assert len(charts(open_tab(at, "sweep"))) == 2  # contour, the sweep (shown: the comparison needs it)


def test_fair_comparison_says_when_a_best_lr_is_at_the_edge_of_the_sweep():
    # RMSprop on x²+10y² from (−7, 2): the largest lr swept (10) ends lowest
    at = open_page(PAGE, s="quadratic", runs="rmsprop:lr=0.01", steps="30", fair="1")
    sweep = pg.lr_sweep("quadratic", pg.spec("rmsprop"), (-7.0, 2.0), 30)
    assert sweep.best_at_edge and any("edge of the swept range" in w.value for w in at.warning)


def test_a_surface_without_a_minimum_draws_no_empty_distance_chart():
    at = open_page(PAGE, s="saddle", runs="sgd:lr=0.1", steps="20", x="-1.8", y="0.01")
    titles = [json.dumps(c["layout"].get("title", {})) for c in charts(at)]
    assert not any("istance" in t for t in titles) and not at.exception


def test_step_inspector_and_sweep_tab():
    at = open_page(PAGE, runs="adagrad:lr=0.5,eps=1e-10", s="quadratic", k="0")
    table = at.dataframe[0].value
    assert table.iloc[0, 1] == "(-7, 2)" and table.iloc[1, 1] == "(-14, 40)"
    assert table.iloc[2, 1] == "(0.5, -0.5)"  # AdaGrad's first move is lr per coordinate
    open_tab(at, "sweep")
    at.toggle(key="pg_sweep").set_value(True).run()
    sweep = [c for c in charts(at) if "learning rate" in json.dumps(c["layout"].get("xaxis", {}))]
    assert sweep and not at.exception


def test_japanese_labels():
    at = open_page(PAGE, lang="ja")
    assert at.title[0].value == "最適化手法の比較"
    assert "安定限界" in at.warning[0].value


def test_preset_selector_follows_hand_changes():
    at = open_page(PAGE)
    assert at.selectbox(key="pg_preset").value == pg.DEFAULT_PRESET
    at.number_input(key="pg_steps").set_value(31).run()
    assert at.selectbox(key="pg_preset").value == ""
    at.selectbox(key="pg_preset").set_value("book_ellipse").run()
    assert at.selectbox(key="pg_preset").value == "book_ellipse"
    assert [t["name"] for t in path_traces(charts(at)[0])][0] == "1 · SGD (lr=0.95)"


def test_basin_map_colours_every_start_of_the_grid():
    at = open_tab(open_page(PAGE, s="himmelblau", runs="sgd:lr=0.01|adam:lr=0.05", steps="200"), "basin")
    at.toggle(key="pg_basin").set_value(True).run()
    at.select_slider(key="pg_basin_n").set_value(25).run()
    at.multiselect(key="pg_basin_runs").set_value([0, 1]).run()
    assert not at.exception
    heat = [c for c in charts(at) if c["data"][0]["type"] == "heatmap"]
    assert len(heat) == 2
    z = values(heat[0]["data"][0]["z"])
    assert z.size == 25 * 25
    ticks = heat[0]["data"][0]["colorbar"]["ticktext"]
    assert any(t.startswith("(3.00, 2.00)  ") and t.endswith("%") for t in ticks)
    assert heat[0]["data"][0]["colorbar"]["title"]["text"] == "minimum reached"


def test_basin_map_of_a_long_race_stops_at_its_step_cap_and_says_so():
    at = open_tab(open_page(PAGE, s="himmelblau", runs="sgd:lr=0.01", steps="3000"), "basin")
    at.toggle(key="pg_basin").set_value(True).run()
    at.select_slider(key="pg_basin_n").set_value(25).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "2000 steps each" in captions and "the map stops at 2000 per start" in captions


def test_a_very_long_bad_value_in_the_url_is_quoted_short():
    at = open_page(PAGE, expr="x" * 5000, s="custom")
    note = " ".join(i.value for i in at.info)
    assert "expr=" + "x" * 40 + "…" in note and "x" * 41 not in note


def test_choosing_another_surface_starts_from_that_surfaces_start():
    at = open_page(PAGE)  # x²+10y² from (−7, 2): far outside Rosenbrock's view
    at.selectbox(key="pg_surface").set_value("rosenbrock").run()
    assert (at.number_input(key="pg_x0").value, at.number_input(key="pg_y0").value) == (-1.5, 2.0)
    assert values(path_traces(charts(at)[0])[0]["x"])[0] == -1.5
    at.selectbox(key="pg_surface").set_value("custom").run()
    assert (at.number_input(key="pg_x0").value, at.number_input(key="pg_y0").value) == (3.0, 3.0)


def test_a_link_with_a_presets_settings_shows_that_preset():
    at = open_page(PAGE)
    at.selectbox(key="pg_preset").set_value("book_ellipse").run()
    link = {k: at.query_params[k] for k in at.query_params}
    again = open_page(PAGE, **{k: (v[0] if isinstance(v, list) else v) for k, v in link.items()})
    assert again.selectbox(key="pg_preset").value == "book_ellipse"


def test_the_summary_and_the_inspector_read_as_numbers_not_nan():
    at = open_page(PAGE, runs="sgd:lr=0.2|adam:lr=0.1", steps="30", k="30")
    table = at.dataframe[0].value  # the step inspector at the last step: no next update
    assert "nan" not in table.to_string() and "—" in table.iloc[2].tolist()
    summary = open_tab(at, "loss").dataframe[0].value
    assert summary.iloc[:, 3].tolist() == ["12", "—"]  # diverged at step 12; adam did not


def test_leaving_the_custom_surface_and_coming_back_keeps_the_expression():
    at = open_page(PAGE, s="custom", expr="x**2 + y**4")
    at.selectbox(key="pg_surface").set_value("quadratic").run()  # the expression box is not drawn
    assert not at.exception
    at.selectbox(key="pg_surface").set_value("custom").run()
    assert not at.exception and at.text_input(key="pg_expr").value == "x**2 + y**4"


def test_edited_racers_survive_a_visit_to_another_page():
    at = open_page(PAGE)
    at.number_input(key="pg_r0_lr").set_value(0.05).run()
    at.switch_page("pages/home.py")
    at.run()
    at.switch_page("pages/playground.py")
    at.run()
    assert at.number_input(key="pg_r0_lr").value == 0.05 and at.query_params["runs"].startswith("sgd:lr=0.05")


def test_the_3d_view_and_the_sweep_are_part_of_the_link():
    at = open_tab(open_page(PAGE), "3d")
    at.toggle(key="pg_3d").set_value(True).run()
    open_tab(at, "sweep").toggle(key="pg_sweep").set_value(True).run()
    assert at.query_params["3d"] == "1" and at.query_params["sweep"] == "1"
    again = open_page(PAGE, **{"3d": "1", "sweep": "1"})  # opens on the sweep, drawn
    assert again.toggle(key="pg_sweep").value and len(charts(again)) == 2
    assert open_tab(again, "3d").toggle(key="pg_3d").value
    assert any(c["data"][0]["type"] == "surface" for c in charts(again))
    assert len(charts(open_page(PAGE, **{"3d": "1"}))) == 2  # a link with the 3-D view opens on it


@pytest.mark.parametrize("name", ui.TABS)
def test_only_the_open_tab_is_drawn_and_each_opens_cleanly(name):
    """A change redraws the contour and what is seen: the hidden tabs send nothing."""
    at = open_page(PAGE, runs="sgd:lr=0.1|adam:lr=0.1", steps="40")
    drawn = {"inspect": 1, "loss": 3, "3d": 1, "sweep": 1, "basin": 1, "export": 1}  # the contour + the tab's
    assert len(charts(at)) == 1 and len(at.dataframe) == 1  # the first tab: the step inspector
    open_tab(at, name)
    assert not at.exception and len(charts(at)) == drawn[name]
    assert len(at.dataframe) == (1 if name in ("inspect", "loss") else 0)


def test_the_lr_steps_by_its_leading_digit():
    """+/− on lr = 0.001 gives 0.0011 / 0.0009 (a fixed step of 0.01 jumped to 0.011 or to the
    minimum), on 0.003 gives 0.004; the value survives the step's change between reruns."""
    at = open_page(PAGE)
    lr = at.number_input(key="pg_r1_lr")
    lr.set_value(0.001).run()
    at.number_input(key="pg_r1_lr").increment().run()
    assert at.number_input(key="pg_r1_lr").value == pytest.approx(0.0011)
    at.number_input(key="pg_r1_lr").set_value(0.001).run()
    at.number_input(key="pg_r1_lr").decrement().run()
    assert at.number_input(key="pg_r1_lr").value == pytest.approx(0.0009)
    at.number_input(key="pg_r1_lr").set_value(0.003).run()
    at.number_input(key="pg_r1_lr").increment().run()
    assert at.number_input(key="pg_r1_lr").value == pytest.approx(0.004)
    assert not at.exception
    assert "lr=0.004" in [t["name"] for t in path_traces(charts(at)[0])][1]


def test_a_typed_quadratic_gets_its_stability_limit_and_exact_minimum():
    at = open_page(PAGE, s="custom", expr="(x-1)**2 + 3*(y+2)**2 + x*y", runs="sgd:lr=0.5", x="-4", y="2")
    assert not at.exception
    limit = 2 / np.linalg.eigvalsh([[2.0, 1.0], [1.0, 6.0]]).max()
    assert any(f"lr < 2/λmax = {limit:g}" in i.value for i in at.info)
    assert any("SGD (lr=0.5)" in e.value for e in at.error)  # 0.5 > 0.32: diverges, with the limit named
    assert "are exact, read off its coefficients" in all_text(at) and "found on a grid" not in all_text(at)
    ja = open_page(PAGE, lang="ja", s="custom", expr="x**2 + 10*y**2", runs="sgd:lr=0.05")
    assert not ja.exception and any("0.1" in i.value for i in ja.info)


# --- a link that names only a surface; degenerate quadratics; the budget of one change ------------

@pytest.mark.parametrize("sid", [*surfaces.IDS, "custom"])
def test_a_link_naming_only_a_surface_starts_at_that_surfaces_own_start_inside_its_view(sid):
    at = open_page(PAGE, s=sid)  # no x, no y: not the default preset's (−7, 2)
    assert not at.exception
    start = (at.number_input(key="pg_x0").value, at.number_input(key="pg_y0").value)
    surface = pg.cached_custom(ui.DEFAULT_EXPR) if sid == "custom" else surfaces.get(sid)
    assert start == tuple(surface.start)
    (x0, x1), (y0, y1) = surface.view
    assert x0 < start[0] < x1 and y0 < start[1] < y1
    path = path_traces(charts(at)[0])[0]
    assert (values(path["x"])[0], values(path["y"])[0]) == start
    assert (float(at.query_params["x"]), float(at.query_params["y"])) == start


@pytest.mark.parametrize("text", ["1e-320*x**2 + 1e-320*y**2 + x", "x*y", "x + y", "-x**2 - y**2",
                                  "1e-320*x**2 + y**2 - 3*x"])
def test_an_unbounded_quadratic_is_said_to_have_no_minimum_and_no_limit(text):
    at = open_page(PAGE, s="custom", expr=text, runs="sgd:lr=0.01", steps="20", x="1", y="1")
    assert not at.exception
    assert any("a quadratic without a minimum: it is unbounded below" in w.value for w in at.warning)
    shown = all_text(at)
    assert "inf" not in shown.replace("information", "") and "2/λmax =" not in shown
    assert not [t for t in charts(at)[0]["data"] if t.get("name") == "global minimum"]  # no star at ±inf
    ja = open_page(PAGE, lang="ja", s="custom", expr=text, runs="sgd:lr=0.01", steps="20")
    assert any("最小値のない 2 次関数" in w.value for w in ja.warning)


def test_a_quadratic_with_a_valley_of_minima_keeps_its_stability_limit():
    at = open_page(PAGE, s="custom", expr="(x + y)**2", runs="sgd:lr=0.1", steps="20", x="1", y="2")
    assert any("a quadratic without a single minimum" in i.value for i in at.info)
    assert any("lr < 2/λmax = 0.5" in i.value for i in at.info)
    assert not [t for t in charts(at)[0]["data"] if t.get("name") == "global minimum"]


def test_noise_from_a_link_or_typed_is_rounded_to_two_digits():
    at = open_page(PAGE, noise="0.123456")
    assert at.number_input(key="pg_noise").value == 0.12 and at.query_params["noise"] == "0.12"
    at.number_input(key="pg_noise").set_value(0.777).run()
    assert at.number_input(key="pg_noise").value == 0.78 and at.query_params["noise"] == "0.78"


BIG_EXPR = "+".join(["sin(x*y)"] * 11)  # 120 parts, the most allowed
EIGHT = "|".join(["sgd:lr=0.01", "momentum:lr=0.01", "nesterov:lr=0.01", "adagrad:lr=0.1", "rmsprop:lr=0.01",
                  "adam:lr=0.01", "adamw:lr=0.01", "adam:lr=0.02"])


@pytest.fixture
def no_races(monkeypatch):
    """Fail if the page starts a race or a sweep (they would cost seconds before any message)."""
    def refuse(*a, **k):
        raise AssertionError("expensive work started")
    monkeypatch.setattr(pg, "race", refuse)
    monkeypatch.setattr(pg, "lr_sweep", refuse)


@pytest.mark.parametrize("fair", ["0", "1"])
def test_the_most_expensive_race_links_are_refused_before_any_work_with_what_to_reduce(no_races, fair):
    at = open_page(PAGE, s="custom", expr=BIG_EXPR, steps="5000", runs=EIGHT, fair=fair, sweep="1", x="1", y="1")
    assert not at.exception
    message = at.error[0].value
    need = ui.race_seconds(pg.cached_custom(BIG_EXPR), ui.Settings("custom", BIG_EXPR, (1.0, 1.0), 5000, 0.0,
                                                                  pg.parse_runs(EIGHT), fair == "1"),
                           pg.parse_runs(EIGHT))
    assert need > budget.MAX_SECONDS and f"about {need:.0f} s" in message and "at most 10 s" in message
    assert "educe the steps, the number of optimizers or the size of the expression" in message
    assert ("Turn off the fair comparison" in message) == (fair == "1")
    assert not at.get("plotly_chart")
    assert at.query_params["steps"] == "5000" and at.query_params["runs"] == EIGHT  # the link still says what was asked
    ja = open_page(PAGE, lang="ja", s="custom", expr=BIG_EXPR, steps="5000", runs=EIGHT, fair=fair)
    assert "1 回の操作は 10 秒までです" in ja.error[0].value and "式の大きさを減らしてください" in ja.error[0].value


def test_a_sweep_that_does_not_fit_after_the_race_is_refused_and_the_race_still_shown(monkeypatch):
    s = pg.cached_custom(ui.DEFAULT_EXPR)
    runs = pg.parse_runs("sgd:lr=0.01|adam:lr=0.05")
    race = pg.race_seconds(s, runs, 200)
    sweep = sum(pg.sweep_seconds(s, r, 200) for r in runs)
    monkeypatch.setattr(budget, "MAX_SECONDS", race + sweep / 2)  # the race fits, its sweep does not
    calls = []
    monkeypatch.setattr(pg, "lr_sweep", lambda *a, **k: calls.append(a))
    at = open_page(PAGE, s="custom", runs="sgd:lr=0.01|adam:lr=0.05", steps="200", sweep="1")
    assert not at.exception and len(path_traces(charts(at)[0])) == 2
    assert any("The learning-rate sweep would need about" in w.value for w in at.warning)
    assert not calls


@pytest.mark.parametrize("surface,grid,steps", [("ackley", 200, 2000), ("custom", 100, 2000)])
def test_a_basin_map_beyond_the_budget_is_computed_smaller_and_says_so(monkeypatch, surface, grid, steps):
    mapped = []
    real = pg.basin_map

    def recording(surf, optimizer, steps_, n, progress=None):
        mapped.append((n, steps_))
        return real(surf, optimizer, min(steps_, 5), n, progress=progress)  # the test only needs the shape

    monkeypatch.setattr(pg, "basin_map", recording)
    monkeypatch.setenv("OPTVIZ_WORKERS", "0")  # the stand-in lives in this process, not in a worker's
    pg.cached_basin.memo.clear()
    query = dict(s=surface, runs="sgd:lr=0.001|adam:lr=0.01", steps=str(steps))
    if surface == "custom":
        query["expr"] = BIG_EXPR
    at = open_tab(open_page(PAGE, **query), "basin")
    at.toggle(key="pg_basin").set_value(True).run()
    at.select_slider(key="pg_basin_n").set_value(grid)
    at.multiselect(key="pg_basin_runs").set_value([0, 1]).run()
    pg.cached_basin.memo.clear()  # the maps of 5 steps must not serve anyone else
    assert not at.exception
    surf = pg.cached_custom(BIG_EXPR) if surface == "custom" else surface
    specs = pg.parse_runs("sgd:lr=0.001|adam:lr=0.01")
    left = budget.MAX_SECONDS - pg.race_seconds(surf, specs, steps)
    n, k = ui.basin_plan(surf, specs, steps, grid, left)
    assert (n, k) != (grid, steps) and mapped[-2:] == [(n, k), (n, k)]  # only the smaller maps ran
    assert sum(ui.estimate_seconds_map(surf, s.build(), k, n) for s in specs) <= left
    note = [i.value for i in at.info if "To keep one change within 10 s" in i.value]
    assert note and f"{n}×{n} grid and {k} steps" in note[0] and f"{grid}×{grid}, {steps} steps" in note[0]
    heat = [c for c in charts(at) if c["data"][0]["type"] == "heatmap"]
    assert len(heat) == 2 and values(heat[0]["data"][0]["z"]).size == n * n


# --- scrub mode --------------------------------------------------------------------------------------

def test_scrub_switch_draws_the_run_for_every_value_and_puts_itself_in_the_link():
    at = open_page(PAGE)
    at.toggle(key="pg_scrub").set_value(True).run()
    assert not at.exception and not at.error
    fig = charts(at)[0]
    assert len(fig["frames"]) == len(at.session_state["pg_scrub_grid"][2]) >= 40
    assert fig["layout"]["sliders"][0]["currentvalue"]["prefix"] == "1 · SGD · lr = "
    assert at.query_params["scrub"] == "1:lr"
    at.selectbox(key="pg_scrub_run").set_value(4).run()
    at.selectbox(key="pg_scrub_param").set_value("beta1").run()
    assert at.query_params["scrub"] == "5:beta1"
    assert "beta1 changes (0 … 0.999" in all_text(at)


@pytest.mark.parametrize("link,run,param", [("2:beta", 1, "beta"), ("9:lr", 0, "lr"), ("1:nope", 0, "lr"),
                                            ("3:eps", 2, "eps")])
def test_a_scrub_link_opens_scrubbing_or_falls_back_to_a_run_and_lr(link, run, param):
    at = open_page(PAGE, scrub=link)
    assert not at.exception and not at.error
    assert (at.session_state["pg_scrub_run"], at.session_state["pg_scrub_param"]) == (run, param)
    assert charts(at)[0]["frames"]


@pytest.mark.parametrize("link", ["1", "x:lr", "1:lr;drop", "<script>", "1:" + "a" * 30, "99999:lr"])
def test_a_malformed_scrub_link_is_named_and_ignored(link):
    at = open_page(PAGE, scrub=link)
    assert not at.exception and not at.error
    assert not at.session_state["pg_scrub"]
    assert "scrub=" in all_text(at)  # the fallback note names the part of the link it ignored


def test_scrub_is_off_while_the_fair_comparison_tunes_each_lr():
    at = open_page(PAGE, scrub="1:lr", fair="1")
    assert not at.exception and not at.error
    assert at.toggle(key="pg_scrub").disabled
    assert not charts(at)[0].get("frames") or "sliders" not in charts(at)[0]["layout"] or \
        charts(at)[0]["layout"]["sliders"][0]["currentvalue"]["prefix"].startswith("step")


def test_a_click_on_the_scrubbed_path_picks_the_value_under_the_slider():
    grid = (1, "lr", [0.001, 0.00133, 0.0015])
    # as Streamlit reports a typed-array row, and as a plain list; float32 read back
    assert ui.scrub_pick([{"x": 0, "y": 0, "customdata": {"0": 3, "1": 0.0013300000596}}], grid) == (1, "lr", 0.00133)
    assert ui.scrub_pick([{"x": 0, "y": 0, "customdata": [3, 0.00149]}], grid) == (1, "lr", 0.0015)
    # a click on the contour, another run's path (customdata: its step) or junk moves the start instead
    for pt in ({"x": 1, "y": 2}, {"x": 1, "y": 2, "customdata": 7}, {"x": 1, "y": 2, "customdata": [1, "a"]},
               {"x": 1, "y": 2, "customdata": [1, float("nan")]}):
        assert ui.scrub_pick([pt], grid) is None
    assert ui.scrub_pick([{"customdata": [3, 0.001]}], None) is None
