"""The playground's figures draw what the core computed: long paths keep their zig-zag, the
playback shows every early step, the slider starts at the page's step."""
import base64
import re

import numpy as np
import pytest

from optviz import isolines
from optviz import playground as pg
from optviz import surfaces
from optviz.trajectory import optimize
from optviz.plots.common import path_index
from optviz.plots.playground import contour_with_paths, playback_steps


def test_a_long_zigzag_keeps_every_turn_while_a_slow_crawl_is_thinned():
    # momentum on x²+10y² zig-zags in y for the first few hundred steps, then creeps to the minimum
    res = pg.race("quadratic", [pg.spec("momentum", lr=0.1)], (-7, 2), 3000)[0]
    idx = path_index(res.points, np.hypot(16, 8) / 500)
    assert len(idx) < 400  # thinned
    y = res.points[:, 1]
    turns = np.flatnonzero(np.sign(np.diff(y[:-1])) != np.sign(np.diff(y[1:]))) + 1  # local extremes of y
    big = turns[np.abs(y[turns]) > 0.05]  # the turns a person can see at this scale
    assert len(big) > 10 and set(big) <= set(idx)
    assert idx[0] == 0 and idx[-1] == 3000


def test_uniform_thinning_would_have_lost_the_zigzag():
    # the reason for thinning by distance: every 8th step of SGD at lr 0.095 lands on the same side
    res = pg.race("quadratic", [pg.spec("sgd", lr=0.095)], (-7, 2), 3000)[0]
    y = res.points[:, 1]
    kept = path_index(res.points, np.hypot(16, 8) / 500)
    assert (np.sign(y[kept][1:30]) != np.sign(y[kept][:29])).mean() > 0.9  # still alternates
    assert (np.sign(y[::8][1:30]) != np.sign(y[::8][:29])).mean() == 0  # every 8th: one side only


def test_playback_shows_every_early_step_and_then_reaches_the_end():
    assert list(playback_steps(30)) == list(range(31))
    ks = playback_steps(3000)
    assert list(ks[:100]) == list(range(100)) and ks[-1] == 3000 and len(ks) <= 250
    assert (np.diff(ks) > 0).all()


def test_the_playback_slider_starts_at_the_step_the_page_shows():
    runs = [pg.spec("sgd", lr=0.1), pg.spec("adam", lr=0.1)]
    res = pg.race("quadratic", runs, (-7, 2), 30)
    fig = contour_with_paths(surfaces.get("quadratic"), res, ["a", "b"], step=20)
    slider = fig.layout.sliders[0]
    assert slider.steps[slider.active].label == "20"
    marker = fig.data[-1]
    np.testing.assert_array_equal(marker.x, [res[0].points[20, 0], res[1].points[20, 0]])


def test_presentation_mode_enlarges_markers_and_arrows_but_not_the_invisible_click_grid():
    import plotly.graph_objects as go

    from optviz.plots.common import presentation
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(size=[9, 13])),
                     go.Scatter(x=[0], y=[0], mode="lines+markers", marker=dict(size=4)),
                     go.Scatter(x=[0], y=[0], mode="markers", marker=dict(size=14, opacity=0))])
    fig.add_annotation(x=1, y=1, ax=0, ay=0, showarrow=True, arrowwidth=1.5)
    presentation(fig)
    assert list(fig.data[0].marker.size) == [13.5, 19.5] and fig.data[1].marker.size == 6
    assert fig.data[2].marker.size == 14 and fig.layout.annotations[0].arrowwidth == 3


def test_runs_at_one_point_show_as_concentric_rings_none_hidden():
    runs = [pg.spec("sgd", lr=0.01), pg.spec("momentum", lr=0.01), pg.spec("adam", lr=0.1)]
    res = pg.race("quadratic", runs, (-7, 2), 30)
    marker = contour_with_paths(surfaces.get("quadratic"), res, ["a", "b", "c"], step=0).data[-1].marker
    assert marker.symbol == "circle-open"  # a ring: the start dot underneath stays visible
    assert list(marker.size) == sorted(marker.size, reverse=True) and len(set(marker.size)) == 3


