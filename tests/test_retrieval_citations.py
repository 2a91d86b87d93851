"""The citation parser: real-world forms (ru/kk), enumerations, carry-over, acts, and never raising."""
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.citations import find_citations, name_pattern, split_numbers

TK, KOAP, ZPP, GPK = "K1500000414", "K1400000235", "Z100000274_", "K1500000377"
GK_GENERAL, GK_SPECIAL = "K940001000_", "K990000409_"

# (text, default_act, expected [(act_id, article, point, subpoint), ...])
CASES = [
    ("ст. 28 ТК РК", None, [(TK, "28", None, None)]),
    ("в соответствии со статьей 28 Трудового кодекса Республики Казахстан", None, [(TK, "28", None, None)]),
    ("пп. 1 п. 1 ст. 28 ТК", None, [(TK, "28", "1", "1")]),
    ("подпункт 7) пункта 1 статьи 28", None, [(None, "28", "1", "7")]),
    ("подпункт 7) пункта 1 статьи 28", TK, [(TK, "28", "1", "7")]),
    ("согласно п.3 ст.183 Трудового Кодекса РК", None, [(TK, "183", "3", None)]),
    ("ст.ст. 92, 93 ТК", None, [(TK, "92", None, None), (TK, "93", None, None)]),
    ("статьи 92 и 93", None, [(None, "92", None, None), (None, "93", None, None)]),
    ("пп. 1) и 2) п. 1 ст. 28 ТК", None, [(TK, "28", "1", "1"), (TK, "28", "1", "2")]),
    ("статьи 127-1 Трудового кодекса", None, [(TK, "127-1", None, None)]),
    ("ч. 2 ст. 437 КоАП", None, [(KOAP, "437", "2", None)]),
    ("(ТК ст. 99 п. 1 пп. 3)", None, [(TK, "99", "1", "3")]),
    ("(ЗПП ст. 30 п. 1; ст. 14)", None, [(ZPP, "30", "1", None), (ZPP, "14", None, None)]),
    ("статья 28 настоящего Кодекса", TK, [(TK, "28", None, None)]),
    ("пунктом 2 статьи 5 настоящего Закона", ZPP, [(ZPP, "5", "2", None)]),
    ("Еңбек кодексінің 28-бабы", None, [(TK, "28", None, None)]),
    ("28-баптың 1-тармағы", TK, [(TK, "28", "1", None)]),
    ("28-бабының 1-тармағының 3) тармақшасы", TK, [(TK, "28", "1", "3")]),
    ("ЕК 28-бап", None, [(TK, "28", None, None)]),
    ("Еңбек кодексінің 28-бабына сәйкес", None, [(TK, "28", None, None)]),
    ("осы Кодекстің 28-бабы", TK, [(TK, "28", None, None)]),
    ("ГК ч. Общ. ст. 339 п. 2", None, [(GK_GENERAL, "339", "2", None)]),
    ("(ГК ч. Особ. ст. 1072-1 п. 2)", None, [(GK_SPECIAL, "1072-1", "2", None)]),
    ("(Денсаулық кодексінің 202-бабы 1-тармағы)", None, [("K2000000360", "202", "1", None)]),
    ("(АК 683-бап)", None, [(GK_SPECIAL, "683", None, None)]),
    ("Закон о банках ст. 31 п. 2 пп. 7", None, [("Z950002444_", "31", "2", "7")]),
    ("ГПК ст. 30 ч. 9", None, [(GPK, "30", "9", None)]),
    ("неустойка по ст. 353 ГК", None, [(GK_GENERAL, "353", None, None)]),
    ("ст. 1043 Гражданского кодекса", None, [(GK_SPECIAL, "1043", None, None)]),
    ("НК ст. 723 п. 1", None, [("K2500000214", "723", "1", None)]),
    ("Налогового кодекса 2017 года ст. 5", None, [("K1700000120", "5", None, None)]),
    ("(«Нотариат туралы» Заңның 92-6-бабы 2, 3-тармақтары)", None,
     [("Z970000155_", "92-6", "2", None), ("Z970000155_", "92-6", "3", None)]),
    ("(АК Ерекше бөлім, 686-бап 1-тармақ)", None, [(GK_SPECIAL, "686", "1", None)]),
    ("(ӘҚБтК 826-2-бабы 2-бөлігі)", None, [(KOAP, "826-2", "2", None)]),
    ("(АПК 135-бап 4) тармақша)", None, [(GPK, "135", None, "4")]),
    ("(«Банктер және банк қызметі туралы» Заңның 31-бабы 2-тармағы 7) тармақшасы)", None,
     [("Z950002444_", "31", "2", "7")]),
    ("(ст. 139 п. 1 Кодекса о браке и семье)", None, [("K1100000518", "139", "1", None)]),
    ("ЗПП гл. 7, ст. 41–42", None, [(ZPP, "41", None, None), (ZPP, "42", None, None)]),
    ("(ст. 1074 п. 1–3)", GK_SPECIAL, [(GK_SPECIAL, "1074", "1", None), (GK_SPECIAL, "1074", "2", None),
                                        (GK_SPECIAL, "1074", "3", None)]),
    ("(ЗПП ст. 35 п. 1, п. 2)", None, [(ZPP, "35", "1", None), (ZPP, "35", "2", None)]),
    ("(ТК ст. 52 п. 1 пп. 2, 3)", None, [(TK, "52", "1", "2"), (TK, "52", "1", "3")]),
    ("(Закон о коллекторской деятельности ст. 5 п. 5-1 пп. 5)", None, [("Z1700000062", "5", "5-1", "5")]),
    ("(АППК ст. 92 ч. 1-1)", None, [("K2000000350", "92", "1-1", None)]),
    ("Закону о платежах ст. 5", None, [("Z1600000011", "5", None, None)]),
    ("(ГК ОсЧ ст. 561 п. 1)", None, [(GK_SPECIAL, "561", "1", None)]),
    ("статьей 5 Общей части Гражданского кодекса", None, [(GK_GENERAL, "5", None, None)]),
    ("Закон РК «О защите прав потребителей» ст. 30", None, [(ZPP, "30", None, None)]),
    ("(Әлеуметтік кодекстің 79-бабы 3-тармағы)", None, [("K2300000224", "79", "3", None)]),
    ("(ҚК 190-бабы)", None, [("K1400000226", "190", None, None)]),
    ("пункта 2 настоящей статьи", TK, []),
    ("Срок — 10 дней, 3 месяца и 2 года.", TK, []),
]


