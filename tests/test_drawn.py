"""A data set drawn by hand (optviz.drawn): clicks add and remove points, every drawing survives its
link and its CSV, and hostile links are refused with their reason."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from optviz import datasets, drawn, userdata


def test_a_click_adds_a_snapped_point_and_a_click_on_it_removes_it():
    p = drawn.click(drawn.empty(), 0.51, -1.26, 1)
    np.testing.assert_allclose(p, [[0.5, -1.25, 1]])
    p = drawn.click(p, 1.0, 1.0, 0)
    assert len(p) == 2
    p = drawn.click(p, 0.55, -1.2, 0)  # near the first point: removes it
    np.testing.assert_allclose(p, [[1.0, 1.0, 0]])
    for x, y in ((5, 0), (0, -2.2), (np.nan, 0), (np.inf, 1)):  # outside the plane: nothing
        assert len(drawn.click(p, x, y, 0)) == 1
    assert len(drawn.click(p, 0, 0, drawn.MAX_CLASSES)) == 1  # no such class


def test_a_drawing_stops_at_its_limit():
    p = drawn.empty()
    for i in range(drawn.MAX_POINTS + 20):
        p = drawn.click(p, -1.95 + 0.15 * (i % 26), -1.95 + 0.3 * (i // 26), i % 3)
    assert len(p) == drawn.MAX_POINTS


cells = st.integers(0, drawn.CELLS - 1)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(cells, cells, st.integers(0, drawn.MAX_CLASSES - 1)), max_size=drawn.MAX_POINTS))
def test_every_drawing_round_trips_through_its_link_and_its_csv(cells_):
    p = np.array([(i * drawn.STEP - drawn.BOX, j * drawn.STEP - drawn.BOX, c) for i, j, c in cells_],
                 dtype=float).reshape(-1, 3)
    text = drawn.encode(p)
    assert len(text) == 3 * len(p) and set(text) <= set(drawn.ALPHABET)
    np.testing.assert_allclose(drawn.decode(text), p, atol=1e-9)
    if len(p) >= userdata.MIN_ROWS and len(set(p[:, 2])) >= 2:  # what an upload needs
        X, y, names = userdata.parse_csv(drawn.to_csv(p))
        np.testing.assert_allclose(X, p[:, :2], atol=1e-9)
        assert [int(names[k]) for k in y] == p[:, 2].astype(int).tolist()


@pytest.mark.parametrize("text,code", [
    ("AB", "length"), ("AB<", "character"), ("ABC" * 301, "too_many"), ("___", "value"),
    ("a b", "character"), ("AB%", "character"), ("ÄBC", "character")])
def test_a_link_that_is_no_drawing_is_refused_with_its_reason(text, code):
    with pytest.raises(drawn.DrawnError) as e:
        drawn.decode(text)
    assert e.value.code == code


@pytest.mark.parametrize("name", datasets.CLASSIFICATION)
def test_any_generated_data_set_can_start_a_drawing(name):
    X, y = datasets.make(name, 400, noise=0.1, seed=0)
    p = drawn.from_data(X, y)
    assert len(p) == min(drawn.MAX_POINTS, int((y < drawn.MAX_CLASSES).sum()))
    assert np.abs(p[:, :2]).max() <= drawn.BOX
    np.testing.assert_allclose(drawn.decode(drawn.encode(p)), p, atol=1e-9)
