"""Read act folders of a kazakhstan-law/codes clone into :class:`~corpora.model.Article` records.

An act folder holds ``meta.yaml`` and ``rus.md`` / ``kaz.md``. Big acts are split: then
``rus.md`` is a table of contents whose rows link the parts, e.g.
``| [`sec002`](rus/sec002.md) | ОСОБЕННАЯ ЧАСТЬ |`` (part names vary: ``sec003-ch015``,
``sec001_004``). Every linked part must exist; the parts are read in table order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml
from tqdm import tqdm

from corpora.errors import CorpusError
from corpora.markdown import parse_markdown
from corpora.model import Article
from corpora.registry import act_by_id, act_by_zan_code, adilet_code_from_requisite

LANG_FILES = {"ru": "rus", "kk": "kaz"}
PART_LINK = re.compile(r"\]\((?P<part>(?:rus|kaz)/[^)\s]+\.md)\)")


@dataclass
class ActSource:
    """One act folder of a clone and what its ``meta.yaml`` says."""

    folder: Path
    act_id: str
    act_code: str | None
    titles: dict[str, str]
    edition: dict[str, str | None]
    source_url: dict[str, str | None]
    short: dict[str, str]

    def languages(self) -> list[str]:
        return [lang for lang, stem in LANG_FILES.items() if (self.folder / f"{stem}.md").is_file()]


def read_text(path: Path) -> str:
    """Read a UTF-8 file, naming the file when it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc


def read_act(folder: Path) -> ActSource:
    """Read ``meta.yaml`` of an act folder; the adilet code comes from the registry or the requisite."""
    meta_file = folder / "meta.yaml"
    try:
        meta = yaml.safe_load(read_text(meta_file)) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{meta_file}: not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise CorpusError(f"{meta_file}: expected a mapping with act_code, requisite, title")
    act_code = str(meta["act_code"]) if meta.get("act_code") is not None else None
    registered = act_by_zan_code(act_code) if act_code else None
    act_id = registered.act_id if registered else adilet_code_from_requisite(str(meta.get("requisite", "")))
    if act_id is None:
        raise CorpusError(f"{meta_file}: cannot derive the adilet code: act_code {act_code!r} is not in the registry "
                          f"and requisite {meta.get('requisite')!r} is not «Кодекс|Закон ... от D месяца YYYY года № N»")
    registered = registered or act_by_id(act_id)
    titles = meta.get("title") or {}
    if not isinstance(titles, dict):
        titles = {"rus": str(titles)}
    versions = meta.get("version_date") or {}
    sources = meta.get("source") or {}
    title = {lang: str(titles.get(stem) or "") for lang, stem in LANG_FILES.items()}
    short = {lang: (registered.short(lang) if registered else title[lang] or act_id) for lang in LANG_FILES}
    return ActSource(
        folder=folder, act_id=act_id, act_code=act_code,
        titles={lang: (registered.title(lang) if registered else title[lang]) or title[lang] for lang in LANG_FILES},
        edition={lang: str(versions.get(stem)) if versions.get(stem) else None for lang, stem in LANG_FILES.items()},
        source_url={lang: sources.get(stem) for lang, stem in LANG_FILES.items()},
        short=short,
    )


def part_files(folder: Path, lang: str) -> list[Path]:
    """The files holding an act's text in ``lang``: the parts listed in ``rus.md``, or ``rus.md`` itself."""
    main = folder / f"{LANG_FILES[lang]}.md"
    parts = [m.group("part") for m in PART_LINK.finditer(read_text(main))]
    if not parts:
        return [main]
    files = []
    for part in dict.fromkeys(parts):
        path = folder / part
        if not path.is_file():
            raise CorpusError(f"{main}: lists part {part}, but {path} is missing (incomplete clone?)")
        files.append(path)
    return [main] + files


def find_act_folders(source: Path) -> list[Path]:
    """Every act folder (one holding ``meta.yaml``) under ``source``, or ``source`` itself."""
    if not source.exists():
        raise CorpusError(f"corpus source {source} does not exist; pass --source DIR or set KZLEGAL_CORPUS_SOURCE "
                          f"(a clone of github.com/kazakhstan-law/codes; `kzlegal corpus fetch` makes one)")
    if not source.is_dir():
        raise CorpusError(f"corpus source {source} is not a directory")
    if (source / "meta.yaml").is_file():
        return [source]
    # Hidden folders (.git) inside the clone are skipped; the source path itself may hold «..».
    folders = sorted(p.parent for p in source.rglob("meta.yaml")
                     if not any(part.startswith(".") for part in p.relative_to(source).parts))
    if not folders:
        raise CorpusError(f"{source}: no act folders (meta.yaml + rus.md/kaz.md) found; "
                          f"is this a clone of github.com/kazakhstan-law/codes?")
    return folders


def articles_of(act: ActSource, lang: str) -> Iterator[Article]:
    """All article records of one act in one language, in the order of the text, first occurrence kept."""
    seen: set[str] = set()
    for path in part_files(act.folder, lang):
        for raw in parse_markdown(read_text(path), str(path)):
            if raw.number in seen:
                continue  # an overlapping part repeats articles of the next one
            seen.add(raw.number)
            yield Article(
                act_id=act.act_id, act_code=act.act_code, lang=lang, article=raw.number, title=raw.title,
                path=raw.path, text=raw.text, points=raw.points, repealed=raw.repealed, footnotes=raw.footnotes,
                edition_date=act.edition[lang], source_url=act.source_url[lang], short_name=act.short[lang],
            )


def ingest(source: str | Path, acts: list[str] | None = None, langs: list[str] | None = None,
           progress: bool = True) -> tuple[list[Article], dict[tuple[str, str], str]]:
    """Read all (or the selected) acts under ``source``.

    Returns the article records and each (act_id, lang)'s full title. ``acts`` filters by
    adilet code; an act asked for but not found is an error naming it.
    """
    source = Path(source)
    folders = find_act_folders(source)
    sources = []
    for folder in folders:
        if not any((folder / f"{stem}.md").is_file() for stem in LANG_FILES.values()):
            raise CorpusError(f"{folder}: unknown layout: meta.yaml without rus.md or kaz.md")
        sources.append(read_act(folder))
    if acts:
        wanted = set(acts)
        missing = wanted - {s.act_id for s in sources}
        if missing:
            raise CorpusError(f"{source}: acts not found: {', '.join(sorted(missing))}")
        sources = [s for s in sources if s.act_id in wanted]
    records: list[Article] = []
    titles: dict[tuple[str, str], str] = {}
    jobs = [(s, lang) for s in sources for lang in s.languages() if not langs or lang in langs]
    for act, lang in tqdm(jobs, desc="corpus", unit="act", disable=not progress):
        found = list(articles_of(act, lang))
        if not found:
            raise CorpusError(f"{act.folder}: no articles found in {LANG_FILES[lang]}.md or its parts "
                              f"(expected anchors like <a id=\"st1\"></a> and headings «Статья 1.» / «1-бап.»)")
        records.extend(found)
        titles[(act.act_id, lang)] = act.titles[lang]
    return records, titles