@pytest.mark.parametrize("text,default,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_real_world_citations(text, default, expected):
    refs = find_citations(text, default_act=default)
    assert [(r.act_id, r.article, r.point, r.subpoint) for r in refs] == expected


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


def test_span_covers_the_whole_citation():
    text = "Работодатель обязан (пп. 1 п. 1 ст. 28 ТК РК) указать реквизиты."
    (ref,) = find_citations(text)
    assert ref.text == "пп. 1 п. 1 ст. 28 ТК РК" and text[ref.span[0]:ref.span[1]] == ref.text
    assert ref.act_name == "ТК РК"


def test_enumeration_refs_share_the_span():
    refs = find_citations("См. ст.ст. 92, 93 ТК.")
    assert {r.span for r in refs} == {refs[0].span} and refs[0].text == "ст.ст. 92, 93 ТК"


def test_inserted_article_vs_range():
    assert [r.article for r in find_citations("ст. 92-93 ТК")] == ["92-93"]  # hyphen: an inserted number
    assert [r.article for r in find_citations("статьи 92–95 ТК")] == ["92", "93", "94", "95"]
    assert [r.article for r in find_citations("статьи с 92 по 94 ТК")] == ["92", "93", "94"]
    assert [r.article for r in find_citations("статьи 1–405 ГК")] == ["1", "405"]  # too long: the ends only
    assert split_numbers("1) и 2)") == ["1", "2"] and split_numbers("127-1") == ["127-1"]
    # a spaced em dash is the sentence's dash, and «15 рабочих дней» is a quantity
    assert [r.article for r in find_citations("(АППК ст. 76 — 15 рабочих дней)")] == ["76"]


def test_act_carries_over_within_a_paragraph_only():
    text = "Возврат (ЗПП ст. 30 п. 1; ст. 14). Не входит в перечень п. 1 ст. 30.\n\nДругой вопрос: ст. 5."
    refs = find_citations(text)
    assert [(r.act_id, r.article) for r in refs] == [(ZPP, "30"), (ZPP, "14"), (ZPP, "30"), (None, "5")]


def test_act_mentioned_alone_is_carried():
    refs = find_citations("кроме случаев, предусмотренных КоАП (ст. 62 ч. 1).")
    assert [(r.act_id, r.article, r.point) for r in refs] == [(KOAP, "62", "1")]


def test_civil_code_part_is_not_carried():
    refs = find_citations("(ГК ч. Особ. ст. 722 п. 1). Общий срок давности — три года (ст. 178 п. 1).")
    assert [(r.act_id, r.article) for r in refs] == [(GK_SPECIAL, "722"), (GK_GENERAL, "178")]


def test_elliptical_points_refer_to_the_previous_article():
    refs = find_citations("уведомление можно отозвать (ТК ст. 56 п. 4). Срок — не менее месяца (п. 1).")
    assert [(r.act_id, r.article, r.point) for r in refs] == [(TK, "56", "4"), (TK, "56", "1")]
    kk = find_citations("(«Коллекторлық қызмет туралы» Заңның 5-бабы 2-тармағы 2) тармақшасы), үш реттен артық емес (4) тармақша).")
    assert [(r.article, r.point, r.subpoint) for r in kk] == [("5", "2", "2"), ("5", "2", "4")]
    assert find_citations("Смотрите п. 4 и ч. 2.") == []  # nothing to refer to


def test_bare_kazakh_law_takes_the_carried_law_or_the_default():
    text = "(АК Ерекше бөлім, 686-бап 1-тармақ). Жауап мерзімі (Заңның 42-4-бабы)."
    refs = find_citations(text, default_act=ZPP)
    assert [(r.act_id, r.article) for r in refs] == [(GK_SPECIAL, "686"), (ZPP, "42-4")]
    assert find_citations("(Заңның 42-4-бабы)")[0].act_id is None


def test_tax_code_2017_when_the_text_says_so():
    assert find_citations("НК ст. 5")[0].act_id == "K2500000214"
    assert find_citations("Налоговый кодекс 2017 ст. 5")[0].act_id == "K1700000120"
    refs = find_citations("Кодекс «О налогах и других обязательных платежах в бюджет» ст. 5; НК ст. 6")
    assert [r.act_id for r in refs] == ["K1700000120", "K1700000120"]


def test_unknown_act_keeps_its_name():
    (ref,) = find_citations("Закон о туризме ст. 5")
    assert ref.act_id is None and ref.act_name == "Закон о туризме" and ref.article == "5"
    (ref,) = find_citations("«Туризм туралы» Заңның 5-бабы", default_act=TK)
    assert ref.act_id is None and ref.act_name == "«Туризм туралы» Заңның"
    (ref,) = find_citations("ст. 15 Конституции РК", default_act=TK)
    assert ref.act_id is None and ref.act_name == "Конституции РК"


def test_no_act_no_default_gives_none():
    (ref,) = find_citations("ст. 28")
    assert ref.act_id is None and ref.act_name is None


def test_name_patterns_inflect_head_words():
    rx = re.compile(name_pattern("Трудовой кодекс"), re.IGNORECASE)
    for form in ("Трудовому кодексу", "Трудовым Кодексом", "трудового кодекса Республики Казахстан"):
        assert rx.fullmatch(form), form
    kk = re.compile(name_pattern("Тұтынушылардың құқықтарын қорғау туралы заң"), re.IGNORECASE)
    assert kk.fullmatch("Тұтынушылардың құқықтарын қорғау туралы» Заңның")
    abbrev = re.compile(name_pattern("ТК"), re.IGNORECASE)
    assert abbrev.fullmatch("ТК") and not abbrev.fullmatch("тк")


def test_zann_references_agree_with_their_gold_citations(zann_file):
    """Over the open Zann bench: the (act, article) pairs found cover the gold ones."""
    tp = fn = 0
    for line in zann_file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold = {(c["act_id"], c["article"]) for c in row["citations"]}
        found = {(r.act_id, r.article) for r in find_citations(row["reference"])}
        tp += len(gold & found)
        fn += len(gold - found)
    assert tp / (tp + fn) >= 0.9


FRAGMENTS = ["ст.", "ст. 28", "статьи", "п.", "пп.", "1)", "ч. 2", "ТК", "ГК ч. Общ.", "Еңбек кодексінің", "28-бабы",
             "-тармағы", "3) тармақшасы", "настоящего Кодекса", "осы Кодекстің", "«", "»", "(", ")", ";", ",", " и ",
             "–", "-", "127-1", "92–95", "Закон о", "Заңның", "НК 2017", "\n\n", "99999999999", "по", "настоящей статьи"]


def _check(text, refs):
    for r in refs:
        start, end = r.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == r.text
        assert re.fullmatch(r"\d+(?:-\d+)*", r.article)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_random_text(text):
    _check(text, find_citations(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3), st.integers(0, 2000).map(str)), max_size=25),
       st.sampled_from(["", " ", "  "]), st.sampled_from([None, TK, "K0000000000"]))
def test_never_raises_on_citation_fragments(parts, sep, default):
    text = sep.join(parts)
    _check(text, find_citations(text, default_act=default))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=200))
def test_never_raises_on_random_unicode(text):
    _check(text, find_citations(text, default_act=TK))
