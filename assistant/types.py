"""The assistant's public types: an ``Answer`` with its verified ``CitationCheck``s and the ``Source``s used.

These are what ``kzlegal ask --json`` prints and what the app renders; every field is plain data.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The citation status meaning "verified" (the others are those of retrieval.types.Status).
OK = "ok"


@dataclass
class Source:
    """A retrieved article the answer was built from (``score`` is the search score)."""

    act_id: str
    article: str
    title: str
    score: float
    lang: str = "ru"
    short_name: str | None = None
    rank: int = 0
    repealed: bool = False
    snippet: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.act_id, self.article)

    def label(self) -> str:
        """«ст. 28 ТК РК» / «ЕК 28-бап» for display."""
        short = self.short_name or self.act_id
        return f"{short} {self.article}-бап" if self.lang == "kk" else f"ст. {self.article} {short}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CitationCheck:
    """One citation found in the answer and what checking it against the corpus showed.

    ``status`` is "ok" when the act, article (and point) exist and the article is in force;
    otherwise "unknown_act" (also: no act named), "no_such_article", "no_such_point" or "repealed".
    ``retrieved`` says whether the article was among those the answer was built from: an
    article that exists but was not retrieved came from the model's memory, not the sources.
    """

    act_id: str | None
    article: str
    point: str | None = None
    subpoint: str | None = None
    status: str = OK
    retrieved: bool = False
    text: str = ""  # the citation as written in the answer
    message: str = ""
    title: str | None = None
    quote: str | None = None  # the cited point's (or article's) text, when it resolved

    @property
    def verified(self) -> bool:
        return self.status == OK

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """The assistant's reply to one question.

    ``error`` is set (and ``text`` explains it) when generation failed or timed out; the
    retrieved ``sources`` are still there so the user can read the articles themselves.
    ``timings`` are milliseconds per stage plus ``total_ms``.
    """

    question: str
    text: str
    lang: str
    citations: list[CitationCheck] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"
    retrieval: bool = True
    k: int = 5
    error: str | None = None
    prompt_trimmed: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def all_verified(self) -> bool:
        """True when the answer cites something and every citation is ``ok``."""
        return bool(self.citations) and all(c.verified for c in self.citations)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` shape: answer, lang, citations, sources, timings (plus run details)."""
        return {
            "answer": self.text,
            "lang": self.lang,
            "citations": [c.to_dict() for c in self.citations],
            "sources": [s.to_dict() for s in self.sources],
            "timings": dict(self.timings),
            "generator": self.generator,
            "retrieval": self.retrieval,
            "k": self.k,
            "error": self.error,
            "prompt_trimmed": self.prompt_trimmed,
            "question": self.question,
        }
