"""Update rules in the browser: Adam typed by hand races the built-in and is recognised; every run's
formula is drawn (KaTeX) on the English and the Japanese page."""
import pytest

from browserkit import catalog

pytestmark = pytest.mark.browser

EN, JA = catalog("en"), catalog("ja")
ADAM = """m = beta1*m + (1 - beta1)*g
v = beta2*v + (1 - beta2)*g**2
m_hat = m/(1 - beta1**t)
v_hat = v/(1 - beta2**t)
x = x - lr*m_hat/(sqrt(v_hat) + eps)"""


def test_adam_typed_by_hand_races_the_built_in_and_is_recognised(tab):
    tab.open("/playground")
    main = tab.page.locator('[data-testid="stMain"]')
    tab.act(lambda: main.get_by_text(EN["rule.own"], exact=True).click())
    box = main.get_by_role("textbox", name=EN["rule.text"])
    tab.wait_until(lambda: box.input_value() == "x = x - lr*g", "the editor, prefilled with SGD")
    tab.act(lambda: (box.fill(ADAM), box.press("Control+Enter")))
    for name in ("beta1", "beta2", "eps", "lr"):
        assert main.locator('[data-testid="stNumberInput"]').filter(has_text=name).count(), name
    success = main.locator('[data-testid="stAlertContentSuccess"]')
    tab.wait_until(lambda: "This is Adam, to" in " ".join(success.all_inner_texts()), "“This is Adam”")
    names = [t["name"] for t in tab.chart_traces(0) if t["mode"] == "lines+markers"]
    assert names[4] == "5 · Adam (lr=0.1)" and names[5].startswith("6 · Rule (")
    # the formula of the typed rule, drawn by KaTeX, with m̂ as the course writes it
    assert main.locator(".katex").filter(has_text="m^").count() or main.locator(".katex .accent").count()
    tab.assert_healthy()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_run_s_formula_is_drawn(tab, lang):
    tab.open(f"/playground?lang={lang}")
    cat = EN if lang == "en" else JA
    main = tab.page.locator('[data-testid="stMain"]')
    main.get_by_text(cat["playground.formulas"], exact=True).click()  # opens in the browser: no rerun
    formulas = main.locator('[data-testid="stExpander"] .katex-display')
    tab.wait_until(lambda: formulas.count() >= 5, "five formulas (SGD, Momentum, AdaGrad, RMSprop, Adam)")
    text = main.locator('[data-testid="stExpander"]').first.inner_text()
    for name in ("SGD", "Momentum", "AdaGrad", "RMSprop", "Adam"):
        assert name in text
    assert ("source:" if lang == "en" else "出典:") in text
    assert "←" in formulas.first.inner_text() and "η" in text
    tab.assert_healthy()
