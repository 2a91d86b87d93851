"""The Streamlit app: ask a question, read the answer with every citation marked verified or not,
look up a citation's text. Russian and Kazakh interface.

Run with ``kzlegal app`` (arguments go on to ``streamlit run``), e.g.
``kzlegal app --server.port 8599 --server.headless true``. The assistant (index, corpus store,
generator model) is loaded once per process with ``st.cache_resource``; the config file comes
from ``$KZLEGAL_ASSISTANT_CONFIG`` (set by ``kzlegal app --config``), else configs/assistant.yaml.
Every failure is shown as an error message in the page, never as a crash page.
"""
from __future__ import annotations

import os
from typing import Any

import streamlit as st

UI: dict[str, dict[str, str]] = {
    "ru": {
        "title": "kzlegal — юридический ассистент",
        "subtitle": "Ответы по законодательству Республики Казахстан со ссылками на статьи, проверенными по корпусу.",
        "disclaimer": "Ассистент не является юристом и не даёт юридических консультаций. Ответы составлены автоматически "
                      "по текстам законов и могут быть неполными или устаревшими; перед принятием решений сверяйтесь "
                      "с официальными текстами (adilet.zan.kz) и обращайтесь к юристу.",
        "tab_ask": "Вопрос", "tab_cite": "Поиск статьи по ссылке",
        "question": "Ваш вопрос", "placeholder": "Например: Работник поменял фамилию. Как оформить?",
        "ask": "Спросить", "answer": "Ответ", "citations": "Ссылки в ответе", "sources": "Источники",
        "verified": "проверена", "unverified": "не подтверждена", "not_retrieved": "не из найденных статей",
        "no_citations": "В ответе нет ссылок на статьи.", "no_sources": "Поиск по статьям выключен или ничего не нашёл.",
        "score": "оценка", "settings": "Настройки", "generator": "Генератор", "k": "Сколько статей искать (k)",
        "act": "Акт", "all_acts": "Все акты", "retrieval": "Искать статьи (retrieval)", "ui_lang": "Язык интерфейса",
        "cite_input": "Ссылка на статью", "cite_placeholder": "пп. 1) п. 1 ст. 28 ТК РК", "cite_button": "Найти",
        "cite_none": "Ссылок на статьи в тексте не найдено.", "timings": "Время", "error": "Ошибка",
        "load_error": "Не удалось загрузить ассистента", "status": "статус", "article_text": "Текст статьи",
        "trimmed": "Часть текста статей не поместилась в промпт и отмечена «[…]».",
    },
    "kk": {
        "title": "kzlegal — заң көмекшісі",
        "subtitle": "Қазақстан Республикасының заңнамасы бойынша жауаптар, баптарға сілтемелер корпус бойынша тексерілген.",
        "disclaimer": "Көмекші заңгер емес және заң кеңесін бермейді. Жауаптар заң мәтіндері бойынша автоматты түрде "
                      "құрастырылады, толық емес немесе ескірген болуы мүмкін; шешім қабылдамас бұрын ресми мәтіндермен "
                      "(adilet.zan.kz) салыстырыңыз және заңгерге жүгініңіз.",
        "tab_ask": "Сұрақ", "tab_cite": "Сілтеме бойынша бап іздеу",
        "question": "Сұрағыңыз", "placeholder": "Мысалы: Жұмыскер тегін ауыстырды. Қалай рәсімдеу керек?",
        "ask": "Сұрау", "answer": "Жауап", "citations": "Жауаптағы сілтемелер", "sources": "Дереккөздер",
        "verified": "тексерілді", "unverified": "расталмады", "not_retrieved": "табылған баптардан емес",
        "no_citations": "Жауапта баптарға сілтеме жоқ.", "no_sources": "Баптарды іздеу өшірулі немесе ештеңе табылмады.",
        "score": "баға", "settings": "Баптаулар", "generator": "Генератор", "k": "Қанша бап іздеу (k)",
        "act": "Акт", "all_acts": "Барлық актілер", "retrieval": "Баптарды іздеу (retrieval)", "ui_lang": "Интерфейс тілі",
        "cite_input": "Бапқа сілтеме", "cite_placeholder": "ЕК 28-бабы 1-тармағының 1) тармақшасы", "cite_button": "Табу",
        "cite_none": "Мәтінде баптарға сілтеме табылмады.", "timings": "Уақыт", "error": "Қате",
        "load_error": "Көмекшіні жүктеу мүмкін болмады", "status": "күйі", "article_text": "Бап мәтіні",
        "trimmed": "Баптар мәтінінің бір бөлігі промптқа сыймады және «[…]» белгісімен көрсетілген.",
    },
}
LANG_LABELS = {"ru": "Русский", "kk": "Қазақша"}
GENERATORS = ("extractive", "hf", "openai")


@st.cache_resource(show_spinner=False)
def get_assistant(config_path: str | None, generator: str, home: str) -> Any:
    """One assistant per (config, generator, $KZLEGAL_HOME) per process: the index, store and model load once."""
    from assistant.pipeline import load_assistant

    assistant = load_assistant(config_path, {"generator": generator})
    if assistant.config.retrieval:
        _ = assistant.searcher  # load the index now, not on the first question (an assignment: no st "magic")
    return assistant


def config_path() -> str | None:
    return os.environ.get("KZLEGAL_ASSISTANT_CONFIG") or None