def test_long_basin_labels_break_in_two_so_two_maps_keep_their_width():
    from optviz.plots.playground import _two_lines
    assert _two_lines("other stationary point") == "other stationary<br>point"
    assert _two_lines("局所最小値(120 個、それぞれ別の色)") == "局所最小値(120 個、<br>それぞれ別の色)"
    assert _two_lines("(3.58, -1.85)") == "(3.58, -1.85)" and _two_lines("diverged") == "diverged"


def test_clicks_on_the_contour_are_taken_by_points_with_one_drawn_marker_and_margins_are_fixed():
    """A contour takes no selection in plotly.js (a click on it reached the page only when a path
    point was near): invisible points over the view take the clicks, with one marker drawn (not
    3 721 styled on every redraw); margins fixed so that plotly draws once per change (autoexpand
    would draw, grow the margins for the legend, draw again)."""
    from optviz.plots.common import legend_rows, presentation

    res = [optimize("quadratic", "sgd", (-7.0, 2.0), 30, lr=0.05), optimize("quadratic", "adam", (-7.0, 2.0), 30, lr=0.1)]
    labels = ["1 · SGD (lr=0.05)", "2 · Adam (lr=0.1)"]
    fig = contour_with_paths(surfaces.get("quadratic"), res, labels, step=3)
    contour, catcher = fig.data[:2]
    assert contour.type == "contour" and contour.hoverinfo == "skip"
    assert "start here" in catcher.hovertemplate and catcher.marker.opacity == 0 and catcher.marker.maxdisplayed == 1
    (x0, x1), (y0, y1) = surfaces.get("quadratic").view
    cx, cy = _values(catcher.x), _values(catcher.y)
    assert (cx.min(), cx.max(), cy.min(), cy.max()) == pytest.approx((x0, x1, y0, y1))
    step = (x1 - x0) / (np.unique(cx).size - 1)
    assert np.unique(cx).size == np.unique(cy).size == cx.size ** 0.5 and step < (x1 - x0) / 50  # a fine grid
    assert contour_with_paths(surfaces.get("quadratic"), res, labels, clickable=False).data[1].type == "scatter" \
        and "start here" not in str(contour_with_paths(surfaces.get("quadratic"), res, labels, clickable=False).data)
    m = fig.layout.margin
    assert m.autoexpand is False and m.t >= 80  # the playback's buttons and slider sit above the plot
    assert m.b >= 52 + 29 * legend_rows([*labels, "global minimum"], 460)
    big = presentation(contour_with_paths(surfaces.get("quadratic"), res, labels, step=3))
    assert big.layout.margin.b > m.b and big.layout.margin.l > m.l and big.layout.margin.autoexpand is False
    assert contour_with_paths(surfaces.get("quadratic"), res, labels).layout.margin.t < 40  # no playback


def test_legend_rows_pack_entries_left_to_right():
    from optviz.plots.common import legend_rows

    assert legend_rows(["a"], 460) == 1
    assert legend_rows(["x" * 25] * 2, 460) == 1 and legend_rows(["x" * 25] * 3, 460) == 2
    assert legend_rows(["x" * 25] * 9, 460) == 5 and legend_rows(["x" * 25] * 3, 460, font=20) == 3


# --- figures with frames: the scrub and the playback ----------------------------------------------

def _scrub_case(steps=30):
    runs = [pg.spec("sgd", lr=0.05), pg.spec("momentum", lr=0.05), pg.spec("adam", lr=0.1)]
    res = pg.race("quadratic", runs, (-7, 2), steps)
    sc = pg.scrub("quadratic", runs[1], "lr", (-7, 2), steps)
    return runs, res, sc


