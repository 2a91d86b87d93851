"""The acts registry (``acts.yaml``) and the adilet code of any act of a clone.

adilet codes look like ``K1500000414``: a letter for the kind of act (K code, Z law,
U decree, P government decree), two digits of the year, then the act number padded
to 8 digits; acts adopted before 2011 use 7 digits and a trailing underscore
(``Z100000274_``, ``K990000409_``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).with_name("acts.yaml")

_MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6,
    "июля": 7, "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
_KIND_LETTER = {"кодекс": "K", "закон": "Z", "указ": "U", "постановление": "P", "конституционный закон": "Z"}


@dataclass(frozen=True)
class Act:
    """A supported act: its codes, titles and the names people cite it by."""

    act_id: str
    title_ru: str
    title_kk: str
    short_ru: str
    short_kk: str
    act_code: str | None = None
    adopted: str | None = None
    number: str | None = None
    in_force_from: str | None = None
    in_force_until: str | None = None
    names: tuple[str, ...] = field(default_factory=tuple)

    def short(self, lang: str) -> str:
        return self.short_kk if lang == "kk" else self.short_ru

    def title(self, lang: str) -> str:
        return self.title_kk if lang == "kk" else self.title_ru


@lru_cache(maxsize=1)
def load_registry() -> dict[str, Act]:
    """All registry acts by adilet code."""
    entries = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    acts: dict[str, Act] = {}
    for entry in entries:
        entry = {k: (str(v) if k in ("adopted", "in_force_from", "in_force_until", "number", "act_code") and v is not None else v)
                 for k, v in entry.items()}
        entry["names"] = tuple(entry.get("names", ()))
        acts[entry["act_id"]] = Act(**entry)
    return acts


def act_by_id(act_id: str) -> Act | None:
    return load_registry().get(act_id)


def act_by_zan_code(act_code: str) -> Act | None:
    for act in load_registry().values():
        if act.act_code == str(act_code):
            return act
    return None


_REQUISITE = re.compile(
    r"^(?P<kind>Конституционный закон|Кодекс|Закон|Указ[^о]*?|Постановление)\b.*?"
    r"от\s+(?P<day>\d{1,2})\s+(?P<month>[а-я]+)\s+(?P<year>\d{4})\s+года\s+№\s*(?P<number>\d+)",
    re.IGNORECASE,
)


def adilet_code_from_requisite(requisite: str) -> str | None:
    """Derive the adilet code from a ``meta.yaml`` requisite.

    «Кодекс Республики Казахстан от 23 ноября 2015 года № 414-V ЗРК» → ``K1500000414``;
    «Закон Республики Казахстан от 4 мая 2010 года № 274-IV» → ``Z100000274_``.
    Returns None when the requisite is not of that shape.
    """
    m = _REQUISITE.search(requisite.strip())
    if not m:
        return None
    kind = m.group("kind").lower()
    letter = next((v for k, v in _KIND_LETTER.items() if kind.startswith(k)), None)
    if letter is None:
        return None
    year = int(m.group("year"))
    number = int(m.group("number"))
    yy = f"{year % 100:02d}"
    if year >= 2011:
        return f"{letter}{yy}{number:08d}"
    return f"{letter}{yy}{number:07d}_"
