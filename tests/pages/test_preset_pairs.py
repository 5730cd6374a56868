"""Every ordered pair of presets on every page, with the page's first button clicked between them.

A user (or a teacher jumping between the lecture's figures) picks presets in any order: a preset
must work after any other, whatever the previous one left in the session (a trained network, a
comparison, a removed run). One session per page walks a sequence in which each ordered pair
(a, b), a ≠ b, occurs once (an Eulerian circuit of the complete directed graph on the presets).
"""
import pytest

from conftest import PAGE_FILES, open_page

from optviz import i18n


def every_ordered_pair(items: list) -> list:
    """A sequence of ``items`` in which each ordered pair of two different items is adjacent exactly
    once (Hierholzer's algorithm on the complete digraph: every node has in- = out-degree)."""
    if len(items) < 2:
        return list(items)
    todo = {a: [b for b in items if b != a] for a in items}
    stack, walk = [items[0]], []
    while stack:
        v = stack[-1]
        if todo[v]:
            stack.append(todo[v].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def test_every_ordered_pair_covers_each_pair_once():
    for n in range(2, 8):
        seq = every_ordered_pair(list(range(n)))
        pairs = list(zip(seq, seq[1:]))
        assert len(pairs) == n * (n - 1) == len(set(pairs)) and all(a != b for a, b in pairs)


def preset_id(label: str) -> str:
    """The id behind a preset menu's label: every menu shows the catalog's ``<page>.preset_<id>``
    (AppTest shows the labels, and its select() takes the ids)."""
    keys = [k for k, v in i18n.catalog("en").items() if v == label and ".preset_" in k]
    assert len(keys) == 1, (label, keys)
    return keys[0].split(".preset_", 1)[1]


def _preset_box(at):
    boxes = [s for s in at.selectbox if str(s.key).endswith("preset")]
    return boxes[0] if boxes else None


PAGES_WITH_PRESETS = [p for p in PAGE_FILES if p != "home.py"]


@pytest.mark.parametrize("page_file", PAGES_WITH_PRESETS)
def test_every_preset_after_every_other_with_a_click_between(page_file):
    at = open_page(page_file)
    box = _preset_box(at)
    assert box is not None, f"{page_file} has no preset menu (a selectbox keyed '…preset')"
    key, presets = box.key, [preset_id(label) for label in box.options[1:]]  # [0]: "no preset"
    assert presets, f"{page_file}: an empty preset menu"
    seq = every_ordered_pair(presets)
    for i, preset in enumerate(seq):
        at.selectbox(key=key).set_value(preset).run()
        assert not at.exception, (page_file, seq[i - 1] if i else None, preset,
                                  [e.value for e in at.exception])
        buttons = [b for b in at.main.button if not b.disabled]
        if buttons:  # the page's first button: Train, Next step, Remove this optimizer, …
            label = buttons[0].label
            buttons[0].click().run()
            assert not at.exception, (page_file, preset, f"then {label!r}", [e.value for e in at.exception])
