"""Direct quotations and who said them.

Two independent steps:

* :func:`scan_quotes` (:mod:`storyline.read.quote_marks`) pairs quotation marks into spans. Pure string work.
* :class:`Attributor` finds the speaker of each span. First from the dependency parse of the sentences around
  the quote (:mod:`storyline.read.syntax`), where it has one: the subject of the verb that governs the quote
  ("Brynjarsson, a former minister who leads ..., told supporters: ..." -> Brynjarsson; "X said the firm would
  be '...'" -> X), read as a named person, the person in apposition to a role ("the mayor, Sigrun X,"), an
  organisation's spokesperson ("a Corvel spokesperson" -> Corvel), a role or organisation noun ("the judge",
  "the company"), or a pronoun resolved to the nearest person who was the subject of a main clause before it
  (never an organisation). Else from the words around the quote: a speech cue ("said", "according to", ...)
  after or before it and the name, pronoun or noun phrase next to the cue. A quote with no cue of its own
  inherits the speaker of a lead-in ending in a colon or of the quote paragraph right before it. A quote
  introduced as a post on a social network gets ``kind="post"``.

Quoted spans without any speaker that are at most a few words long are scare quotes or titles
("the 'American Pie' star") and are dropped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from ..lang.words import KIN_NOUNS, NAME_TITLES, PERSON_NOUNS
from ..lang.words import QUOTE_CUE_VERBS as SPEECH_VERBS
from ..records import Mention, Quote, Role
from .entities import HONORIFICS, antecedent, sentence_index
from .nominals import NounPhrases, Speaker
from .people import LOCATIVE_PREPOSITIONS, ORG_NOUNS, PERSONAL_NOUNS, _word_before, relabel_people
from .quote_marks import QuoteSpan, quote_kind, quote_text, scan_quotes
from .roles import ROLE_NOUNS
from .speaker_names import credit_after, full_name, unmarked_posts
from .syntax import Subject, Syntax

_CUE = re.compile(rf"\b(?:according to|(?:{SPEECH_VERBS}))\b(?!\s+(?:for|on|off|up)\b)", re.I)
_POST = re.compile(
    r"\b(?:post(?:ed)?|tweet(?:ed)?|Telegram|Twitter|X account|on X\b|social[- ]media|social network|Facebook|"
    r"Instagram|Truth Social|Bluesky|Threads|Weibo|blog)\b",
    re.I,
)
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "his": "m", "they": None}
_PRONOUN = re.compile(r"\b(he|she|He|She|they|They)\b")
_NP_AFTER = re.compile(r"\s*(?:the|a|an|The|A|An)\s+((?:[\w'\u2019-]+\s+){0,4}?[\w'\u2019-]+?)(?=[\s,.;:!?]|$)")
_WORD = re.compile(r"[\w'\u2019-]+")

#: Capitalised words that open sentences rather than names.
_SENTENCE_WORDS = frozenset(
    """the a an he she they it we i but and or so then in on at as by for from with after before when while
    this that these those his her their its our asked speaking meanwhile however later earlier also""".split()
)
#: Words after which a name is an object, not the subject of its sentence.
_GOVERNING = LOCATIVE_PREPOSITIONS | {"of", "by", "with", "for", "on", "into", "about", "over", "under", "against", "than"}
#: Words that are no part of a name written before it (titles, role words, sentence openers).
_NOT_IN_NAMES = HONORIFICS | NAME_TITLES | ROLE_NOUNS | _SENTENCE_WORDS
_NAME_RUN = re.compile(r"\b[A-Z][\w'\u2019-]*\w(?:\s+(?:[A-Z][\w.'\u2019-]*\w|van|von|de|der|da|di|le|la))*\b")
#: How many sentences back a pronoun speaker is looked for (the quote's own sentence, then this many before it).
SUBJECT_LOOKBACK = 3  # fitted on newsdesk
#: How many parsed sentences back a pronoun speaker is looked for among main-clause subjects.
PARSED_LOOKBACK = 4  # fitted on newsdesk
_PERSONAL_NOUNS = PERSONAL_NOUNS | PERSON_NOUNS
#: Nouns for someone speaking for an organisation: "a Corvel spokesperson said" is the organisation speaking.
SPOKESPEOPLE = frozenset({"spokesperson", "spokesman", "spokeswoman", "representative", "statement"})



# ------------------------------------------------------------------ attribution


_sentence_index = sentence_index


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end == -1 else end


class Attributor(NounPhrases):
    """Speaker lookup for one article: its mentions, sentences, roles and gender hints."""

    def __init__(
        self,
        text: str,
        sentences: Sequence[tuple[int, int]],
        mentions: Sequence[Mention],
        roles: Sequence[Role] = (),
        genders: dict[str, str] | None = None,
        quotes: Sequence[QuoteSpan] = (),
        syntax: Syntax | None = None,
    ) -> None:
        self.text = text
        self.syntax = syntax
        self.sentences = list(sentences) or [(0, len(text))]
        mentions = relabel_people(text, mentions, roles)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.genders = genders or {}
        self.quoted = [(q.open_at, q.close_at + 1) for q in quotes]
        self.role_heads: dict[str, set[str]] = {}
        for role in roles:
            words = _WORD.findall(role.title.lower())
            core = words[: words.index("of")] if "of" in words else words
            for w in core[-1:]:
                self.role_heads.setdefault(w, set()).add(role.entity)
        # "the mayor", "the envoy": a definite noun naming the role of exactly one person in the
        # article stands for that person (antecedents, speakers)
        labels = {m.entity: m.label for m in mentions}
        nominals = []
        for nm in re.finditer(r"\b(?:the|The)\s+((?:[\w'\u2019-]+\s+){0,2}?([\w-]+))\b", text):
            owners = self.role_heads.get(nm.group(2).lower())
            if owners and len(owners) == 1:
                key = next(iter(owners))
                if labels.get(key) == "PERSON" and not any(m.start <= nm.start(1) < m.end for m in self.mentions):
                    nominals.append(Mention(nm.group(), nm.start(), nm.end(), "PERSON", key))
        self.mentions = sorted([*self.mentions, *nominals], key=lambda m: m.start)
        self._labels = {m.entity: m.label for m in self.mentions}
        self.titles: dict[str, list[str]] = {}
        for role in roles:
            self.titles.setdefault(role.entity, []).append(role.title)
        self._nations = {m.text for m in self.mentions if m.label == "NORP"}
        self._people: set[str] = set()  # keys the parse shows to be people (a role noun's apposition)

    # -- helpers

    def _in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.quoted)

    def _persons(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start < end and not self._in_quote(m.start)]

    def _subjects(self, start: int, end: int) -> list[Mention]:
        """Mentions that can be a speaker: not inside a quote, not a possessive ("Brennard's chief")."""
        return [m for m in self._persons(start, end) if not re.match(r"['\u2019]s\b", self.text[m.end : m.end + 3])]

    def antecedent(self, offset: int, gender: str | None) -> Mention | None:
        """The person a pronoun at ``offset`` means (:func:`entities.antecedent`), skipping names inside quotes."""
        return antecedent(self.mentions, self.sentences, offset, gender=gender, genders=self.genders, skip=self._in_quote)

    def _entity_for(self, start: int, end: int, name: str) -> str:
        """The entity key of the name written at ``start:end``: a mention there, else a mention whose key ends with
        the name's last word (the article's full name for "Dane"), else the name as written."""
        for m in self.mentions:
            if m.start < end and start < m.end and m.label in {"PERSON", "ORG"}:
                return m.entity
        last = name.split()[-1]
        for m in self.mentions:
            if m.label == "PERSON" and m.entity.split()[-1] == last and m.start < start:
                return m.entity
        for m in self.mentions:  # a place the name is written inside ("Kirkby" of "Kirkby-on-Wyre Council") is not it
            if m.start <= start and end <= m.end:
                return m.entity
        return name

    def name_before(self, start: int, end: int) -> Speaker | None:
        """The subject written right before a speech verb ending at ``end``: the run of capitalised words there
        ("Tarnby fisherman Dell Harker said" -> Dell Harker), skipping a comma-enclosed apposition
        ("Liesbet Van Roosen, Varden Chemicals' chief executive, said"). Titles and honorifics in front of the
        name are dropped. This reads the name from its position, whatever label the model gave it."""
        window = self.text[start:end]
        stripped = window.rstrip()
        appos = re.search(r",\s*([^,]{1,80}),$", stripped)
        appos_words = appos.group(1).split() if appos else []
        if appos and (not re.fullmatch(r"(?:[A-Z][\w.'\u2019-]*\s*)+", appos.group(1).strip())
                      or (len(appos_words) > 1 and appos_words[-1].lower() in ROLE_NOUNS)):  # ", Union General Secretary,"
            stripped = stripped[: appos.start()]  # the apposition describes the name before it
        stripped = stripped.rstrip(",").rstrip()
        run = re.search(r"((?:\b[A-Z][\w.'\u2019-]*[\w.]\s+|\b(?:van|von|de|der|da|du|del|di|le|la|bin|al)\s+)*\b[A-Z][\w'\u2019-]*\w)$", stripped)
        if not run:
            return None
        words = run.group(1).split()
        while words and (words[0].rstrip(".").lower() in HONORIFICS or words[0].lower() in ROLE_NOUNS
                         or words[0].lower() in _SENTENCE_WORDS or re.search(r"['\u2019]s$", words[0])):
            words = words[1:]
        if not words or (len(words) == 1 and words[0].lower() in _SENTENCE_WORDS):
            return None
        name = " ".join(words)
        n_end = start + len(stripped)
        n_start = n_end - len(name)
        if self._in_quote(n_start):
            return None
        key = self._entity_for(n_start, n_end, name)
        labels = {m.entity: m.label for m in self.mentions}
        if labels.get(key) in {"GPE", "LOC", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL"}:
            return None
        if len(words) == 1 and key == name:
            tagged = self._mention_at(n_start) is not None
            full = None if tagged else self._written_in_full(name)  # a name the model missed here
            if full is None:
                return None  # a lone capitalised word the article never names elsewhere
            key = full
        return Speaker(key, n_start, n_end, None)

    def _written_in_full(self, word: str) -> str | None:
        """The one full name the article writes ending with ``word`` outside quotes, where the model tagged none
        ("High Representative Ilse Darrow told ..." for a later "Darrow said"): capitalised words before it,
        after any title or role word."""
        found = set()
        for m in re.finditer(rf"((?:\b[A-Z][\w'\u2019-]*\w[ \t]+){{1,4}}){re.escape(word)}\b", self.text):
            if self._in_quote(m.start()) or _word_before(self.text, m.start()) == "the":
                continue  # "the Fenmoor Courier" is no person's name
            words = m.group(1).split()
            cut = [i for i, w in enumerate(words) if w.lower() in _NOT_IN_NAMES or re.search(r"['\u2019]s$", w)]
            words = words[cut[-1] + 1 :] if cut else words
            if words:
                found.add(" ".join([*words, word]))
        if len(found) != 1:
            return None
        full = next(iter(found))
        return next((m.entity for m in self.mentions if m.text == full), full)

    def speech_subject(self, k: int, before: int | None = None) -> Speaker | None:
        """The subject of the last speech verb of sentence ``k`` (outside quotes, before ``before``)."""
        s, e = self.sentences[k]
        return self.speech_subject_in(s, min(e, before) if before is not None else e)

    def speech_subject_in(self, s: int, e: int) -> Speaker | None:
        """The name or role noun right before the last speech verb of ``text[s:e]`` outside quotes."""
        for cue in reversed(list(_CUE.finditer(self.text, s, e))):
            if self._in_quote(cue.start()) or cue.group().lower() == "according to":
                continue
            sp = self.name_before(s, cue.start()) or self._nominal_before(s, cue.start())
            if sp:
                return sp
        return None

    def pronoun_speaker(self, offset: int, gender: str | None) -> Mention | Speaker | None:
        """Who "he"/"she" at ``offset`` is: a person who is the subject of a main clause earlier in its sentence or
        in the three before it (read from the parse: in news copy the paragraph before a "..., she said" quote is
        about its speaker), else the subject of a speech verb or the person a sentence opens with there, else
        :meth:`antecedent`. Only people: "he" is never an organisation or a place."""
        if self.syntax is not None:
            for s, e, subjects in self.syntax.subjects_before(offset, PARSED_LOOKBACK, self._in_quote):
                for subj in subjects:
                    if subj.pronoun or self._in_quote(subj.head.start):
                        continue
                    sp = self._from_subject(subj)
                    if sp and sp.key and self._is_person(sp.key) and self._gender_fits(sp.key, gender):
                        return sp
                # a subject the parse missed: the name before a speech verb, the person the sentence opens with
                for sp in (self.speech_subject_in(s, e), None if subjects else self.sentence_subject_in(s, e)):
                    if sp and sp.key and self._is_person(sp.key) and self._gender_fits(sp.key, gender):
                        return sp
                if subjects and all(x.pronoun in PRONOUNS and PRONOUNS[x.pronoun] not in {None, gender} for x in subjects):
                    # "She was pulled out by Jon Marsh. '...,' he said": the sentence is about someone else, so "he"
                    # is the other person in it
                    for m in self._subjects(s, e):
                        if m.label == "PERSON" and self._gender_fits(m.entity, gender):
                            return Speaker(m.entity, m.start, m.end, None)
        idx = _sentence_index(self.sentences, offset)
        prose = [k for k in range(idx - 1, -1, -1) if not self._quoted_sentence(k)][:SUBJECT_LOOKBACK]
        for k in [idx, *prose]:  # quoted speech introduces no one: sentences inside quotes are not counted
            for find in (self.speech_subject, self.sentence_subject):
                sp = find(k, offset if k == idx else None)
                if sp and sp.key and self._is_person(sp.key) and self._gender_fits(sp.key, gender):
                    return sp
        return self.antecedent(offset, gender)

    def _quoted_sentence(self, k: int) -> bool:
        s, e = self.sentences[k]
        return self._in_quote(s) and self._in_quote(max(s, e - 1))

    def _gender_fits(self, key: str, gender: str | None) -> bool:
        g = self.genders.get(key)
        return not (gender and g and g != gender)

    def _is_person(self, key: str) -> bool:
        """A speaker key that names a person: typed PERSON in the article, or an untyped name of two words."""
        label = self._labels.get(key)
        return label == "PERSON" or key in self._people or (label is None and len(key.split()) >= 2)

    def _from_subject(self, subj: Subject) -> Speaker | None:
        """The speaker a parsed subject stands for: a pronoun's referent, a named person (or the person in an
        apposition to the subject: "the mayor, Sigrun X,"), an organisation's spokesperson ("a Corvel spokesperson"
        -> the organisation), a role or organisation noun ("the judge", "the company"), or a named organisation."""
        head = subj.head
        if subj.pronoun in {"he", "she"}:
            ant = self.pronoun_speaker(head.start, PRONOUNS[subj.pronoun])
            key = ant.key if isinstance(ant, Speaker) else ant.entity if ant else None
            return Speaker(key, head.start, head.end, None) if key else None
        if subj.pronoun or self._in_quote(head.start):
            return None
        word = head.text.lower()
        for a in subj.appositions:
            m = self._mention_at(a.end - 1)
            if m and m.label == "PERSON" and word not in ORG_NOUNS:  # not "the campaign, Free Harbour,"
                return Speaker(m.entity, m.start, m.end, None)
            if a.tag in {"NNP", "NNPS"} and (word in _PERSONAL_NOUNS or word in KIN_NOUNS):
                named = self.name_before(a.start, a.end)  # "the chief, Ilse Darrow,": a person whatever NER said
                if named and named.key:
                    self._people.add(named.key)
                    return named
        m = self._mention_at(head.start)
        # a capitalised head is a name whatever its tag ("Tallis found '...'" tagged as a common noun)
        if head.tag in {"NNP", "NNPS"} or (head.text[:1].isupper() and (m is not None or head.tag.startswith("NN"))):
            if m and m.label == "PERSON":
                return Speaker(m.entity, m.start, m.end, None)
            if m and any(a.tag == "CD" or a.text.lower() in _PERSONAL_NOUNS for a in subj.appositions):
                self._people.add(m.entity)  # "Dane, 19, ..." / "Mensah, regional secretary of ...": a person
                return Speaker(m.entity, m.start, m.end, None)
            named = self.name_before(subj.phrase.start, head.end)
            if named and named.key and (m is None or self._is_person(named.key)):
                return named
            return Speaker(m.entity, m.start, m.end, None) if m else named
        if word in _PERSONAL_NOUNS:
            for n in subj.names:  # "founder and chief executive Jo Bloggs said"
                named = self.name_before(subj.phrase.start, n.end)
                if named and named.key and named.start is not None and named.start >= head.end:
                    self._people.add(named.key)
                    return named
        if word in SPOKESPEOPLE:
            for o in subj.owners:  # "a spokesperson for the Office for ...", "a spokesperson for the office"
                m = self._mention_at(o.start)
                if m and m.label in {"ORG", "GPE", "NORP"}:
                    return Speaker(m.entity, m.start, m.end, None)
                if o.text.lower() in ORG_NOUNS:
                    sp = self._nominal(o.start, o.end)
                    if sp:
                        return sp
            for c in subj.compounds:
                m = self._mention_at(c.start)
                if m and m.label in {"ORG", "GPE", "NORP"}:
                    return Speaker(m.entity, m.start, m.end, None)
            names = [c for c in subj.compounds if c.tag in {"NNP", "NNPS"}]
            if names:  # the organisation's name the model did not tag
                named = self.name_before(subj.phrase.start, names[-1].end)
                if named and named.key:
                    return named
        if word in _PERSONAL_NOUNS or word in ORG_NOUNS or word in KIN_NOUNS:
            return self._nominal(subj.phrase.start, head.end)
        return None

    def syntax_speaker(self, q: QuoteSpan) -> Speaker | None:
        """The subject of the verb that governs the quote in the parse ("X told reporters: ...", "..., he said",
        "X said the firm would be '...'"), when the parse has one."""
        frame = self.syntax.frame(q.open_at, q.close_at) if self.syntax is not None else None
        if frame is None or frame.subject is None:
            return None
        sp = self._from_subject(frame.subject)
        if sp is None or not sp.key:
            return None
        return Speaker(sp.key, sp.start, sp.end, frame.verb.text.lower() if frame.speech else "colon")

    def sentence_subject(self, k: int, before: int | None = None) -> Speaker | None:
        """The person a sentence opens with ("Transport Secretary Joan Tarrant visited ...", "In Varnley, Dermot
        Pike was ..."): the first name outside quotes not governed by a preposition, when it is a person's. In news
        copy the paragraph before a "..., she said" quote introduces its speaker this way."""
        s, e = self.sentences[k]
        return self.sentence_subject_in(s, min(e, before) if before is not None else e)

    def sentence_subject_in(self, s: int, e: int) -> Speaker | None:
        """:meth:`sentence_subject` of ``text[s:e]``."""
        labels = self._labels
        for run in _NAME_RUN.finditer(self.text, s, e):
            if self._in_quote(run.start()):
                return None
            if _word_before(self.text, run.start()) in _GOVERNING or re.match(r"['\u2019]s\b", self.text[run.end() : run.end() + 3]):
                continue
            sp = self.name_before(s, run.end())
            if sp is None:
                continue
            label = labels.get(sp.key or "")
            if label == "PERSON" or (label is None and len((sp.key or "").split()) >= 2):
                return sp
            return None  # the sentence opens with something else: not an introduction
        return None

    def _speaker_at(self, start: int, end: int, direction: str) -> Speaker | None:
        """A speaker phrase starting at ``start`` (direction "after") or ending at ``end`` ("before")."""
        window = self.text[start:end]
        if direction == "after":
            head = window.lstrip()
            lead = start + len(window) - len(head)
            # "said Kestrel spokesperson Priya Okonta": the first person in the phrase after the cue
            stop = re.compile(r"[,.;:!?\n\u201c\u201d\"]|\s(?:who|which|and|but)\s|$")
            first = stop.search(head)
            clause_end = lead + first.start()
            role = _WORD.findall(head[: first.start()].lower())[-1:]
            if head[first.start() : first.start() + 1] == "," and role and role[0] in _PERSONAL_NOUNS:
                # "according to the firm's chief technology officer, Jo Bloggs": the apposition names the one
                clause_end = lead + stop.search(head, first.end()).start()
            for m in self.mentions:
                if lead <= m.start < clause_end and m.label == "PERSON":
                    return Speaker(m.entity, m.start, m.end, None)
            for m in self.mentions:
                if lead <= m.start <= lead + 4 and m.label in {"PERSON", "ORG", "GPE", "NORP"}:
                    return Speaker(m.entity, m.start, m.end, None)
            pm = re.match(r"(he|she|He|She)\b", head)
            if pm:
                ant = self.pronoun_speaker(lead, PRONOUNS[pm.group(1).lower()])
                if isinstance(ant, Speaker):
                    return Speaker(ant.key, lead, lead + len(pm.group(1)), None)
                return Speaker(ant.entity, lead, lead + len(pm.group(1)), None) if ant else None
            nm = _NP_AFTER.match(window)
            if nm:
                return self._nominal(start + nm.start(1), start + nm.end(1))
            return None
        # before: the nearest person before the cue, else a pronoun, else an organisation
        people = [m for m in self._subjects(start, end) if m.label == "PERSON"]
        pron = [p for p in _PRONOUN.finditer(window) if not self._in_quote(start + p.start())]
        last_person = people[-1] if people else None
        last_pron = pron[-1] if pron else None
        if last_pron and (last_person is None or start + last_pron.start() > last_person.end):
            pos = start + last_pron.start()
            ant = self.pronoun_speaker(pos, PRONOUNS.get(last_pron.group(1).lower()))
            if isinstance(ant, Speaker):
                return Speaker(ant.key, pos, pos + len(last_pron.group(1)), None)
            if ant:
                return Speaker(ant.entity, pos, pos + len(last_pron.group(1)), None)
        named = self.name_before(start, end)
        if named:
            return named
        if last_person:
            # the person nearest the cue, unless it sits in a relative clause of an earlier one
            # ("Dmitriev, who met Witkoff last week, said ...")
            chosen = last_person
            for p in people[:-1]:
                # "Liesbet Van Roosen, Varden Chemicals' chief executive, said": the apposition's names are not the speaker
                if re.fullmatch(r",[^,]{1,80},\s*", self.text[p.end : end]):
                    chosen = p
                    break
                rel = re.match(r",\s+(?:who|whose|which)\b[^,]*,", self.text[p.end : end])
                if rel and p.end + rel.end() <= end and last_person.start < p.end + rel.end():
                    chosen = p
                    break
            return Speaker(chosen.entity, chosen.start, chosen.end, None)
        orgs = [m for m in self._subjects(start, end) if m.label in {"ORG", "GPE", "NORP"}]
        nominal = self._nominal_before(start, end)
        if nominal:
            return nominal
        if orgs:
            return Speaker(orgs[-1].entity, orgs[-1].start, orgs[-1].end, None)
        return None

    # -- main entry

    def speaker_for(self, q: QuoteSpan) -> Speaker:
        text = self.text
        si = _sentence_index(self.sentences, q.open_at)
        ei = _sentence_index(self.sentences, max(q.open_at, q.close_at - 1))
        frame_start = self.sentences[si][0]
        # the frame ends with the sentence holding the closing mark; when the splitter ended that
        # sentence at the mark ("...,” said X."), the next one holds the attribution
        sent_end = self.sentences[ei][1]
        frame_end = max(sent_end, q.close_at + 1)
        if frame_end < len(text) and text[q.close_at + 1 : q.close_at + 3].strip()[:1] in {",", ""} and sent_end <= q.close_at + 1:
            frame_end = self.sentences[min(ei + 1, len(self.sentences) - 1)][1]
        para_e = _paragraph(text, q.close_at)[1]
        frame_end = min(frame_end, para_e) if para_e > q.close_at else frame_end
        frame_start = max(frame_start, _paragraph(text, q.open_at)[0])
        post = bool(_POST.search(text[frame_start:q.open_at] + text[q.close_at:frame_end]))
        credit = credit_after(text, q.close_at)  # an embedded post: "— Jo Bloggs (@jbloggs)" under it
        if credit:
            return Speaker(self._entity_for(credit[1], credit[2], credit[0]), credit[1], credit[2], "post", True)
        parsed = self.syntax_speaker(q)
        if parsed is not None:
            return dataclasses.replace(parsed, post=post)

        # 1. a cue right after the closing mark: ", said X" / ", X said" / ", according to X"
        after = text[q.close_at + 1 : frame_end]
        m = re.match(rf"\s*[,.]?\s*(?P<cue>according to|{SPEECH_VERBS})\b", after, re.I)
        if m:
            sp = self._speaker_at(q.close_at + 1 + m.end(), frame_end, "after")
            if sp and sp.key:
                return Speaker(sp.key, sp.start, sp.end, m.group("cue").lower(), post)
        m = re.match(
            rf"\s*,?\s*(?P<who>[^,.;!?\u201c\"]{{1,60}}?(?:,[^,.;!?\u201c\"]{{1,80}},)?)\s+(?P<cue>{SPEECH_VERBS})\b", after, re.I
        )
        closed = text[q.end - 1 : q.end] in {",", ".", "!", "?", "\u2014", "-"} or after.lstrip()[:1] in {",", "\u2014"}
        if m and closed:
            sp = self._speaker_at(q.close_at + 1, q.close_at + 1 + m.start("cue"), "before")
            if sp and sp.key:
                return Speaker(sp.key, sp.start, sp.end, m.group("cue").lower(), post)

        # 2. a cue before the opening mark in the same sentence: "X said, ..." / "X said he was ..."
        before = text[frame_start : q.open_at]
        cues = [c for c in _CUE.finditer(before) if not self._in_quote(frame_start + c.start())]
        for cue in reversed(cues):
            cue_at = frame_start + cue.start()
            if cue.group().lower() == "according to":
                sp = self._speaker_at(frame_start + cue.end(), q.open_at, "after")
            else:
                sp = self._speaker_at(frame_start, cue_at, "before")
                if sp is None:  # "said Peskov, ..."
                    sp = self._speaker_at(frame_start + cue.end(), q.open_at, "after")
            if sp and sp.key:
                return Speaker(sp.key, sp.start, sp.end, cue.group().lower(), post)

        # 3. a cue later in the sentence after other words: "..." the minister later told reporters
        later = [c for c in _CUE.finditer(after) if not self._in_quote(q.close_at + 1 + c.start())]
        for cue in later:
            sp = self._speaker_at(q.close_at + 1, q.close_at + 1 + cue.start(), "before")
            if sp and sp.key:
                return Speaker(sp.key, sp.start, sp.end, cue.group().lower(), post)

        # 4. a paragraph opened by "X said ..." before the quote: "Pellow said the ascent was clean. '...'"
        para_s = _paragraph(text, q.open_at)[0]
        prose = not any(para_s <= o < q.open_at for o, _e in self.quoted)  # a quote before: it carries on
        for cue in reversed([c for c in _CUE.finditer(text, para_s, frame_start) if prose]):
            sp = self._speaker_at(para_s, cue.start(), "before") if cue.group().lower() != "according to" else None
            if sp and sp.key:
                return Speaker(sp.key, sp.start, sp.end, cue.group().lower(), post)

        # 5. a lead-in ending with a colon in the previous sentence or paragraph
        prev_text = text[max(0, frame_start - 400) : q.open_at].rstrip()
        if prev_text.endswith(":") or before.rstrip().endswith(":"):
            lead_end = frame_start + len(before.rstrip()) if before.strip() else frame_start - 1
            lead_end = max(0, lead_end)
            ls = self.sentences[_sentence_index(self.sentences, max(0, lead_end - 1))][0]
            lead = text[ls:lead_end]
            lead_post = bool(_POST.search(lead))
            for cue in reversed(list(_CUE.finditer(lead))):
                sp = self._speaker_at(ls, ls + cue.start(), "before")
                if sp and sp.key:
                    return Speaker(sp.key, sp.start, sp.end, cue.group().lower(), post or lead_post)
            people = [p for p in self._persons(ls, lead_end) if p.label == "PERSON"]
            if people:
                return Speaker(people[0].entity, people[0].start, people[0].end, "colon", post or lead_post)
        return Speaker(None, None, None, None, post)


def find_quotes(
    text: str,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    roles: Sequence[Role] = (),
    genders: dict[str, str] | None = None,
    *,
    min_words_unattributed: int = 5,
    parse: Callable[[Sequence[tuple[int, int]]], Syntax] | None = None,
) -> list[Quote]:
    """Quotes with speakers; unattributed spans shorter than ``min_words_unattributed`` are dropped. ``parse``
    parses the sentences around the given quote marks (:func:`syntax.parse_windows`); without it speakers are read
    from the words around the quote alone."""
    posts = [QuoteSpan(s, e, max(0, s - 1), e) for s, e in unmarked_posts(text)]
    spans = sorted([*scan_quotes(text), *posts], key=lambda q: q.open_at)
    syntax = parse([(q.open_at, q.close_at) for q in spans]) if parse is not None and spans else None
    attributor = Attributor(text, sentences, mentions, roles, genders, spans, syntax)
    out: list[Quote] = []
    previous: Quote | None = None
    for q in spans:
        sp = attributor.speaker_for(q)
        if sp.key:  # "Cllr Jo" -> "Jo Bloggs": the article's longest name of the person
            sp = dataclasses.replace(sp, key=full_name(sp.key, attributor.mentions, ROLE_NOUNS, text))
        words = len(quote_text(text, q).split())
        if sp.key is None and previous is not None and previous.speaker:
            # the same speaker going on: a paragraph that opens with a quote right after a
            # paragraph quoting someone (the layout of a long statement), or a second quote in
            # the same paragraph with no other person named in between
            para_start = _paragraph(text, q.open_at)[0]
            prev_para = _paragraph(text, max(0, para_start - 2))
            same_para = para_start <= previous.start
            others = [
                m for m in mentions
                if previous.end < m.start < q.open_at and m.label == "PERSON" and m.entity != previous.speaker
                and not (previous.speaker_start is not None and previous.speaker_end is not None
                         and previous.speaker_start <= m.start < previous.speaker_end + 60)  # its own apposition
                and not re.match(r"['\u2019]s\b", text[m.end : m.end + 3])  # "Varden's chief": no one new
            ]  # fmt: skip
            if (q.open_at == para_start and prev_para[0] <= previous.start <= prev_para[1]) or (same_para and not others):
                sp = Speaker(previous.speaker, previous.speaker_start, previous.speaker_end, previous.cue, previous.kind == "post")
        if sp.key is None and words < min_words_unattributed:
            continue
        quote = Quote(
            text=quote_text(text, q),
            start=q.start,
            end=q.end,
            speaker=sp.key,
            speaker_start=sp.start,
            speaker_end=sp.end,
            cue=("post" if sp.post and sp.cue in {None, "colon"} else sp.cue),
            kind=quote_kind(text, q, sp.post),  # type: ignore[arg-type]
        )
        out.append(quote)
        previous = quote
    return out
