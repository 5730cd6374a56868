"""AppTest runs of the fundamentals pages (learning rate, line fitting, batch modes, loss functions),
with defaults, presets and extreme settings, asserting on what they show."""
import base64
import json
import re

import numpy as np
import pytest

from optviz import linefit, onedim

from conftest import all_text, open_page


def figures(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def array(v):
    """A figure's data array, whether plain JSON or plotly's base64 typed array."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.array(v)


def url(at, key):
    v = at.query_params[key]
    return v[0] if isinstance(v, list) else v


def number_after(text, label):
    return float(re.search(re.escape(label) + r"\s*=?\s*(-?[\d.]+(?:e[-+]?\d+)?)", text).group(1))


# --- learning rate -------------------------------------------------------------------------------

@pytest.mark.parametrize("lr,box,text", [(0.02, "info", "Too small"), (0.3, "success", "Good"),
                                         (0.5, "success", "Good"), (0.8, "warning", "Oscillating"),
                                         (1.0, "warning", "On the edge"), (1.05, "error", "Diverging")])
def test_learning_rate_regimes_are_named(lr, box, text):
    at = open_page("learning_rate.py", lr=str(lr))
    assert not at.exception
    assert getattr(at, box)[0].value.startswith(text)


def test_learning_rate_beyond_two_over_f2_diverges_and_says_when():
    at = open_page("learning_rate.py", lr="2.0", a="5", steps="100")
    assert not at.exception
    assert at.error[0].value.startswith("Diverging") and "2/f″ = 0.2" in at.error[0].value
    assert any("Diverged at step 5" in e.value for e in at.error)  # 2.5·|1 − 2·10|ᵏ > 1e6 first at k = 5
    assert len(figures(at)) == 3


def test_every_regime_is_reachable_for_the_flattest_quadratic():
    at = open_page("learning_rate.py", a="0.25", lr="4.5")  # f'' = 0.5: 2/f'' = 4 < 4.5
    assert not at.exception and at.error[0].value.startswith("Diverging")


def test_thresholds_are_marked_on_the_loss_against_lr_chart():
    at = open_page("learning_rate.py", a="2")  # f'' = 4: 1/f'' = 0.25, 2/f'' = 0.5
    fig = [f for f in figures(at) if f["layout"]["xaxis"].get("type") == "log"][0]
    xs = sorted(s["x0"] for s in fig["layout"]["shapes"])
    assert xs == pytest.approx([0.25, 0.3, 0.5])  # the two thresholds and the chosen lr
    assert len(array(fig["data"][0]["x"])) == 200


def test_schedules_compare_four_decays():
    at = open_page("learning_rate.py")
    at.selectbox(key="learning_rate_preset").set_value("schedules").run()
    assert at.slider(key="learning_rate_lr").value == 0.95 and at.slider(key="learning_rate_steps").value == 50
    sched = figures(at)[2]
    assert len(sched["data"]) == 8  # rate and loss for each of the four schedules
    assert url(at, "lr") == "0.95" and url(at, "steps") == "50"


def test_nonconvex_presets_end_in_different_minima_or_bounce():
    at = open_page("learning_rate.py")
    at.selectbox(key="learning_rate_preset").set_value("nonconvex_local").run()
    assert "now x = 1.13" in all_text(at) and at.success[0].value.startswith("Good")
    at.selectbox(key="learning_rate_preset").set_value("nonconvex_global").run()
    assert "now x = -1.30" in all_text(at)
    at.selectbox(key="learning_rate_preset").set_value("nonconvex_bouncing").run()
    assert at.warning[0].value.startswith("Not settling") and "x* = -1.3008" in all_text(at)


def test_learning_rate_settings_live_in_the_url_and_bad_ones_fall_back():
    at = open_page("learning_rate.py", lr="abc", steps="7")
    assert not at.exception
    assert "lr=abc" in at.info[0].value  # the note says what was reset
    assert at.slider(key="learning_rate_lr").value == 0.3 and at.slider(key="learning_rate_steps").value == 7
    at.slider(key="learning_rate_lr").set_value(0.8).run()
    assert url(at, "lr") == "0.8" and at.warning[0].value.startswith("Oscillating")


# --- line fitting --------------------------------------------------------------------------------

def test_line_fitting_defaults_reach_least_squares():
    at = open_page("line_fitting.py")
    assert not at.exception and not at.error
    assert any("least squares" in x.value for x in at.latex)
    gap = [c.value for c in at.caption if "away from the least-squares" in c.value][0]
    assert number_after(gap, "updates gradient descent is") < 1e-4
    assert len(figures(at)) == 3


def test_line_fitting_with_two_points_fits_them_exactly():
    at = open_page("line_fitting.py", n="2", epochs="1000", k="1000")
    assert not at.exception
    assert "MSE} = 0.0000" in at.latex[-1].value
    assert len(figures(at)[0]["data"]) == 3  # the two points, least squares, gradient descent
    gap = [c.value for c in at.caption if "away from the least-squares" in c.value][0]
    assert number_after(gap, "updates gradient descent is") < 1e-6


def test_line_fitting_without_noise_recovers_the_true_line():
    at = open_page("line_fitting.py", noise="0", a="-1.5", b="0.5")
    assert not at.exception
    assert "a^* = -1.5000" in at.latex[-1].value and "b^* = 0.5000" in at.latex[-1].value


def test_line_fitting_too_large_a_learning_rate_is_reported():
    at = open_page("line_fitting.py")
    at.selectbox(key="line_fitting_preset").set_value("too_big").run()
    assert not at.exception and "diverged" in at.error[0].value


def test_five_steps_show_the_numbers_of_the_chosen_update():
    at = open_page("line_fitting.py", k="0")
    md = [m.value for m in at.markdown if "**Gradient**" in m.value][0]
    assert "after update 0: a = 0.0000, b = 0.0000" in md
    # plain GD from (0, 0) with η = 0.05: a₁ = −0.05·∂a, read both from the page
    da = number_after(md, "∂MSE/∂a =")
    a1 = number_after(md, "a ← a − η·∂MSE/∂a =")
    assert a1 == pytest.approx(-0.05 * da, abs=1e-4)
    at.selectbox(key="line_fitting_opt").set_value("adam").run()
    assert "adam turns this gradient" in all_text(at)


# --- batch vs mini-batch vs SGD ------------------------------------------------------------------

def test_batch_modes_table_has_measured_values():
    at = open_page("batch_modes.py", n="100", b="10", epochs="5")
    assert not at.exception
    t = at.table[0].value
    assert list(t.iloc[:, 1]) == [1, 10, 100]  # updates per epoch: batch, B = 10, one at a time
    assert list(t.iloc[:, 2]) == [5, 50, 500]
    noise = [float(v) for v in t.iloc[:, 3]]
    assert noise[0] == 0 and noise[2] > noise[1] > 0
    contour = figures(at)[0]
    assert len(contour["data"]) == 1 + 3 + 1  # surface, three paths, least squares


def test_batch_modes_with_two_points():
    at = open_page("batch_modes.py", n="2", b="10")
    assert not at.exception and list(at.table[0].value.iloc[:, 1]) == [1, 1, 2]


def test_batch_modes_cap_the_number_of_sgd_updates():
    at = open_page("batch_modes.py", n="1000", b="1", epochs="200")
    assert not at.exception
    assert "run 20 epochs" in at.info[0].value
    assert list(at.table[0].value.iloc[:, 2]) == [20, 20_000, 20_000]


def test_batch_modes_large_learning_rate_warns_about_sgd():
    at = open_page("batch_modes.py")
    at.selectbox(key="batch_modes_preset").set_value("big_lr").run()
    assert not at.exception and "SGD (one point)" in at.warning[0].value
    assert "batch (all points)" not in at.warning[0].value


# --- loss functions ------------------------------------------------------------------------------

def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_loss_functions_reproduce_the_book():
    at = open_page("loss_functions.py")
    assert not at.exception
    m = metrics(at)
    assert m["sum of squared errors ½Σ"] == "0.0975" and m["cross-entropy"] == "0.5108"  # ゼロから作る 4.2
    at.selectbox(key="loss_functions_preset").set_value("book_wrong").run()
    m = metrics(at)
    assert m["sum of squared errors ½Σ"] == "0.5975" and m["cross-entropy"] == "2.3026"
    at.selectbox(key="loss_functions_preset").set_value("sure_wrong").run()
    assert float(metrics(at)["cross-entropy"]) > 10


def test_loss_functions_edited_predictions_are_scaled_and_bad_ones_explained():
    at = open_page("loss_functions.py", p="1, 3", label="1")
    assert not at.exception and "sum to 4" in at.info[0].value
    assert metrics(at)["cross-entropy"] == "0.2877"  # −log 0.75
    at.text_input(key="loss_functions_p").set_value("0.1, abc").run()
    # the book's example instead, still for class 1 (0.05 there)
    assert "`abc` is not a number" in at.error[0].value and metrics(at)["cross-entropy"] == "2.9957"
    at.text_input(key="loss_functions_p").set_value("0, 0").run()
    assert "above 0" in at.error[0].value


def test_loss_functions_label_beyond_the_classes_is_reset():
    at = open_page("loss_functions.py", p="0.2, 0.8", label="7")
    assert not at.exception and at.selectbox(key="loss_functions_label").value == 0
    assert metrics(at)["cross-entropy"] == "1.6094"  # −log 0.2


def test_accuracy_has_zero_slope_where_the_loss_does_not():
    at = open_page("loss_functions.py", w="1.0")
    m = metrics(at)
    assert float(m["slope of the accuracy"]) == 0 and abs(float(m["slope of the cross-entropy"])) > 0.01
    acc = figures(at)[1]
    assert acc["data"][0]["line"]["shape"] == "hv"  # drawn as a staircase
    at.slider(key="loss_functions_w").set_value(-2.0).run()
    assert float(metrics(at)["slope of the cross-entropy"]) < -0.01 and url(at, "w") == "-2.0"


def test_diverging_steps_are_drawn_inside_the_view():
    at = open_page("learning_rate.py", lr="1.2")  # x_k = 2.5·(−1.4)^k
    fig = figures(at)[0]
    (x0, x1), (y0, y1) = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    arrows = fig["layout"]["annotations"]
    assert len(arrows) >= 5  # the growth shows over several steps
    assert all(x0 - 1e-9 <= a["x"] <= x1 + 1e-9 and y0 - 1e-9 <= a["y"] <= y1 + 1e-9 for a in arrows)
    assert arrows[0]["ax"] == 2.5 and arrows[0]["x"] == pytest.approx(-3.5)  # x₁ = 2.5·(1 − 1.2·2)


def test_line_fitting_view_stays_put_while_the_step_moves():
    at = open_page("line_fitting.py", k="3")
    before = figures(at)[1]["layout"]["xaxis"]["range"]
    at.slider(key="line_fitting_k").set_value(60).run()
    assert figures(at)[1]["layout"]["xaxis"]["range"] == before
    assert url(at, "k") == "60"


def test_batch_modes_without_noise_all_reach_the_exact_line():
    at = open_page("batch_modes.py", noise="0", epochs="200")
    assert not at.exception and not at.warning
    final = [float(v) for v in at.table[0].value.iloc[:, 5]]
    assert final[1] < 1e-10 and final[2] < 1e-10  # noise-free data: every example agrees on the line
    assert 1e-10 < final[0] < 1e-6  # batch: the same 200 epochs are only 200 updates, still on its way


def test_a_preset_changed_by_hand_leaves_the_menu_and_can_be_chosen_again():
    at = open_page("learning_rate.py")
    at.selectbox(key="learning_rate_preset").set_value("oscillating").run()
    assert at.slider(key="learning_rate_lr").value == 0.8
    at.slider(key="learning_rate_lr").set_value(0.801).run()
    assert at.selectbox(key="learning_rate_preset").value == ""  # no longer the preset's setting
    at.selectbox(key="learning_rate_preset").set_value("oscillating").run()
    assert at.slider(key="learning_rate_lr").value == 0.8 and not at.exception



def gap_curves(fig):
    """The y values of each curve of the schedules chart's f − f* panel."""
    return [array(d["y"]).astype(float) for d in fig["data"] if d.get("yaxis") == "y2"]


def test_schedule_gaps_stop_at_the_rounding_floor_instead_of_1e_300():
    at = open_page("learning_rate.py")
    at.selectbox(key="learning_rate_preset").set_value("one_step").run()  # x₁ = 0: the gap is exactly 0
    ys = np.concatenate(gap_curves(figures(at)[2]))
    assert ys.min() == pytest.approx(1e-15 * 6.25)  # 1e-15·(f(x0) − f*), f(2.5) = 6.25
    loss_lr = array(figures(at)[1]["data"][0]["y"]).astype(float)
    assert np.nanmin(loss_lr) == pytest.approx(1e-15 * 6.25, rel=1e-6)  # the same floor


@pytest.mark.parametrize("preset", ["nonconvex_global", "nonconvex_bouncing"])
def test_nonconvex_schedule_gaps_show_no_rounding_spikes(preset):
    at = open_page("learning_rate.py")
    at.selectbox(key="learning_rate_preset").set_value(preset).run()
    curves = gap_curves(figures(at)[2])
    floor = min(c.min() for c in curves)
    assert floor == pytest.approx(1e-15 * 3.5139, rel=1e-4)  # 1e-15·|f*|, f* = f(−1.3008) ≈ −3.5139
    for c in curves:  # the last steps sit flat on the floor (converged) or far above rounding (on the way, bouncing)
        tail = c[-10:]
        assert np.all(tail == pytest.approx(floor, rel=1e-6)) or np.all(tail > 1e-13), tail


def test_fitted_line_legend_has_one_sign_between_the_terms():
    at = open_page("line_fitting.py", a="-1.5", b="-0.5")
    names = [d["name"] for d in figures(at)[0]["data"][1:]]
    x, y = linefit.make_line(-1.5, -0.5, 1.0, 30, 0)
    slope, icpt = np.polyfit(x, y, 1)  # an independent least-squares fit
    assert icpt < 0 and slope < 0
    assert names[0] == f"least squares: y = −{abs(slope):.3f}x − {abs(icpt):.3f}"
    at = open_page("line_fitting.py")
    at.selectbox(key="line_fitting_preset").set_value("too_big").run()  # diverges: huge numbers of either sign
    for name in (d["name"] for d in figures(at)[0]["data"][1:]):
        assert re.fullmatch(r".*: y = −?\d+\.\d{3}x [+−] \d+\.\d{3}", name), name


@pytest.mark.parametrize("query", [dict(n="2", epochs="1000", k="1000"), dict(noise="0", epochs="1000", k="1000")])
def test_loss_chart_of_an_exact_fit_spans_twelve_decades_not_thirty(query):
    at = open_page("line_fitting.py", **query)
    x, y = linefit.make_line(2.0, 1.0, float(query.get("noise", 1.0)), int(query.get("n", 30)), 0)
    start = float(np.mean(y**2))  # MSE at the start (a, b) = (0, 0)
    fig = figures(at)[2]
    ys = array(fig["data"][0]["y"]).astype(float)
    lowest = 1e-12 * start
    assert np.nanmin(ys) >= lowest * (1 - 1e-6) and ys[0] == pytest.approx(start, rel=1e-6)
    assert [s["y0"] for s in fig["layout"]["shapes"] if s["y0"] == s["y1"]] == [pytest.approx(lowest)]
    gap = [c.value for c in at.caption if "away from the least-squares" in c.value][0]
    assert gap.endswith("against the minimum 0.")


@pytest.mark.parametrize("p,shown", [("abc,1", "`abc` は数値ではありません"), ("1", "予測は 2〜10 個入力してください(1 個でした)"),
                                     ("0.5, -1", "0 以上の有限の数"), ("0, 0", "0 より大きく")])
def test_loss_functions_errors_are_in_the_chosen_language(p, shown):
    at = open_page("loss_functions.py", p=p, lang="ja")
    message = at.error[0].value
    assert message.startswith("予測を読み取れませんでした") and shown in message
    assert not re.search(r"[a-z]{3,}", message.replace("abc", "")), message  # no English words left


def test_batch_table_fits_the_page_and_counts_one_example_in_the_singular():
    at = open_page("batch_modes.py", n="100", b="10")
    assert not at.dataframe  # a scrolling data frame cut off "final MSE" and "typical use" at 1400 px
    t = at.table[0].value
    assert list(t["memory per update"]) == ["100 examples", "10 examples", "1 example"]
    assert all(len(v) <= 40 for v in t["typical use"]) and all(len(c) <= 20 for c in t.columns)
    final = [float(v) for v in t["final MSE"]]
    x, y = linefit.make_line(2.0, 1.0, 1.0, 100, 0)
    a = b = 0.0
    for _ in range(20):  # full batch, plain GD with η = 0.02, written out
        r = a * x + b - y
        a, b = a - 0.02 * 2 * np.mean(r * x), b - 0.02 * 2 * np.mean(r)
    assert final[0] == pytest.approx(np.mean((a * x + b - y) ** 2), rel=1e-3)  # shown with 4 digits


def test_batch_modes_divergence_of_the_full_batch_is_not_blamed_on_noise():
    x, _ = linefit.make_line(2.0, 1.0, 1.0, 100, 0)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert 0.5 > 2 / np.linalg.eigvalsh(hessian).max()  # beyond the edge even for the exact gradient
    at = open_page("batch_modes.py", lr="0.5")
    message = at.warning[0].value
    assert "batch (all points)" in message and "Even the exact gradient" in message
    assert "noisier methods need" not in message


@pytest.mark.parametrize("query,names", [
    (dict(a="5", lr="0.5"), ["1/f″ = 0.1", "2/f″ = 0.2", "your lr = 0.5"]),  # f″ = 10
    (dict(fn="nonconvex", x0="-1.5", lr="0.15"), ["1/f″(x*) = 0.0699", "2/f″(x*) = 0.1398", "your lr = 0.15"])])
def test_loss_vs_lr_names_its_lines_in_the_legend_where_they_cannot_overlap(query, names):
    at = open_page("learning_rate.py", **query)
    fig = figures(at)[1]
    assert not fig["layout"].get("annotations")  # no labels beside the lines
    assert [d["name"] for d in fig["data"] if d["name"] in names] == names
    if query.get("fn") == "nonconvex":
        x_star = onedim.minimum("nonconvex")[0]  # f″(x*) = 12x*² − 6 at x* ≈ −1.3008
        assert (1 / (12 * x_star**2 - 6), 2 / (12 * x_star**2 - 6)) == pytest.approx((0.0699, 0.1398), abs=5e-5)


@pytest.mark.parametrize("lr,lang,shown", [("2.0", "en", "2/f″ = 0.2151"), ("0.01", "en", "1/f″ = 0.1075"),
                                           ("2.0", "ja", "2/f″ = 0.2151")])
def test_learning_rate_thresholds_are_shown_to_four_significant_digits(lr, lang, shown):
    at = open_page("learning_rate.py", a="4.65", lr=lr, lang=lang)  # f″ = 9.3: 1/f″ = 0.10753, 2/f″ = 0.21505
    box = (at.error or at.info)[0].value
    assert shown in box and "0.215054" not in box and "0.107527" not in box


def test_one_dimensional_arrows_and_markers_grow_for_a_projector():
    from optviz.plots import learning_rate as plots
    from optviz.plots.common import presentation

    xs, _ = onedim.descend("quadratic", 2.5, 0.8, 20)
    small = plots.descent_1d("quadratic", 1.0, xs)
    big = presentation(plots.descent_1d("quadratic", 1.0, xs))  # what ui.chart does in presentation mode
    assert {a.arrowwidth for a in small.layout.annotations} == {1.5} and small.data[1].marker.size == 9
    assert {a.arrowwidth for a in big.layout.annotations} == {3} and big.data[1].marker.size == 13.5
    assert big.layout.font.size == 20 and big.data[0].line.width >= 3.5


def test_line_fitting_opens_on_the_first_update_where_the_gradient_is_large():
    """The five steps of update 1 (at update 100 the gradients are ≈ 0 and the steps teach nothing)."""
    at = open_page("line_fitting.py")
    assert at.slider(key="line_fitting_k").value == 0
    heads = [h.value for h in at.subheader]
    assert any("update 1" in h and "update 10" not in h for h in heads), heads
