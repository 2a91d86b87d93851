"""Reading evaluation inputs: JSONL files of predictions or labelled questions.

A predictions file has one JSON object per line::

    {"id": "17", "prediction": "…", "reference": "…", "question": "…", "lang": "ru", "domain": "tax"}

(``question``, ``lang``, ``domain`` optional; ``category`` is accepted for ``domain`` as in the
Zann-Bench files; optional ``citations`` [{"act_id", "article"}] are the gold articles, ``given``
the same shape for the articles put in the model's prompt, ``act`` a default act id for bare «ст. 28»).

A questions file (retrieval) has ``id``, ``question`` and a ``citations`` list (Zann-Bench has
a few items with an empty list — fact-extraction tasks — which retrieval scoring skips).
Any malformed line is a :class:`KzlegalError` naming the file and line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from corpora.errors import KzlegalError
from corpora.jsonl import read_jsonl  # noqa: F401  (re-exported for evaluation modules)

#: Letters of the Kazakh Cyrillic alphabet that Russian does not have.
KAZAKH_LETTERS = frozenset("әғқңөұүһі")


def detect_lang(text: str) -> str:
    """"kk" when the text has any Kazakh-only letter (әғқңөұүһі, either case), else "ru"."""
    return "kk" if any(ch in KAZAKH_LETTERS for ch in text.lower()) else "ru"


def _require_str(obj: dict[str, Any], field: str, where: str, allow_empty: bool = True) -> str:
    if field not in obj:
        raise KzlegalError(f"{where}: missing field {field!r}")
    value = obj[field]
    if not isinstance(value, str):
        raise KzlegalError(f"{where}: field {field!r} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise KzlegalError(f"{where}: field {field!r} is empty")
    return value


def _optional_str(obj: dict[str, Any], field: str, where: str) -> str | None:
    value = obj.get(field)
    if value is not None and not isinstance(value, str):
        raise KzlegalError(f"{where}: field {field!r} must be a string, got {type(value).__name__}")
    return value


def _labels(obj: dict[str, Any], field: str, where: str, required: bool) -> list[dict[str, str]] | None:
    """A list of {"act_id", "article"} labels, articles as strings («127-1»)."""
    if field not in obj or obj[field] is None:
        if required:
            raise KzlegalError(f"{where}: missing field {field!r}")
        return None
    value = obj[field]
    if not isinstance(value, list):
        raise KzlegalError(f"{where}: field {field!r} must be a list of {{act_id, article}}")
    out = []
    for i, label in enumerate(value):
        if not isinstance(label, dict) or not label.get("act_id") or label.get("article") in (None, ""):
            raise KzlegalError(f"{where}: {field}[{i}] must be an object with 'act_id' and 'article'")
        out.append({"act_id": str(label["act_id"]), "article": str(label["article"])})
    return out


def _id(obj: dict[str, Any], where: str) -> str:
    if "id" not in obj or obj["id"] is None or isinstance(obj["id"], (dict, list)):
        raise KzlegalError(f"{where}: missing field 'id'")
    return str(obj["id"])


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    """The predictions of a run, validated; ``lang`` filled by :func:`detect_lang` where absent."""
    items = []
    for lineno, obj in read_jsonl(path):
        where = f"{path}:{lineno}"
        prediction = _require_str(obj, "prediction", where)
        reference = _require_str(obj, "reference", where)
        question = _optional_str(obj, "question", where)
        lang = _optional_str(obj, "lang", where) or detect_lang(question or reference)
        items.append({
            "id": _id(obj, where),
            "prediction": prediction,
            "reference": reference,
            "question": question,
            "lang": lang,
            "domain": _optional_str(obj, "domain", where) or _optional_str(obj, "category", where),
            "citations": _labels(obj, "citations", where, required=False),
            "given": _labels(obj, "given", where, required=False),
            "act": _optional_str(obj, "act", where),
            "gen_time": obj.get("gen_time") if isinstance(obj.get("gen_time"), (int, float)) else None,
        })
    if not items:
        raise KzlegalError(f"{path}: no predictions in file")
    return items


def load_questions(path: str | Path) -> list[dict[str, Any]]:
    """Questions labelled with the articles a correct answer must cite (e.g. zann-bench-open.jsonl)."""
    items = []
    for lineno, obj in read_jsonl(path):
        where = f"{path}:{lineno}"
        question = _require_str(obj, "question", where, allow_empty=False)
        items.append({
            "id": _id(obj, where),
            "question": question,
            "lang": _optional_str(obj, "lang", where) or detect_lang(question),
            "domain": _optional_str(obj, "domain", where) or _optional_str(obj, "category", where),
            "citations": _labels(obj, "citations", where, required=True),
        })
    if not items:
        raise KzlegalError(f"{path}: no questions in file")
    return items
