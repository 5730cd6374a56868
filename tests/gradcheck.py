"""Central differences of a model's loss, the independent reference for every backprop test."""
import numpy as np


def numeric_grad(model, X, y, A, h=1e-6):
    """∂loss/∂A for one parameter array A of ``model`` (perturbed in place, then restored)."""
    G = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        old = A[idx]
        A[idx] = old + h
        lp = model.loss_value(model.predict(X), y)
        A[idx] = old - h
        lm = model.loss_value(model.predict(X), y)
        A[idx] = old
        G[idx] = (lp - lm) / (2 * h)
    return G
