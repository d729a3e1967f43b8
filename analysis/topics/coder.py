"""Code every task onto the shared topics: a weighted lexicon over jieba tokens, with heading context.

How a unit is scored (weights in data/taxonomy/topics.yml, `scoring:`):

1. Its own text, without the closing parenthesis of responsible agencies (who is responsible is
   not what the task is about), is cut with jieba. Lexicon terms are matched on token
   boundaries, longest first, so each character counts for at most one term.
2. When a paragraph opens with a title sentence (推进医保支付方式改革。…), terms there weigh
   `lead` times; the rest weigh `body`. A term's repeats count up to `max_repeats`.
3. The headings a task sits under break ties among the topics its text signals (`heading` for
   the nearest, `outer` for the ones above). They do not bring in a topic of their own, because
   a broad heading (深入学习三明医改经验) covers tasks on prices, procurement and payment alike.
   Only a task whose text signals no topic at all is coded from its headings (method `heading`).
4. The best score is the primary topic. Other topics whose text score reaches
   `secondary_min_score` and `secondary_min_share` of the primary's are secondary.

Every assignment keeps its evidence: the terms, where they were found and what they added.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import read_yaml
from analysis.errors import SourceError
from analysis.topics.codebook import TOPICS_FILE, USER_DICT, Codebook, load_codebook

CODED_KINDS = ("task",)
TARGET_KINDS = ("goal", "area", "phase")  # coded too when they carry targets
COLUMNS = ["unit_id", "region", "doc_id", "topic", "is_primary", "rank", "score", "share", "probability", "method",
           "evidence", "confidence", "top1", "top1_p", "top2", "top2_p", "top3", "top3_p"]
_MAX_TERM_TOKENS = 6
_NUMBERING = re.compile(r"^\s*(?:[((][一二三四五六七八九十\d]+[))]|[一二三四五六七八九十]+、|\d+\s*[.、.])\s*")


@dataclass(frozen=True)
class Scoring:
    lead: float = 2.0
    body: float = 1.0
    heading: float = 1.0
    outer: float = 0.5
    max_repeats: int = 2
    secondary_min_score: float = 3.0
    secondary_min_share: float = 0.3


@dataclass(frozen=True)
class Hit:
    term: str
    zone: str  # lead | body | heading | outer
    count: int
    points: float  # what this hit adds to the topic's score


@dataclass
class UnitScore:
    unit_id: str
    zones: dict[str, str]
    hits: dict[str, list[Hit]] = field(default_factory=dict)  # topic -> hits
    probabilities: dict[str, float] = field(default_factory=dict)  # the topic model's, set by code_units

    def text_score(self, topic: str) -> float:
        return sum(h.points for h in self.hits.get(topic, []) if h.zone in ("lead", "body"))

    @property
    def own_text(self) -> str:
        """The unit's own scored text (title sentence and body), what the classifier reads."""
        return "\n".join(t for t in (self.zones.get("lead"), self.zones.get("body")) if t)

    def context_score(self, topic: str) -> float:
        return sum(h.points for h in self.hits.get(topic, []) if h.zone in ("heading", "outer"))

    def lexicon_vector(self, codes: list[str]) -> list[float]:
        """The topic model's lexicon features: log(1 + points), own text then headings."""
        from analysis.topics.model import lexicon_features

        return lexicon_features([self.text_score(t) for t in codes], [self.context_score(t) for t in codes])


class Segmenter:
    """jieba with the project's user dictionary and every lexicon term as a word. jieba is loaded
    at the first text the token cache (`token_cache`) does not hold, and every text is cut once."""

    def __init__(self, codebook: Codebook, user_dict: Path = USER_DICT):
        from analysis.topics.token_cache import TokenCache

        self._terms, self._user_dict = codebook.terms(), user_dict
        self._tk = None
        self.cache = TokenCache(user_dict, self._terms)

    def _tokenizer(self):
        if self._tk is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            self._tk = jieba.Tokenizer()
            self._tk.initialize()
            if self._user_dict.exists():
                self._tk.load_userdict(str(self._user_dict))
            for term in self._terms:
                self._tk.add_word(term)
        return self._tk

    def tokens(self, text: str) -> list[str]:
        found = self.cache.get(text)
        if found is None:
            found = [t for t in self._tokenizer().lcut(normalize(text)) if t.strip()]
            self.cache.put(text, found)
        return found


