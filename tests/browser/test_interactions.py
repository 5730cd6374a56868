"""The main flows, clicked through in headless Chromium. Widgets are found by the labels of the
English catalog, as a person finds them."""
import re

import pytest

from browserkit import ROOT, catalog

pytestmark = pytest.mark.browser

EN = catalog("en")


def needs_page(name: str):
    return pytest.mark.skipif(not (ROOT / "pages" / f"{name}.py").exists(),
                              reason=f"pages/{name}.py does not exist yet")


# --- optimizer playground ---------------------------------------------------------------------------

def path_names(tab) -> list[str]:
    """Legend names of the optimizer paths on the contour (the first chart)."""
    return [t["name"] for t in tab.chart_traces(0) if t["mode"] == "lines+markers"]


@needs_page("playground")
def test_playground_preset_replaces_the_traces(tab):
    tab.open("/playground")
    default = tab.wait_until(lambda: path_names(tab), "the default race drawn")
    assert [n.split(" (")[0] for n in default] == ["1 · SGD", "2 · Momentum", "3 · AdaGrad",
                                                   "4 · RMSprop", "5 · Adam"]
    tab.select(EN["playground.preset"], EN["playground.preset_book_ellipse"].split(":")[0])
    expected = ["1 · SGD (lr=0.95)", "2 · Momentum (lr=0.1)", "3 · AdaGrad (lr=1.5, eps=1e-07)",
                "4 · Adam (lr=0.3)"]
    tab.wait_until(lambda: path_names(tab) == expected, f"the preset's paths {expected}, "
                   f"got {path_names(tab)}")
    assert "s=quadratic_book" in tab.page.url
    tab.assert_healthy()
    tab.screenshot("playground-book-preset")


@needs_page("playground")
def test_playground_lr_change_redraws_the_path(tab):
    tab.open("/playground?runs=sgd:lr%3D0.01&s=quadratic&steps=30")
    tab.wait_until(lambda: path_names(tab) == ["1 · SGD (lr=0.01)"], "one sgd path at lr 0.01")
    before = tab.chart_traces(0)
    tab.set_number("lr", 0.05)
    tab.wait_until(lambda: path_names(tab) == ["1 · SGD (lr=0.05)"], "the path relabelled lr=0.05")
    assert tab.chart_traces(0) != before
    assert "lr%3D0.05" in tab.page.url or "lr=0.05" in tab.page.url
    tab.assert_healthy()


def _plot_xy(tab, fx: float, fy: float) -> tuple[float, float, float, float]:
    """Page coordinates of the point (fx, fy) of the first chart's contour plot (fractions from its
    left and top), and the data coordinates there, read from plotly's own axes."""
    return tab.charts().first.locator(".js-plotly-plot").evaluate(
        """(gd, [fx, fy]) => { const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis;
              const r = gd.getBoundingClientRect();
              const px = xa._offset + fx * xa._length, py = ya._offset + fy * ya._length;
              return [r.left + px, r.top + py, xa.p2l(px - xa._offset), ya.p2l(py - ya._offset)]; }""", [fx, fy])


# a click anywhere on the contour, far from every path (a contour trace takes no selection in
# plotly.js: the start moved only when a path point happened to be near the click), on the race's
# chart and on the scrub's
CONTOUR_CLICKS = [("race", "/playground?s=quadratic&steps=30&runs=sgd:lr%3D0.01"),
                  ("scrub", "/playground?s=quadratic&steps=30&runs=sgd:lr%3D0.01&scrub=1:lr")]


@needs_page("playground")
@pytest.mark.parametrize("name,link", CONTOUR_CLICKS, ids=[c[0] for c in CONTOUR_CLICKS])
def test_playground_click_anywhere_on_the_contour_sets_the_start_there(tab, name, link):
    tab.open(link)
    for fx, fy in ((0.9, 0.85), (0.6, 0.1)):
        px, py, x, y = _plot_xy(tab, fx, fy)
        tab.act(lambda: tab.page.mouse.click(px, py))
        tab.wait_until(lambda: abs(float(tab.number_input(EN["playground.start_x"]).input_value()) - x) < 0.3
                       and abs(float(tab.number_input(EN["playground.start_y"]).input_value()) - y) < 0.3,
                       f"the start moved to the click at ({x:.2f}, {y:.2f})")
    x = float(tab.number_input(EN["playground.start_x"]).input_value())
    assert re.search(rf"[?&]x={re.escape(repr(x))}", tab.page.url) or f"x={x:g}" in tab.page.url
    tab.assert_healthy()


