"""The vanishing-gradient experiments: gradients against finite differences, the classic histogram
signatures, the σ′ ≤ 0.25 bound, the learning runs, and the figures built from them."""
import json
import math

import numpy as np
import pytest

from gradcheck import numeric_grad

import optviz.activations
from optviz import budget
from optviz import vanishing as vg
from optviz.mlp import MLP
from optviz.plots import vanishing as plots


def fd_weight_grad_norms(model: MLP, X, y, h=1e-6):
    """‖∂L/∂Wₗ‖ for every layer by central differences of the loss."""
    return np.array([np.linalg.norm(numeric_grad(model, X, y, W, h)) for W, _ in model.params])


@pytest.mark.parametrize("config", ["sigmoid.n1", "sigmoid.xavier", "tanh.xavier", "relu.he",
                                    "elu.glorot", "sigmoid.n1.bn", "relu.he.bn"])
def test_probe_gradient_norms_agree_with_finite_differences(config):
    depth, width, n = 6, 4, 12
    p = vg.probe(vg.NetConfig.parse(config), depth, width, n, seed=3)
    model = vg.NetConfig.parse(config).mlp([width] + [width] * depth + [vg.N_CLASSES], seed=3)
    X, y = vg.gaussian_inputs(n, width, 3)
    assert p.loss == pytest.approx(model.loss_value(model.predict(X), y), rel=1e-12)
    assert p.grad_norms.shape == (depth + 1,)
    np.testing.assert_allclose(p.grad_norms, fd_weight_grad_norms(model, X, y), rtol=1e-5, atol=1e-9)


def test_classic_histogram_signatures():
    """5 layers × 100 units, 1000 Gaussian inputs, as in the textbook experiment."""
    def run(config):
        return vg.probe(vg.NetConfig.parse(config), 5, 100, 1000, seed=0)

    std1, small, xavier, relu_he = run("sigmoid.n1"), run("sigmoid.n001"), run("sigmoid.xavier"), run("relu.he")
    # std 1: most sigmoid outputs pile up within 0.05 of 0 or 1, in every layer
    assert np.all(std1.saturated > 0.5)
    # std 0.01: almost everything within 0.05 of σ(0) = 0.5
    assert np.all(small.centred > 0.9) and np.all(small.std < 0.03)
    # Xavier: neither saturated nor collapsed
    assert np.all(xavier.saturated < 0.05) and np.all(xavier.centred < 0.5) and np.all(xavier.std > 0.1)
    # ReLU + He: half the units inactive, the spread stays of order 1 in every layer
    assert np.all(np.abs(relu_he.zero_share - 0.5) < 0.1) and np.all((relu_he.std > 0.5) & (relu_he.std < 2))
    assert [vg.activation_verdict(p) for p in (std1, small, xavier, relu_he)] == [
        "saturated", "collapsed", "healthy", "healthy"]


def test_histograms_count_every_value_once_and_match_numpy():
    config = vg.NetConfig("tanh", "xavier")
    p = vg.probe(config, 3, 20, 300, seed=1, bins=25)
    np.testing.assert_allclose(p.counts.sum(axis=1) + p.zero_share, 1.0)
    model = config.mlp([20] * 4 + [vg.N_CLASSES], seed=1)
    h2 = model.forward(vg.gaussian_inputs(300, 20, 1)[0]).hs[2]  # hidden layer 2
    expected, _ = np.histogram(h2, bins=p.edges)  # tanh stays inside the (−1, 1) edges
    np.testing.assert_allclose(p.counts[1], expected / h2.size)
    assert p.edges[0] == -1 and p.edges[-1] == 1


def test_layer_histograms_by_hand():
    edges, counts, zeros = vg.layer_histograms([np.array([0.0, 0.1, 0.5, 0.9, 1.0, 7.0])], 0.0, 1.0, bins=2)
    np.testing.assert_allclose(edges, [0, 0.5, 1])
    # 0 is left out (zeros), 0.1 → bin 0; 0.5, 0.9, 1.0 and 7.0 (clipped) → bin 1
    np.testing.assert_allclose(counts, [[1 / 6, 4 / 6]])
    np.testing.assert_allclose(zeros, [1 / 6])


