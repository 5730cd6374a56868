"""Every page reachable from the navigation, and the main interactions, in headless Chromium."""
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, Page, free_port, require_chromium, start_server

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EN = {}
for f in (ROOT / "optviz" / "locales" / "en").glob("*.json"):
    EN.update(json.loads(f.read_text(encoding="utf-8")))


def nav_paths(tab: Page, server: str) -> list[str]:
    tab.open(server)
    hrefs = tab.page.locator('[data-testid="stSidebarNav"] a').evaluate_all("els => els.map(e => e.href)")
    return sorted({"/" + h.split("/", 3)[3].split("?")[0] for h in hrefs})


def test_deep_link_as_a_fresh_servers_first_request_runs_through_the_navigation(browser):
    """Regression: Streamlit's legacy pages/ mode used to run the page alone (no language, no nav)."""
    require_chromium()
    proc = start_server(free_port())
    port = proc.args[proc.args.index("--server.port") + 1]
    try:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1200})
        tab = Page(ctx.new_page())
        tab.open(f"http://127.0.0.1:{port}/playground?lang=ja")
        assert JAPANESE.search(tab.page.locator("h1").first.inner_text())
        nav = tab.page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "ホーム" in nav and "playground" not in nav.lower()
        tab.assert_healthy()
        ctx.close()
    finally:
        proc.terminate()
        proc.wait(10)


def test_every_page_in_the_navigation_renders_without_errors(tab, server):
    paths = nav_paths(tab, server)
    expected = {"/" + line.split('"')[-2] for line in (ROOT / "app.py").read_text().splitlines()
                if line.strip().startswith('("pages/') and (ROOT / line.split('"')[1]).exists()}
    expected = {"/" if p == "/home" else p for p in expected}
    assert set(paths) >= expected - {"/"}, (paths, expected)
    for path in ["/"] + [p for p in paths if p != "/"]:
        tab.open(server + path)
        tab.assert_healthy()
        assert tab.page.locator("h1").count() >= 1, path
        tab.screenshot("page-home" if path == "/" else "page" + path.replace("/", "-"))


def test_pages_render_in_japanese(tab, server):
    for path in nav_paths(tab, server):
        tab.open(server + path + "?lang=ja")
        tab.assert_healthy()
        assert JAPANESE.search(tab.page.locator("h1").first.inner_text()), path


def test_language_switch_in_the_sidebar(tab, server):
    tab.open(server + "/playground")
    assert tab.page.locator("h1").first.inner_text() == EN["playground.title"]
    tab.select(EN["sidebar.language"], "日本語")
    assert tab.page.locator("h1").first.inner_text() == "最適化手法の比較"
    assert "lang=ja" in tab.page.url
    tab.assert_healthy()


def path_names(tab: Page) -> list[str]:
    return [t["name"] for t in tab.chart_traces(0) if t["mode"] == "lines+markers"]


def test_playground_preset_changes_the_traces(tab, server):
    tab.open(server + "/playground")
    assert len(path_names(tab)) == 5
    tab.select(EN["playground.preset"], EN["playground.preset_book_ellipse"].split(":")[0])
    assert path_names(tab) == ["1 · sgd (lr=0.95)", "2 · momentum (lr=0.1)",
                               "3 · adagrad (lr=1.5, eps=1e-07)", "4 · adam (lr=0.3)"]
    tab.assert_healthy()
    tab.screenshot("playground-book-preset")


def test_playground_lr_change_redraws(tab, server):
    tab.open(server + "/playground?runs=sgd:lr%3D0.01&s=quadratic")
    lr = tab.page.locator('[data-testid="stNumberInput"]').filter(has_text="lr").locator("input").first
    lr.fill("0.05")
    lr.press("Enter")
    tab.settle()
    assert path_names(tab) == ["1 · sgd (lr=0.05)"]
    assert "lr%3D0.05" in tab.page.url or "lr=0.05" in tab.page.url
    tab.assert_healthy()


def test_playground_click_on_the_contour_sets_the_start(tab, server):
    tab.open(server + "/playground")
    area = tab.charts().first.locator(".nsewdrag").first.bounding_box()
    tab.page.mouse.click(area["x"] + 0.75 * area["width"], area["y"] + 0.25 * area["height"])
    tab.settle()
    x = tab.page.locator('[data-testid="stNumberInput"]').filter(has_text=EN["playground.start_x"])
    value = float(x.locator("input").input_value())
    assert value > 0  # the default start is x = −7; the click was right of the centre
    assert f"x={value!r}" in tab.page.url or f"x={value}" in tab.page.url
    tab.assert_healthy()


def test_playground_diverging_run_is_reported(tab, server):
    tab.open(server + "/playground?s=quadratic&runs=sgd:lr%3D0.2&steps=50")
    alert = tab.page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "diverged at step 12" in alert
    tab.assert_healthy()


@pytest.mark.skipif(not (ROOT / "pages" / "activations.py").exists(), reason="no activations page yet")
def test_activations_add_one(tab, server):
    tab.open(server + "/activations")
    before = sum(1 for t in tab.chart_traces(0) if t["type"] == "scatter")
    tab.page.locator('[data-testid="stMultiSelect"]').first.get_by_role("combobox").first.click()
    tab.page.get_by_role("option").first.click()
    tab.page.keyboard.press("Escape")
    tab.settle()
    after = sum(1 for t in tab.chart_traces(0) if t["type"] == "scatter")
    assert after > before
    tab.assert_healthy()


@pytest.mark.skipif(not (ROOT / "pages" / "mlp.py").exists(), reason="no MLP trainer page yet")
def test_mlp_train_shows_the_decision_boundary(tab, server):
    tab.open(server + "/mlp")
    tab.page.get_by_role("button", name=EN.get("mlp.train", "Train")).first.click()
    tab.settle(timeout=120)
    kinds = [t["type"] for i in range(tab.charts().count()) for t in tab.chart_traces(i)]
    assert "heatmap" in kinds or "contour" in kinds
    tab.assert_healthy()
    tab.screenshot("mlp-trained")
