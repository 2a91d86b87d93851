"""Answer metrics: each a pure function of (prediction, reference) strings.

Two families live here:

* the *reference-compatible* ("seed") metrics, written to reproduce the reference system's
  public benchmark code exactly — its token F1 over token *sets*, its key-information score
  (digit runs and 18 Russian legal terms), its length ratio, and its regex citation sets behind
  ``citation_accuracy`` / ``hallucination_rate``;
* plain text-overlap metrics we add: ROUGE-L (LCS F-measure) and sentence BLEU-4.

Answers look like «Согласно пп. 1 п. 1 ст. 28 Трудового кодекса РК, трудовой договор должен
содержать фамилию...»: Russian or Kazakh prose with article numbers in it. Every function returns
a fraction in [0, 1]; the edge cases (empty text, nothing to compare) are part of each definition.
"""
from __future__ import annotations

import math
import re
from collections import Counter

#: The reference's legal terms, matched as lower-case substrings («договора» contains «договор»).
LEGAL_TERMS: tuple[str, ...] = (
    "статья", "закон", "кодекс", "право", "обязанность", "договор",
    "срок", "штраф", "суд", "иск", "заявление", "документ", "лицо",
    "гражданин", "организация", "государство", "орган", "решение",
)

# The reference's five citation patterns, verbatim in behaviour (no word boundaries in 1-4,
# so «ст» or «п» ending any word counts: «маст 5» yields «ст.5», «суп 3» yields «п.3»).
_ARTICLE = re.compile(r"(?:стать[яиейю]|ст\.?)\s*(\d+)")
_POINT = re.compile(r"(?:пункт[а-я]*|п\.?)\s*(\d+)")
_LAW = re.compile(r"закон[а-я]*\s*(?:№|номер)?\s*(\d[\d\-\.]*\d)")
_CODE_ARTICLE = re.compile(r"кодекс[а-я]*.*?стать[яиейю]\s*(\d+)")
_ROMAN_REF = re.compile(r"\b(\d+)[\-–](I{1,4}V?|V?I{0,4}|[IVX]+)\b")
_DIGITS = re.compile(r"\d+")


def _tokens(text: str) -> list[str]:
    """Lower-cased whitespace tokens; punctuation stays attached («онлайн,» ≠ «онлайн»)."""
    return text.lower().split()


def exact_match(prediction: str, reference: str) -> float:
    """1.0 when the two texts are equal after ``strip()`` and ``lower()``, else 0.0."""
    return 1.0 if prediction.strip().lower() == reference.strip().lower() else 0.0


def token_f1(prediction: str, reference: str) -> float:
    """F1 over the *sets* of lower-cased whitespace tokens (the reference's definition).

    0.0 when either side has no tokens or nothing overlaps. Repeated words count once.
    """
    pred, ref = set(_tokens(prediction)), set(_tokens(reference))
    if not pred or not ref:
        return 0.0
    common = len(pred & ref)
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def length_ratio(prediction: str, reference: str) -> float:
    """words(prediction) / words(reference), inverted when above 1; 0.0 for an empty reference."""
    ref_len = len(reference.split())
    if ref_len == 0:
        return 0.0
    ratio = len(prediction.split()) / ref_len
    return 1 / ratio if ratio > 1 else ratio


def key_info(prediction: str, reference: str) -> float:
    """Mean of two recalls: the reference's digit runs, and its legal terms, found in the prediction.

    Digit runs are sets of ``\\d+`` matches (1.0 when the reference has none); legal terms are
    those of :data:`LEGAL_TERMS` that occur as lower-case substrings of the reference (1.0 when
    none does).
    """
    ref_numbers = set(_DIGITS.findall(reference))
    pred_numbers = set(_DIGITS.findall(prediction))
    numbers = len(ref_numbers & pred_numbers) / len(ref_numbers) if ref_numbers else 1.0
    ref_lower, pred_lower = reference.lower(), prediction.lower()
    ref_terms = [t for t in LEGAL_TERMS if t in ref_lower]
    terms = sum(1 for t in ref_terms if t in pred_lower) / len(ref_terms) if ref_terms else 1.0
    return (numbers + terms) / 2