def test_share_helpers_by_hand():
    h = np.array([0.01, 0.5, 0.52, 0.97, 0.3])
    assert vg.saturation_share(h, "sigmoid") == pytest.approx(0.4)
    assert vg.centre_share(h, "sigmoid") == pytest.approx(0.4)
    assert vg.centre_share(np.array([-0.02, 0.5]), "tanh") == pytest.approx(0.5)
    assert math.isnan(vg.saturation_share(h, "relu"))


def test_sigmoid_xavier_gradient_shrinks_about_fourfold_per_layer():
    """With Xavier weights the sigmoid works near 0 where σ′ ≈ 0.25 and the weights roughly keep
    the norm, so the gradient follows the (max σ′)ᵏ = 0.25ᵏ line."""
    for seed in range(3):
        for depth in (10, 20):
            g = vg.probe(vg.NetConfig("sigmoid", "xavier"), depth, 100, 1000, seed).grad_norms
            factors = g[:-2] / g[1:-1]  # hidden layer l against l + 1
            assert 0.15 < np.exp(np.log(factors).mean()) < 0.3
            assert factors.max() < 0.3


def test_vanishing_and_healthy_gradients_are_told_apart():
    ratio = {c: vg.probe(vg.NetConfig.parse(c), 10, 100, 500, 0).gradient_ratio
             for c in ("sigmoid.n001", "sigmoid.xavier", "tanh.xavier", "relu.he", "sigmoid.xavier.bn")}
    assert ratio["sigmoid.n001"] < 1e-12 and ratio["sigmoid.xavier"] < 1e-5
    for healthy in ("tanh.xavier", "relu.he", "sigmoid.xavier.bn"):
        assert 1e-2 < ratio[healthy] < 1e2
    assert [vg.gradient_verdict(ratio[c]) for c in ("sigmoid.xavier", "relu.he")] == ["vanishing", "healthy"]
    assert vg.gradient_verdict(1e5) == "exploding" and vg.gradient_verdict(math.nan) == "none"


def test_batchnorm_keeps_the_spread_constant_across_layers():
    plain = vg.probe(vg.NetConfig("sigmoid", "n1"), 10, 100, 500, 0)
    bn = vg.probe(vg.NetConfig("sigmoid", "n1", True), 10, 100, 500, 0)
    assert np.all(plain.saturated > 0.5) and np.all(bn.saturated < 0.05)
    # γ = 1, β = 0: every layer's input to σ is N(0, 1)-like, so every layer looks alike
    np.testing.assert_allclose(bn.std, bn.std[0], rtol=0.05)


def test_derivative_bound_by_hand():
    np.testing.assert_allclose(vg.derivative_bound(2.0, 3, 0.25), [2 / 64, 2 / 16, 2 / 4, 2])
    tanh = vg.probe(vg.NetConfig("tanh", "xavier"), 3, 10, 50, 0)
    assert vg.reference_bound([tanh]) is None  # tanh′ ≤ 1: no shrinking bound
    sig = vg.probe(vg.NetConfig("sigmoid", "xavier"), 3, 10, 50, 0)
    np.testing.assert_allclose(vg.reference_bound([tanh, sig]),
                               sig.grad_norms[-1] * 0.25 ** np.array([3, 2, 1, 0]))


def test_config_text_round_trip_and_clear_errors():
    for c in vg.COMPARISONS:
        assert vg.NetConfig.parse(c.id) == c
    assert vg.NetConfig.parse("relu.he.bn") == vg.NetConfig("relu", "he", True)
    for bad, match in (("relu", "cannot read"), ("relu.he.xx", "cannot read"), ("foo.he", "unknown activation"),
                       ("relu.zeros", "unknown initialization")):
        with pytest.raises(ValueError, match=match):
            vg.NetConfig.parse(bad)
    with pytest.raises(ValueError, match="depth"):
        vg.probe(vg.NetConfig(), depth=31)
    with pytest.raises(ValueError, match="number of samples"):
        vg.probe(vg.NetConfig(), n_samples=1)


def test_init_ids_map_to_the_mlp_schemes():
    for init_id, std in (("n1", 1.0), ("n001", 0.01)):
        W = vg.NetConfig("relu", init_id).mlp([400, 300, 2]).params[0][0]
        assert W.std() == pytest.approx(std, rel=0.01)
    W = vg.NetConfig("relu", "he").mlp([400, 300, 2]).params[0][0]
    assert W.std() == pytest.approx(math.sqrt(2 / 400), rel=0.01)


