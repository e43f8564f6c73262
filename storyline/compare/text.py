"""Small text helpers of the comparison: name normalisation, word splitting, clipping."""

from __future__ import annotations

import re

from ..lang.words import ARTICLES, CHANGE_VERBS, NAME_PREFIXES, STOP_WORDS, UPDATE_CUES, UPDATE_PHRASES

_TOKEN = re.compile(r"[A-Za-z0-9][\w'.\-]*")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENT = re.compile(r"[^\n.!?]+(?:[.!?]+[\"'”’)]*|$)")
_HONORIFICS = NAME_PREFIXES
_US = {"u.s.": "us", "u.s": "us", "us": "us", "usa": "us", "america": "us", "american": "us", "united": "us"}
_ARTICLES = ARTICLES
_RANKS = frozenset({"deputy", "vice", "acting", "former", "interim", "assistant", "ex", "co", "outgoing", "incoming"})
_TITLE_SPLIT = re.compile(r"\s+(?:of|for|to|at|with|in|on)\s+", re.I)
_UPDATE_CUES = re.compile(
    r"\b(" + "|".join(sorted(UPDATE_CUES) + [p.replace(" ", r"\s+") for p in UPDATE_PHRASES]) + r")\b", re.I
)
_CHANGE_VERBS = re.compile(r"\b(" + "|".join(sorted(CHANGE_VERBS)) + r")\b", re.I)
# a sentence that gives a running tally as of a day ("bids have reached $840m, up from $610m on Thursday")
# ("reached" only before a figure: "reached an agreement on Friday" dates an act)
_TALLY = re.compile(
    r"\b(?:" + "|".join(sorted(CHANGE_VERBS)) + r"|up\s+from|down\s+from|so\s+far|to\s+date)\b"
    r"|\breach(?:ed|es)\s+(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+)?(?:US)?[$€£]?\d",
    re.I,
)
_VERB_STOP = STOP_WORDS


def _norm_name(text: str) -> tuple[str, ...]:
    """Lower-case name tokens without honorifics, possessives and single-letter initials."""
    tokens = []
    for tok in _TOKEN.findall(text.replace("’", "'")):
        tok = tok.lower().rstrip(".")
        if tok.endswith("'s"):
            tok = tok[:-2]
        if not tok or (len(tok) == 1 and tok.isalpha()):
            continue
        tokens.append(tok)
    while tokens and tokens[0] in _HONORIFICS and len(tokens) > 1:
        tokens.pop(0)
    return tuple(tokens)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.replace("’", "'"))



def squash(text: str) -> str:
    """Whitespace collapsed: how a fact's text is written in a brief, and how paraphrases are keyed."""
    return " ".join(text.split())


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"