def extract_legal_citations(text: str) -> set[str]:
    """The reference's citation strings in ``text``: «ст.28», «п.1», «закон_414-v», «ref_414-V».

    «ст. 28 Трудового кодекса» → {"ст.28"}; «Закон № 94-V» → {"закон_94"} (the run must end in a
    digit); «Кодекс ... статья 7» → {"ст.7"}; «414-V» in the original case → {"ref_414-V"}.
    """
    lower = text.lower()
    found: set[str] = set()
    found.update(f"ст.{m.group(1)}" for m in _ARTICLE.finditer(lower))
    found.update(f"п.{m.group(1)}" for m in _POINT.finditer(lower))
    found.update(f"закон_{m.group(1)}" for m in _LAW.finditer(lower))
    found.update(f"ст.{m.group(1)}" for m in _CODE_ARTICLE.finditer(lower))
    found.update(f"ref_{m.group(0)}" for m in _ROMAN_REF.finditer(text))
    return found


def citation_accuracy(prediction: str, reference: str) -> float:
    """|ref ∩ pred| / |ref| over :func:`extract_legal_citations` sets; 1.0 when the reference cites nothing."""
    ref = extract_legal_citations(reference)
    if not ref:
        return 1.0
    return len(ref & extract_legal_citations(prediction)) / len(ref)


def hallucination_rate(prediction: str, reference: str) -> float:
    """|pred − ref| / |pred| over citation sets; 0.0 when the prediction cites nothing."""
    pred = extract_legal_citations(prediction)
    if not pred:
        return 0.0
    return len(pred - extract_legal_citations(reference)) / len(pred)


def _lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two token lists (O(len(a)·len(b)), one row)."""
    if len(a) < len(b):
        a, b = b, a
    row = [0] * (len(b) + 1)
    for x in a:
        prev_diag = 0
        for j, y in enumerate(b, 1):
            keep = row[j]
            row[j] = prev_diag + 1 if x == y else max(row[j], row[j - 1])
            prev_diag = keep
    return row[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F-measure (β = 1): LCS of lower-cased whitespace tokens; 0.0 when either is empty.

    P = LCS/len(pred), R = LCS/len(ref), F = 2PR/(P+R). Whitespace tokens (not the ASCII-only
    tokenizer of ``rouge-score``, which would drop every Cyrillic word).
    """
    pred, ref = _tokens(prediction), _tokens(reference)
    if not pred or not ref:
        return 0.0
    lcs = _lcs_length(pred, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(pred), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu(prediction: str, reference: str, max_n: int = 4, epsilon: float = 0.1) -> float:
    """Sentence BLEU-4 over lower-cased whitespace tokens, one reference, smoothing "method 1".

    As NLTK's ``sentence_bleu(..., smoothing_function=SmoothingFunction().method1)`` (what the
    reference's later benchmark called): p_n = clipped n-gram matches / max(1, hypothesis
    n-grams), a zero count replaced by ``epsilon``; 0.0 when no unigram matches or either side is
    empty; brevity penalty exp(1 − r/c) when the hypothesis is not longer than the reference.
    """
    hyp, ref = _tokens(prediction), _tokens(reference)
    if not hyp or not ref:
        return 0.0
    log_sum = 0.0
    for n in range(1, max_n + 1):
        hyp_counts, ref_counts = _ngrams(hyp, n), _ngrams(ref, n)
        matches = sum(min(c, ref_counts[g]) for g, c in hyp_counts.items())
        total = max(1, sum(hyp_counts.values()))
        if n == 1 and matches == 0:
            return 0.0
        log_sum += math.log((matches if matches else epsilon) / total) / max_n
    brevity = 1.0 if len(hyp) > len(ref) else math.exp(1 - len(ref) / len(hyp))
    return brevity * math.exp(log_sum)


def overall(token_f1_value: float, key_info_value: float, rouge_l_value: float, length_ratio_value: float) -> float:
    """Our weighted score: 0.3·token_f1 + 0.3·key_info + 0.2·rougeL + 0.2·length_ratio."""
    return 0.3 * token_f1_value + 0.3 * key_info_value + 0.2 * rouge_l_value + 0.2 * length_ratio_value


def overall_seed(token_f1_value: float, key_info_value: float, length_ratio_value: float) -> float:
    """The reference run's weighted score: ROUGE-L was missing, token_f1 took its weight.

    0.5·token_f1 + 0.3·key_info + 0.2·length_ratio — how the seed report's 51.3 % arises.
    """
    return overall(token_f1_value, key_info_value, token_f1_value, length_ratio_value)