def citation_label(c: Any, t: dict[str, str]) -> str:
    """«✅ пп. 1) п. 1 ст. 28 ТК РК — проверена» / «❌ ст. 999 ТК РК — не подтверждена (no_such_article)»."""
    ref = c.text or f"{c.act_id} ст. {c.article}"
    if c.status == "ok":
        extra = "" if c.retrieved else f"; {t['not_retrieved']}"
        return f"✅ {ref} — {t['verified']}{extra}"
    return f"❌ {ref} — {t['unverified']} ({c.status})"


def render_answer(answer: Any, t: dict[str, str]) -> None:
    """The answer, its citations (expandable to the cited text) and the sources with scores."""
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t["answer"])
        if answer.error:
            st.error(answer.text)
        else:
            st.markdown(answer.text.replace("\n", "  \n"))
        if answer.prompt_trimmed and answer.generator != "extractive":
            st.caption(t["trimmed"])
        st.subheader(t["citations"])
        if not answer.citations:
            st.caption(t["no_citations"])
        for c in answer.citations:
            with st.expander(citation_label(c, t)):
                if c.title:
                    st.markdown(f"**{c.title}**")
                if c.quote:
                    st.text(c.quote)
                elif c.message:
                    st.caption(c.message)
        timings = ", ".join(f"{k.removesuffix('_ms')} {v:.0f} ms" for k, v in answer.timings.items())
        st.caption(f"{t['timings']}: {timings} · {answer.generator}, k={answer.k}")
    with right:
        st.subheader(t["sources"])
        if not answer.sources:
            st.caption(t["no_sources"])
        for s in answer.sources:
            with st.expander(f"{s.rank}. {s.label()} — {s.title} ({t['score']} {s.score:.4f})"):
                st.text(s.snippet)


def render_lookup(assistant: Any, t: dict[str, str], lang: str) -> None:
    """The citation-lookup tab: paste «пп. 1 п. 1 ст. 28 ТК РК», get the text."""
    text = st.text_input(t["cite_input"], placeholder=t["cite_placeholder"], key="cite_text")
    if st.button(t["cite_button"], key="cite_button") and text.strip():
        from corpora.errors import KzlegalError

        try:
            resolutions = assistant.lookup(text, lang=lang)
        except KzlegalError as exc:
            st.error(f"{t['error']}: {exc}")
            return
        if not resolutions:
            st.warning(t["cite_none"])
        for r in resolutions:
            head = f"{'✅' if r.status == 'ok' else '❌'} {r.ref.text} — {t['status']}: {r.status}"
            if r.article is not None:
                st.markdown(f"**{head}** · {r.article.title}")
                st.text(r.point_text if r.point_text is not None else r.article.text)
            else:
                st.markdown(f"**{head}**")
                if r.message:
                    st.caption(r.message)


def main() -> None:
    st.set_page_config(page_title="kzlegal", page_icon="⚖️", layout="wide")
    ui_lang = st.sidebar.radio("Язык / Тіл", list(LANG_LABELS), format_func=LANG_LABELS.get, horizontal=True, key="ui_lang")
    t = UI[ui_lang]
    st.title(t["title"])
    st.caption(t["subtitle"])
    st.warning(t["disclaimer"], icon="⚖️")

    st.sidebar.header(t["settings"])
    try:
        from assistant.config import load_assistant_config

        defaults = load_assistant_config(config_path())
    except Exception as exc:  # a broken config file: say so in the page
        st.error(f"{t['load_error']}: {exc}")
        return
    generator = st.sidebar.selectbox(t["generator"], GENERATORS, index=GENERATORS.index(defaults.generator), key="generator")
    k = st.sidebar.slider(t["k"], 1, 20, min(defaults.k, 20), key="k")
    retrieval = st.sidebar.checkbox(t["retrieval"], value=defaults.retrieval, key="retrieval")

    try:
        with st.spinner("…"):
            from corpora.settings import home_dir

            assistant = get_assistant(config_path(), generator, str(home_dir().resolve()))
        acts = sorted(assistant.store.act_ids())
    except Exception as exc:  # missing index, missing model: the page stays up and says what to do
        st.error(f"{t['load_error']}: {exc}")
        return
    act_names = {a: _act_title(a, ui_lang) for a in acts}
    options = [""] + acts
    default_act = defaults.act if defaults.act in acts else ""
    act = st.sidebar.selectbox(t["act"], options, index=options.index(default_act),
                               format_func=lambda a: act_names.get(a, t["all_acts"]) if a else t["all_acts"], key="act")

    tab_ask, tab_cite = st.tabs([t["tab_ask"], t["tab_cite"]])
    with tab_ask:
        question = st.text_area(t["question"], placeholder=t["placeholder"], key="question", height=100)
        if st.button(t["ask"], type="primary", key="ask"):
            from corpora.errors import KzlegalError

            try:
                with st.spinner("…"):
                    st.session_state["answer"] = assistant.answer(question, k=k, act=act or "", retrieval=retrieval)
            except KzlegalError as exc:
                st.session_state.pop("answer", None)
                st.error(f"{t['error']}: {exc}")
            except Exception as exc:  # never a crash page
                st.session_state.pop("answer", None)
                st.error(f"{t['error']}: {type(exc).__name__}: {exc}")
        if "answer" in st.session_state:
            render_answer(st.session_state["answer"], t)
    with tab_cite:
        try:
            render_lookup(assistant, t, ui_lang)
        except Exception as exc:
            st.error(f"{t['error']}: {type(exc).__name__}: {exc}")


def _act_title(act_id: str, lang: str) -> str:
    from corpora.registry import act_by_id

    act = act_by_id(act_id)
    return f"{act.short(lang)} — {act.title(lang)}" if act else act_id


if __name__ == "__main__":
    main()
