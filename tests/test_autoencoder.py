import numpy as np
import pytest

from optviz import autoencoder as ae


def test_shapes_are_grey_images_of_four_classes():
    X, y = ae.shapes(40, seed=2)
    assert X.shape == (40, 64) and X.min() >= 0 and X.max() <= 1 and set(y) == {0, 1, 2, 3}
    assert np.all(X.sum(axis=1) >= 2.5)  # every picture has a visible stroke


def test_shape_classes_keep_their_geometry():
    X, y = ae.shapes(400, seed=3)
    imgs = X.reshape(-1, 8, 8)
    rows, cols = imgs.sum(axis=2), imgs.sum(axis=1)  # ink per row and per column
    spread = lambda a: (a > 0.5 * a.max(axis=1, keepdims=True)).sum(axis=1)  # rows/columns well inked
    assert np.all(spread(rows[y == 0]) <= 2) and np.all(spread(cols[y == 0]) >= 4)  # horizontal bars
    assert np.all(spread(cols[y == 1]) <= 2) and np.all(spread(rows[y == 1]) >= 4)  # vertical bars
    # diagonals lie along v = u + k: ink off the band |row − col − k| ≤ 2 is absent
    i, j = np.indices((8, 8))
    for img in imgs[y == 3]:
        k = np.round(np.sum(img * (i - j)) / img.sum())
        assert img[np.abs(i - j - k) > 2].sum() == 0


def test_test_images_are_new_not_copies_of_training_images():
    X, _ = ae.shapes(2000, seed=0)  # the page's largest training set
    Xt, _ = ae.shapes(200, seed=1000)  # the page's test images
    train = {row.tobytes() for row in X}
    assert len(train) == len(X)  # no repeats within the training set either
    assert not any(row.tobytes() in train for row in Xt)
    nearest = ((Xt[:, None] - X[None]) ** 2).mean(axis=2).min(axis=1)
    assert np.median(nearest) > 1e-3  # a typical test image differs from its closest training image


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
    ae.train(model, X, epochs=300, lr=0.01, batch_size=64)
    ours = ae.reconstruction_error(X, model.reconstruct(X)).mean()
    best = ae.reconstruction_error(X, ae.pca(X, k).reconstruct(X)).mean()
    assert best <= ours <= 1.05 * best


def test_anomaly_scores_separate_unusual_inputs():
    X, _ = ae.shapes(400)
    model = ae.build(latent=8, hidden=32, activation="tanh", loss="bce", seed=0)
    ae.train(model, X, epochs=80, lr=0.01)
    Xt, _ = ae.shapes(200, seed=5)
    A, _ = ae.anomalies(100)
    normal = ae.reconstruction_error(Xt, model.reconstruct(Xt))
    odd = ae.reconstruction_error(A, model.reconstruct(A))
    threshold = np.quantile(normal, 0.95)
    hit, false_alarm = ae.detection_rates(normal, odd, threshold)
    assert hit > 0.8 and false_alarm <= 0.06  # measured: 0.88 and 0.05


def test_denoising_with_fresh_noise_each_epoch_removes_most_of_the_noise_on_new_images():
    X, _ = ae.shapes(600)
    model = ae.build(latent=16, hidden=64, activation="relu", loss="bce", seed=0)  # the page's denoise preset
    ae.train(model, X, epochs=80, lr=0.01, noise=0.1)
    Xt, _ = ae.shapes(200, seed=1000)
    Nt = ae.add_noise(Xt, 0.1, seed=7)
    before = ae.reconstruction_error(Xt, Nt).mean()
    after = ae.reconstruction_error(Xt, model.reconstruct(Nt)).mean()
    # measured: 0.082 → 0.017; one fixed draw of noisy inputs, learnt by heart, gave 0.033
    assert after < 0.3 * before


def test_denoising_training_is_deterministic_and_draws_new_noise_each_epoch():
    X, _ = ae.shapes(100)
    a, b = (ae.build(latent=4, hidden=16, seed=0) for _ in range(2))
    ha = ae.train(a, X, epochs=3, noise=0.1, seed=5)
    hb = ae.train(b, X, epochs=3, noise=0.1, seed=5)
    assert ha.loss == hb.loss and ha.epochs == 3
    assert all(np.array_equal(wa, wb) for (wa, _), (wb, _) in zip(a.model.params, b.model.params))
    first, second = (ae.corrupt("shapes", X, 0.1, seed=(5, e)) for e in range(2))
    assert not np.array_equal(first, second)


def test_epochs_are_capped_to_the_update_budget():
    assert ae.epochs_within(60, 600) == 60  # 19 updates an epoch: 1140 in all
    assert ae.epochs_within(300, 2000) == ae.MAX_UPDATES // 63  # 63 updates an epoch
    assert ae.epochs_within(300, 2000, max_updates=10) == 1  # at least one epoch
    m = ae.build(latent=2, hidden=16, seed=0)
    h = ae.train(m, ae.shapes(2000)[0], epochs=ae.epochs_within(300, 2000))
    assert h.updates <= ae.MAX_UPDATES


