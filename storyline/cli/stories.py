"""Commands on stories, entities and briefs: stories, story, merge, split, entities, entity, entity-merge,
entity-rename, brief."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .common import (
    ConfigOption,
    DbOption,
    _console,
    _escape,
    _open,
    _settings,
    app,
    handle_errors,
)

# ---------------------------------------------------------------- stories


def _day(value: Any) -> str:
    return value.date().isoformat() if value else "—"


@app.command()
@handle_errors
def stories(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, latest first.")] = 50,
    ids: Annotated[bool, typer.Option("--ids", help="Only the story ids, one a line (for scripts).")] = False,
) -> None:
    """List stories: title, articles, independent origins (copies never count twice), first/last date.

    Any command taking a story accepts its id or a unique prefix of it (story ids start with "s").
    """
    settings = _settings(db, config)
    with _open(settings) as store:
        rows = store.stories()
    if ids:
        sys.stdout.write("".join(f"{s.id}\n" for s in rows[:limit]))
        return
    table = Table(title=f"{len(rows)} stories" + (f" (latest {limit})" if len(rows) > limit else ""))
    table.add_column("id", no_wrap=True)  # whole, so it can be copied
    for col in ("title", "articles", "independent origins", "first", "last"):
        table.add_column(col, overflow="fold", no_wrap=col in ("first", "last"))
    for s in rows[:limit]:
        table.add_row(s.id, _escape(s.title), str(len(s.article_ids)), str(s.independent_origins), _day(s.first_published), _day(s.last_published))
    _console().print(table)


@app.command()
@handle_errors
def story(
    ref: Annotated[str, typer.Argument(help="Story id or unique id prefix (merged ids redirect).")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """One story: its members, the copy tree (what copies what) and why each article is in it."""
    from rich.text import Text
    from rich.tree import Tree

    from ..stories import story_detail

    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store:
        d = story_detail(store, ref)
    s = d.story
    console.print(f"[bold]{_escape(s.title)}[/bold]  {s.id}", markup=True, highlight=False)
    console.print(f"  {len(s.article_ids)} articles, {s.independent_origins} independent origins, "
                  f"{_day(s.first_published)} .. {_day(s.last_published)}")  # fmt: skip
    console.print(f"  {s.reason}", markup=False)
    by_id = {a.id: a for a in d.articles}
    table = Table(title="members")
    for col in ("article", "published", "outlet", "title", "copy of", "why here"):
        table.add_column(col, overflow="fold")
    for a in d.articles:
        link = d.copies.get(a.id)
        copy = f"{link.kind} {link.copy_of or link.credited_url}" if link else ""
        why = d.assignments[a.id].reason if a.id in d.assignments else ""
        table.add_row(a.id, _day(a.published), _escape(a.outlet or "—"), _escape(a.title or "—"), _escape(copy), _escape(why))
    console.print(table)
    tree = Tree(Text("copy tree (roots are independent origins)", style="bold"))

    def add(branch: Any, node: Any) -> None:
        if node.article_id in by_id:
            label = f"{node.article_id} {by_id[node.article_id].label}"
        else:
            label = f"(not in this story) {node.article_id or node.url}"
        if node.link is not None:
            label += f"  [{node.link.kind} {node.link.score:.2f}: {node.link.reason}]"
        sub = branch.add(Text(label))
        for child in node.children:
            add(sub, child)

    for root in d.tree:
        add(tree, root)
    console.print(tree)


@app.command()
@handle_errors
def merge(
    keep: Annotated[str, typer.Argument(help="The story to keep (id or prefix).")],
    other: Annotated[str, typer.Argument(help="The story merged into it; its id will redirect.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Merge two stories (an analyst override that later runs respect)."""
    from ..stories import merge_stories

    settings = _settings(db, config)
    with _open(settings) as store:
        s = merge_stories(store, settings, keep, other)
    _console().print(f"merged into {s.id} ({len(s.article_ids)} articles): {s.title}", markup=False)


