"""``kzlegal ask``, ``kzlegal chat`` and ``kzlegal app``.

Imports stay inside the commands: ``kzlegal ask`` with the extractive generator must start,
search and answer in well under two seconds, so nothing heavy is imported on its path.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from assistant.config import GENERATORS

STATUS_MARK = {"ok": "✓"}
LABELS = {
    "ru": {"citations": "Цитируемые статьи", "sources": "Источники", "none": "(ссылок нет)", "retrieved": "найдена поиском",
           "not_retrieved": "не из найденных статей"},
    "kk": {"citations": "Сілтеме жасалған баптар", "sources": "Дереккөздер", "none": "(сілтеме жоқ)",
           "retrieved": "іздеуде табылған", "not_retrieved": "табылған баптардан емес"},
}


def _overrides(generator, adapter, k, act, no_retrieval, overrides) -> dict:
    from corpora.settings import parse_overrides

    values = parse_overrides(overrides)
    if generator:
        values["generator"] = generator
    if adapter:
        values["adapter"] = str(adapter)
        values.setdefault("generator", "hf")
    if k is not None:
        values["k"] = k
    if act:
        values["act"] = act
    if no_retrieval:
        values["retrieval"] = False
    return values


def _citation_line(c, lang: str) -> str:
    labels = LABELS.get(lang, LABELS["ru"])
    where = labels["retrieved"] if c.retrieved else labels["not_retrieved"]
    mark = STATUS_MARK.get(c.status, "✗")
    ref = " ".join(x for x in (c.act_id or "?", f"ст. {c.article}", f"п. {c.point}" if c.point else "",
                               f"пп. {c.subpoint}" if c.subpoint else "") if x)
    title = f" — {c.title}" if c.title else ""
    note = f" ({c.message})" if c.status != "ok" and c.message else ""
    return f"  {mark} {c.text or ref}  [{ref}; {c.status}; {where}]{title}{note}"


def render_answer(answer) -> str:
    """A readable answer: the text, the cited articles with their status, then the sources with scores."""
    labels = LABELS.get(answer.lang, LABELS["ru"])
    out = [answer.text, ""]
    out.append(f"{labels['citations']}:")
    out += [_citation_line(c, answer.lang) for c in answer.citations] or [f"  {labels['none']}"]
    if answer.sources:
        out.append(f"{labels['sources']}:")
        for s in answer.sources:
            out.append(f"  {s.rank}. {s.label()} — {s.title}  (score {s.score:.4f})")
    t = answer.timings
    out.append(f"[{answer.generator}, k={answer.k}{'' if answer.retrieval else ', no retrieval'}, "
               f"{t.get('total_ms', 0):.0f} ms]")
    return "\n".join(out)


@click.command()
@click.argument("question")
@click.option("--generator", type=click.Choice(GENERATORS), help="extractive (default, no LLM) | hf | openai.")
@click.option("--adapter", type=click.Path(path_type=Path), help="A `kzlegal train` run directory (implies --generator hf).")
@click.option("-k", "k", type=int, help="Articles to retrieve (default 5).")
@click.option("--act", help="Restrict retrieval to one act, e.g. K1500000414.")
@click.option("--no-retrieval", is_flag=True, help="The model answers alone (ablation).")
@click.option("--lang", type=click.Choice(["ru", "kk"]), help="Answer language (default: the question's).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="YAML config (default: configs/assistant.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--stream/--no-stream", default=True, help="Print generated text as it comes (hf, openai; not with --json).")
@click.argument("overrides", nargs=-1)
def ask(question, generator, adapter, k, act, no_retrieval, lang, config_path, as_json, stream, overrides) -> None:
    """Answer QUESTION with cited articles, every citation checked against the corpus.

    Example: kzlegal ask "Работник поменял фамилию. Как оформить?" --json
    """
    from assistant.pipeline import load_assistant

    assistant = load_assistant(config_path, _overrides(generator, adapter, k, act, no_retrieval, overrides))
    streaming = stream and not as_json and assistant.config.generator != "extractive" and sys.stdout.isatty()
    on_text = (lambda piece: click.echo(piece, nl=False)) if streaming else None
    answer = assistant.answer(question, lang=lang, on_text=on_text)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        if streaming:
            click.echo("\n")
        click.echo(render_answer(answer))
    if answer.error:
        sys.exit(1)


CHAT_HELP = """Commands: /sources — articles of the last answer; /cite TEXT — look up a citation («/cite ст. 28 ТК РК»);
/lang ru|kk|auto — answer language; /k N — articles per question; /retrieval on|off; /clear — forget the history;
/help; /quit (or Ctrl-D)."""


@click.command()
@click.option("--generator", type=click.Choice(GENERATORS))
@click.option("--adapter", type=click.Path(path_type=Path))
@click.option("-k", "k", type=int)
@click.option("--act")
@click.option("--no-retrieval", is_flag=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path))
@click.argument("overrides", nargs=-1)
def chat(generator, adapter, k, act, no_retrieval, config_path, overrides) -> None:
    """Interactive terminal chat (history, /sources, /cite ст. 28 ТК РК, /lang kk). /help lists the commands."""
    from assistant.chat import ChatSession

    from assistant.pipeline import load_assistant

    session = ChatSession(load_assistant(config_path, _overrides(generator, adapter, k, act, no_retrieval, overrides)))
    click.echo("kzlegal chat — " + CHAT_HELP.splitlines()[0].split(";")[0] + "; /help for more.")
    while True:
        try:
            line = input("› ")
        except (EOFError, KeyboardInterrupt):
            click.echo("")
            break
        reply = session.handle(line)
        if reply is None:
            break
        if reply:
            click.echo(reply)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Assistant YAML config for the app.")
@click.argument("streamlit_args", nargs=-1, type=click.UNPROCESSED)
def app(config_path, streamlit_args) -> None:
    """Start the Streamlit app; further arguments go to `streamlit run` (e.g. --server.port 8599 --server.headless true)."""
    try:
        import streamlit  # noqa: F401
    except ImportError as exc:
        from corpora.errors import KzlegalError

        raise KzlegalError("the app needs streamlit: pip install -e '.[app]'") from exc
    script = Path(__file__).with_name("app.py")
    env = dict(os.environ)
    if config_path:
        env["KZLEGAL_ASSISTANT_CONFIG"] = str(Path(config_path).resolve())
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), *streamlit_args]
    # exec, not a child process: a signal to `kzlegal app` (Ctrl-C, a supervisor's SIGTERM) reaches
    # streamlit itself instead of leaving it running as an orphan
    os.execve(sys.executable, cmd, env)
