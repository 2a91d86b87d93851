"""The terminal chat's state and commands, kept apart from input/output so it can be tested line by line."""
from __future__ import annotations

from assistant.pipeline import Assistant


class ChatSession:
    """One conversation: history of (question, answer) turns, the last answer's sources, language and k."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.history: list[tuple[str, str]] = []
        self.last = None
        self.lang: str | None = None  # None: the question's own language
        self.k = assistant.config.k
        self.retrieval = assistant.config.retrieval

    def handle(self, line: str) -> str | None:
        """The reply to one input line; None means the user wants to leave."""
        from corpora.errors import KzlegalError

        from assistant.commands import CHAT_HELP, render_answer

        line = line.strip()
        if not line:
            return ""
        if line.startswith("/"):
            command, _, arg = line[1:].partition(" ")
            arg = arg.strip()
            try:
                return self.command(command.lower(), arg, CHAT_HELP)
            except KzlegalError as exc:
                return f"error: {exc}"
        try:
            answer = self.assistant.answer(line, k=self.k, retrieval=self.retrieval, history=self.history, lang=self.lang)
        except KzlegalError as exc:
            return f"error: {exc}"
        self.last = answer
        if answer.ok:
            self.history = (self.history + [(answer.question, answer.text)])[-self.assistant.config.history_turns:]
        return render_answer(answer)

    def command(self, command: str, arg: str, help_text: str) -> str | None:
        if command in ("quit", "exit", "q"):
            return None
        if command == "help":
            return help_text
        if command == "sources":
            if self.last is None or not self.last.sources:
                return "(no sources yet: ask a question first)"
            return "\n".join(f"{s.rank}. {s.label()} — {s.title}  (score {s.score:.4f})\n   {s.snippet[:300]}"
                             for s in self.last.sources)
        if command == "cite":
            resolutions = self.assistant.lookup(arg, lang=self.lang)
            if not resolutions:
                return f"no citation found in «{arg}» (try «пп. 1) п. 1 ст. 28 ТК РК»)"
            out = []
            for r in resolutions:
                head = f"{'✓' if r.status == 'ok' else '✗'} {r.ref.text}: {r.status}"
                if r.article is not None:
                    head += f" — {r.article.title}"
                    body = r.point_text if r.point_text is not None else r.article.text
                    out.append(head + "\n" + body)
                else:
                    out.append(head + (f" ({r.message})" if r.message else ""))
            return "\n\n".join(out)
        if command == "lang":
            if arg not in ("ru", "kk", "auto"):
                return "usage: /lang ru|kk|auto"
            self.lang = None if arg == "auto" else arg
            return f"answer language: {arg}"
        if command == "k":
            if not arg.isdigit() or not 1 <= int(arg) <= 50:
                return "usage: /k N (1..50)"
            self.k = int(arg)
            return f"k = {self.k}"
        if command == "retrieval":
            if arg not in ("on", "off"):
                return "usage: /retrieval on|off"
            self.retrieval = arg == "on"
            return f"retrieval {arg}"
        if command == "clear":
            self.history = []
            return "history cleared"
        return f"unknown command /{command}; /help lists them"