def normalize(text: str) -> str:
    """NFKC folds full-width letters, digits and ＋ so DRG, 5G and 互联网+ match however printed."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4)
def load_scoring(path: Path = TOPICS_FILE) -> Scoring:
    _, data = read_yaml(path)
    raw = (data or {}).get("scoring") or {}
    unknown = set(raw) - set(Scoring.__dataclass_fields__)
    if unknown:
        raise SourceError(path, f"unknown scoring parameter(s): {', '.join(sorted(unknown))}")
    return Scoring(**raw)


class TopicCoder:
    def __init__(self, codebook: Codebook | None = None, scoring: Scoring | None = None):
        self.codebook = codebook or load_codebook()
        self.scoring = scoring or load_scoring()
        self._terms = self.codebook.terms()
        self.segmenter = Segmenter(self.codebook)
        self._cache: dict[str, Counter] = {}  # headings repeat over many tasks
        self._prefixes = {term[:k] for term in self._terms for k in range(1, len(term) + 1)}

    # --- matching -------------------------------------------------------------------------
    def matches(self, text: str) -> Counter:
        """Lexicon terms in `text`, matched on token boundaries, longest first."""
        if text in self._cache:
            return self._cache[text]
        toks = self.segmenter.tokens(text)
        found: Counter = Counter()
        i = 0
        while i < len(toks):
            # the longest run of up to _MAX_TERM_TOKENS tokens from i that is a term: grown while
            # it is the start of some term (no longer run can be a term once it is not)
            longest, joined = 0, ""
            for j in range(i + 1, min(len(toks), i + _MAX_TERM_TOKENS) + 1):
                joined += toks[j - 1]
                if joined not in self._prefixes:
                    break
                if joined in self._terms:
                    longest = j
            if longest:
                found["".join(toks[i:longest])] += 1
                i = longest
            else:
                i += 1
        self._cache[text] = found
        return found

    def score(self, unit_id: str, zones: dict[str, str]) -> UnitScore:
        s = self.scoring
        factor = {"lead": s.lead, "body": s.body, "heading": s.heading, "outer": s.outer}
        result = UnitScore(unit_id, zones)
        for zone, text in zones.items():
            if not text:
                continue
            for term, n in self.matches(text).items():
                count = min(n, s.max_repeats) if zone in ("lead", "body") else 1
                for topic, weight in self._terms[term].items():
                    result.hits.setdefault(topic, []).append(Hit(term, zone, count, weight * count * factor[zone]))
        return result

    # --- assignment -----------------------------------------------------------------------
    def assign(self, us: UnitScore) -> list[dict]:
        """Ranked topic rows for one unit: exactly one primary, then secondaries."""
        order = {c: i for i, c in enumerate(self.codebook.codes)}
        in_text = [t for t in us.hits if us.text_score(t) > 0]
        if in_text:
            method = "lexicon"
            totals = {t: us.text_score(t) + us.context_score(t) for t in in_text}
        else:
            method = "heading"
            totals = {t: us.context_score(t) for t in us.hits}
        if not totals:
            return []
        # ties: more said in the text itself, then codebook order (stable and documented)
        ranked = sorted(totals, key=lambda t: (-totals[t], -us.text_score(t), order[t]))
        primary = ranked[0]
        grand = sum(totals.values())
        rows = [self._row(us, primary, True, 1, totals[primary], grand, method)]
        for t in ranked[1:]:
            ts = us.text_score(t)
            if ts >= self.scoring.secondary_min_score and ts >= self.scoring.secondary_min_share * totals[primary]:
                rows.append(self._row(us, t, False, len(rows) + 1, totals[t], grand, "lexicon"))
        return rows

    def code(self, us: UnitScore, high_min_probability: float) -> list[dict]:
        """Rows for one unit: the topic model's primary, the lexicon's secondaries, the top three."""
        order = {c: i for i, c in enumerate(self.codebook.codes)}
        p = us.probabilities
        top = sorted(p, key=lambda t: (-p[t], order[t]))[:3]
        lexical = self.assign(us)
        primary = top[0]
        method = lexical[0]["method"] if lexical and lexical[0]["topic"] == primary else "model"
        in_text = [t for t in us.hits if us.text_score(t) > 0]
        totals = ({t: us.text_score(t) + us.context_score(t) for t in in_text} if in_text
                  else {t: us.context_score(t) for t in us.hits})
        grand = sum(totals.values())
        rows = [self._row(us, primary, True, 1, totals.get(primary, 0.0), grand, method)]
        best = max(totals.values(), default=0.0)
        for t in sorted(totals, key=lambda t: (-totals[t], -us.text_score(t), order[t])):
            ts = us.text_score(t)
            if t != primary and ts >= self.scoring.secondary_min_score and ts >= self.scoring.secondary_min_share * best:
                rows.append(self._row(us, t, False, len(rows) + 1, totals[t], grand, "lexicon"))
        unit = {"confidence": "high" if p[primary] >= high_min_probability else "low"}
        for k in range(3):
            unit[f"top{k + 1}"] = top[k] if k < len(top) else ""
            unit[f"top{k + 1}_p"] = round(p[top[k]], 3) if k < len(top) else 0.0
        return [{**r, "probability": round(p.get(r["topic"], 0.0), 3), **unit} for r in rows]

    def _row(self, us: UnitScore, topic: str, primary: bool, rank: int, score: float, grand: float, method: str):
        zones = ("lead", "body", "heading", "outer") if primary else ("lead", "body")
        hits = [h for h in us.hits.get(topic, []) if h.zone in zones]
        return {"unit_id": us.unit_id, "topic": topic, "is_primary": primary, "rank": rank,
                "score": round(score, 2), "share": round(score / grand, 3) if grand else 0.0,
                "method": method, "evidence": format_evidence(hits) or "no lexicon term for this topic: the model's "
                                                                             "reading of the text's characters and words"}


def format_evidence(hits: list[Hit]) -> str:
    """'DRG×2 [lead] +12; 支付方式 [body] +3' — strongest first."""
    hits = sorted(hits, key=lambda h: -h.points)
    return "; ".join(f"{h.term}{'×%d' % h.count if h.count > 1 else ''} [{h.zone}] +{h.points:g}" for h in hits)


# --- from the processed tables to the units to code ----------------------------------------
def coded_units(units: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Atomic tasks, plus goal/area/phase units that carry targets."""
    with_targets = set(targets["unit_id"]) if len(targets) else set()
    keep = units["kind"].isin(CODED_KINDS) | (units["kind"].isin(TARGET_KINDS) & units["unit_id"].isin(with_targets))
    return units[keep]


