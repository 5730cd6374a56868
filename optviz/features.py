"""Extra input features computed from (x, y), as in the classic neural-network playground."""
from __future__ import annotations

import numpy as np

FEATURES = {
    "x2": lambda X: X[:, 0] ** 2,
    "y2": lambda X: X[:, 1] ** 2,
    "xy": lambda X: X[:, 0] * X[:, 1],
    "sinx": lambda X: np.sin(X[:, 0]),
    "siny": lambda X: np.sin(X[:, 1]),
}
NAMES = tuple(FEATURES)


def expand(X, extra=()) -> np.ndarray:
    """X (n, 2) with the chosen extra columns appended, in the order given."""
    X = np.asarray(X, dtype=float)
    unknown = [e for e in extra if e not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from: {', '.join(NAMES)}")
    if not extra:
        return X
    if X.shape[1] != 2:
        raise ValueError("extra features need two input columns (x, y)")
    return np.column_stack([X] + [FEATURES[e](X) for e in extra])
