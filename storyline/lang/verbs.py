"""Verbs of English news that name one action in different words ("arrested" / "detained", "resigned" / "quit").

Outlets vary the verb for one event, so a claim keyed by its verb ("arrested at <airport>", "quit on <day>") would
not meet the same claim told with a synonym. Each group below is a set of verb lemmas (phrasal verbs with their
particle: "step down"; the adjective of a state a copula gives: "unaccounted") that news copy uses interchangeably
for one action; :func:`same_action` maps each to the
group's first word. General English only; kept apart from the verbs that state a level ("rise", "stand"), carry
no event ("be", "have"), report speech ("say") or host an event ("hold"), which the claim reader treats on their
own (:mod:`.claims`, :mod:`.words`).
"""

from __future__ import annotations

_GROUPS = (
    "arrest detain nab apprehend",
    "resign quit step_down stand_down",
    "sack dismiss oust",
    "buy acquire purchase",
    "injure wound hurt",
    "kill slay",
    "die perish",
    "charge indict",
    "jail imprison",
    "beat defeat",
    "win clinch",
    "ban bar prohibit outlaw",
    "close shut",
    "flee escape",
    "cut slash axe",
    "hire recruit",
    "lift_off take_off blast_off",
    "miss missing unaccounted",
)

#: verb lemma (a phrasal verb written "step down") -> the word naming its group's action
SAME_ACTION = {w.replace("_", " "): g.split()[0].replace("_", " ") for g in _GROUPS for w in g.split()}

#: phrasal verbs of the groups, by verb lemma and particle ("step", "down")
PHRASAL = frozenset(tuple(w.split("_")) for g in _GROUPS for w in g.split() if "_" in w)


def same_action(verb: str | None) -> str | None:
    """The group word of a verb lemma ("nab" -> "arrest"); any other verb as it is."""
    return SAME_ACTION.get(verb, verb) if verb else verb