def _point_on_trace(tab, trace: int, index: int) -> dict:
    """Page coordinates of point ``index`` of trace ``trace`` of the first chart, read from plotly's
    own axes, and its customdata."""
    return tab.charts().first.locator(".js-plotly-plot").evaluate(
        """(gd, [trace, index]) => { const t = gd._fullData[trace]; const L = gd._fullLayout;
              const xa = L['xaxis' + t.xaxis.slice(1)], ya = L['yaxis' + t.yaxis.slice(1)];
              const n = t.y.length, i = index < 0 ? n + index : index;
              const x = t.x ? t.x[i] : t.x0 + i * t.dx; const r = gd.getBoundingClientRect();
              const cd = t.customdata ? t.customdata[i] : null;
              return {x: r.left + xa._offset + xa.l2p(x), y: r.top + ya._offset + ya.l2p(t.y[i]),
                      value: cd === null ? null : (typeof cd === 'number' ? cd : cd[1])}; }""", [trace, index])


def _line_d(tab, index: int) -> str:
    return tab.charts().first.locator(".js-plotly-plot").evaluate(
        "(gd, i) => gd.querySelectorAll('.scatterlayer .trace path.js-line')[i].getAttribute('d')", index)


def _drawn_parts(tab) -> list[int]:
    """How many traces, contour paths, heatmap images, layout shapes and layout images the first
    chart has drawn."""
    return tab.charts().first.locator(".js-plotly-plot").evaluate(
        """gd => [gd.querySelectorAll('g.trace').length, gd.querySelectorAll('.contourlayer path').length,
                  gd.querySelectorAll('.heatmaplayer image').length,
                  gd.querySelectorAll('g[class^=shapelayer] path').length,
                  gd.querySelectorAll('g.imagelayer image').length]""")


def _click_slider_rail(tab, fraction: float) -> None:
    rail = tab.charts().first.locator(".slider-container .slider-rail-rect").first.bounding_box()
    tab.page.mouse.click(rail["x"] + fraction * rail["width"], rail["y"] + rail["height"] / 2)


def _slider_value(tab) -> float:
    label = tab.charts().first.locator(".js-plotly-plot").evaluate(
        "gd => [...gd.querySelectorAll('text.slider-label')].map(t => t.textContent).find(t => t.includes(' = '))")
    return float(re.search(r" = ([0-9.e+-]+)", label).group(1))


# page, link, the drawn line the slider moves, the trace and point to click, what the link then holds
SCRUBS = [("playground", "/playground?scrub=1:lr&s=quadratic&runs=sgd:lr%3D0.05|adam:lr%3D0.1&steps=30", 0, 1, -1,
           "runs=sgd%3Alr%3D{v:g}"),
          ("learning_rate", "/learning_rate?scrub=1", 1, 1, 1, "lr={v!r}"),
          ("activations", "/activations?acts=relu,leaky_relu&scrub=leaky_relu", 1, 4, 3, "leaky_alpha={v!r}")]


@pytest.mark.parametrize("page,link,line,trace,point,expect", SCRUBS, ids=[c[0] for c in SCRUBS])
def test_scrub_moves_the_curve_in_the_browser_and_a_click_writes_the_value_back(tab, page, link, line, trace,
                                                                                point, expect):
    if not (ROOT / "pages" / f"{page}.py").exists():
        pytest.skip(f"pages/{page}.py does not exist yet")
    tab.open(link)
    before, parts = _line_d(tab, line), _drawn_parts(tab)
    runs_before = tab.snapshot()["finished"]
    _click_slider_rail(tab, 0.7)  # in the browser only: no rerun
    tab.wait_until(lambda: _line_d(tab, line) != before, "the scrubbed curve redrawn in the DOM", 5)
    tab.page.wait_for_timeout(300)
    assert tab.snapshot()["finished"] == runs_before, "moving the scrub slider must not rerun the script"
    assert _drawn_parts(tab) == parts  # nothing else vanished (plotly.js drops a contour it does not redraw)
    value = _slider_value(tab)
    tab.screenshot(f"{page}-scrub")
    pt = _point_on_trace(tab, trace, point)
    assert abs(pt["value"] - value) <= 1e-6 * abs(value)  # the clicked point carries the value shown
    tab.act(lambda: tab.page.mouse.click(pt["x"], pt["y"]))
    tab.wait_until(lambda: expect.format(v=value) in tab.page.url,
                   f"the link holds the value {value}: {tab.page.url}")
    tab.assert_healthy()


