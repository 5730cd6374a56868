"""Errors that a page can say in the reader's language."""
from __future__ import annotations


class CodedError(ValueError):
    """A refusal with a ``code`` (a key of the subclass's MESSAGES) and the ``params`` that fill its
    message. ``str()`` is the English message, for the API and the command line; a page shows the
    catalog's ``<prefix>.<code>`` instead (``optviz.ui.coded_message``)."""

    MESSAGES: dict[str, str] = {}

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.MESSAGES[code].format(**params))

    def __reduce__(self):
        """Pickled as its code and params (an error raised in a worker process, optviz.worker,
        reaches the page as the same error)."""
        return _rebuilt, (type(self), self.code, self.params)


def _rebuilt(cls, code: str, params: dict) -> CodedError:
    return cls(code, **params)
