from __future__ import annotations

import re



# ---------------------------------------------------------------- small text helpers

_TOKEN = re.compile(r"[A-Za-z0-9][\w'.\-]*")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENT = re.compile(r"[^\n.!?]+(?:[.!?]+[\"'”’)]*|$)")
_HONORIFICS = frozenset(
    "mr mrs ms miss dr prof sir dame gen lt col sgt capt rep sen gov president prime minister mayor judge "
    "chief secretary the".split()
)
_US = {"u.s.": "us", "u.s": "us", "us": "us", "usa": "us", "america": "us", "american": "us", "united": "us"}
_ARTICLES = frozenset({"the", "a", "an"})
_RANKS = frozenset({"deputy", "vice", "acting", "former", "interim", "assistant", "ex", "co", "outgoing", "incoming"})
_TITLE_SPLIT = re.compile(r"\s+(?:of|for|to|at|with|in|on)\s+", re.I)
_CHANGING = frozenset(
    "dead death deaths toll killed injured wounded missing evacuated cases casualties victims displaced "
    "hospitalized hospitalised arrested infected fatalities rescued".split()
)
_UPDATE_CUES = re.compile(r"\b(rose|risen|rising|climbed|increased|grew|grown|jumped|now|updated|reached|mounted)\b", re.I)
_CHANGE_VERBS = re.compile(r"\b(rose|risen|climbed|increased|grew|grown|jumped|mounted)\b", re.I)
_VERB_STOP = frozenset("the a an of and or to in on at for by with who which that this is was were be".split())


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
