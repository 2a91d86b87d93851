"""``kzlegal corpus``: build, inspect and fetch the statute corpus store."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from corpora.config import load_corpus_config
from corpora.settings import parse_overrides


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def corpus() -> None:
    """Build and inspect the statute corpus store."""


@corpus.command()
@click.option("--source", type=click.Path(path_type=Path), help="Clone of kazakhstan-law/codes (default: $KZLEGAL_CORPUS_SOURCE, then ./kazakhstan-law-codes).")
@click.option("--out", type=click.Path(path_type=Path), help="Store directory (default: .kzlegal/corpus).")
@click.option("--acts", help="Comma-separated adilet codes to take (default: all acts in the source).")
@click.option("--langs", help="Comma-separated languages: ru,kk (default: both).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="YAML config (default: configs/corpora.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.argument("overrides", nargs=-1)
def build(source, out, acts, langs, config_path, as_json, overrides) -> None:
    """Read the statute texts and write the corpus store (atomically)."""
    from corpora.ingest import ingest
    from corpora.store import write_store

    cfg = load_corpus_config(config_path, **parse_overrides(overrides),
                             source=str(source) if source else None, out=str(out) if out else None, acts=acts, langs=langs)
    src = cfg.resolved_source()
    articles, titles = ingest(src, acts=cfg.acts or None, langs=cfg.langs or None, progress=sys.stderr.isatty())
    manifest = write_store(articles, cfg.resolved_out(), str(src.resolve()), titles)
    if as_json:
        _echo_json(manifest)
        return
    click.echo(f"corpus store: {cfg.resolved_out()}  ({manifest['total_articles']} articles, hash {manifest['content_hash'][:12]})")
    for e in manifest["acts"]:
        click.echo(f"  {e['act_id']:<12} {e['lang']}  {e['articles']:>5} articles  {e['repealed']:>3} repealed  {e['edition_date']}  {e['title']}")


@corpus.command()
@click.option("--store", type=click.Path(path_type=Path), help="Store directory (default: .kzlegal/corpus).")
@click.option("--json", "as_json", is_flag=True)
def stats(store, as_json) -> None:
    """One line per act and language: articles (repealed included), repealed, edition."""
    from corpora.store import load_store

    s = load_store(store)
    keys = ("act_id", "act_code", "lang", "title", "articles", "repealed", "edition_date")
    acts = [{k: e.get(k) for k in keys} for e in s.manifest["acts"]]
    if as_json:
        _echo_json({"acts": acts, "total_articles": s.manifest["total_articles"], "content_hash": s.content_hash,
                    "source": s.manifest["source"], "built_at": s.manifest["built_at"]})
        return
    for e in acts:
        click.echo(f"{e['act_id']:<12} {e['lang']}  {e['articles']:>5} articles  {e['repealed']:>3} repealed  {e['edition_date']}  {e['title']}")


@corpus.command()
@click.argument("act_id")
@click.argument("article")
@click.option("--lang", type=click.Choice(["ru", "kk"]), default="ru", show_default=True)
@click.option("--store", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def show(act_id, article, lang, store, as_json) -> None:
    """Print one article with its points, e.g. `kzlegal corpus show K1500000414 28`."""
    from corpora.errors import CorpusError
    from corpora.render import render_article
    from corpora.store import load_store

    s = load_store(store)
    if act_id not in s.act_ids():
        raise CorpusError(f"act {act_id} is not in the corpus store {s.path} (acts: {', '.join(sorted(s.act_ids()))})")
    a = s.exact(act_id, article, lang)
    if a is None:
        langs = s.languages(act_id)
        if lang not in langs:
            raise CorpusError(f"act {act_id} has no {lang} text in the store (languages: {', '.join(langs)})")
        raise CorpusError(f"act {act_id} has no article {article}")
    if as_json:
        _echo_json(a.to_dict())
        return
    click.echo(render_article(a))


@corpus.command()
@click.option("--dest", type=click.Path(path_type=Path), default=Path("kazakhstan-law-codes"), show_default=True)
@click.option("--acts", default="K1500000414", show_default=True, help="Comma-separated adilet codes of registry acts.")
@click.option("--all", "everything", is_flag=True, help="Check out every act (a few hundred MB).")
@click.option("--repo-url", default=None, help="Repository to clone (default: github.com/kazakhstan-law/codes).")
def fetch(dest, acts, everything, repo_url) -> None:
    """Clone kazakhstan-law/codes (shallow, sparse: only the chosen acts)."""
    from corpora.fetch import fetch as do_fetch

    cfg = load_corpus_config()
    folders = do_fetch(dest, repo_url or cfg.repo_url, [] if everything else [a for a in acts.split(",") if a])
    click.echo(f"cloned into {dest}: {', '.join(folders)}")
    click.echo(f"next: kzlegal corpus build --source {dest}")
