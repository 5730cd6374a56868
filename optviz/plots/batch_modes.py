"""Figures of the batch-modes page: its runs drawn on the line-fitting page's loss contours and curves."""
from .line_fitting import ab_contours, fit_losses

__all__ = ["ab_contours", "fit_losses"]
