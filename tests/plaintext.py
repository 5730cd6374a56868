"""Checks that a user's text put into a Markdown message stays plain text.

``HOSTILE`` are short texts that Streamlit's Markdown would turn into a link, HTML, bold text, maths,
coloured text or code-span breakout if they were put into a message unescaped; each contains the
word ``evil``. ``live_markup_near_evil`` finds Markdown syntax that would still act on that word
once backslash escapes and code spans are taken out (as CommonMark reads them)."""
import re

HOSTILE = [
    "[evil](http://evil.example)",
    "<script>evil()</script>",
    "**evil**",
    "$evil$",
    "`evil` ``[evil](http://evil.example)``",
    "('`[evil](http://evil.example)`')(x)",
    "http://evil.example",
    ":red[evil] _evil_ ~evil~",
    "<b>evil</b> &lt;evil&gt;",
]
SYNTAX = set("*_[]<>$:`~&|")  # each starts or ends something inline in Markdown


def live(markdown: str) -> str:
    """``markdown`` with its backslash escapes and code spans removed: what remains is parsed."""
    out, i, s = [], 0, str(markdown)
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and not s[i + 1].isalnum():
            out.append(" ")  # an escaped character is literal text
            i += 2
        elif c == "`":
            n = len(re.match(r"`+", s[i:]).group())
            close = re.compile(r"(?<!`)" + "`" * n + r"(?!`)").search(s, i + n)
            if close:  # a code span: literal text
                out.append(" ")
                i = close.end()
            else:  # an unmatched run of backticks is literal
                out.append(" ")
                i += n
        else:
            out.append(c)
            i += 1
    return "".join(out)


def live_markup_near_evil(markdown: str) -> list[str]:
    """Pieces of live Markdown syntax touching the word ``evil`` (empty when it is all plain text)."""
    text = live(markdown)
    bad = []
    for m in re.finditer(r"evil", text):
        before, after = text[max(0, m.start() - 12):m.start()], text[m.end():m.end() + 12]
        if (before and before[-1] in SYNTAX) or (after and after[0] in SYNTAX) or re.search(r"(https?://|www\.)\S*$", before):
            bad.append(text[max(0, m.start() - 12):m.end() + 12])
    return bad
