"""The Streamlit glue of ``app.py`` and ``pages/``: the only package that imports streamlit.

``ui`` holds what every page shares (language, translated text, settings in the URL, charts,
presentation mode, the share link); ``pages`` is the page list; a page's own glue is the module of
its name (``playground``, ``mlp``, ...); ``spec`` serves the small pages' settings; ``rule_editor``
is the update-rule editor of the playground and the MLP trainer.
"""
from . import preload as _preload  # noqa: F401  first, in one thread (see optviz/app/preload.py)
