"""Structure-aware chunks of statute articles, each standing alone for the embedder.

An article short enough is one chunk. A longer one is cut at its points («1.», «2.», «5-1.»):
consecutive points are packed into a chunk up to ``max_chars``; a point that alone is too long
is cut at its sub-points («1)», «2)»), each piece repeating the point's lead-in line («1. Трудовой
договор должен содержать:») so that the list keeps its meaning; a piece still too long is cut at
line ends. Every chunk starts with a heading line naming the act, the article and its title::

    ТК РК. Статья 28. Содержание трудового договора
    1. Трудовой договор должен содержать: ...

(«ЕК. 28-бап. Еңбек шартының мазмұны» in Kazakh). Optionally each article also gets a *title
chunk* holding only that heading: short questions often match a title best.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

from corpora.model import Article

_POINT_LINE = re.compile(r"^\s*(\d+(?:-\d+)?)\.\s")
_SUBPOINT_LINE = re.compile(r"^\s*(\d+(?:-\d+)?)\)\s")


@dataclass
class Chunk:
    """One indexed piece of an article; ``text`` is heading + body, what the embedder sees."""

    act_id: str
    article: str
    lang: str
    title: str
    kind: str  # "article" (whole article) | "points" (some of its points) | "coarse" (larger piece) | "title"
    text: str
    body: str  # the article text the chunk covers, without the heading: the search snippet
    point: str | None = None  # number of the first point the chunk covers
    repealed: bool = False
    short_name: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def heading(article: Article) -> str:
    """«ТК РК. Статья 28. Содержание трудового договора» / «ЕК. 28-бап. Еңбек шартының мазмұны»."""
    name = article.short_name or article.act_id
    number = f"{article.article}-бап" if article.lang == "kk" else f"Статья {article.article}"
    title = f". {article.title}" if article.title else ""
    return f"{name}. {number}{title}"


def _blocks(lines: list[str], pattern: re.Pattern) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Split ``lines`` into a lead (lines before the first numbered line) and numbered blocks."""
    lead: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        m = pattern.match(line)
        if m:
            blocks.append((m.group(1), [line]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            lead.append(line)
    return lead, blocks


def _pack(pieces: list[tuple[str | None, str]], max_chars: int, min_chars: int) -> list[tuple[str | None, str]]:
    """Greedily merge consecutive (number, text) pieces into groups of at most ``max_chars``.

    A group under ``min_chars`` always takes the next piece, so no chunk is a stray line.
    """
    groups: list[tuple[str | None, str]] = []
    for number, text in pieces:
        if groups:
            first, acc = groups[-1]
            if len(acc) + 1 + len(text) <= max_chars or len(acc) < min_chars:
                groups[-1] = (first, acc + "\n" + text)
                continue
        groups.append((number, text))
    return groups


def _split_lines(text: str, max_chars: int) -> list[str]:
    """Cut ``text`` at line ends (then at sentence ends) into pieces of at most ``max_chars``."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > max_chars:
            cut = line.rfind(". ", 0, max_chars)
            cut = cut + 1 if cut > max_chars // 3 else max_chars
            out.append(line[:cut].strip())
            line = line[cut:].strip()
        if line:
            out.append(line)
    return out


def _point_pieces(number: str, lines: list[str], max_chars: int, min_chars: int) -> list[tuple[str | None, str]]:
    """One point as pieces of at most ``max_chars``: whole, or cut at sub-points under its lead-in."""
    text = "\n".join(lines)
    if len(text) <= max_chars:
        return [(number, text)]
    lead, subs = _blocks(lines, _SUBPOINT_LINE)
    lead_text = "\n".join(lead)
    if not subs or len(lead_text) > max_chars // 2:  # paragraphs, not sub-points: cut at line ends
        return [(number, t) for _, t in _pack([(None, p) for p in _split_lines(text, max_chars)], max_chars, min_chars)]
    budget = max(max_chars - len(lead_text) - 1, max_chars // 2)
    sub_pieces: list[tuple[str | None, str]] = []
    for _, sub_lines in subs:
        sub_text = "\n".join(sub_lines)
        sub_pieces.extend((None, p) for p in (_split_lines(sub_text, budget) if len(sub_text) > budget else [sub_text]))
    return [(number, f"{lead_text}\n{t}" if lead_text else t) for _, t in _pack(sub_pieces, budget, min_chars)]


def chunk_article(article: Article, max_chars: int = 1200, min_chars: int = 200, title_chunk: bool = False,
                  coarse_max_chars: int = 0) -> list[Chunk]:
    """The chunks of one article (see the module docstring); a repealed article keeps its heading only.

    With ``coarse_max_chars`` > ``max_chars``, an article cut into points is also cut a second
    time into larger pieces (kind "coarse"), so that a question about the article as a whole
    can match text that the fine chunks split apart.
    """
    head = heading(article)
    base = dict(act_id=article.act_id, article=article.article, lang=article.lang, title=article.title,
                repealed=article.repealed, short_name=article.short_name)
    body = article.text.strip()
    chunks: list[Chunk] = []
    if title_chunk or not body:
        chunks.append(Chunk(kind="title", text=head, body=article.title, **base))
    if not body:
        return chunks
    if len(body) <= max_chars:
        chunks.append(Chunk(kind="article", text=f"{head}\n{body}", body=body, **base))
        return chunks
    lead, points = _blocks(body.split("\n"), _POINT_LINE)
    pieces: list[tuple[str | None, str]] = []
    lead_text = "\n".join(lead).strip()
    if lead_text:
        pieces.extend((None, p) for p in (_split_lines(lead_text, max_chars) if len(lead_text) > max_chars else [lead_text]))
    for number, lines in points:
        pieces.extend(_point_pieces(number, lines, max_chars, min_chars))
    for number, text in _pack(pieces, max_chars, min_chars):
        chunks.append(Chunk(kind="points", text=f"{head}\n{text}", body=text, point=number, **base))
    if coarse_max_chars > max_chars:
        for c in chunk_article(article, coarse_max_chars, min_chars):
            chunks.append(Chunk(kind="coarse", text=c.text, body=c.body, point=c.point, **base))
    return chunks


def chunk_articles(articles: Iterable[Article], max_chars: int = 1200, min_chars: int = 200,
                   title_chunks: bool = False, coarse_max_chars: int = 0) -> Iterator[Chunk]:
    """Chunks of many articles, in order."""
    for article in articles:
        yield from chunk_article(article, max_chars, min_chars, title_chunks, coarse_max_chars)
