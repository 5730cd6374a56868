"""AppTest runs of the perceptron and backprop pages."""
import pytest

from conftest import open_page


@pytest.mark.parametrize("preset,gate", [("and", "AND"), ("nand", "NAND"), ("or", "OR")])
def test_perceptron_presets_implement_their_gate(preset, gate):
    at = open_page("perceptron.py")
    at.selectbox(key="pc_preset").set_value(preset).run()
    assert not at.exception
    assert at.success[0].value == f"These weights implement {gate}."
    assert list(at.dataframe[0].value[""]) == ["✓"] * 4


def test_perceptron_xor_is_impossible_and_two_layers_work():
    at = open_page("perceptron.py", gate="XOR")
    assert "No weights can do this" in at.warning[0].value
    table = at.dataframe[1].value
    assert list(table["y = AND(s₁, s₂)"]) == list(table["XOR"]) == [0, 1, 1, 0]


def test_perceptron_wrong_weights_say_how_many_rows_differ():
    at = open_page("perceptron.py", w1="-1", w2="-1", b="0.5", gate="AND")
    assert at.info[0].value.startswith("2 of the 4 rows differ")  # outputs NOR: rows (0,0) and (1,1)


def test_backprop_shows_the_worked_example_and_steps_down():
    at = open_page("backprop.py")
    assert not at.exception
    assert "0.298371109" in at.latex[0].value
    grads = at.dataframe[1].value
    w5 = grads[grads["parameter"] == "w5"].iloc[0]
    assert w5["∂E/∂w (backprop)"] == "0.082167041" and float(w5["difference"]) < 1e-8
    at.button(key="bp_next").click().run()
    assert "0.29102" in at.latex[0].value  # E after one update with η = 0.5 (weights only)
    at.button(key="bp_next").click().run()
    assert "2 updates applied" in at.caption[-2].value or any("2 updates" in c.value for c in at.caption)
    at.button(key="bp_reset").click().run()
    assert "0.298371109" in at.latex[0].value


def test_backprop_malformed_parameters_fall_back_to_the_example():
    at = open_page("backprop.py", p="1,2,abc", lr="100")
    assert not at.exception
    assert "0.298371109" in at.latex[0].value and "lr=100" in at.info[0].value


def test_backprop_names_follow_the_worked_example():
    grads = open_page("backprop.py").dataframe[1].value
    value = dict(zip(grads["parameter"], grads["value"]))
    assert [value[f"w{i}"] for i in range(1, 9)] == ["0.150000", "0.200000", "0.250000", "0.300000",
                                                     "0.400000", "0.450000", "0.500000", "0.550000"]