def zones_of(unit, units_by_id: dict[str, dict], mentions: list[tuple[str, int, int]]) -> dict[str, str]:
    """`mentions`: (raw, char_start, char_end) of the agencies assigned to this unit."""
    raws = [raw for raw, start, end in mentions if start >= unit["char_start"] and end <= unit["char_end"]]
    text = topical_text(unit["text_clean"], raws)
    lead, body = split_lead(text)
    heads = _headings(unit, units_by_id)
    return {"lead": lead, "body": body, "heading": heads[0] if heads else "", "outer": "\n".join(heads[1:])}


def topical_text(text: str, agency_raws: list[str]) -> str:
    """The unit's text without its numbering and its closing parenthesis of responsible agencies."""
    cut = len(text)
    positions = [text.rfind(r) for r in agency_raws if r and text.rfind(r) >= 0]
    if positions:
        first = min(positions)
        paren = max(text.rfind("(", 0, first), text.rfind("(", 0, first))
        # the parenthesis opens right before the list (责任单位: is the longest lead-in seen)
        cut = paren if paren >= 0 and first - paren <= 8 else first
    return _NUMBERING.sub("", text[:cut]).strip()


def split_lead(text: str) -> tuple[str, str]:
    """A paragraph's title sentence and the rest; a one-sentence task is all body."""
    head, sep, rest = text.partition("。")
    if sep and rest.strip():
        return head, rest.strip()
    return "", text


