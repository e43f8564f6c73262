"""The latest figure of an update the account gives only in an earlier value.

A story told over days has figures that move (a toll that rises, an offer that is raised). The account's sentences
come from the best-supported reports, which are often the first ones, so a sentence may give a figure that a later
report updated ("52 people treated" when the latest report says 56). When the comparison found the update, the
account keeps its sentence and follows it with the later report's own sentence that gives the latest value, cited to
that report: the reader sees both and which came later, and the checker still vouches for every word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lang.numbers import SMALL_NUMBERS
from ..records import BriefSentence, Citation, Conflict, FactValue
from .checker import CitationChecker
from .inputs import StoryAnalysis, sentence_bounds, squash
from .lead import published_at

# A later value is told only when its report came out at least this long after every report the account sentence
# with the earlier value cites (newsdesk: follow-ups come 6 to 30 hours after the first report, rewrites of one
# day's news within hours of each other, so a shorter gap is the same day's news told twice, not an update).
LATER_BY_HOURS = 6.0
# The longest sentence told as the latest figure (a longer span is a paragraph the sentence splitter left whole).
MAX_CHARS = 400

_TOKEN = re.compile(r"[\w£$€%.,-]+")
# A sentence of running text: opens with a capital, a digit or a quotation mark and closes with a full stop, a
# question or exclamation mark or a closing quote (not a list item of a press release: "- a premium of 47%;").
_RUNNING_TEXT = re.compile(r"^[\"“‘'A-Z0-9].*[.!?\"”’]$", re.S)


def latest_figures(out: Sequence[BriefSentence], analysis: StoryAnalysis, checker: CitationChecker) -> list[BriefSentence]:
    """``out`` with the latest value of each update it gives only earlier values of, after the sentence that gives one."""
    result = list(out)
    told: set[tuple[str, int]] = set()
    for conflict in analysis.conflicts:
        ordered = _by_time(conflict, analysis)
        if len(ordered) < 2:
            continue
        (*earlier, (last_time, last)) = ordered
        if any(_states(s.text, last) for s in result if s.section == "account"):
            continue  # the account gives the latest value already
        for n, sent in enumerate(result):
            if sent.section != "account" or not any(_states(sent.text, v) for _, v in earlier):
                continue
            cited = [published_at(analysis.articles.get(c.article_id)) for c in sent.citations]
            if any(t is None or last_time - t < LATER_BY_HOURS * 3600 for t in cited):
                break  # the sentence is as recent as the update (or undated): nothing tells it is out of date
            line = _sentence_of(last, analysis, checker)
            if line is not None and (line.citations[0].article_id, line.citations[0].start) not in told:
                told.add((line.citations[0].article_id, line.citations[0].start))
                result.insert(n + 1, line)
            break
    return result


def _by_time(conflict: Conflict, analysis: StoryAnalysis) -> list[tuple[float, FactValue]]:
    """An update's values ordered by the latest publication among the reports giving each (undated values left out)."""
    if not conflict.update or conflict.kind != "number":
        return []
    timed = []
    for value in conflict.values:
        times = [t for a in value.article_ids if (t := published_at(analysis.articles.get(a))) is not None]
        if times and value.citations:
            timed.append((max(times), value))
    timed.sort(key=lambda x: x[0])
    if len(timed) >= 2 and timed[-1][0] == timed[-2][0]:
        return []  # two values at the same time: no latest one
    return timed


def _states(text: str, value: FactValue) -> bool:
    """Whether ``text`` writes the figure of ``value`` (its digits, or a number word for a small count)."""
    target = value.value.replace(",", "")
    for token in _TOKEN.findall(text):
        word = token.strip(".,-").lower()
        digits = re.sub(r"[^\d.]", "", word).strip(".")
        if digits and digits == target:
            return True
        if word in SMALL_NUMBERS and str(SMALL_NUMBERS[word]) == target:
            return True
    return False


def _sentence_of(value: FactValue, analysis: StoryAnalysis, checker: CitationChecker) -> BriefSentence | None:
    """The whole sentence of the latest report around the value's span, cited to it, when the checker supports it."""
    for cite in value.citations:
        article = analysis.articles.get(cite.article_id)
        if article is None:
            continue
        for start, end in sentence_bounds(article, analysis.readings.get(cite.article_id)):
            if start <= cite.start < end:
                text = squash(article.text[start:end])
                whole = Citation(cite.article_id, start, end, article.outlet)
                if len(text) <= MAX_CHARS and _RUNNING_TEXT.match(text) and _states(text, value) and checker.supports(text, whole):
                    return BriefSentence(text, (whole,), "account")
                break
    return None
