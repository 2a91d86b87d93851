"""The versioned corpus store: ``articles.jsonl.gz`` plus ``manifest.json``, written atomically.

Layout of a store directory::

    manifest.json        # format version, source path, per-(act, lang) counts, dates, hashes
    articles.jsonl.gz    # one Article per line (see corpora.model)

The manifest's ``content_hash`` covers every record; each act entry carries its own
``hash`` so that the search index can rebuild only the acts whose text changed.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from corpora.atomic import atomic_dir
from corpora.errors import CorpusError
from corpora.model import Article
from corpora.settings import home_dir

STORE_FORMAT = 1
ARTICLES_FILE = "articles.jsonl.gz"
MANIFEST_FILE = "manifest.json"


def default_store_dir() -> Path:
    return home_dir() / "corpus"


def article_hash(article: Article) -> str:
    """A stable hash of one record's content."""
    blob = json.dumps(article.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def summarize(articles: Iterable[Article]) -> list[dict[str, Any]]:
    """One manifest entry per (act, language): counts, edition, source and content hash."""
    groups: dict[tuple[str, str], list[Article]] = {}
    for a in articles:
        groups.setdefault((a.act_id, a.lang), []).append(a)
    entries = []
    for (act_id, lang), arts in groups.items():
        h = hashlib.sha256()
        for a in arts:
            h.update(article_hash(a).encode())
        first = arts[0]
        entries.append({
            "act_id": act_id,
            "act_code": first.act_code,
            "lang": lang,
            "title": first.short_name or act_id,
            "short_name": first.short_name,
            "articles": len(arts),
            "repealed": sum(a.repealed for a in arts),
            "edition_date": first.edition_date,
            "source_url": first.source_url,
            "hash": h.hexdigest(),
        })
    return entries


def write_store(articles: list[Article], out_dir: str | Path, source: str, act_titles: dict[tuple[str, str], str]) -> dict[str, Any]:
    """Write ``articles`` as a complete store at ``out_dir``, replacing any previous one atomically."""
    entries = summarize(articles)
    for e in entries:
        e["title"] = act_titles.get((e["act_id"], e["lang"]), e["title"])
    content = hashlib.sha256("".join(sorted(e["hash"] for e in entries)).encode()).hexdigest()
    manifest = {
        "format": STORE_FORMAT,
        "source": str(source),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "content_hash": content,
        "total_articles": len(articles),
        "acts": sorted(entries, key=lambda e: (e["act_id"], e["lang"])),
    }
    with atomic_dir(out_dir) as tmp:
        with gzip.open(tmp / ARTICLES_FILE, "wt", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


@dataclass
class CorpusStore:
    """A loaded corpus: all article records plus the manifest, indexed by (act_id, article, lang)."""

    path: Path
    manifest: dict[str, Any]
    articles: list[Article]
    _by_key: dict[tuple[str, str, str], Article] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for a in self.articles:
            # The first record wins: an old edition's duplicate part must not shadow it.
            self._by_key.setdefault((a.act_id, a.article, a.lang), a)

    @property
    def content_hash(self) -> str:
        return self.manifest["content_hash"]

    def act_ids(self) -> set[str]:
        return {e["act_id"] for e in self.manifest["acts"]}

    def languages(self, act_id: str) -> list[str]:
        return [e["lang"] for e in self.manifest["acts"] if e["act_id"] == act_id]

    def exact(self, act_id: str, article: str, lang: str) -> Article | None:
        """The record of ``article`` of ``act_id`` in exactly ``lang``, or None."""
        return self._by_key.get((act_id, article, lang))

    def get(self, act_id: str, article: str, lang: str | None = None) -> Article | None:
        """The record of ``article`` of ``act_id`` in ``lang`` (or Russian, then any language)."""
        for candidate in ([lang] if lang else []) + ["ru", "kk"]:
            hit = self.exact(act_id, article, candidate)
            if hit is not None:
                return hit
        return None


def load_store(path: str | Path | None = None) -> CorpusStore:
    """Load a store written by :func:`write_store`; a missing or foreign directory is a clear error."""
    path = Path(path) if path is not None else default_store_dir()
    manifest_file = path / MANIFEST_FILE
    if not manifest_file.is_file():
        raise CorpusError(f"no corpus store at {path} (missing {MANIFEST_FILE}); run `kzlegal corpus build` first")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if manifest.get("format") != STORE_FORMAT:
        raise CorpusError(f"{manifest_file}: store format {manifest.get('format')} is not {STORE_FORMAT}; rebuild with `kzlegal corpus build`")
    articles = []
    with gzip.open(path / ARTICLES_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            articles.append(Article.from_dict(json.loads(line)))
    return CorpusStore(path=path, manifest=manifest, articles=articles)