@needs_page("playground")
def test_playground_contour_takes_clicks_after_the_playback_slider_moved(tab):
    # plotly.js failed on every click once a frame had played ("reading 'selectAll'"): the start
    # point could no longer be picked after ▶ or the playback slider
    tab.open("/playground?s=quadratic&steps=30")
    x0 = float(tab.number_input(EN["playground.start_x"]).input_value())
    parts = _drawn_parts(tab)
    assert parts[1] > 10  # the contour's levels
    _click_slider_rail(tab, 0.5)
    tab.page.wait_for_timeout(300)
    assert _drawn_parts(tab) == parts  # the contour is still drawn
    area = tab.charts().first.locator(".nsewdrag").first.bounding_box()
    tab.act(lambda: tab.page.mouse.click(area["x"] + 0.75 * area["width"], area["y"] + 0.25 * area["height"]))
    tab.wait_until(lambda: float(tab.number_input(EN["playground.start_x"]).input_value()) != x0,
                   "the start moved by the click")
    tab.assert_healthy()


@needs_page("playground")
def test_playground_scrub_draws_the_contour_as_a_backdrop_that_takes_clicks_after_the_slider_moved(tab):
    # the scrub figure's contour is an image (no contour trace, so no redraw per frame); the
    # invisible click catcher takes the click that moves the start, also after frames have played
    tab.open("/playground?scrub=1:lr&s=quadratic&runs=sgd:lr%3D0.05|adam:lr%3D0.1&steps=30")
    x0 = float(tab.number_input(EN["playground.start_x"]).input_value())
    parts = _drawn_parts(tab)
    assert parts[1:] == [0, 0, 0, 1]  # no contour trace: its bands and lines are one image
    _click_slider_rail(tab, 0.6)
    tab.page.wait_for_timeout(300)
    assert _drawn_parts(tab) == parts
    area = tab.charts().first.locator(".nsewdrag").first.bounding_box()
    tab.act(lambda: tab.page.mouse.click(area["x"] + 0.8 * area["width"], area["y"] + 0.2 * area["height"]))
    tab.wait_until(lambda: float(tab.number_input(EN["playground.start_x"]).input_value()) > 0,
                   f"the start moved right of the centre (from {x0}) by the click")
    tab.assert_healthy()


@needs_page("playground")
def test_playground_diverging_run_is_reported(tab):
    tab.open("/playground?s=quadratic&runs=sgd:lr%3D0.2&steps=50")
    alert = tab.page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "diverged at step 12" in alert
    tab.assert_healthy()


# --- activations ---------------------------------------------------------------------------------------

def activation_names(tab) -> set[str]:
    return {t["name"] for t in tab.chart_traces(0) if t["type"] == "scatter" and t["name"]}


@needs_page("activations")
def test_activations_add_one(tab):
    tab.open("/activations?acts=sigmoid,tanh")
    before = tab.wait_until(lambda: activation_names(tab), "the curves drawn")
    assert not any("gelu" in n for n in before)
    box = tab.page.get_by_role("combobox", name=EN["activations.choose"]).first

    def add_gelu():
        box.click()
        box.type(EN["activations.name_gelu"])
        tab.page.get_by_role("option", name=EN["activations.name_gelu"], exact=True).click()
        tab.page.keyboard.press("Escape")

    tab.act(add_gelu)
    after = tab.wait_until(lambda: (names := activation_names(tab)) != before and names,
                           "a new curve drawn")
    assert before < after and any("gelu" in n for n in after - before), (before, after)
    assert "gelu" in tab.page.url
    tab.assert_healthy()


# --- MLP trainer ---------------------------------------------------------------------------------------

@needs_page("mlp")
def test_mlp_train_runs_to_the_end_and_draws_the_decision_boundary(tab):
    # long enough (≈ 0.45 s here, 3000 epochs of the default 8-8 net) that the progress bar is surely
    # drawn: a run of 0.15 s (1000 epochs) can end before the browser paints it, rightly unseen
    tab.open("/mlp?epochs=3000")
    assert tab.chart_title(0) == EN["mlp.data_title"]
    assert not {t["type"] for t in tab.chart_traces(0)} & {"heatmap", "contour"}
    tab.act(lambda: tab.page.get_by_role("button", name=EN["mlp.train"], exact=True).click(), timeout=120)
    assert tab.saw_progress(), "no progress bar was shown while training"
    assert tab.page.locator('[data-testid="stProgress"]').count() == 0, "the progress bar did not finish"
    stop = tab.page.get_by_role("button", name=EN["mlp.stop_button"], exact=True)
    assert stop.count() == 0, "the Stop button is still shown after the run ended"
    summary = tab.page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
    assert summary.startswith(EN["mlp.summary"].split("{")[0] + "3000 epochs"), summary
    tab.wait_until(lambda: tab.chart_title(0) == EN["mlp.boundary_title"], "the decision boundary's title")
    assert {t["type"] for t in tab.chart_traces(0)} & {"heatmap", "contour"}
    tab.assert_healthy()
    tab.screenshot("mlp-trained")