@app.command()
@handle_errors
def split(
    story_ref: Annotated[str, typer.Argument(metavar="STORY", help="The story to split (id or prefix).")],
    article_refs: Annotated[list[str], typer.Argument(metavar="ARTICLE...", help="Articles that leave it for a new story.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Move articles out of a story into a new one (an analyst override that later runs respect)."""
    from ..stories import split_story

    settings = _settings(db, config)
    with _open(settings) as store:
        s = split_story(store, settings, story_ref, article_refs)
    _console().print(f"new story {s.id} with {len(s.article_ids)} articles: {s.title}", markup=False)

# ---------------------------------------------------------------- end of stories

@app.command()
@handle_errors
def entities(
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
    label: Annotated[str | None, typer.Option(help="Only this label (PERSON, ORG, GPE, ...).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, most reported first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List the store-wide entities, most reported first."""
    from ..codec import to_json

    settings = _settings(db, config)
    with _open(settings) as store:
        rows = [e for e in store.entities() if not label or e.label == label.upper()]
    rows.sort(key=lambda e: (-len(e.article_ids), e.name.casefold()))
    rows = rows[:limit]
    if as_json:
        for e in rows:
            sys.stdout.write(json.dumps(to_json(e), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} entities")
    for col in ("id", "label", "name", "aliases", "articles"):
        table.add_column(col, overflow="fold")
    for e in rows:
        table.add_row(e.id, e.label, _escape(e.name), _escape(", ".join(e.aliases[:6])), str(len(e.article_ids)))
    _console().print(table)


@app.command()
@handle_errors
def entity(
    name: Annotated[str, typer.Argument(help="Entity id, id prefix, name or alias.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """One entity: aliases, roles by outlet and date, and the articles that mention it."""
    from ..read.catalog import entity_profile

    settings = _settings(db, config)
    console = _console()
    with _open(settings) as store:
        profile = entity_profile(store, name)
        e = profile.entity
        console.print(f"[bold]{_escape(e.name)}[/bold] ({e.label}) {e.id}")
        console.print(f"  aliases   {', '.join(e.aliases) or '—'}", markup=False)
        console.print(f"  mentions  {profile.mentions} in {len(e.article_ids)} articles; quoted {profile.quotes} times")
        if profile.roles:
            console.print("[bold]roles[/bold]")
            for r in profile.roles:
                when = r.published.date().isoformat() if r.published else "undated"
                console.print(f"  {when}  {r.outlet or '—'}: {'former ' if r.former else ''}{r.title}", markup=False)
        console.print("[bold]articles[/bold]")
        for a in store.articles(ids=list(e.article_ids)):
            when = a.published.date().isoformat() if a.published else "undated"
            console.print(f"  {a.id}  {when}  {a.outlet or '—'}: {a.title or '(untitled)'}", markup=False)


@app.command("entity-merge")
@handle_errors
def entity_merge(
    keep: Annotated[str, typer.Argument(help="The entity to keep (id, name or alias).")],
    other: Annotated[str, typer.Argument(help="The entity folded into it.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Merge two entities; the decision is stored and survives re-runs."""
    from ..read.catalog import merge_entities

    settings = _settings(db, config)
    with _open(settings) as store:
        e = merge_entities(store, keep, other)
    _console().print(f"merged into {e.id} {e.name} (aliases: {', '.join(e.aliases)})", markup=False)


@app.command("entity-rename")
@handle_errors
def entity_rename(
    ref: Annotated[str, typer.Argument(help="Entity id, name or alias.")],
    name: Annotated[str, typer.Argument(help="The new canonical name.")],
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """Rename an entity; the old name stays an alias and the decision survives re-runs."""
    from ..read.catalog import rename_entity

    settings = _settings(db, config)
    with _open(settings) as store:
        e = rename_entity(store, ref, name)
    _console().print(f"{e.id} is now {e.name}", markup=False)


# ---------------------------------------------------------------- briefs


@app.command()
@handle_errors
def brief(
    story: Annotated[str, typer.Argument(help="Story id or unique id prefix.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    refresh: Annotated[bool, typer.Option(help="Rebuild the brief from the stored articles instead of reusing it.")] = False,
    db: DbOption = "storyline.db",
    config: ConfigOption = None,
) -> None:
    """A story's brief: agreed account, key facts, conflicts, quote versions, timeline, sources; every sentence cited.

    Example: storyline brief s48fc --format html -o brief.html   (an id, or a unique prefix, from `storyline stories`)
    """
    from ..brief import brief_for, render_brief

    settings = _settings(db, config)
    with _open(settings) as store:
        text = render_brief(brief_for(store, story, refresh=refresh), fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        _console(True).print(f"wrote {output}")
    else:
        sys.stdout.write(text)
