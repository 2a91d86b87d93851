"""Plain-text rendering of an article the way the law prints it."""
from __future__ import annotations

from corpora.model import Article, Point


def _render_point(point: Point, indent: str) -> list[str]:
    text_lines = [line for line in point.text.split("\n") if line]
    # Continuation paragraphs of a point sit under its first line, one step deeper.
    lines = [(indent if i == 0 else indent + "   ") + line for i, line in enumerate(text_lines)]
    for sp in point.subpoints:
        lines += _render_point(sp, indent + "   ")
    return lines


def article_heading(a: Article) -> str:
    """«Статья 28. Содержание трудового договора» / «28-бап. Еңбек шартының мазмұны»."""
    return f"{a.article}-бап. {a.title}" if a.lang == "kk" else f"Статья {a.article}. {a.title}"


def render_article(a: Article, footnotes: bool = True) -> str:
    """Heading, structural path, points with indented sub-points, then footnotes and the source."""
    out = [f"{a.short_name or a.act_id} — {article_heading(a)}"]
    if a.path:
        out.append(" / ".join(a.path))
    if a.repealed:
        out.append("[исключена / алып тасталды]")
    out.append("")
    body = []
    for p in a.points:
        body += _render_point(p, "")
    out += body if body else a.text.split("\n")
    if footnotes and a.footnotes:
        out.append("")
        out += [f"  * {f}" for f in a.footnotes]
    out.append("")
    out.append(f"Редакция: {a.edition_date or '—'}  Источник: {a.source_url or '—'}")
    return "\n".join(out)
