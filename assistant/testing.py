"""A tiny invented corpus and a real search index over it, for the assistant's tests and offline demos.

The articles are short statute-like texts written for these tests (not the official texts); they
borrow the Labour Code's and the Consumer Protection Law's adilet codes so that citations
(«ст. 28 ТК РК», «ЕК 28-бабы») are parsed and resolved as in production. The index is the
real ``retrieval`` index built with the hash embedder (no model download, milliseconds).
"""
from __future__ import annotations

from pathlib import Path

from corpora.model import Article, Point

LABOUR = "K1500000414"
CONSUMER = "Z100000274_"


def _pt(number: str, text: str, *subs: tuple[str, str]) -> Point:
    return Point(number=number, text=f"{number}. {text}", subpoints=[Point(n, f"{n}) {t}") for n, t in subs])


def _article(act_id: str, lang: str, number: str, title: str, points: list[Point], short: str,
             repealed: bool = False, text: str | None = None) -> Article:
    body = text if text is not None else "\n".join(p.full_text() for p in points)
    return Article(act_id=act_id, act_code=None, lang=lang, article=number, title=title, path=["Глава 1"], text=body,
                   points=points, repealed=repealed, short_name=short, edition_date="2025-01-01",
                   source_url="https://example.invalid/test")


def invented_articles() -> list[Article]:
    """Seven invented articles: labour contract contents and changes, leave, a repealed article,
    a consumer's right to return goods; two of them also in Kazakh."""
    ru, kk = "ТК РК", "ЕК"
    return [
        _article(LABOUR, "ru", "28", "Содержание трудового договора", [
            _pt("1", "В трудовом договоре указываются:",
                ("1", "сведения о сторонах:\nфамилия, имя и отчество работника, данные его удостоверения личности;\n"
                      "наименование и адрес работодателя;"),
                ("2", "трудовая функция работника;"),
                ("3", "место выполнения работы;"),
                ("4", "размер оплаты труда.")),
            _pt("2", "Стороны могут включить в трудовой договор иные условия, не ухудшающие положение работника."),
        ], ru),
        _article(LABOUR, "ru", "33", "Изменение трудового договора", [
            _pt("1", "Изменение условий трудового договора оформляется дополнительным соглашением сторон в письменной форме."),
            _pt("2", "При изменении сведений о работнике, в том числе фамилии, работодатель вносит изменения в трудовой "
                     "договор на основании заявления работника и подтверждающего документа."),
        ], ru),
        _article(LABOUR, "ru", "68", "Ежегодный оплачиваемый трудовой отпуск", [
            _pt("1", "Работнику ежегодно предоставляется оплачиваемый трудовой отпуск продолжительностью "
                     "двадцать четыре календарных дня."),
            _pt("2", "Отпуск может быть разделён на части по соглашению сторон."),
        ], ru),
        _article(LABOUR, "ru", "12", "Исключена", [], ru, repealed=True, text="Исключена."),
        _article(LABOUR, "kk", "28", "Еңбек шартының мазмұны", [
            _pt("1", "Еңбек шартында:",
                ("1", "тараптар туралы мәліметтер:\nжұмыскердің тегі, аты, әкесінің аты, жеке куәлігінің деректері;\n"
                      "жұмыс берушінің атауы мен мекенжайы;"),
                ("2", "жұмыскердің еңбек функциясы;"),
                ("3", "жұмыс орны көрсетіледі.")),
            _pt("2", "Тараптар еңбек шартына өзге де талаптарды енгізе алады."),
        ], kk),
        _article(LABOUR, "kk", "33", "Еңбек шартын өзгерту", [
            _pt("1", "Еңбек шартының талаптарын өзгерту тараптардың жазбаша қосымша келісімімен ресімделеді."),
            _pt("2", "Жұмыскердің тегі өзгерген кезде жұмыс беруші жұмыскердің өтініші негізінде еңбек шартына "
                     "өзгеріс енгізеді."),
        ], kk),
        _article(CONSUMER, "ru", "30", "Право потребителя на возврат товара", [
            _pt("1", "Потребитель вправе вернуть товар надлежащего качества в течение четырнадцати дней."),
            _pt("2", "Возврат денег производится продавцом в течение десяти дней."),
        ], "Закон о защите прав потребителей"),
    ]


def build_test_home(home: str | Path) -> Path:
    """Write the invented corpus store and its hash-embedder search index under ``home``
    (``home/corpus``, ``home/index``): a complete ``$KZLEGAL_HOME`` for ``kzlegal ask``."""
    from corpora.store import load_store, write_store
    from retrieval.config import RetrievalConfig
    from retrieval.embedders import load_embedder
    from retrieval.index import build_index, save_index

    home = Path(home)
    titles = {(LABOUR, "ru"): "Трудовой кодекс Республики Казахстан", (LABOUR, "kk"): "Қазақстан Республикасының Еңбек кодексі",
              (CONSUMER, "ru"): "Закон Республики Казахстан «О защите прав потребителей»"}
    write_store(invented_articles(), home / "corpus", "assistant.testing", titles)
    store = load_store(home / "corpus")
    cfg = RetrievalConfig(embedder="hash:256", store_dir=str(home / "corpus"), index_dir=str(home / "index"))
    data, _ = build_index(store, cfg, load_embedder("hash:256"))
    save_index(data, home / "index")
    return home


def test_searcher(home: str | Path):
    """The real ``retrieval.search.Searcher`` over a home written by :func:`build_test_home`."""
    from retrieval.search import Searcher

    home = Path(home)
    return Searcher.load(home / "index", store_dir=home / "corpus")


test_searcher.__test__ = False  # not a pytest test despite the name


def build_tiny_model(out_dir: str | Path, max_positions: int = 4096) -> Path:
    """A random tiny Qwen3-architecture model with a byte-level BPE tokenizer trained on the invented
    articles (finetune.tiny), saved as a transformers model directory. Generates nonsense, fast."""
    from finetune.config import FinetuneConfig
    from finetune.tiny import build_tiny_model as build, train_tokenizer

    out = Path(out_dir)
    cfg = FinetuneConfig(base_model="tiny", tiny_hidden_size=32, tiny_num_layers=1, tiny_num_heads=2, tiny_num_kv_heads=1,
                         tiny_intermediate_size=64, tiny_vocab_size=600, max_seq_length=max_positions,
                         attn_implementation="eager")
    tokenizer = train_tokenizer([a.text for a in invented_articles()], cfg.tiny_vocab_size)
    model = build(cfg, tokenizer)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_tiny_run(run_dir: str | Path, prompt_format: str = "alpaca") -> Path:
    """A run directory shaped like `kzlegal train`'s for the tiny recipe: LoRA adapter at the top,
    tokenizer beside it, the base model in ``base/``, ``resolved_config.json`` with the prompt format."""
    import json

    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    run = Path(run_dir)
    base = build_tiny_model(run / "base")
    model = AutoModelForCausalLM.from_pretrained(base)
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    peft_model.save_pretrained(run)
    AutoTokenizer.from_pretrained(base).save_pretrained(run)
    (run / "resolved_config.json").write_text(json.dumps({
        "recipe": "tiny-test", "base_model": "tiny", "base_model_path": str(base), "adapter_dir": ".",
        "tokenizer_dir": ".", "prompt_format": prompt_format, "max_seq_length": 4096,
    }), encoding="utf-8")
    return run
