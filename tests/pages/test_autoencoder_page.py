"""AppTest runs of the autoencoder page."""
import re

import pytest

from conftest import open_page


def numbers(text):
    return [float(v) for v in re.findall(r"\d+\.\d+", text)]


def test_defaults_train_and_compare_with_pca():
    at = open_page("autoencoder.py", epochs="20")
    assert not at.exception
    assert at.success[0].value.startswith("Reconstruction error on new images")
    assert "flagged" in at.info[-1].value
    assert len(at.get("plotly_chart")) == 3  # images, latent space, histograms


def test_linear_autoencoder_preset_is_close_to_pca():
    at = open_page("autoencoder.py")
    at.selectbox(key="ae_preset").set_value("vs_pca").run()
    ours, pca = numbers(at.success[0].value)[:2]
    assert pca <= ours <= 1.15 * pca


def test_denoising_preset_reduces_the_error():
    at = open_page("autoencoder.py")
    at.selectbox(key="ae_preset").set_value("denoise").run()
    before, after = numbers([c.value for c in at.caption if "→" in c.value][0])
    assert after < before


@pytest.mark.parametrize("query", [dict(latent="1", hidden="0", loss="mse", epochs="5"),
                                   dict(act="relu", latent="16", epochs="5"), dict(hidden="48", epochs="5")])
def test_unusual_settings(query):
    at = open_page("autoencoder.py", **query)
    assert not at.exception and at.success
