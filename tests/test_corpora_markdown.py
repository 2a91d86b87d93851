"""The markdown parser on hand-written fixtures: anchors, headings, points, footnotes, repeals."""
from corpora.markdown import is_repealed, parse_article_heading, parse_body, parse_markdown, structure_rank


def test_article_headings_ru_and_kk():
    assert parse_article_heading("Статья 28. Содержание трудового договора") == ("28", "Содержание трудового договора")
    assert parse_article_heading("Статья 127-1. Вставная статья") == ("127-1", "Вставная статья")
    assert parse_article_heading("28-бап. Еңбек шартының мазмұны") == ("28", "Еңбек шартының мазмұны")
    assert parse_article_heading("127-1-бап. Қосылған бап") == ("127-1", "Қосылған бап")
    assert parse_article_heading("Глава 4. ТРУДОВОЙ ДОГОВОР") is None


def test_structure_ranks():
    assert structure_rank("ОСОБЕННАЯ ЧАСТЬ") == 0
    assert structure_rank("РАЗДЕЛ 2. ТРУДОВЫЕ ОТНОШЕНИЯ") == 1
    assert structure_rank("2-БӨЛІМ. ЕҢБЕК ҚАТЫНАСТАРЫ") == 1
    assert structure_rank("Глава 4. ТРУДОВОЙ ДОГОВОР") == 3
    assert structure_rank("4-тарау. ЕҢБЕК ШАРТЫ") == 3
    assert structure_rank("§ 2. Договорный режим") == 4
    assert structure_rank("Статья 4. Ответственность") is None


def test_points_subpoints_and_continuations():
    body = """
1. Договор должен содержать:

   1) реквизиты сторон:

      фамилию, имя;

      адрес;

   2) срок.

   Договор подписывается.

2. Иные условия.

*Сноска. Статья с изменениями.*
""".splitlines()
    text, points, footnotes = parse_body(body)
    assert [p.number for p in points] == ["1", "2"]
    subs = points[0].subpoints
    assert [s.number for s in subs] == ["1", "2"]
    assert "фамилию, имя;" in subs[0].text and "адрес;" in subs[0].text
    assert "Договор подписывается." in points[0].text  # unindented paragraph closes the list
    assert "Договор подписывается." not in subs[1].text
    assert footnotes == ["Сноска. Статья с изменениями."]
    assert "Сноска" not in text


def test_subpoints_without_points_go_under_an_unnumbered_point():
    text, points, _ = parse_body(["Понятия:", "", "1) первое;", "", "1-1) вставное;", "", "2) второе."])
    assert len(points) == 1 and points[0].number == ""
    assert [s.number for s in points[0].subpoints] == ["1", "1-1", "2"]


def test_deep_and_inserted_points():
    text, points, _ = parse_body(["5. Пятый.", "", "5-1. Вставной.", "", "   7-2) вставной подпункт."])
    assert [p.number for p in points] == ["5", "5-1"]
    assert points[1].subpoints[0].number == "7-2"


def test_repealed_rules():
    assert is_repealed("Исключена", "", ["Сноска. Статья 2 исключена Законом РК"])
    assert is_repealed("Ответственность", "", ["Сноска. Статья 4 исключена Законом РК"])
    assert is_repealed("Жауапкершілік", "", ["Ескерту. 4-бап алып тасталды – ҚР Заңымен."])
    assert not is_repealed("Права", "Стороны вправе требовать соблюдения срока.", [])
    assert not is_repealed("Права", "1. Лицо исключается из списка по заявлению.", ["Сноска. Статья с изменениями."])


def test_parse_markdown_paths_anchors_and_headings_without_anchor():
    md = """## ОБЩАЯ ЧАСТЬ

### Глава 1. ПЕРВАЯ

<a id="st1"></a>

#### Статья 1. Первая

Текст первой.

### Глава 2. ВТОРАЯ

#### Статья 2. Без якоря

1. Текст второй.

##### 2. Пункт, ошибочно свёрстанный заголовком.
"""
    arts = parse_markdown(md, "x.md")
    assert [a.number for a in arts] == ["1", "2"]
    assert arts[0].path == ["ОБЩАЯ ЧАСТЬ", "Глава 1. ПЕРВАЯ"]
    assert arts[1].path == ["ОБЩАЯ ЧАСТЬ", "Глава 2. ВТОРАЯ"]
    assert [p.number for p in arts[1].points] == ["1", "2"]


def test_bold_heading_after_anchor():
    arts = parse_markdown('<a id="st1"></a>\n\n**Статья 1. Сфера действия**\n\nТекст статьи.\n', "x.md")
    assert [(a.number, a.title, a.text) for a in arts] == [("1", "Сфера действия", "Текст статьи.")]
