"""Streamlit glue for update rules (optviz.rules): the formulas of the runs, and the editor where a
student writes an optimizer of their own (the playground and the MLP trainer share it)."""
from __future__ import annotations

import math

import streamlit as st

from .. import memo, optimizers, rules
from .. import playground as pg
from .ui import coded_message, tr

VALUE_LIMIT = 1e6  # a typed hyperparameter's largest magnitude (a link's too)


def formulas(runs: list[pg.RunSpec]) -> None:
    """Each run's update rule as the course writes it, with the paper it comes from."""
    shown: set = set()
    for spec_ in runs:
        key = spec_.rule or spec_.name
        if key in shown:
            continue
        shown.add(key)
        if spec_.rule:
            st.markdown(f"**{tr('rule.yours')}**")
            st.latex(rules.latex_block(rules.parsed(spec_.rule)))
        else:
            d = optimizers.definition(spec_.name)
            st.markdown(f"**{d.display}** · {tr('rule.paper', paper=d.paper)}")
            st.latex(rules.latex_block(d.parsed))
    st.caption(tr("rule.notation"))


@memo.memo(max_mb=1, name="rules.recognize")
def cached_recognition(runs_text: str) -> pg.Recognition:
    return pg.recognize(pg.parse_runs(runs_text)[0])


def _key(prefix: str, part: str) -> str:
    return f"{prefix}_rule_{part}"


def _on_example(prefix: str) -> None:
    example = st.session_state.get(_key(prefix, "example"))
    if example in pg.RULE_EXAMPLES:
        text, hp = pg.RULE_EXAMPLES[example]
        set_rule(prefix, text, hp)


def set_rule(prefix: str, text: str, hp: dict) -> None:
    """Put a rule and its hyperparameters into the editor's widgets (from an example or a link)."""
    st.session_state[_key(prefix, "text")] = text
    for k in [k for k in st.session_state if str(k).startswith(_key(prefix, "hp_"))]:
        del st.session_state[k]
    for name, value in hp.items():
        st.session_state[_key(prefix, f"hp_{name}")] = float(value)


def from_link(prefix: str, spec_: pg.RunSpec) -> None:
    """A link's typed rule opens the editor with it."""
    st.session_state[_key(prefix, "on")] = True
    st.session_state[_key(prefix, "example")] = ""
    set_rule(prefix, spec_.rule, spec_.params)


def valid_values(spec_: pg.RunSpec) -> bool:
    return all(math.isfinite(v) and abs(v) <= VALUE_LIMIT for v in spec_.params.values())


def editor(prefix: str, toggle: bool = True, given: tuple = ()) -> pg.RunSpec | None:
    """"+ Your own optimizer": a rule (prefilled with SGD), an input per hyperparameter it reads
    (but those ``given`` by the page, such as the MLP trainer's lr), its formula live, and which
    built-in it is. Returns the run, or None (off, or refused: said why). ``toggle``: behind a
    switch (the playground), or always open (the MLP trainer, where it is chosen as the optimizer)."""
    saved = _key(prefix, "saved")
    if toggle and not st.toggle(tr("rule.own"), key=_key(prefix, "on"), help=tr("rule.own_help")):
        return None
    if _key(prefix, "text") not in st.session_state:  # first open, or Streamlit dropped the widgets
        set_rule(prefix, *st.session_state.get(saved, pg.RULE_EXAMPLES["sgd"]))
    st.selectbox(tr("rule.start_from"), ["", *pg.RULE_EXAMPLES], key=_key(prefix, "example"),
                 on_change=_on_example, args=(prefix,),
                 format_func=lambda e: tr(f"rule.example_{e}") if e else tr("rule.example_none"))
    text = st.text_area(tr("rule.text"), key=_key(prefix, "text"), height=150, max_chars=rules.MAX_LENGTH,
                        help=tr("rule.help"))
    try:
        rule = rules.parsed(text)
    except rules.RuleError as e:
        st.error(coded_message("rule.", e))
        return None
    values = {}
    names = [h for h in rule.hyperparameters if h not in given]
    if names:
        cols = st.columns(min(4, len(names)))
        for i, name in enumerate(names):
            key = _key(prefix, f"hp_{name}")
            if key not in st.session_state:
                st.session_state[key] = pg.usual_value(name)
            values[name] = cols[i % len(cols)].number_input(name, -VALUE_LIMIT, VALUE_LIMIT, key=key, format="%g")
    st.session_state[saved] = (text, values)
    st.latex(rules.latex_block(rule))
    run = pg.rule_spec(text, **values, **{h: pg.usual_value(h) for h in given if h in rule.hyperparameters})
    try:
        run.build()
    except rules.RuleError as e:
        st.error(coded_message("rule.", e))
        return None
    found = cached_recognition(pg.format_runs([run]))
    if found.equal:
        name = optimizers.display_name(found.name)
        st.success(tr("rule.is_builtin_exact" if found.difference == 0 else "rule.is_builtin", name=name,
                      tol=f"{max(found.difference, 1e-16):.0e}"))
    elif found.name is not None:
        st.info(tr("rule.closest", name=optimizers.display_name(found.name), step=found.step,
                   diff=f"{found.difference:.2g}"))
    return run
