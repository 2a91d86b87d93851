"""A LangChain retriever over :class:`retrieval.search.Searcher`.

Each hit becomes a ``Document`` whose ``page_content`` is the matching chunk (the snippet) and
whose metadata names the article: ``act_id``, ``article``, ``lang``, ``title``, ``short_name``,
``point``, ``score`` and ``rank``.
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from retrieval.types import Hit


def hit_to_document(hit: Hit) -> Document:
    """One search hit as a LangChain ``Document`` (snippet as content, article identity as metadata)."""
    meta = hit.to_dict()
    content = meta.pop("snippet")
    return Document(page_content=content, metadata=meta)


class KzlegalRetriever(BaseRetriever):
    """``BaseRetriever`` running the hybrid search; filters as in ``Searcher.search``.

    >>> retriever = KzlegalRetriever(searcher=Searcher.load(), k=5, act="K1500000414")
    >>> retriever.invoke("Сколько дней ежегодного отпуска?")  # doctest: +SKIP
    """

    searcher: Any
    k: int = 10
    act: str | list[str] | None = None
    lang: str | None = None
    include_repealed: bool = False

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.searcher.search(query, k=self.k, act=self.act, lang=self.lang, include_repealed=self.include_repealed)
        return [hit_to_document(h) for h in hits]