def test_each_scrub_frame_draws_that_value_s_path_its_end_and_its_loss():
    from optviz.plots.playground import scrub_figure
    runs, res, sc = _scrub_case()
    fig = scrub_figure(surfaces.get("quadratic"), res, [r.label() for r in runs], sc, 1).to_dict()
    frames = fig["frames"]
    assert len(frames) == sc.values.size
    assert fig["layout"]["sliders"][0]["active"] == sc.current
    assert [s["label"] for s in fig["layout"]["sliders"][0]["steps"]] == [f"{v:g}" for v in sc.values]
    for j in (0, sc.current, len(frames) - 1):
        path, ends, loss = (frames[j]["data"][i] for i in range(3))
        ip, ie, il = frames[j]["traces"][:3]  # run 2's path and ends, its loss under the contour
        assert fig["data"][ip]["legendgroup"] == fig["data"][ie]["legendgroup"] == fig["data"][il]["legendgroup"] == "1"
        assert fig["data"][ip]["mode"] == "lines+markers" and fig["data"][il]["xaxis"] == "x2"
        ref = sc.result.points[:, j]
        last = sc.result.last_finite_index()[j]
        xs, ys = _values(path["x"]), _values(path["y"])
        cd = _values(path["customdata"]).reshape(-1, 2)
        steps = cd[:, 0].astype(int)
        np.testing.assert_allclose(xs, ref[steps, 0], rtol=1e-6)  # float32
        np.testing.assert_allclose(ys, ref[steps, 1], rtol=1e-6)
        assert steps[0] == 0 and steps[-1] == last and np.allclose(cd[:, 1], sc.values[j], rtol=1e-6)
        np.testing.assert_allclose(_values(ends["x"]), [ref[0, 0], ref[last, 0]], rtol=1e-6)
        gap = sc.result.losses[_values(loss["x"]).astype(int), j] - 0.0
        np.testing.assert_allclose(_values(loss["y"]), np.maximum(gap, 1e-16), rtol=1e-5)


@pytest.mark.parametrize("sid", ["quadratic", "rosenbrock", "himmelblau", "rastrigin", "saddle"])
def test_the_scrub_figure_draws_the_race_s_contour_without_a_contour_trace(sid):
    """A contour trace forces every frame to redraw the whole figure (3× slower a scrub step): the
    scrub figure draws the same levels as a shape and an image; the race's click catcher comes
    first, before the paths (a click near a path picks the path, see click_catcher)."""
    from optviz.plots import playground as P
    surf = surfaces.get(sid)
    runs = [pg.spec("sgd", lr=1e-3), pg.spec("adam", lr=0.05)]
    res = pg.race(sid, runs, surf.start, 20)
    sc = pg.scrub(sid, runs[1], "lr", surf.start, 20)
    labels = [r.label() for r in runs]
    race = P.contour_with_paths(surf, res, labels, step=0).to_dict()
    fig = P.scrub_figure(surf, res, labels, sc, 1).to_dict()
    assert not {t["type"] for t in fig["data"]} & {"contour", "heatmap"}
    contour, catcher = race["data"][:2]
    assert fig["data"][0] == catcher and "start here" in catcher["hovertemplate"]
    assert all(c["frame"]["redraw"] is False for c in (s["args"][1] for s in fig["layout"]["sliders"][0]["steps"]))
    X, Y = np.meshgrid(_values(contour["x"]), _values(contour["y"]))
    # the same levels as the race's contour trace
    lv = np.arange(contour["contours"]["start"], contour["contours"]["end"] + contour["contours"]["size"] / 2,
                   contour["contours"]["size"])
    zplot = _values(contour["z"]).reshape(X.shape).astype(float)
    assert np.allclose(lv, isolines.levels(zplot, P.CONTOURS)) and contour["autocontour"] is False
    assert not fig["layout"].get("shapes")  # a shape's path is parsed again on every frame
    (image,) = fig["layout"]["images"]
    assert image["layer"] == "below" and image["source"].startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(image["source"].split(",", 1)[1]).decode("ascii")
    png = re.search(r'<image href="(data:image/png;base64,[^"]+)"', svg).group(1)
    assert png == isolines.band_png(zplot, lv, *P.CONTOUR_FILL)  # the bands of these levels
    drawn = re.search(r' d="([^"]*)"', svg).group(1)  # every level's lines, as isolines draws them
    expected = [isolines.isolines(X[0], Y[:, 0], zplot, c) for c in lv]
    assert drawn.count("M") == sum(len(lines) for lines in expected) > 0
    (x0, x1), (y0, y1) = surf.view
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == pytest.approx((x0, y1, x1 - x0, y1 - y0))


