"""The Streamlit app's logic with Streamlit's AppTest (no browser): ask, citations, lookup, errors."""
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from assistant.testing import build_test_home  # noqa: E402

APP = str(Path(__file__).resolve().parents[1] / "assistant" / "app.py")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_test_home(tmp_path_factory.mktemp("assistant-app-home"))


@pytest.fixture
def app(home, monkeypatch):
    monkeypatch.setenv("KZLEGAL_HOME", str(home))
    monkeypatch.delenv("KZLEGAL_ASSISTANT_CONFIG", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at):
    return [m.value for m in at.markdown] + [e.label for e in at.expander]


def test_page_has_disclaimer_sidebar_and_tabs(app):
    assert "не является юристом" in app.warning[0].value
    assert [t.label for t in app.tabs] == ["Вопрос", "Поиск статьи по ссылке"]
    assert app.sidebar.selectbox(key="generator").value == "extractive"
    assert app.sidebar.slider(key="k").value == 5
    assert app.sidebar.checkbox(key="retrieval").value is True


def test_question_gives_answer_with_verified_citations_and_sources(app):
    app.text_area(key="question").input("Работник поменял фамилию. Как оформить?")
    app.button(key="ask").click()
    app.run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert any(label.startswith("✅") and "проверена" in label for label in labels)
    assert any("оценка" in label for label in labels)  # the sources panel with scores
    assert any("ст. 28 ТК РК" in m.value or "ст. 33 ТК РК" in m.value for m in app.markdown)


def test_kazakh_interface(app):
    app.sidebar.radio(key="ui_lang").set_value("kk")
    app.run()
    assert [t.label for t in app.tabs] == ["Сұрақ", "Сілтеме бойынша бап іздеу"]
    app.text_area(key="question").input("Жұмыскердің тегі өзгерді, не істеу керек?")
    app.button(key="ask").click()
    app.run()
    assert any(e.label.startswith("✅") and "тексерілді" in e.label for e in app.expander)


def test_empty_question_shows_an_error_not_a_crash(app):
    app.text_area(key="question").input("   ")
    app.button(key="ask").click()
    app.run()
    assert not app.exception
    assert any("question is empty" in e.value for e in app.error)


def test_citation_lookup_tab(app):
    app.text_input(key="cite_text").input("пп. 1 п. 1 ст. 28 ТК РК, ст. 999 ТК РК")
    app.button(key="cite_button").click()
    app.run()
    assert not app.exception
    heads = [m.value for m in app.markdown]
    assert any("✅" in h and "ok" in h for h in heads)
    assert any("❌" in h and "no_such_article" in h for h in heads)
    assert any("фамилия" in t.value for t in app.text)


def test_missing_index_is_shown_as_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KZLEGAL_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert any("index build" in e.value for e in at.error)
