"""The LangChain retriever returns Documents with the article's identity in metadata."""
from langchain_core.retrievers import BaseRetriever

from corpora.store import load_store
from retrieval.config import RetrievalConfig
from retrieval.embedders import HashEmbedder
from retrieval.index import build_index
from retrieval.langchain import KzlegalRetriever
from retrieval.search import Searcher

from retrieval_corpus import CONSUMER, write_corpus


def test_retriever_returns_documents_with_article_metadata(tmp_path):
    store = load_store(write_corpus(tmp_path / "corpus"))
    data, _ = build_index(store, RetrievalConfig(), HashEmbedder(64))
    retriever = KzlegalRetriever(searcher=Searcher(data, HashEmbedder(64), RetrievalConfig(), store=store), k=2, act=CONSUMER)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("вернуть товар надлежащего качества")
    assert 1 <= len(docs) <= 2
    assert docs[0].metadata["act_id"] == CONSUMER and docs[0].metadata["article"] == "30"
    assert {"lang", "title", "score", "rank"} <= set(docs[0].metadata)
    assert "четырнадцати" in docs[0].page_content