def _headings(unit, units_by_id: dict[str, dict]) -> list[str]:
    """Texts of the units above, nearest first; a parent task contributes its title sentence."""
    out: list[str] = []
    parent = unit["parent_id"]
    while isinstance(parent, str) and parent in units_by_id:
        p = units_by_id[parent]
        text = _NUMBERING.sub("", p["text_clean"]).strip()
        if p["kind"] in CODED_KINDS:
            text = split_lead(text)[0] or text
        if text and text not in out:
            out.append(text)
        parent = p["parent_id"]
    return out


def score_units(units: pd.DataFrame, targets: pd.DataFrame, agencies: pd.DataFrame,
                coder: TopicCoder) -> dict[str, UnitScore]:
    """The lexicon's scores of every coded unit, in unit order."""
    # plain dicts: a pandas row lookup per heading costs more than the coding (linear either way)
    by_id = {u["unit_id"]: u for u in units[["unit_id", "text_clean", "kind", "parent_id"]].to_dict("records")}
    mentions: dict[str, list] = {}
    for uid, raw, start, end in zip(agencies["unit_id"], agencies["raw"], agencies["char_start"], agencies["char_end"]):
        mentions.setdefault(uid, []).append((raw, start, end))
    return {unit["unit_id"]: coder.score(unit["unit_id"], zones_of(unit, by_id, mentions.get(unit["unit_id"], [])))
            for unit in coded_units(units, targets).to_dict("records")}


def code_units(units: pd.DataFrame, targets: pd.DataFrame, agencies: pd.DataFrame,
               coder: TopicCoder | None = None, model=None) -> tuple[pd.DataFrame, dict[str, UnitScore]]:
    """task_topics rows for every coded unit, and the scores behind them (for --explain).

    The primary topic is the topic model's most probable one (its features include the lexicon's
    scores, analysis/topics/model.py); the secondaries are the lexicon's, as module docstring step 4.
    `method` says where the primary's evidence lies: lexicon (the lexicon's own primary, from the
    text), heading (the lexicon's primary from headings only), model (the model chose a topic the
    lexicon did not rank first, or the lexicon found nothing).
    """
    from analysis.topics.model import MODEL_FILE, load_model

    coder = coder or TopicCoder()
    model = model or load_model()
    codes = coder.codebook.codes
    if model.settings.get("topics") != codes:
        raise SourceError(MODEL_FILE, "trained on another list of topic codes than topics.yml; rerun "
                                      "python -m analysis topics --train")
    scores = score_units(units, targets, agencies, coder)
    info = {u: (r, d) for u, r, d in coded_units(units, targets)[["unit_id", "region", "doc_id"]].itertuples(index=False)}
    ids = list(scores)
    if ids:
        lexicon = np.array([scores[u].lexicon_vector(codes) for u in ids])
        probs = model.probabilities([scores[u].own_text for u in ids], coder.segmenter.tokens, lexicon)
    rows = []
    high = load_confidence()
    for i, uid in enumerate(ids):
        us = scores[uid]
        us.probabilities = {c: float(p) for c, p in zip(model.classes, probs[i])}
        for r in coder.code(us, high):
            rows.append({**r, "region": info[uid][0], "doc_id": info[uid][1]})
    return pd.DataFrame(rows, columns=COLUMNS), scores


@lru_cache(maxsize=4)
def load_confidence(path: Path = TOPICS_FILE) -> float:
    """topics.yml `confidence: high_min_probability`: a primary below it is flagged low."""
    _, data = read_yaml(path)
    value = ((data or {}).get("confidence") or {}).get("high_min_probability")
    if not isinstance(value, (int, float)) or not 0 < value < 1:
        raise SourceError(path, "confidence: high_min_probability must be a number between 0 and 1")
    return float(value)
