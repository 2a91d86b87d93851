"""A Kazakh → Russian term lexicon learned from the articles the corpus has in both languages.

Most acts of the corpus are in Russian only, so a Kazakh question shares no words with them and
BM25 cannot find them. But the Labour Code is there in both languages, article by article; a
Kazakh stem and a Russian lemma that occur in the same articles (and rarely apart) are very likely
translations («жұмыс» ~ «работа», «мерзім» ~ «срок», «шарт» ~ «договор»). For each Kazakh term
we keep the Russian terms with the highest Dice coefficient over aligned articles
(2·|both| / (|kk| + |ru|)), above ``min_dice``. A Kazakh question is then also scored with those
Russian terms.
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from corpora.model import Article


def learn_lexicon(articles: Iterable[Article], analyze_ru: Callable[[str], list[str]],
                  analyze_kk: Callable[[str], list[str]], min_df: int = 2, max_df_share: float = 0.3,
                  min_dice: float = 0.5, per_term: int = 2) -> dict[str, list[str]]:
    """Kazakh term → up to ``per_term`` Russian terms, from articles present in both languages."""
    by_key: dict[tuple[str, str], dict[str, Article]] = {}
    for a in articles:
        if a.text and not a.repealed:
            by_key.setdefault(a.key, {})[a.lang] = a
    pairs = [(v["kk"], v["ru"]) for v in by_key.values() if "kk" in v and "ru" in v]
    if len(pairs) < 10:
        return {}
    kk_docs = [set(analyze_kk(f"{kk.title}\n{kk.text}")) for kk, _ in pairs]
    ru_docs = [set(analyze_ru(f"{ru.title}\n{ru.text}")) for _, ru in pairs]
    max_df = max(min_df, int(max_df_share * len(pairs)))

    def vocab(docs: list[set[str]]) -> list[str]:
        df: dict[str, int] = {}
        for d in docs:
            for t in d:
                df[t] = df.get(t, 0) + 1
        return sorted(t for t, n in df.items() if min_df <= n <= max_df and not t[0].isdigit())

    kk_vocab, ru_vocab = vocab(kk_docs), vocab(ru_docs)
    kk_index = {t: i for i, t in enumerate(kk_vocab)}
    ru_index = {t: i for i, t in enumerate(ru_vocab)}
    xk = np.zeros((len(pairs), len(kk_vocab)), dtype=np.float32)
    xr = np.zeros((len(pairs), len(ru_vocab)), dtype=np.float32)
    for row, (kd, rd) in enumerate(zip(kk_docs, ru_docs)):
        xk[row, [kk_index[t] for t in kd if t in kk_index]] = 1.0
        xr[row, [ru_index[t] for t in rd if t in ru_index]] = 1.0
    both = xk.T @ xr
    dice = 2.0 * both / (xk.sum(axis=0)[:, None] + xr.sum(axis=0)[None, :])
    lexicon: dict[str, list[str]] = {}
    for i, term in enumerate(kk_vocab):
        best = np.argsort(-dice[i])[:per_term]
        chosen = [ru_vocab[j] for j in best if dice[i, j] >= min_dice]
        if chosen:
            lexicon[term] = chosen
    return lexicon


def translate(terms: list[str], lexicon: dict[str, list[str]]) -> list[str]:
    """The Russian terms for a Kazakh question's ``terms`` (each once)."""
    out: list[str] = []
    for term in terms:
        for ru in lexicon.get(term, ()):
            if ru not in out:
                out.append(ru)
    return out
