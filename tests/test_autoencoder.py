import numpy as np
import pytest

from optviz import autoencoder as ae


def test_shapes_are_binary_images_of_four_classes():
    X, y = ae.shapes(40, seed=2)
    assert X.shape == (40, 64) and set(np.unique(X)) <= {0.0, 1.0} and set(y) == {0, 1, 2, 3}
    assert np.all(X.sum(axis=1) >= 3)


def test_pca_reconstruction_is_optimal_among_rank_k_projections():
    X, _ = ae.shapes(300)
    p = ae.pca(X, 5)
    np.testing.assert_allclose(p.components @ p.components.T, np.eye(5), atol=1e-10)
    err = ae.reconstruction_error(X, p.reconstruct(X)).mean()
    # equals the discarded variance: sum of the remaining squared singular values / (n·d)
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    assert err == pytest.approx((s[5:] ** 2).sum() / X.size, rel=1e-9)


def test_linear_autoencoder_approaches_pca_at_the_same_dimension():
    X, _ = ae.shapes(300)
    k = 4
    model = ae.build(latent=k, hidden=0, activation="identity", loss="mse", seed=0)
    ae.train(model, X, X, epochs=300, lr=0.01, batch_size=64)
    ours = ae.reconstruction_error(X, model.reconstruct(X)).mean()
    best = ae.reconstruction_error(X, ae.pca(X, k).reconstruct(X)).mean()
    assert best <= ours <= 1.05 * best


def test_anomaly_scores_separate_unusual_inputs():
    X, _ = ae.shapes(400)
    model = ae.build(latent=8, hidden=32, activation="tanh", loss="bce", seed=0)
    ae.train(model, X, X, epochs=80, lr=0.01)
    Xt, _ = ae.shapes(200, seed=5)
    A, _ = ae.anomalies(100)
    normal = ae.reconstruction_error(Xt, model.reconstruct(Xt))
    odd = ae.reconstruction_error(A, model.reconstruct(A))
    threshold = np.quantile(normal, 0.95)
    hit, false_alarm = ae.detection_rates(normal, odd, threshold)
    assert hit > 0.8 and false_alarm <= 0.06  # measured: 0.88 and 0.05


def test_denoising_removes_most_of_the_noise():
    X, _ = ae.shapes(400)
    noisy = ae.add_noise(X, 0.1, seed=1)
    model = ae.build(latent=16, hidden=48, activation="tanh", loss="bce", seed=0)
    ae.train(model, noisy, X, epochs=80, lr=0.01)
    Xt, _ = ae.shapes(100, seed=9)
    Nt = ae.add_noise(Xt, 0.1, seed=2)
    before = ae.reconstruction_error(Xt, Nt).mean()
    after = ae.reconstruction_error(Xt, model.reconstruct(Nt)).mean()
    assert after < 0.6 * before  # measured: 0.048 from 0.096
