import numpy as np
import pytest

from optviz import datasets


@pytest.mark.parametrize("name", datasets.CLASSIFICATION)
def test_classification_sets_have_shapes_labels_and_are_seeded(name):
    X, y = datasets.make(name, n=101, noise=0.1, seed=5)
    assert X.shape == (101, 2) and X.dtype == np.float64 and y.shape == (101,)
    assert np.issubdtype(y.dtype, np.integer) and len(np.unique(y)) >= 2
    X2, y2 = datasets.make(name, n=101, noise=0.1, seed=5)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, datasets.make(name, n=101, noise=0.1, seed=6)[0])


def test_xor_without_noise_is_the_truth_table():
    X, y = datasets.make("xor", n=4, noise=0.0)
    table = {tuple(p): int(t) for p, t in zip(X, y)}
    assert table == {(-1.0, -1.0): 0, (-1.0, 1.0): 1, (1.0, -1.0): 1, (1.0, 1.0): 0}


def test_spiral_and_blobs_take_a_class_count():
    assert set(datasets.make("spiral", 90, classes=3)[1]) == {0, 1, 2}
    assert set(datasets.make("blobs", 100, classes=5)[1]) == {0, 1, 2, 3, 4}


def test_regression_is_one_dimensional():
    X, y = datasets.make("regression", n=50, noise=0.0)
    assert X.shape == (50, 1) and y.shape == (50,)
    np.testing.assert_allclose(y, np.sin(2 * X[:, 0]) + 0.3 * X[:, 0])


def test_split_keeps_every_point_once():
    X, y = datasets.make("moons", 100)
    a, b, c, d = datasets.train_test_split(X, y, 0.25, seed=1)
    assert len(a) == 75 and len(c) == 25
    both = np.concatenate([a, c])
    assert sorted(map(tuple, both)) == sorted(map(tuple, X))


@pytest.mark.parametrize("kw,match", [(dict(name="mnist"), "unknown data set"),
                                      (dict(name="xor", n=0), "n must be"),
                                      (dict(name="xor", noise=-1), "noise")])
def test_bad_arguments_are_clear(kw, match):
    with pytest.raises(ValueError, match=match):
        datasets.make(**kw)
