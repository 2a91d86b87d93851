"""An invented statute-like corpus for the retrieval tests (short texts written for the tests)."""
from __future__ import annotations

from pathlib import Path

from corpora.model import Article, Point

LABOUR = "K1500000414"
CONSUMER = "Z100000274_"


def art(act_id: str, lang: str, number: str, title: str, text: str, short: str, repealed: bool = False) -> Article:
    return Article(act_id=act_id, act_code=None, lang=lang, article=number, title=title, path=["Глава 1"], text=text,
                   points=[], repealed=repealed, short_name=short)


LONG_POINTS = "\n".join(
    [f"{i}. Пункт номер {i} о порядке расчета премии и надбавок за стаж работы в особых климатических условиях, "
     f"который подробно описывает правила начисления и выплаты, а также сроки их пересмотра работодателем." for i in range(1, 9)]
    + ["9. Работодатель обязан выдать работнику расчетный листок, в котором указываются:",
       "1) составные части заработной платы;", "2) размеры и основания удержаний;", "3) общая сумма к выплате."]
)


def articles() -> list[Article]:
    ru, kk = "ТК РК", "ЕК"
    return [
        art(LABOUR, "ru", "10", "Ежегодный оплачиваемый отпуск",
            "1. Работнику предоставляется ежегодный оплачиваемый трудовой отпуск продолжительностью двадцать четыре "
            "календарных дня.\n2. Отпуск может быть разделен на части по соглашению сторон.", ru),
        art(LABOUR, "kk", "10", "Жыл сайынғы ақы төленетін демалыс",
            "1. Жұмыскерге ұзақтығы күнтізбелік жиырма төрт күн болатын жыл сайынғы ақы төленетін еңбек демалысы беріледі.\n"
            "2. Демалыс тараптардың келісімі бойынша бөліктерге бөлінуі мүмкін.", kk),
        art(LABOUR, "ru", "11", "Испытательный срок",
            "1. Соглашением сторон может быть установлено испытание продолжительностью не более трех месяцев.\n"
            "2. Испытание не устанавливается для беременных женщин.", ru),
        art(LABOUR, "kk", "11", "Сынақ мерзімі",
            "1. Тараптардың келісімімен ұзақтығы үш айдан аспайтын сынақ белгіленуі мүмкін.", kk),
        art(LABOUR, "ru", "12", "Оплата труда и расчетный листок", LONG_POINTS, ru),
        art(LABOUR, "ru", "13", "Утратила силу", "", ru, repealed=True),
        art(LABOUR, "ru", "14", "Сверхурочная работа",
            "Сверхурочная работа не должна превышать двух часов в день и двенадцати часов в месяц, оплачивается "
            "в полуторном размере.", ru),
        art(CONSUMER, "ru", "30", "Право потребителя на обмен и возврат товара",
            "1. Потребитель вправе вернуть товар надлежащего качества продавцу в течение четырнадцати дней со дня покупки, "
            "если товар не был в употреблении.\n2. Продавец возвращает деньги в течение десяти дней.", "ЗПП"),
        art(CONSUMER, "ru", "31", "Гарантийный срок",
            "Гарантийный срок исчисляется со дня передачи товара потребителю. Продавец устраняет недостатки бесплатно.", "ЗПП"),
    ]


def write_corpus(path: Path, items: list[Article] | None = None) -> Path:
    from corpora.store import write_store

    items = articles() if items is None else items
    titles = {(a.act_id, a.lang): a.short_name for a in items}
    write_store(items, path, "tests.retrieval_corpus", titles)
    return path
