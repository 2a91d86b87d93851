"""The public types of retrieval: search hits, citations found in text, and their resolution."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from corpora.model import Article

#: What a resolved citation can turn out to be.
Status = Literal["ok", "unknown_act", "no_such_article", "no_such_point", "repealed"]


@dataclass
class Hit:
    """One article found by search; ``snippet`` is its best-matching chunk."""

    act_id: str
    article: str
    lang: str
    title: str
    score: float
    snippet: str
    short_name: str | None = None
    point: str | None = None  # the point the best chunk came from, when chunked by points
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CitationRef:
    """A citation found in text: «пп. 1 п. 1 ст. 28 ТК РК» → act K1500000414, article 28, point 1, subpoint 1.

    ``act_id`` is None when the text names no act and no default act was given.
    ``span`` is the [start, end) character range of the whole citation in the text.
    ``act_name`` is the act as written («Трудового кодекса», «ЗПП», «Закон о туризме»); for an
    act the registry does not know, ``act_id`` is None and ``act_name`` says what was written.
    """

    article: str
    act_id: str | None = None
    point: str | None = None
    subpoint: str | None = None
    span: tuple[int, int] = (0, 0)
    text: str = ""
    act_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["span"] = list(self.span)
        return d


@dataclass
class Resolution:
    """A citation checked against the corpus: the article (and point) it names, or what is missing."""

    ref: CitationRef
    status: Status
    message: str = ""
    article: Article | None = None
    point_text: str | None = None

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        d = self.ref.to_dict()
        d["citation"] = self.ref.text  # "text" below becomes the article's text when ok
        d["status"] = self.status
        d["message"] = self.message
        if self.article is not None and self.status == "ok":
            d["title"] = self.article.title
            d["lang"] = self.article.lang
            if with_text:
                d["text"] = self.point_text if self.point_text is not None else self.article.text
        return d
