"""The optimizer rule language (optviz.rules): what it accepts and how it runs, what it refuses and
how fast, the formulas it renders, and the built-ins and typed rules that come from it."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optviz
from optviz import i18n, optimizers, rules, surfaces
from optviz import playground as pg
from reference_optimizers import newer_trajectory, reference_trajectory


# --- what a rule means ------------------------------------------------------------------------------

def test_states_hyperparameters_and_the_step_number():
    r = rules.parse("m = beta*m + g\nx = x - lr*m*t")
    assert r.states == ("m",) and r.hyperparameters == ("beta", "lr")
    opt = optimizers.parse_rule("m = beta*m + g\nx = x - lr*m*t", beta=0.5, lr=0.1)
    x = np.array([1.0, 2.0])
    s = opt.init(x)
    assert s.step == 0 and list(s.m) == [0.0, 0.0]
    x1, s = opt.update(x, np.array([1.0, 1.0]), s)  # t = 1: m = 1, x = x − 0.1·1·1
    np.testing.assert_allclose(x1, [0.9, 1.9])
    x2, s = opt.update(x1, np.array([1.0, 1.0]), s)  # t = 2: m = 1.5, x = x − 0.1·1.5·2
    np.testing.assert_allclose(x2, [0.6, 1.6])
    assert s.step == 2 and list(s.m) == [1.5, 1.5]


def test_a_state_read_before_its_assignment_holds_the_previous_step_and_start_values_can_be_given():
    # Lion reads m before updating it; a running product starts at 1
    opt = optimizers.parse_rule("p[0] = 1; p = p*beta; y = old; old = g; x = x - lr*(y + p)",
                                beta=0.5, lr=1.0)
    x, s = np.zeros(1), None
    s = opt.init(x)
    assert s.p[0] == 1.0
    x, s = opt.update(x, np.array([3.0]), s)  # y = 0 (old starts at 0), p = 0.5
    assert x[0] == -0.5 and s.old[0] == 3.0
    x, s = opt.update(x, np.array([7.0]), s)  # y = 3 (the previous g), p = 0.25
    assert x[0] == -0.5 - 3.25


def test_comparisons_where_and_every_function():
    text = ("a = where(g > 0, 1, -1); b = minimum(abs(g), 2) + maximum(g, 0); c = sign(g)*sqrt(abs(g))\n"
            "d = exp(log(abs(g) + 1)); e = (g >= 1) + (g < -1) + (g == 0) + (g != 0) + (g <= 0)\n"
            "f = where(-1 < g < 1, 5, 6); x = x + 0*(a + b + c + d + e + f)")
    opt = optimizers.parse_rule(text)
    g = np.array([-4.0, 0.0, 0.25, 9.0])
    _, s = opt.update(np.zeros(4), g, opt.init(np.zeros(4)))
    np.testing.assert_array_equal(s.a, [-1, -1, 1, 1])
    np.testing.assert_array_equal(s.b, [2, 0, 0.5, 11])
    np.testing.assert_allclose(s.c, [-2, 0, 0.5, 3])
    np.testing.assert_allclose(s.d, np.abs(g) + 1)
    np.testing.assert_array_equal(s.e, [3, 2, 1, 2])
    np.testing.assert_array_equal(s.f, [6, 5, 5, 6])


def test_a_rule_runs_a_batch_of_starts_and_an_lr_sweep():
    lrs = np.array([0.01, 0.02, 0.05])
    typed = optimizers.parse_rule("v = beta*v - lr*g; x = x + v", beta=0.9, lr=lrs)
    got = optviz.optimize("rosenbrock", typed, np.tile([-1.0, 1.5], (3, 1)), 80)
    for j, lr in enumerate(lrs):
        one = optviz.optimize("rosenbrock", "momentum", (-1.0, 1.5), 80, lr=float(lr), beta=0.9)
        np.testing.assert_array_equal(got.points[:, j], one.points)


# every built-in and rules that read a state before assigning it, start one at 1, hoist number-only
# parts (powers of hyperparameters and t), compare and choose
TYPED = ["p[0] = 1; p = p*beta; y = old; old = g; x = x - lr*(y + p)",
         "m = b1*m + (1 - b1)*g; v = b2*v + (1 - b2)*g**2; x = x - lr*(m/(1 - b1**t))/(sqrt(v/(1 - b2**t)) + eps)",
         "x = x - lr*where(abs(g) > 1, sign(g), g)*minimum(1, t/10)",
         "x = x - lr/sqrt(t)*g"]


@pytest.mark.parametrize("opt", [*optimizers.NAMES, *TYPED])
@pytest.mark.parametrize("sid", ["rastrigin", "ackley"])  # no C: the single-start loop runs the rule
def test_the_single_start_loop_gives_the_rule_s_numbers(opt, sid):
    import dataclasses
    from optviz import trajectory
    if opt in optimizers.NAMES:
        o = optimizers.get(opt, lr=0.004)
    else:
        names = rules.parse(opt).hyperparameters
        o = optimizers.parse_rule(opt, **{n: dict(lr=0.004, eps=1e-8, b1=0.9, b2=0.999, beta=0.5)[n] for n in names})
    got = optviz.optimize(sid, o, (2.3, 3.1), 300)
    assert trajectory._scalar_hyperparams(o) and got.points.shape == (301, 2)  # the single-start loop
    # the same loop through the rule's own update, one coordinate at a time (no Scalar)
    ref = optviz.optimize(sid, dataclasses.replace(o, rule=None), (2.3, 3.1), 300)
    np.testing.assert_array_equal(got.points, ref.points)
    assert got.diverged_at == ref.diverged_at
    assert np.abs(got.points[-1] - got.points[0]).max() > 1e-3


# --- the built-ins are their rules -------------------------------------------------------------------

OLDER = [("sgd", dict(lr=1e-3)), ("momentum", dict(lr=1e-3, beta=0.8)), ("nesterov", dict(lr=1e-3, beta=0.7)),
         ("adagrad", dict(lr=0.1, eps=1e-7)), ("rmsprop", dict(lr=0.01, beta=0.9)),
         ("adam", dict(lr=0.05, beta1=0.8)), ("adamw", dict(lr=0.05, weight_decay=0.3))]
NEWER = [("nadam", {}), ("nadam", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, momentum_decay=0.01)),
         ("radam", {}), ("radam", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6)),
         ("adamax", {}), ("adamax", dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6)),
         ("adadelta", {}), ("adadelta", dict(lr=0.5, rho=0.8, eps=1e-5)),
         ("lion", {}), ("lion", dict(lr=0.003, beta1=0.8, beta2=0.9, weight_decay=0.1))]


@pytest.mark.parametrize("name,hp", OLDER, ids=[c[0] for c in OLDER])
def test_older_builtins_equal_the_scalar_reference(name, hp):
    s = surfaces.get("rosenbrock")
    got = optviz.optimize(s, name, (-1.5, 2.0), 200, record_states=True, **hp).points
    ref = np.array(reference_trajectory(s, name, (-1.5, 2.0), 200, **hp))
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,hp", NEWER, ids=[f"{c[0]}-{'default' if not c[1] else 'set'}" for c in NEWER])
def test_newer_builtins_equal_the_scalar_reference(name, hp):
    s = surfaces.get("rosenbrock")
    full = {**optimizers.hyperparameters(name), **hp}
    got = optviz.optimize(s, name, (-1.5, 2.0), 200, **hp).points
    ref = np.array(newer_trajectory(s, name, (-1.5, 2.0), 200, **full))
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    assert np.abs(got[-1] - got[0]).max() > 1e-3  # it moved: the comparison means something


def test_the_issue_s_example_runs():
    r = optviz.optimize("rosenbrock", "nadam", start=(-1.5, 2), steps=200, lr=0.01)
    assert r.points.shape == (201, 2) and r.diverged_at < 0
    for name, names in [("nadam", "beta1 beta2 eps momentum_decay"), ("radam", "beta1 beta2 eps"),
                        ("adamax", "beta1 beta2 eps"), ("adadelta", "rho eps"), ("lion", "beta1 beta2 weight_decay")]:
        assert set(optimizers.hyperparameters(name)) == {"lr", *names.split()}


def test_every_definition_names_its_paper_and_the_rule_s_hyperparameters():
    for d in optimizers.DEFINITIONS:
        assert len(d.paper) > 20 and d.display
        assert [h.name for h in d.hyper][0] == "lr"
        assert set(d.parsed.hyperparameters) == {h.name for h in d.hyper}
        for h in d.hyper:
            assert h.low <= h.default <= h.high and h.meaning


# --- what a rule may not be -----------------------------------------------------------------------

REFUSED = [
    ("", "empty"), ("   \n # only a comment", "empty"),
    ("x = x - lr*g" + " " * rules.MAX_LENGTH, "too_long"),
    ("x = " + "(" * 50 + "g" + ")" * 50, "too_deep"),
    ("\n".join(f"a{i} = g" for i in range(rules.MAX_STATEMENTS)) + "\nx = x", "too_many"),
    ("x = " + "+".join(["g"] * 400), "complex"),
    ("x = x - lr*", "syntax"), ("x = = g", "syntax"),
    ("import os", "statement"), ("x += g", "statement"), ("x - lr*g", "statement"), ("x, v = g, g", "statement"),
    ("a = b = g; x = a", "statement"), ("for i in g: x = i", "statement"),
    ("g = 0; x = x - g", "target_given"), ("t = 2; x = x", "target_given"),
    ("sqrt = 1; x = x", "target_function"), ("x[0] = 1; x = x - g", "target_start"),
    ("v = g", "no_x"),
    ("x = x - lr*grad(x)", "function"), ("x = __import__('os')", "function"), ("x = x.real", "not_allowed"),
    ("x = np.sqrt(g)", "function"), ("x = x - sqrt(g, 2)", "arity"), ("x = where(g > 0, 1)", "arity"),
    ("x = sqrt(x=g)", "arity"), ("x = sqrt", "not_allowed"),
    ("x = (lambda: 1)()", "function"), ("x = [g]", "not_allowed"), ("x = g if g else x", "not_allowed"),
    ("x = 'a'", "constant"), ("x = True", "constant"), ("x = g and x", "not_allowed"), ("x = not g", "not_allowed"),
    ("x = 1j*g", "constant"), ("x = g[0]", "not_allowed"), ("x = x @ g", "not_allowed"), ("x = x // 2", "not_allowed"),
    ("v[0] = 1; v[0] = 2; v = v*g; x = x - v", "init_twice"), ("w[0] = 1; x = x", "init_state"),
    ("v[1] = 1; v = g; x = x - v", "init_index"), ("v[0] = g; v = g; x = x - v", "init_step"),
    ("v[0] = t; v = g; x = x - v", "init_step"), ("a[0] = b; b[0] = 1; a = g; b = g; x = x", "init_before"),
    ("x = x - __class__*g", "name"),
]


@pytest.mark.parametrize("text,code", REFUSED)
def test_bad_rules_are_refused_with_a_reason(text, code):
    with pytest.raises(rules.RuleError) as info:
        rules.parse(text)
    assert info.value.code == code, str(info.value)
    assert isinstance(info.value, ValueError)


def test_the_error_says_on_which_line():
    with pytest.raises(rules.RuleError) as info:
        rules.parse("m = beta*m + g\n\nx = x - lr*mystery(m)")
    assert info.value.params["line"] == 3 and "line 3" in str(info.value) and "mystery" in str(info.value)


def test_hyperparameters_need_a_value_and_must_be_the_rule_s():
    with pytest.raises(rules.RuleError, match="'lr' has no value") as info:
        optimizers.parse_rule("x = x - lr*g")
    assert info.value.code == "missing"
    with pytest.raises(rules.RuleError) as info:
        optimizers.parse_rule("x = x - lr*g", lr=0.1, beta=0.9)
    assert info.value.code == "unknown"
    for bad in (math.nan, math.inf, "0.1", None, True):
        with pytest.raises(rules.RuleError) as info:
            optimizers.parse_rule("x = x - lr*g", lr=bad)
        assert info.value.code == "value"


@pytest.mark.parametrize("text", [
    "x = " + "(" * 100_000 + "g" + ")" * 100_000,  # far past Python's own parser limits
    "x = " + "-" * 200_000 + "g",
    "x = g" + "**g" * 100_000,
    ";" * 1_000_000,
    "x = x\n" * 100_000,
    "x = " + "1" * 1_000_000,
    "x = " + "(" * (rules.MAX_DEPTH + 1) + "g" + ")" * (rules.MAX_DEPTH + 1),  # short, but deep
])
def test_huge_or_deep_text_is_refused_before_it_is_parsed(text, monkeypatch):
    # refused by counting characters and brackets, never handed to Python's parser (whose time and
    # recursion grow with the text); how fast that is, benchmarks measure, not this test
    def parse(*a, **k):
        raise AssertionError("handed to ast.parse")
    monkeypatch.setattr(rules.ast, "parse", parse)
    with pytest.raises(rules.RuleError) as info:
        rules.parse(text)
    assert info.value.code in ("too_long", "too_deep")


@given(st.text(alphabet="xgtvm01.+-*/()=;\n<>sqrtwhe,[]#_ ", max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_text_is_accepted_and_runs_or_refused_with_a_rule_error(text):
    try:
        rule = rules.parse(text)
    except rules.RuleError:
        return
    hp = {h: 0.5 for h in rule.hyperparameters}
    opt = optimizers.from_rule(rule, hp)
    x, s = opt.update(np.ones(3), np.ones(3), opt.init(np.ones(3)))
    assert x.shape == (3,)
    rules.latex_block(rule)  # every accepted rule renders


def test_every_refusal_has_a_message_in_both_catalogs():
    for code in rules.MESSAGES:
        assert f"rule.{code}" in i18n.catalog("en") and f"rule.{code}" in i18n.catalog("ja")


# --- the formula on screen -------------------------------------------------------------------------

def test_formulas_in_the_course_s_notation():
    adam = rules.latex_lines(optimizers.definition("adam").parsed)
    assert adam[0] == r"m \leftarrow \beta_1 m + \left(1 - \beta_1\right) g"
    assert adam[1] == r"v \leftarrow \beta_2 v + \left(1 - \beta_2\right) g^{2}"
    assert r"\frac{\eta}{1 - \beta_1^{t}}" in adam[2] and r"\sqrt{v}" in adam[2] and r"\varepsilon" in adam[2]
    nadam = rules.latex_lines(optimizers.definition("nadam").parsed)
    assert nadam[0] == r"p_{0} = 1" and r"\mu_{\mathrm{next}}" in "".join(nadam)
    hand = rules.latex_lines(rules.parse("m_hat = m/(1 - b1**t); m = b1*m; x = x - eta*m_hat"))
    assert hand[0] == r"\hat{m} \leftarrow \frac{m}{1 - \beta_1^{t}}" and r"\eta \hat{m}" in hand[2]
    assert r"\begin{cases}" in rules.latex_lines(optimizers.definition("radam").parsed)[-1]
    for d in optimizers.DEFINITIONS:
        block = rules.latex_block(d.parsed)
        assert block.startswith(r"\begin{aligned}") and block.count(r"\\") == len(d.parsed.statements) + \
            len(d.parsed.inits) - 1 + block.count(r"\text{if }")


# --- typed rules in the playground ---------------------------------------------------------------------

@pytest.mark.parametrize("example", sorted(pg.RULE_EXAMPLES))
def test_rule_runs_travel_as_text(example):
    text, hp = pg.RULE_EXAMPLES[example]
    runs = [pg.spec("adam", lr=0.1), pg.rule_spec(text, **hp)]
    again = pg.parse_runs(pg.format_runs(runs))
    assert again == runs and "|" not in pg.format_runs(runs[1:]) and "\n" not in pg.format_runs(runs[1:])


@pytest.mark.parametrize("example,name,equal", [
    ("sgd", "sgd", True), ("momentum", "momentum", True), ("adam", "adam", True),
    ("adam_no_bias", "adam", False), ("lion", "lion", True)])
def test_a_typed_rule_is_recognised(example, name, equal):
    text, hp = pg.RULE_EXAMPLES[example]
    r = pg.recognize(pg.rule_spec(text, **hp))
    assert (r.name, r.equal) == (name, equal)
    if equal:
        assert r.difference < 1e-12
    else:
        assert r.step == 1 and r.difference > 1e-3  # no bias correction: the first step is 10× too small


def test_sign_descent_is_no_builtin_and_closest_to_lion():
    # Lion's first step is sign(g) (its m starts at 0): the two part only once m has grown
    r = pg.recognize(pg.rule_spec(pg.RULE_EXAMPLES["sign"][0], lr=0.1))
    assert not r.equal and r.name == "lion" and r.step > 1