def test_every_frame_names_every_trace_and_a_contour_is_redrawn():
    # plotly.js redraws only the traces a frame names: a click after the animation failed on the
    # others ("reading 'selectAll'"); and with redraw off it removes a contour altogether. The class:
    # every figure with frames (the playback, the scrub, the learning-rate and activation scrubs).
    from optviz import activations as A
    from optviz import onedim
    from optviz.plots.activations import curves_scrub
    from optviz.plots.learning_rate import descent_scrub
    from optviz.plots.playground import scrub_figure
    runs, res, sc = _scrub_case()
    labels = [r.label() for r in runs]
    lrs = onedim.scrub_lrs(2.0, 0.3, 0.001, 5.0)
    acts = [A.get("relu"), A.get("elu", alpha=1.0)]
    values = A.scrub_values("elu", 1.0)
    built = [contour_with_paths(surfaces.get("quadratic"), res, labels, step=3),
             scrub_figure(surfaces.get("quadratic"), res, labels, sc, 1),
             descent_scrub("quadratic", 1.0, 2.5, onedim.descend("quadratic", 2.5, lrs, 20)[0], lrs, 3,
                           [(0.5, ""), (1.0, "")]),
             curves_scrub(acts, A.x_grid(-3, 3, 101), 1, [A.get("elu", alpha=v) for v in values], values,
                          list(values).index(1.0))]
    figs = [f.to_dict() for f in built]
    # st.cache_data pickles a cached figure: a second session gets the copy, frames and all
    import pickle
    for f, d in zip(built, figs):
        again = pickle.loads(pickle.dumps(f))
        import json

        import plotly.io as pio
        assert type(again) is type(f) and json.loads(pio.to_json(again)) == json.loads(pio.to_json(f))
    for fig in figs:
        assert fig["frames"]
        for f in fig["frames"]:
            assert sorted(f["traces"]) == list(range(len(fig["data"]))) and len(f["data"]) == len(f["traces"])
            assert [d["type"] for d in f["data"]] == [fig["data"][i]["type"] for i in f["traces"]]
        contour = any(t["type"] in ("contour", "heatmap") for t in fig["data"])
        commands = [s["args"][1] for s in fig["layout"]["sliders"][0]["steps"]]
        commands += [b["args"][1] for m in fig["layout"].get("updatemenus", []) for b in m["buttons"]]
        assert all(c["frame"]["redraw"] == contour for c in commands)


def test_scrub_payload_stays_small_at_the_largest_race():
    import plotly.io as pio
    from optviz.plots.playground import scrub_figure
    runs = [pg.spec(n, lr=0.01) for n in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
                                          "adadelta")]
    res = pg.race("rosenbrock", runs, (-1.2, 1.0), pg.MAX_RACE_STEPS)
    sc = pg.scrub("rosenbrock", runs[5], "beta1", (-1.2, 1.0), pg.MAX_RACE_STEPS)
    payload = pio.to_json(scrub_figure(surfaces.get("rosenbrock"), res, [r.label() for r in runs], sc, 5).to_dict(),
                          validate=False)
    assert len(payload) < 600_000


def _values(arr):
    import base64
    if isinstance(arr, dict):
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"])
    return np.asarray(arr)
