"""Answer metrics pinned on hand-computed cases, including the empty and no-overlap edges."""
from __future__ import annotations

import math

import pytest

from evaluation import answer_metrics as am

# The seed report's paraphrase example: 3 shared tokens («чтобы», «и», «офлайн.») of 9 and 9.
REF = "Чтобы охватить разные категории пользователей — онлайн и офлайн."
PRED = "Чтобы обеспечить доступность информации как онлайн, так и офлайн."


def test_exact_match_ignores_case_and_outer_space_only():
    assert am.exact_match("  Да. ", "да.") == 1.0
    assert am.exact_match("да", "да.") == 0.0
    assert am.exact_match("", "") == 1.0
    assert am.exact_match("суд  решил", "суд решил") == 0.0  # inner whitespace is not normalised


def test_token_f1_reference_example_is_one_third():
    assert round(am.token_f1(PRED, REF), 4) == 0.3333
    assert am.token_f1(PRED, REF) == pytest.approx(1 / 3)


@pytest.mark.parametrize("pred, ref", [("", "суд"), ("суд", ""), ("", ""), ("   ", "суд"), ("истец прав", "ответчик неправ")])
def test_token_f1_is_zero_for_empty_side_or_no_overlap(pred, ref):
    assert am.token_f1(pred, ref) == 0.0


def test_token_f1_counts_sets_and_keeps_punctuation():
    # {да, нет} vs {да}: P = 1/2, R = 1 → F1 = 2/3; the repeated «да» counts once.
    assert am.token_f1("да да нет", "да") == pytest.approx(2 / 3)
    assert am.token_f1("онлайн,", "онлайн") == 0.0
    assert am.token_f1("Суд", "суд") == 1.0


def test_length_ratio_inverts_above_one_and_zero_for_empty_reference():
    assert am.length_ratio("один два", "один два три четыре") == 0.5
    assert am.length_ratio("а б в г д е ж з", "а б в г") == 0.5
    assert am.length_ratio("слово", "") == 0.0
    assert am.length_ratio("", "три слова тут") == 0.0


def test_key_info_mixes_number_and_term_recall():
    # numbers {100, 28}: only 100 found → 1/2; terms in the reference: «штраф» only → found → 1.
    assert am.key_info("штраф 100", "Штраф 100 МРП по статье 28") == 0.75
    # «статье» does not contain «статья»; «правовой» contains «право».
    assert am.key_info("", "правовой режим") == 0.5
    # nothing to look for on either side → 1.0 each
    assert am.key_info("что угодно", "Да.") == 1.0
    assert am.key_info("", "Договор 5") == 0.0
    # digit runs: «28-1» gives {28, 1}
    assert am.key_info("ст. 28", "ст. 28-1") == pytest.approx((0.5 + 1.0) / 2)


@pytest.mark.parametrize("text, expected", [
    ("ст. 28 ТК", {"ст.28"}),
    ("статьи 12", {"ст.12"}),
    ("статьями 5", set()),
    ("маст 5", {"ст.5"}),  # no word boundary: «ст» ending any word counts
    ("п. 3 и пунктом 2", {"п.3", "п.2"}),
    ("суп 3", {"п.3"}),
    ("Закона № 94-V", {"закон_94", "ref_94-V"}),
    ("закон номер 12.03.2020", {"закон_12.03.2020"}),
    ("Кодекса\nстатья 7", {"ст.7"}),
    ("статья 127-1", {"ст.127", "ref_127-"}),  # the zero-«I» alternative matches an empty suffix
    ("", set()),
])
def test_extract_legal_citations_follows_the_reference_patterns(text, expected):
    assert am.extract_legal_citations(text) == expected


def test_citation_accuracy_and_hallucination_rate():
    ref = "ст. 28 и п. 1"  # {ст.28, п.1}
    assert am.citation_accuracy("ст. 28", ref) == 0.5
    assert am.hallucination_rate("ст. 28", ref) == 0.0
    assert am.citation_accuracy("ст. 30 и ст. 28", ref) == 0.5
    assert am.hallucination_rate("ст. 30 и ст. 28", ref) == 0.5
    assert am.citation_accuracy("ст. 30", "без ссылок") == 1.0
    assert am.hallucination_rate("без ссылок", ref) == 0.0
    assert am.hallucination_rate("ст. 30", "без ссылок") == 1.0


def test_rouge_l_is_lcs_f_measure():
    # LCS («суд», «рассматривает») = 2; P = 2/4, R = 2/3 → F = 4/7
    assert am.rouge_l("суд быстро рассматривает жалобу", "суд рассматривает иск") == pytest.approx(4 / 7)
    assert am.rouge_l(PRED, REF) == pytest.approx(1 / 3)
    assert am.rouge_l("", "суд") == 0.0
    assert am.rouge_l("истец", "ответчик") == 0.0
    assert am.rouge_l("Суд решил", "суд решил") == 1.0


def test_bleu_sentence_smoothed():
    assert am.bleu("суд рассматривает иск в срок", "суд рассматривает иск в срок") == pytest.approx(1.0)
    assert am.bleu("истец", "ответчик") == 0.0
    assert am.bleu("", "суд") == 0.0
    # p1 = 3/9, p2 = 1/8, p3 = 0.1/7, p4 = 0.1/6, equal lengths → no brevity penalty
    expected = math.exp(0.25 * (math.log(3 / 9) + math.log(1 / 8) + math.log(0.1 / 7) + math.log(0.1 / 6)))
    assert am.bleu(PRED, REF) == pytest.approx(expected)
    # one-word hypothesis: p1 = 1, p2..p4 = 0.1/1; brevity penalty exp(1 − 3/1)
    assert am.bleu("суд", "суд рассматривает иск") == pytest.approx(0.1 ** 0.75 * math.exp(-2))


def test_overall_weights_and_the_seed_report_composition():
    assert am.overall(1.0, 0.0, 0.0, 0.0) == pytest.approx(0.3)
    assert am.overall(0.0, 0.0, 1.0, 0.0) == pytest.approx(0.2)
    # the reference run: 0.5·26.71 + 0.3·77.45 + 0.2·73.65 = 51.32 %
    assert am.overall_seed(0.2671, 0.7745, 0.7365) == pytest.approx(0.5132)
