"""The course map (no Streamlit): each section of the course notes (``shared/course-notes``) and the
page and settings that show it, as a link opens them; then what the app covers beyond the notes.
Texts are catalog keys ``home.map_<id>`` (the section's title) in both languages."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import playground as pg
from . import vanishing as vg


def _race(preset_id: str) -> dict:
    """A playground preset as the link settings that open it (the preset's own data)."""
    p = pg.PRESETS[preset_id]
    return {"s": p.surface, "x": repr(float(p.start[0])), "y": repr(float(p.start[1])), "steps": str(p.steps),
            "runs": pg.format_runs(list(p.runs))}


def _deep(preset_id: str) -> dict:
    """A vanishing-gradient preset as the link settings that open it."""
    p = vg.PRESETS[preset_id]
    flag = lambda on: "1" if on else "0"  # noqa: E731
    return {"d": str(p.depth), "w": str(p.width), "a": p.config.activation, "i": p.config.init,
            "bn": flag(p.config.batch_norm), "res": flag(p.config.residual), "cmp": ",".join(p.comparisons),
            "ds": p.dataset, "opt": p.optimizer, "lr": repr(p.lr), "ep": str(p.epochs)}


@dataclass(frozen=True)
class Entry:
    id: str
    note: str  # "000" … "004", or "" beyond the notes
    section: str  # the note's own numbering ("3.2"), or ""
    page: str
    query: dict = field(default_factory=dict)

    def text_key(self) -> str:
        return f"home.map_{self.id}"


MAP: tuple[Entry, ...] = (
    Entry("gd", "000", "1.1", "learning_rate"),
    Entry("gd_kinds", "000", "1.2", "batch_modes"),
    Entry("backprop", "000", "2.1", "backprop"),
    Entry("vanishing", "000", "2.2", "vanishing", {"d": "10", "a": "sigmoid"}),
    Entry("local", "000", "2.3", "playground", _race("rastrigin_local")),
    Entry("activations", "000", "3", "activations", {"acts": "sigmoid,tanh,relu"}),
    Entry("autoencoder", "000", "4", "autoencoder"),
    Entry("line", "001", "", "line_fitting"),
    Entry("perceptron", "002", "2", "perceptron", {"w1": "15", "w2": "15", "b": "-20", "gate": "AND"}),
    Entry("xor", "002", "2.3", "perceptron", {"gate": "XOR"}),
    Entry("activations_002", "002", "3.2", "activations", {"acts": "step,sigmoid,relu"}),
    Entry("forward_002", "002", "3.3", "forward", {"out": "identity", "act": "sigmoid"}),
    Entry("output_002", "002", "3.4", "forward", {"out": "softmax", "act": "sigmoid"}),
    Entry("losses", "002", "4.3", "loss_functions"),
    Entry("minibatch", "002", "4.4", "batch_modes"),
    Entry("update_book", "002", "6", "playground", _race("book_ellipse")),
    Entry("activations_003", "003", "3.1", "activations", {"acts": "sigmoid,tanh,relu,leaky_relu,elu"}),
    Entry("vanishing_003", "003", "3.2", "vanishing", _deep("course_sigmoid_10")),
    Entry("remedies_003", "003", "3.2", "vanishing", _deep("course_remedies")),
    Entry("optimizers_003", "003", "3.3", "playground", _race("course_ellipse")),
    Entry("init_003", "003", "3.4", "vanishing", _deep("course_init_table")),
    Entry("init_advice_003", "003", "3.4", "vanishing", _deep("course_advice_holds")),
    Entry("zero_init_003", "003", "3.4", "mlp", {"init": "zero", "act": "sigmoid"}),
    Entry("backprop_004", "004", "", "backprop"),
    # beyond the notes
    Entry("mlp", "", "", "mlp"),
    Entry("rosenbrock", "", "", "playground", _race("rosenbrock_valley")),
    Entry("scrub", "", "", "learning_rate", {"scrub": "1"}),
)
