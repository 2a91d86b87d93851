"""The corpus store: round trip, manifest, atomic replacement."""
import json

import pytest

from corpora.errors import CorpusError
from corpora.model import Article, Point
from corpora.store import load_store, write_store


def _article(num, lang="ru", **kw):
    return Article(act_id="K1500000999", act_code="99999", lang=lang, article=num, title=f"Статья {num}", path=["Глава 1"],
                   text="1. Текст.", points=[Point("1", "1. Текст.", [Point("1", "1) под.")])], **kw)


def test_round_trip_and_manifest(tmp_path):
    arts = [_article("1"), _article("2", repealed=True), _article("1", lang="kk")]
    manifest = write_store(arts, tmp_path / "store", "/src", {("K1500000999", "ru"): "Кодекс"})
    store = load_store(tmp_path / "store")
    assert [a.to_dict() for a in store.articles] == [a.to_dict() for a in arts]
    assert store.get("K1500000999", "1", "kk").lang == "kk"
    assert store.get("K1500000999", "2").repealed
    assert store.get("K1500000999", "9") is None
    ru = next(e for e in manifest["acts"] if e["lang"] == "ru")
    assert ru["articles"] == 2 and ru["repealed"] == 1 and ru["title"] == "Кодекс"
    assert store.content_hash == manifest["content_hash"]
    # same content -> same hash; changed content -> new hash for that act only
    m2 = write_store(arts, tmp_path / "store2", "/src", {})
    assert m2["content_hash"] == manifest["content_hash"]
    arts[0].text = "changed"
    m3 = write_store(arts, tmp_path / "store3", "/src", {})
    h = lambda m, lang: next(e["hash"] for e in m["acts"] if e["lang"] == lang)
    assert h(m3, "ru") != h(manifest, "ru") and h(m3, "kk") == h(manifest, "kk")


def test_failed_write_keeps_old_store(tmp_path, monkeypatch):
    write_store([_article("1")], tmp_path / "s", "/src", {})
    bad = _article("2")
    bad.title = object()  # not serialisable: the write fails midway
    with pytest.raises(TypeError):
        write_store([_article("1"), bad], tmp_path / "s", "/src", {})
    assert [a.article for a in load_store(tmp_path / "s").articles] == ["1"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_missing_or_foreign_store(tmp_path):
    with pytest.raises(CorpusError, match="kzlegal corpus build"):
        load_store(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(CorpusError, match="format 99"):
        load_store(tmp_path)
