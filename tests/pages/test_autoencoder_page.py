"""AppTest runs of the autoencoder page."""
import json
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
    at.selectbox(key="autoencoder_preset").set_value("vs_pca").run()
    ours, pca = numbers(at.success[0].value)[:2]
    assert pca <= ours <= 1.15 * pca


def test_denoising_preset_reduces_the_error():
    at = open_page("autoencoder.py")
    at.selectbox(key="autoencoder_preset").set_value("denoise").run()
    before, after = numbers([c.value for c in at.caption if "→" in c.value][0])
    assert after < 0.3 * before  # fresh noise every epoch: measured 0.082 → 0.017 (one fixed draw: 0.033)


def test_the_largest_settings_are_capped_and_the_training_time_shown():
    at = open_page("autoencoder.py", n="2000", epochs="300", hidden="64", latent="16")
    assert not at.exception
    capped = [i.value for i in at.info if "instead of 300" in i.value]
    assert capped and "3000 updates" in capped[0]
    summary = at.success[0].value
    assert "after 47 epochs" in summary  # 3000 updates // 63 mini-batches an epoch
    seconds = float(re.search(r"trained in (\d+\.\d) s", summary).group(1))
    assert 0 < seconds < 30


def test_default_settings_are_not_capped():
    at = open_page("autoencoder.py")
    assert not any("instead of" in i.value for i in at.info)
    assert "after 60 epochs, trained in" in at.success[0].value


@pytest.mark.parametrize("query", [dict(latent="1", hidden="0", loss="mse", epochs="5"),
                                   dict(act="relu", latent="16", epochs="5"), dict(hidden="48", epochs="5")])
def test_unusual_settings(query):
    at = open_page("autoencoder.py", **query)
    assert not at.exception and at.success


def test_point_cloud_preset_beats_pca_and_draws_3d():
    at = open_page("autoencoder.py")
    at.selectbox(key="autoencoder_preset").set_value("cloud").run()
    assert not at.exception
    assert at.success[0].value.startswith("Reconstruction error on new points")
    ours, pca = numbers(at.success[0].value)[:2]
    assert ours < 0.5 * pca
    figs = at.get("plotly_chart")
    assert any('"scatter3d"' in f.proto.spec for f in figs)
    assert "off the sheet" in at.info[-1].value and not at.warning


def test_point_cloud_caps_the_code_and_warns_about_a_relu_code():
    at = open_page("autoencoder.py", data="cloud", latent="5", epochs="20")
    assert not at.exception
    assert any("code has 2 dimensions" in c.value for c in at.caption)
    assert "PCA with 2 components" in at.success[0].value
    assert at.warning and "ReLU" in at.warning[0].value  # the default ReLU code does worse than a plane


def test_point_cloud_denoising_in_japanese():
    at = open_page("autoencoder.py", data="cloud", act="tanh", loss="mse", noise="0.1", lang="ja")
    assert not at.exception
    assert any("ノイズのある点の誤差" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 4


def axis_titles(at):
    """(x, y) axis titles of every chart on the page."""
    titles = []
    for f in at.get("plotly_chart"):
        layout = json.loads(f.proto.spec)["layout"]
        titles.append(tuple(layout.get(a, {}).get("title", {}).get("text") for a in ("xaxis", "yaxis")))
    return titles


def test_a_wide_code_is_plotted_along_its_principal_directions():
    at = open_page("autoencoder.py", latent="16", hidden="64", epochs="20")
    assert not at.exception
    latent = [t for t in axis_titles(at) if t[0] and t[0].startswith("principal direction")]
    assert len(latent) == 1 and latent[0][1].startswith("principal direction 2 of the code")
    shares = [float(re.search(r"\((\d+)% of its variance", t).group(1)) for t in latent[0]]
    assert 100 >= shares[0] >= shares[1] > 0
    assert any("two directions of largest variance" in c.value for c in at.caption)


def test_a_2d_code_is_plotted_as_it_is():
    at = open_page("autoencoder.py", epochs="10", lang="ja")
    assert not at.exception
    assert ("z₁", "z₂") in axis_titles(at)
    assert not any("主成分" in (t[0] or "") for t in axis_titles(at))
