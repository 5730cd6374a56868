import numpy as np

from optviz.plots import mlp as plots


def window(y, fit):
    fig = plots.regression(np.c_[np.linspace(-1, 1, len(y))], np.asarray(y), (np.linspace(-1, 1, len(fit)), fit))
    return fig.layout.yaxis.range


def test_a_fit_inside_the_data_keeps_the_data_range_padded():
    lo, hi = window([0.0, 1.0, 2.0], np.array([0.5, 1.5]))
    assert np.isclose(lo, -0.12) and np.isclose(hi, 2.12)


def test_a_fit_beyond_the_data_widens_the_range_up_to_one_span():
    lo, hi = window([0.0, 2.0], np.array([-1.0, 3.0]))
    assert np.isclose(lo, -1.0 - 0.24) and np.isclose(hi, 3.0 + 0.24)
    lo, hi = window([0.0, 2.0], np.array([np.nan, -1e175, 1e175, np.inf]))
    assert np.isclose(lo, -2.0 - 0.36) and np.isclose(hi, 4.0 + 0.36)