@needs_page("mlp")
def test_mlp_network_view_draws_every_neuron_and_tells_what_one_computes_on_hover(tab):
    tab.open("/mlp?epochs=200&act=relu&hidden=8,%205")
    tab.act(lambda: tab.page.get_by_role("button", name=EN["mlp.train"], exact=True).click(), timeout=120)
    titles = [tab.chart_title(i) for i in range(tab.charts().count())]
    assert EN["mlp.net_title"] in titles, titles
    i = titles.index(EN["mlp.net_title"])
    traces = tab.chart_traces(i)
    assert sum(t["type"] == "heatmap" for t in traces) == 3 + 2  # inputs, two hidden layers; the 2 moons
    net = tab.charts().nth(i).locator(".js-plotly-plot")
    net.scroll_into_view_if_needed()
    x, y = net.evaluate("""gd => { const t = gd.data.find(d => d.hovertext), xa = gd._fullLayout.xaxis,
        ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
        return [r.left + xa._offset + xa.l2p(t.x[2]), r.top + ya._offset + ya.l2p(t.y[2])]; }""")
    tab.page.mouse.move(x, y)  # the first unit of hidden layer 1
    hover = tab.page.locator(".hoverlayer .hovertext")
    tab.wait_until(lambda: hover.count() and "layer 1, unit 1" in hover.first.text_content(), "the neuron's hover text")
    assert "relu(" in hover.first.text_content() and "x₁" in hover.first.text_content()
    tab.assert_healthy()
    tab.screenshot("mlp-network-view")
    # the loss landscape along the path, on a click
    tab.act(lambda: tab.page.get_by_role("button", name=EN["mlp.land_draw"], exact=True).click(), timeout=60)
    titles = [tab.chart_title(i) for i in range(tab.charts().count())]
    assert EN["mlp.land_title"] in titles, titles
    traces = tab.chart_traces(titles.index(EN["mlp.land_title"]))
    assert traces[0]["type"] == "contour" and traces[1]["name"] == EN["mlp.land_path"]
    tab.assert_healthy()
    tab.charts().nth(titles.index(EN["mlp.land_title"])).scroll_into_view_if_needed()
    tab.screenshot("mlp-loss-landscape")


@needs_page("mlp")
def test_draw_four_points_train_and_look_inside(tab):
    tab.open("/mlp?data=draw&test=0&epochs=150&hidden=4&act=tanh")
    pad = tab.charts().nth(0).locator(".js-plotly-plot")
    assert tab.chart_title(0) == EN["mlp.draw_title"]
    group = tab.page.locator('[data-testid="stRadio"]').filter(has_text=EN["mlp.draw_class"])
    for k, (x, y, c) in enumerate([(-1, -1, 0), (1, 1, 0), (-1, 1, 1), (1, -1, 1)]):
        if c != int(group.locator("input:checked").evaluate("e => e.value") or 0):
            tab.act(lambda: group.get_by_text(str(c), exact=True).click())
        pad.scroll_into_view_if_needed()
        px, py = pad.evaluate("""(gd, p) => { const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis,
            r = gd.getBoundingClientRect(); return [r.left + xa._offset + xa.l2p(p[0]), r.top + ya._offset + ya.l2p(p[1])]; }""",
                              [x, y])
        tab.act(lambda: tab.page.mouse.click(px, py))
        tab.wait_until(lambda: "pts=" in tab.page.url and len(tab.page.url.split("pts=")[1].split("&")[0]) == 3 * (k + 1),
                       f"point {k + 1} in the link")
    tab.act(lambda: tab.page.get_by_role("button", name=EN["mlp.train"], exact=True).click(), timeout=120)
    titles = [tab.chart_title(i) for i in range(tab.charts().count())]
    assert EN["mlp.net_title"] in titles and EN["mlp.boundary_title"] in titles, titles
    tab.act(lambda: tab.page.get_by_role("button", name=EN["mlp.land_draw"], exact=True).click(), timeout=60)
    assert EN["mlp.land_title"] in [tab.chart_title(i) for i in range(tab.charts().count())]
    tab.assert_healthy()
    tab.screenshot("mlp-drawn")