def test_cloud_lies_on_the_bent_sheet_in_the_unit_cube():
    X, y = ae.cloud(500, seed=3, noise=0.0)
    assert X.shape == (500, 3) and set(y) == {0, 1, 2, 3}
    assert X.min() >= -1e-12 and X.max() <= 1 + 1e-12
    # every point is at distance 1/2 from the sheet's axis (x, z) = (1/2, 1/2): a bent sheet, not a plane
    r = np.hypot(X[:, 0] - 0.5, X[:, 2] - 0.5)
    np.testing.assert_allclose(r, 0.5, atol=1e-12)
    # the quarters follow the angle along the bend, from −135° to 135°
    angle = np.arctan2(X[:, 0] - 0.5, -(X[:, 2] - 0.5))
    assert np.all(np.abs(angle) <= 0.75 * np.pi + 1e-9)
    for k in range(4):
        a = angle[y == k]
        assert np.all((a >= -0.75 * np.pi + k * 0.375 * np.pi - 1e-9) & (a <= -0.75 * np.pi + (k + 1) * 0.375 * np.pi + 1e-9))


def test_cloud_anomalies_are_off_the_sheet():
    A, _ = ae.cloud_anomalies(200, seed=4, margin=0.12)
    assert A.shape == (200, 3) and A.min() >= 0 and A.max() <= 1
    # distance to the arc of radius 1/2 around (1/2, 1/2) in (x, z), where the arc exists
    d = np.abs(np.hypot(A[:, 0] - 0.5, A[:, 2] - 0.5) - 0.5)
    angle = np.arctan2(A[:, 0] - 0.5, -(A[:, 2] - 0.5))
    on_arc = np.abs(angle) <= 0.75 * np.pi
    assert np.all(d[on_arc] >= 0.12 - 1e-9)


def test_a_2d_code_follows_the_bend_that_pca_flattens():
    X, _ = ae.cloud(600, seed=0)
    Xt, _ = ae.cloud(200, seed=1000)
    model = ae.build(latent=2, hidden=32, activation="tanh", loss="mse", seed=0, d=3)
    ae.train(model, X, epochs=60, lr=0.01)
    ours = ae.reconstruction_error(Xt, model.reconstruct(Xt)).mean()
    plane = ae.reconstruction_error(Xt, ae.pca(X, 2).reconstruct(Xt)).mean()
    assert ours < 0.25 * plane  # measured: 0.0019 vs 0.0230
    A, _ = ae.cloud_anomalies(100, seed=2000)
    normal = ae.reconstruction_error(Xt, model.reconstruct(Xt))
    hit, false_alarm = ae.detection_rates(normal, ae.reconstruction_error(A, model.reconstruct(A)),
                                          np.quantile(normal, 0.95))
    assert hit > 0.8  # measured: 0.93


def test_data_sets_by_name_and_their_noise():
    X, _ = ae.data("cloud", 50, 1)
    assert X.shape == (50, 3)
    assert ae.data("shapes", 20, 1)[0].shape == (20, 64)
    with pytest.raises(ValueError, match="shapes, cloud"):
        ae.data("mnist", 10)
    noisy = ae.corrupt("cloud", np.zeros((4000, 3)), 0.1, seed=0)
    assert abs(noisy.std() - 0.1) < 0.005  # Gaussian with σ = level
    flipped = ae.corrupt("shapes", np.zeros((100, 64)), 0.1, seed=0)
    assert set(np.unique(flipped)) == {0.0, 1.0} and abs(flipped.mean() - 0.1) < 0.01


def test_code_view_projects_a_wide_code_onto_its_two_largest_variance_directions():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((300, 5)) @ np.diag([3.0, 0.2, 2.0, 0.1, 0.05]) + 7.0
    view, shares = ae.code_view(Z)
    # reference: eigenvectors of the covariance matrix, largest eigenvalues first
    values, vectors = np.linalg.eigh(np.cov(Z.T, bias=True))
    top = vectors[:, ::-1][:, :2]
    expected = (Z - Z.mean(axis=0)) @ top
    for j in range(2):  # each direction is defined up to its sign
        sign = np.sign(view[:, j] @ expected[:, j])
        np.testing.assert_allclose(sign * view[:, j], expected[:, j], atol=1e-9)
    np.testing.assert_allclose(shares, values[::-1][:2] / values.sum(), rtol=1e-9)
    assert abs(view[:, 0]).max() > abs(view[:, 1]).max()  # the direction of dimension 1 (σ = 3) comes first


def test_code_view_keeps_a_narrow_code_as_it_is():
    Z = np.arange(12.0).reshape(6, 2)
    view, shares = ae.code_view(Z)
    assert view is Z and shares is None
    assert ae.code_view(Z[:, :1])[0].shape == (6, 1)


def test_a_trained_model_is_shared_and_is_the_model_the_settings_train():
    settings = tuple(sorted(dict(data="shapes", n=200, seed=3, latent=20, hidden=16, act="tanh", loss="mse",
                                 epochs=7, lr=0.01, noise=0.05).items()))
    calls = []
    model, hist, _ = ae.trained(settings, progress=lambda e, h: calls.append(e))
    assert calls and ae.trained.stored(settings)
    again = ae.trained(settings, progress=lambda e, h: calls.append(("again", e)))
    assert again[0] is model and not any(isinstance(c, tuple) for c in calls)  # no second training
    # the same as training it by hand: the latent capped below the input's width, the epochs as asked
    (X, _), _, _ = ae.lesson_data("shapes", 200, 3)
    ref = ae.build(min(20, X.shape[1] - 1), 16, "tanh", "mse", 3, d=X.shape[1])
    ref_hist = ae.train(ref, X, ae.epochs_within(7, len(X)), 0.01, seed=3, noise=0.05, data="shapes")
    np.testing.assert_allclose(model.reconstruct(X[:20]), ref.reconstruct(X[:20]))
    assert hist.loss == ref_hist.loss
