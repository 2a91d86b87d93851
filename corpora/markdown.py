"""Parse one kazakhstan-law/codes markdown file into article records.

What the text looks like (Russian; Kazakh is the same with «28-бап.», «Ескерту.», «алып тасталды»)::

    ## РАЗДЕЛ 2. ТРУДОВЫЕ ОТНОШЕНИЯ          <- structural headings (any level)
    ### Глава 3. ТРУДОВОЙ ДОГОВОР
    <a id="st28"></a>                        <- anchor opens an article («st127-1» for inserted ones)
    #### Статья 28. Содержание трудового договора
    *Сноска. Статья 28 с изменениями ...*   <- editorial footnote, possibly quoted with «> »
    1. Трудовой договор должен содержать:    <- point
       1) реквизиты сторон:                  <- sub-point (indented, or not, depending on the act)
          фамилию, имя, отчество ...         <- unnumbered paragraph continuing the sub-point

Repealed articles keep their heading and carry only a footnote («Статья исключена ...»)
or a body such as «Исключена» / «алып тасталды».
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpora.model import Point

ANCHOR = re.compile(r'<a\s+id="st(?P<num>\d+(?:-\d+)*)"\s*>\s*</a>')
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
ARTICLE_RU = re.compile(r"^Статья\s+(?P<num>\d+(?:-\d+)*)\s*\.?\s*(?P<title>.*)$", re.IGNORECASE)
ARTICLE_KK = re.compile(r"^(?P<num>\d+(?:-\d+)*)\s*-\s*бап\s*\.?\s*(?P<title>.*)$", re.IGNORECASE)
POINT = re.compile(r"^(?P<num>\d+(?:-\d+)*)\.\s+(?P<text>\S.*)$", re.DOTALL)
SUBPOINT = re.compile(r"^(?P<num>\d+(?:-\d+)*)\)\s*(?P<text>.*)$", re.DOTALL)
FOOTNOTE = re.compile(r"^\*?\s*(Сноска|Ескерту|Примечание ИЗПИ|ҚРЗАИ-ның ескертпесі)\b", re.IGNORECASE)
REPEALED = re.compile(r"(исключен[аы]?|утратил[аи]? силу|алып тасталды|күшін жойды)", re.IGNORECASE)

# Structural headings, ranked from the outermost; a heading of rank r closes all of rank >= r.
STRUCTURE = [
    (0, re.compile(r"^(ОБЩАЯ|ОСОБЕННАЯ)\s+ЧАСТЬ|^(ЖАЛПЫ|ЕРЕКШЕ)\s+БӨЛІ[КМ]", re.IGNORECASE)),
    (1, re.compile(r"^РАЗДЕЛ\b|^\d+\s*-\s*БӨЛІМ\b|^БӨЛІМ\b", re.IGNORECASE)),
    (2, re.compile(r"^ПОДРАЗДЕЛ\b|^\d+\s*-\s*КІШІ\s+БӨЛІМ\b", re.IGNORECASE)),
    (3, re.compile(r"^ГЛАВА\b|^\d+\s*-\s*ТАРАУ\b", re.IGNORECASE)),
    (4, re.compile(r"^ПАРАГРАФ\b|^\d+\s*-\s*ПАРАГРАФ\b|^§\s*\d+", re.IGNORECASE)),
]


@dataclass
class RawArticle:
    """An article as found in one file, before act-level metadata is attached."""

    number: str
    title: str
    path: list[str]
    text: str
    points: list[Point]
    footnotes: list[str]
    repealed: bool
    file: str = ""
    line: int = 0


@dataclass
class _Block:
    text: str
    indent: int


def structure_rank(heading: str) -> int | None:
    """The rank of a structural heading (part, section, chapter, paragraph), or None."""
    for rank, pattern in STRUCTURE:
        if pattern.search(heading):
            return rank
    return None


def parse_article_heading(text: str) -> tuple[str, str] | None:
    """«Статья 28. Содержание трудового договора» / «28-бап. Еңбек шартының мазмұны» → (number, title)."""
    for pattern in (ARTICLE_RU, ARTICLE_KK):
        m = pattern.match(text.strip())
        if m:
            return m.group("num"), m.group("title").strip().rstrip(".").strip()
    return None


def _unwrap(text: str) -> str:
    """Strip quote markers, emphasis stars and surrounding whitespace from a paragraph."""
    text = re.sub(r"^\s*>\s?", "", text, flags=re.MULTILINE).strip()
    if len(text) > 1 and text.startswith("*") and text.endswith("*") and not text.startswith("**"):
        text = text[1:-1].strip()
    return text


def _blocks(lines: list[str]) -> list[_Block]:
    """Group body lines into paragraphs (blank-line separated), remembering indentation."""
    blocks: list[_Block] = []
    current: list[str] = []
    indent = 0
    for line in lines + [""]:
        if line.strip():
            if not current:
                indent = len(line) - len(line.lstrip(" "))
            current.append(line.strip())
        elif current:
            blocks.append(_Block(" ".join(current), indent))
            current = []
    return blocks


def parse_body(lines: list[str]) -> tuple[str, list[Point], list[str]]:
    """Split an article body into (text, points, footnotes).

    Numbered paragraphs «1.» open points, «1)» open sub-points of the current point (or of an
    unnumbered point "" when the article has sub-points but no points, as definitions
    articles often do); unnumbered paragraphs continue the innermost open item, using
    indentation to tell a sub-point's continuation from the point's.
    """
    points: list[Point] = []
    footnotes: list[str] = []
    text_parts: list[str] = []
    current_point: Point | None = None
    current_sub: Point | None = None
    sub_indent = 0
    for block in _blocks(lines):
        raw = block.text
        heading = HEADING.match(raw)
        if heading:  # a point mis-rendered as a heading («##### 3. Часть ...»)
            raw = heading.group("text")
        text = _unwrap(raw)
        if not text:
            continue
        if FOOTNOTE.match(text):
            footnotes.append(text)
            continue
        text_parts.append(text)
        m_point = POINT.match(text)
        m_sub = SUBPOINT.match(text)
        if m_point and block.indent < 3:
            current_point = Point(m_point.group("num"), text)
            points.append(current_point)
            current_sub = None
        elif m_sub:
            if current_point is None:
                current_point = Point("", "")
                points.append(current_point)
            current_sub = Point(m_sub.group("num"), text)
            current_point.subpoints.append(current_sub)
            sub_indent = block.indent
        elif current_sub is not None and (block.indent > sub_indent or current_point is None):
            current_sub.text += "\n" + text
        elif current_point is not None:
            # An unindented paragraph after a list closes the list: it continues the point.
            current_sub = None
            current_point.text = (current_point.text + "\n" + text) if current_point.text else text
        # else: preamble text before any point lives only in the article text
    return "\n".join(text_parts), points, footnotes


def is_repealed(title: str, text: str, footnotes: list[str]) -> bool:
    """An article is repealed when its body is gone (only a footnote says «исключена») or says so itself."""
    if REPEALED.fullmatch(title.strip(" .()")) or re.fullmatch(r"\(?\s*(исключена|алып тасталды)\b.*", title, re.IGNORECASE):
        return True
    body = text.strip()
    if not body:
        return any(REPEALED.search(f) for f in footnotes) or not footnotes
    first = body.split("\n", 1)[0]
    return len(body) < 400 and bool(re.match(r"^(статья\s+)?(исключена|утратила силу)|^(\d+-бап\s+)?алып тасталды", first, re.IGNORECASE))


def parse_markdown(text: str, file: str = "") -> list[RawArticle]:
    """All articles of one markdown file, each with the structural path it sits under."""
    lines = text.splitlines()
    path: dict[int, str] = {}
    articles: list[RawArticle] = []
    current: dict | None = None

    def close() -> None:
        if current is None or current["number"] is None:
            return
        body_text, points, footnotes = parse_body(current["body"])
        title = current["title"]
        articles.append(RawArticle(
            number=current["number"], title=title, path=current["path"], text=body_text, points=points,
            footnotes=footnotes, repealed=is_repealed(title, body_text, footnotes), file=file, line=current["line"],
        ))

    for lineno, line in enumerate(lines, 1):
        anchor = ANCHOR.search(line)
        if anchor:
            close()
            current = {"anchor": anchor.group("num"), "number": None, "title": "", "body": [], "line": lineno,
                       "path": [v for _, v in sorted(path.items())]}
            continue
        heading = HEADING.match(line)
        if heading:
            htext = heading.group("text").strip()
            rank = structure_rank(htext)
            if rank is not None:
                close()
                current = None
                for r in [r for r in path if r >= rank]:
                    del path[r]
                path[rank] = htext
                continue
            parsed = parse_article_heading(htext)
            if parsed and current is not None and current["number"] is None:
                current["number"], current["title"] = parsed
                continue
            if parsed and (current is None or current["number"] is not None):
                # A heading without an anchor still opens an article (older renderings).
                close()
                current = {"anchor": parsed[0], "number": parsed[0], "title": parsed[1], "body": [], "line": lineno,
                           "path": [v for _, v in sorted(path.items())]}
                continue
        if current is not None:
            if current["number"] is None and line.strip():
                # Anchor followed by text that is not an article heading: keep the anchor's number.
                # Some acts set the heading in bold instead of a heading line: «**Статья 1. …**».
                parsed = parse_article_heading(line.strip().lstrip("#").strip().strip("*").strip())
                if parsed:
                    current["number"], current["title"] = parsed
                    continue
                current["number"] = current["anchor"]
            current["body"].append(line)
    close()
    return articles