def test_learning_runs_show_the_consequence():
    runs = {c: vg.learning_run(vg.NetConfig.parse(c), depth=5, width=50, epochs=30)
            for c in ("sigmoid.n001", "sigmoid.xavier", "relu.he", "sigmoid.xavier.bn")}
    assert vg.training_verdict(runs["sigmoid.n001"]) == "stuck"
    assert vg.training_verdict(runs["sigmoid.xavier"]) == "stuck"
    assert vg.training_verdict(runs["relu.he"]) == "learned"
    assert vg.training_verdict(runs["sigmoid.xavier.bn"]) in ("learned", "slow")
    assert runs["sigmoid.xavier.bn"].loss[-1] < 0.8 * runs["sigmoid.xavier"].loss[-1]
    r = runs["relu.he"]
    assert len(r.loss) == 30 and r.chance_loss == pytest.approx(math.log(2))
    assert len(r.grad_norms[0]) == 6  # one per weight matrix
    again = vg.learning_run(vg.NetConfig.parse("relu.he"), depth=5, width=50, epochs=30)
    assert again.loss == r.loss  # seeded


def test_divergence_is_reported_not_raised():
    run = vg.learning_run(vg.NetConfig("relu", "n1"), depth=10, width=50, optimizer="sgd", lr=1.0, epochs=5)
    assert run.diverged and vg.training_verdict(run) == "diverged"


def test_bad_training_settings_are_clear():
    with pytest.raises(ValueError, match="unknown data set"):
        vg.learning_run(vg.NetConfig(), dataset="mnist")
    with pytest.raises(ValueError, match="epochs"):
        vg.learning_run(vg.NetConfig(), epochs=0)
    with pytest.raises(ValueError, match="unknown optimizer"):
        vg.learning_run(vg.NetConfig(), optimizer="lbfgs")


@pytest.mark.parametrize("x,text", [(1.3e-7, "1.3×10⁻⁷"), (0.081, "0.081"), (9.96e-8, "1.0×10⁻⁷"),
                                    (0.0, "0"), (2.5e12, "2.5×10¹²"), (math.nan, "—"), (1.14, "1.14")])
def test_power_of_ten(x, text):
    assert vg.power_of_ten(x) == text


def test_presets_are_valid():
    ids = {c.id for c in vg.COMPARISONS}
    assert vg.DEFAULT_PRESET in vg.PRESETS
    for p in vg.PRESETS.values():
        assert set(p.comparisons) <= ids and len(p.comparisons) <= 3
        vg.check_sizes(p.depth, p.width, p.n_samples)
        assert p.dataset in vg.DATASETS and p.optimizer in vg.OPTIMIZERS and 1 <= p.epochs <= vg.MAX_EPOCHS


# --- figures --------------------------------------------------------------------------------------

def test_histogram_figure_has_one_panel_per_shown_layer_and_stays_small():
    for depth, panels in ((1, 1), (5, 5), (30, 10)):
        p = vg.probe(vg.NetConfig("relu", "he"), depth, 100, 1000, 0)
        fig = plots.activation_histograms(p)
        assert len(fig.data) == panels == len(plots.panel_layers(depth))
        assert len(fig.to_json()) < 40_000
    assert plots.panel_layers(30)[0] == 1 and plots.panel_layers(30)[-1] == 30


def test_profile_and_loss_figures_have_a_trace_per_configuration():
    probes = [vg.probe(vg.NetConfig.parse(c), 30, 100, 1000, 0) for c in ("sigmoid.n1", "sigmoid.xavier", "relu.he")]
    fig = plots.layer_profiles(probes, bound=vg.reference_bound(probes))
    assert len(fig.data) == 2 * 3 + 1
    assert len(fig.data[1].x) == 31 and len(fig.data[0].x) == 30
    assert len(fig.to_json()) < 40_000
    json.loads(fig.to_json())  # no NaN/inf in the JSON
    runs = [vg.learning_run(vg.NetConfig.parse(c), depth=2, width=10, epochs=5) for c in ("sigmoid.n1", "relu.he")]
    fig = plots.loss_curves(runs)
    assert len(fig.data) == 3 and fig.data[2].y[0] == pytest.approx(math.log(2))


@pytest.mark.parametrize("final_loss, verdict", [(0.70, "stuck"), (0.68, "stuck"), (0.80, "above_chance"),
                                                 (7.05, "above_chance"), (0.5, "slow")])
