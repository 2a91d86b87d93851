"""The ingester on the fixture clone in tests/fixtures/codes (invented texts in the upstream layout)."""
from pathlib import Path

import pytest

from corpora.errors import CorpusError
from corpora.ingest import find_act_folders, ingest, part_files, read_act

FIXTURE = Path(__file__).parent / "fixtures" / "codes"
CODE = FIXTURE / "02-codes" / "2015" / "1123-test-kodeks-99999"


def by_key(articles):
    return {(a.act_id, a.lang, a.article): a for a in articles}


def test_act_ids_are_derived_from_requisites():
    assert read_act(CODE).act_id == "K1500000999"
    assert read_act(FIXTURE / "03-laws" / "2009" / "0101-o-test-11111").act_id == "Z090000123_"


def test_split_act_reads_parts_in_table_order():
    files = [p.name for p in part_files(CODE, "ru")]
    assert files == ["rus.md", "sec001.md", "sec001_002.md"]


def test_ingest_fixture_clone():
    articles, titles = ingest(FIXTURE, progress=False)
    arts = by_key(articles)
    ru = [a.article for a in articles if a.act_id == "K1500000999" and a.lang == "ru"]
    assert ru == ["1", "2", "2-1", "3", "4", "5"]  # 3 repeated by an overlapping part is kept once
    a2 = arts[("K1500000999", "ru", "2")]
    assert a2.title == "Порядок испытания"
    assert a2.path == ["ОБЩАЯ ЧАСТЬ", "РАЗДЕЛ 1. ОБЩИЕ ПОЛОЖЕНИЯ", "Глава 1. ОСНОВНЫЕ ПОЛОЖЕНИЯ"]
    assert [p.number for p in a2.points] == ["1", "2", "2-1"]
    assert [s.number for s in a2.point("2").subpoints] == ["1", "2", "3"]
    assert "дистанционном" in a2.point("2").subpoints[1].text
    assert a2.footnotes and a2.footnotes[0].startswith("Сноска")
    assert a2.edition_date == "2025-01-03" and a2.source_url.endswith("/rus/03.01.2025")
    assert arts[("K1500000999", "ru", "3")].text == "Стороны вправе требовать соблюдения срока."
    assert arts[("K1500000999", "ru", "4")].repealed
    assert not arts[("K1500000999", "ru", "2-1")].repealed
    assert arts[("K1500000999", "ru", "5")].path[-1] == "§ 1. Особые случаи"
    assert [s.number for s in arts[("K1500000999", "ru", "1")].points[0].subpoints] == ["1", "1-1", "2"]
    kk = arts[("K1500000999", "kk", "2")]
    assert kk.title == "Сынақ тәртібі" and kk.path[-1] == "1-тарау. НЕГІЗГІ ЕРЕЖЕЛЕР"
    assert arts[("K1500000999", "kk", "4")].repealed
    assert arts[("Z090000123_", "ru", "2")].repealed
    assert titles[("K1500000999", "kk")] == "Қазақстан Республикасының Сынақ кодексі"


def test_filter_by_act_and_language():
    articles, _ = ingest(FIXTURE, acts=["Z090000123_"], progress=False)
    assert {a.act_id for a in articles} == {"Z090000123_"}
    articles, _ = ingest(FIXTURE, langs=["kk"], progress=False)
    assert {a.lang for a in articles} == {"kk"}
    with pytest.raises(CorpusError, match="K0000000000"):
        ingest(FIXTURE, acts=["K0000000000"], progress=False)


def test_missing_source(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        find_act_folders(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no act folders"):
        find_act_folders(tmp_path)


def _copy_fixture(tmp_path):
    import shutil
    dst = tmp_path / "codes"
    shutil.copytree(FIXTURE, dst)
    return dst / "02-codes" / "2015" / "1123-test-kodeks-99999", dst


def test_missing_part_names_the_file(tmp_path):
    code, root = _copy_fixture(tmp_path)
    (code / "rus" / "sec001_002.md").unlink()
    with pytest.raises(CorpusError, match=r"sec001_002\.md.*missing"):
        ingest(root, progress=False)


def test_non_utf8_file_names_the_file(tmp_path):
    code, root = _copy_fixture(tmp_path)
    (code / "rus" / "sec001.md").write_bytes("Статья 1. Тест".encode("cp1251"))
    with pytest.raises(CorpusError, match=r"sec001\.md: not UTF-8"):
        ingest(root, progress=False)


def test_unknown_layout(tmp_path):
    code, root = _copy_fixture(tmp_path)
    for f in ("rus.md", "kaz.md"):
        (code / f).unlink()
    with pytest.raises(CorpusError, match="unknown layout"):
        ingest(root, progress=False)


def test_bad_requisite(tmp_path):
    code, root = _copy_fixture(tmp_path)
    meta = code / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("act_code: '99999'", "act_code: '1'").replace(
        "Кодекс Республики Казахстан от 23 ноября 2015 года № 999-V ЗРК", "Нечто без даты"), encoding="utf-8")
    with pytest.raises(CorpusError, match="meta.yaml: cannot derive the adilet code"):
        ingest(root, progress=False)


def test_relative_source_through_parent_dir(monkeypatch):
    monkeypatch.chdir(FIXTURE / "02-codes")
    assert len(find_act_folders(Path("..") / ".." / "codes")) == 2