# --- vanishing gradients -------------------------------------------------------------------------------

@needs_page("vanishing")
def test_vanishing_preset_changes_the_network(tab):
    tab.open("/vanishing")
    before = [tab.chart_traces(i) for i in range(tab.charts().count())]
    tab.select(EN["vanishing.preset"], EN["vanishing.preset_course_sigmoid_10"])
    after = tab.wait_until(lambda: (a := [tab.chart_traces(i) for i in range(tab.charts().count())]) != before
                           and a, "the figures redrawn for the preset")
    assert after != before
    tab.assert_healthy()


# --- autoencoders ----------------------------------------------------------------------------------------

@needs_page("autoencoder")
def test_autoencoder_point_cloud_preset_draws_the_sheet_in_3d(tab):
    tab.open("/autoencoder")
    assert not any(t["type"] == "scatter3d" for t in tab.chart_traces(0))  # images first
    tab.select(EN["app.preset"], EN["autoencoder.preset_cloud"])
    tab.wait_until(lambda: any(t["type"] == "scatter3d" for t in tab.chart_traces(0)),
                   "the 3-D view of the point cloud")
    assert "data=cloud" in tab.page.url
    summary = tab.page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
    assert summary.startswith(EN["autoencoder.summary_cloud"].split("{")[0]), summary
    tab.assert_healthy()
    tab.screenshot("autoencoder-cloud")


# every figure with in-figure controls (the playback, the three scrubs), on a phone: the buttons,
# the slider and the modebar (shown while the chart is touched) must not cover one another
CONTROLS = [("playground", "/playground?steps=30"), *[(page, link) for page, link, *_ in SCRUBS]]


def _boxes(chart) -> dict:
    return chart.evaluate(
        """el => { const r = s => [...el.querySelectorAll(s)].map(e => { const b = e.getBoundingClientRect();
                     return [b.left, b.top, b.right, b.bottom]; }).filter(b => b[2] > b[0] && b[3] > b[1]);
                   return {modebar: r('.modebar-container .modebar'), buttons: r('.updatemenu-button'),
                           slider: r('.slider-container')}; }""")


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("page,link", CONTROLS, ids=[f"{p}-{'scrub' if 'scrub' in link else 'playback'}"
                                                      for p, link in CONTROLS])
def test_in_figure_controls_do_not_overlap_on_a_phone(browser, server, page, link):
    from browserkit import Tab
    if not ROOT.joinpath("pages", f"{page}.py").exists():
        pytest.skip(f"no {page} page")
    tab = Tab(browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
              .new_page(), server)
    try:
        tab.open(link)
        with_slider = lambda: [c for c in tab.charts().all() if c.locator(".slider-container").count()]  # noqa: E731
        chart = tab.wait_until(with_slider, "the figure with its in-figure slider is drawn")[0]
        tab.assert_healthy()  # a cached scrub figure once failed to unpickle for the second session
        chart.scroll_into_view_if_needed()
        chart.hover()  # the modebar shows while the chart is hovered or touched
        boxes = _boxes(chart)
        assert boxes["slider"] and boxes["modebar"]
        parts = [("modebar", b) for b in boxes["modebar"]] + [("button", b) for b in boxes["buttons"]] + \
                [("slider", b) for b in boxes["slider"]]
        clashes = [(n1, n2) for i, (n1, b1) in enumerate(parts) for n2, b2 in parts[i + 1:]
                   if n1 != n2 and _overlap(b1, b2)]
        assert not clashes, (clashes, boxes)
    finally:
        tab.page.context.close()


# --- the share box (every page) ---------------------------------------------------------------------

@needs_page("learning_rate")
def test_the_share_box_draws_its_link_only_when_opened(tab):
    """The sidebar's share box holds no code box until it is opened (a code box makes every new tab
    load Streamlit's syntax highlighter); opened, it shows the link with the page's settings."""
    tab.open("/learning_rate?lr=0.8")
    sidebar = tab.page.locator('[data-testid="stSidebar"]')
    assert sidebar.locator('[data-testid="stCode"]').count() == 0
    tab.act(lambda: sidebar.get_by_text(EN["app.sidebar.share"]).click())
    code = sidebar.locator('[data-testid="stCode"]').first
    tab.wait_until(lambda: "lr=0.8" in code.inner_text(), "the link in the share box")
    assert "/learning_rate?" in code.inner_text()
    tab.assert_healthy()
