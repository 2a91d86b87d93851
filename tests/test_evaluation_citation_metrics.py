"""Act-aware citation metrics over (act_id, article) pairs."""
from __future__ import annotations

import pytest

from evaluation import citation_metrics as cm

TK28 = ("K1500000414", "28")
TK30 = ("K1500000414", "30")
NK28 = ("K1700000120", "28")


def test_prf_matches_on_act_and_article():
    s = cm.citation_prf({TK28, NK28}, {TK28, TK30})
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    s = cm.citation_prf({NK28}, {TK28})  # same article number, other act: no match
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_prf_edges():
    assert cm.citation_prf(set(), set()) == cm.CitationScores(1.0, 1.0, 1.0)
    assert cm.citation_prf(set(), {TK28}) == cm.CitationScores(1.0, 0.0, 0.0)
    s = cm.citation_prf({TK28, TK30}, set())
    assert (s.precision, s.recall) == (0.0, 1.0) and s.f1 == 0.0
    s = cm.citation_prf([TK28, TK28], [TK28, TK30])  # duplicates collapse to sets
    assert s.precision == 1.0 and s.recall == 0.5 and s.f1 == pytest.approx(2 / 3)


def test_verified_and_grounded_shares():
    exists = lambda act, art: (act, art) in {TK28, TK30}  # noqa: E731
    assert cm.verified_share({TK28, NK28}, exists) == 0.5
    assert cm.verified_share({(None, "28")}, exists) == 0.0
    assert cm.verified_share(set(), exists) is None
    assert cm.grounded_share({TK28, TK30, NK28}, [TK28]) == pytest.approx(1 / 3)
    assert cm.grounded_share(set(), [TK28]) is None


def test_pairs_from_labels_stringifies_articles():
    assert cm.pairs_from_labels([{"act_id": "K1500000414", "article": 28}]) == {TK28}


def test_pairs_in_text_uses_the_citation_parser():
    if not cm.citation_parser_available():
        pytest.skip("retrieval.citations.find_citations is not importable yet (teammate's module)")
    pairs = cm.pairs_in_text("Согласно ст. 28 Трудового кодекса РК трудовой договор ...")
    assert ("K1500000414", "28") in pairs
