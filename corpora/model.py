"""Typed records of the statute corpus: ``Act``, ``Article`` and its nested ``Point``s.

An article of a Kazakhstan code looks like::

    #### Статья 28. Содержание трудового договора
    1. Трудовой договор должен содержать:
       1) реквизиты сторон: ...
       2) работу по определенной специальности ...
    2. В трудовом договоре могут предусматриваться ...

Numbered paragraphs «1.», «2.», «5-1.» are *points* (пункты, тармақ); inside them «1)», «7-1)»
are *sub-points* (подпункты, тармақша), which may hold unnumbered paragraphs. A Russian and
a Kazakh record of one article share ``act_id`` + ``article``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Point:
    """A numbered point («1.») or sub-point («1)»); ``text`` is its own text, children excluded."""

    number: str
    text: str
    subpoints: list["Point"] = field(default_factory=list)

    def full_text(self) -> str:
        """The point with its sub-points, as the law prints it."""
        parts = [self.text] + [sp.full_text() for sp in self.subpoints]
        return "\n".join(p for p in parts if p)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Point":
        return cls(number=d["number"], text=d["text"], subpoints=[cls.from_dict(s) for s in d.get("subpoints", [])])


@dataclass
class Article:
    """One article of one act in one language.

    ``article`` is a string because inserted articles carry a hyphen: "127-1".
    ``text`` is the article body without its heading and without editorial footnotes,
    which live in ``footnotes`` («Сноска. Статья 28 с изменениями ...»).
    """

    act_id: str  # adilet code, e.g. K1500000414
    act_code: str | None  # zan.gov.kz code, e.g. 95666
    lang: str  # "ru" | "kk"
    article: str  # "28", "127-1"
    title: str
    path: list[str]  # section / chapter headings above the article
    text: str
    points: list[Point] = field(default_factory=list)
    repealed: bool = False
    footnotes: list[str] = field(default_factory=list)
    edition_date: str | None = None
    source_url: str | None = None
    short_name: str | None = None  # «ТК РК», for display and chunk prefixes

    @property
    def key(self) -> tuple[str, str]:
        """(act_id, article): the language-independent identity of the article."""
        return (self.act_id, self.article)

    def point(self, number: str) -> Point | None:
        """The point numbered ``number`` («1», «5-1»), or None."""
        for p in self.points:
            if p.number == number:
                return p
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        d = dict(d)
        d["points"] = [Point.from_dict(p) for p in d.get("points", [])]
        return cls(**d)
