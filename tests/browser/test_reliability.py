"""What a careless or hostile participant can do, tried in the browser: text that would be a link or
markup if it were interpreted, an upload larger than the server allows, and a link to the heaviest
training the MLP page offers."""
import urllib.parse

import pytest

from browserkit import catalog

pytestmark = pytest.mark.browser

EN = catalog("en")
HOSTILE = ["('`[click here](http://a.co)`')(x)", "<script>window.__evil=1</script>**evil** $x^2$",
           "[x](javascript:alert(1)) <img src=x onerror=window.__evil=1>"]


@pytest.mark.parametrize("expr", HOSTILE)
def test_an_expression_in_a_link_is_shown_as_typed_never_as_a_link_or_markup(tab, expr):
    tab.open("/playground?s=custom&expr=" + urllib.parse.quote(expr))
    main = tab.page.locator('[data-testid="stMain"]')
    tab.wait_until(lambda: main.locator('[data-testid="stAlert"]').count(), "an error box")
    alert = main.locator('[data-testid="stAlert"]').first
    assert alert.locator("a, strong, em, img, script, .katex").count() == 0, alert.inner_html()
    assert tab.page.evaluate("() => window.__evil") is None
    assert not tab.exceptions()


def test_an_upload_larger_than_the_limit_is_refused(tab, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("x,y,label\n" + "0.5,0.25,a\n" * 300_000)  # 3.3 MB: over the 2 MB of config.toml
    tab.open("/mlp")
    tab.select(EN["mlp.dataset"], EN["mlp.data_upload"])
    tab.page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
    uploader = tab.page.locator('[data-testid="stFileUploader"]')
    tab.wait_until(lambda: "2" in uploader.inner_text() and "MB" in uploader.inner_text(),
                   "the uploader's size message")
    assert "MB" in uploader.inner_text()
    assert not tab.exceptions()


def test_the_heaviest_training_link_is_refused_at_once(tab):
    tab.open("/mlp?data=spiral&classes=6&n=2000&test=0&hidden=256,256,256,256,256,256&act=gelu&epochs=3000"
             "&mode=sgd&compare=sgd,adam,momentum,rmsprop")
    tab.act(lambda: tab.page.get_by_role("button", name=EN["mlp.train"], exact=True).click(), timeout=20)
    error = tab.page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert error.startswith("One epoch"), error
    tab.assert_healthy()