def test_stuck_means_close_to_chance_and_far_above_is_its_own_verdict(final_loss, verdict):
    run = vg.LearningRun(vg.NetConfig(), [1.0, final_loss], [0.5, 0.6], math.log(2), [])
    assert vg.training_verdict(run) == verdict


def test_gradient_size_sees_what_the_ratio_cannot():
    exploding = vg.probe(vg.NetConfig("relu", "n1"), depth=10, width=50, n_samples=200)
    assert vg.gradient_verdict(exploding.gradient_ratio) == "healthy"  # all layers blow up together
    assert vg.gradient_size_verdict(exploding) == "huge" and vg.weights_too_large(exploding) == "exploding"
    tiny = vg.probe(vg.NetConfig("relu", "n001"), depth=10, width=50, n_samples=200)
    assert vg.gradient_size_verdict(tiny) == "tiny"
    for c in ("relu.he", "sigmoid.xavier", "tanh.xavier", "sigmoid.n1.bn"):
        p = vg.probe(vg.NetConfig.parse(c), depth=30, width=100, n_samples=200)
        assert vg.gradient_size_verdict(p) == "normal" and p.grad_norms.max() < vg.HUGE_GRAD / 50, c


def test_training_is_capped_to_one_changes_budget_and_the_run_says_so():
    assert vg.train_weights(5, 100) == 2 * 100 + 4 * 100 * 100 + 100 * 2
    assert vg.epoch_cap([vg.NetConfig()], 5, 100, 200) == 200  # the default net is never cut short
    relu = vg.NetConfig("relu", "he")
    cap = vg.epoch_cap([relu], 30, 200, 200)
    assert 1 <= cap < 200
    assert cap * vg.epoch_seconds(relu, 30, 200) <= budget.MAX_SECONDS < (cap + 1) * vg.epoch_seconds(relu, 30, 200)
    assert 1 <= vg.epoch_cap([relu] * 4, 30, 200, 200) < cap  # four networks share one change's budget
    run = vg.learning_run(relu, depth=5, width=20, epochs=200, allowed=3)
    assert run.capped and run.epochs_asked == 200 and len(run.loss) == run.epochs_allowed == 3
    short = vg.learning_run(relu, depth=5, width=20, epochs=3)
    assert short.loss == run.loss and not short.capped  # the same run, only stopped earlier

def test_note_003_s_scalar_chain_prints_the_note_s_numbers():
    """Note 003: ten sigmoid layers of one unit, weight 0.5, input 1: the gradient at layer 10 is
    0.1225…, at layer 1 7.26e-10 (the note's printout, to its digits)."""
    c = vg.scalar_chain(**vg.NOTE_003_CHAIN)
    assert f"{c.gradients[-1]:.4f}" == "0.1225" and f"{c.gradients[0]:.3g}" == "7.26e-10"
    assert (np.diff(c.gradients) > 0).all()  # it shrinks at every layer going down


@pytest.mark.parametrize("act,weight,x", [("sigmoid", 0.5, 1.0), ("tanh", 0.9, 0.3), ("relu", 1.5, 0.7),
                                          ("sigmoid", -2.0, -1.0)])
def test_a_scalar_chain_s_gradients_are_the_chain_s_own_derivatives(act, weight, x):
    """Checked by central differences: nudge a layer's input and run the rest of the chain."""
    c = vg.scalar_chain(6, weight, x, act)
    f = optviz.activations.get(act)

    def top(a, start):  # a_L from a_{start−1} = a
        for _ in range(start, 7):
            a = float(f(weight * a))
        return a
    inputs = [x, *c.outputs[:-1]]
    for layer in range(1, 7):
        h = 1e-6
        fd = (top(inputs[layer - 1] + h, layer) - top(inputs[layer - 1] - h, layer)) / (2 * h)
        assert c.gradients[layer - 1] == pytest.approx(fd, rel=1e-5, abs=1e-9)  # fd: ~1e-10 of rounding


@pytest.mark.parametrize("bad", [dict(depth=0), dict(depth=101), dict(weight=float("nan")), dict(x=1e9)])
def test_a_scalar_chain_refuses_what_it_cannot_draw(bad):
    with pytest.raises(ValueError):
        vg.scalar_chain(**{**vg.NOTE_003_CHAIN, **bad})
