"""Plotting: results of the numeric core -> plotly figures (no streamlit here).

One module per page topic; shared colours and styling in ``common``. Builders take a translator
``tr(key, **fmt)`` (``optviz.ui.tr`` in the app, English by default) for titles, axes and legends.
"""
