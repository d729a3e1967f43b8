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

import pandas as pd

from analysis.config import read_yaml
from analysis.errors import SourceError
from analysis.topics.codebook import TOPICS_FILE, USER_DICT, Codebook, load_codebook

CODED_KINDS = ("task",)
TARGET_KINDS = ("goal", "area", "phase")  # coded too when they carry targets
COLUMNS = ["unit_id", "region", "doc_id", "topic", "is_primary", "rank", "score", "share", "method", "evidence"]
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

    def text_score(self, topic: str) -> float:
        return sum(h.points for h in self.hits.get(topic, []) if h.zone in ("lead", "body"))

    @property
    def own_text(self) -> str:
        """The unit's own scored text (title sentence and body), what the classifier reads."""
        return "\n".join(t for t in (self.zones.get("lead"), self.zones.get("body")) if t)

    def context_score(self, topic: str) -> float:
        return sum(h.points for h in self.hits.get(topic, []) if h.zone in ("heading", "outer"))


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

    # --- matching -------------------------------------------------------------------------
    def matches(self, text: str) -> Counter:
        """Lexicon terms in `text`, matched on token boundaries, longest first."""
        if text in self._cache:
            return self._cache[text]
        toks = self.segmenter.tokens(text)
        found: Counter = Counter()
        i = 0
        while i < len(toks):
            for j in range(min(len(toks), i + _MAX_TERM_TOKENS), i, -1):
                term = "".join(toks[i:j])
                if term in self._terms:
                    found[term] += 1
                    i = j
                    break
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

    def _row(self, us: UnitScore, topic: str, primary: bool, rank: int, score: float, grand: float, method: str):
        zones = ("lead", "body", "heading", "outer") if primary else ("lead", "body")
        hits = [h for h in us.hits[topic] if h.zone in zones]
        return {"unit_id": us.unit_id, "topic": topic, "is_primary": primary, "rank": rank,
                "score": round(score, 2), "share": round(score / grand, 3) if grand else 0.0,
                "method": method, "evidence": format_evidence(hits)}


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


def code_units(units: pd.DataFrame, targets: pd.DataFrame, agencies: pd.DataFrame,
               coder: TopicCoder | None = None) -> tuple[pd.DataFrame, dict[str, UnitScore]]:
    """task_topics rows for every coded unit, and the scores behind them (for --explain).

    Units whose text and headings hold no lexicon term go to the classifier of topic_model,
    trained on the units the lexicon coded from their own text (method `model`).
    """
    coder = coder or TopicCoder()
    # plain dicts: a pandas row lookup per heading costs more than the coding (linear either way)
    by_id = {u["unit_id"]: u for u in units[["unit_id", "text_clean", "kind", "parent_id"]].to_dict("records")}
    coded = coded_units(units, targets)
    rows, scores, silent = [], {}, []
    mentions: dict[str, list] = {}
    for uid, raw, start, end in zip(agencies["unit_id"], agencies["raw"], agencies["char_start"], agencies["char_end"]):
        mentions.setdefault(uid, []).append((raw, start, end))
    for unit in coded.to_dict("records"):
        us = coder.score(unit["unit_id"], zones_of(unit, by_id, mentions.get(unit["unit_id"], [])))
        scores[unit["unit_id"]] = us
        assigned = coder.assign(us)
        if not assigned:
            silent.append(unit)
        for r in assigned:
            rows.append({**r, "region": unit["region"], "doc_id": unit["doc_id"]})
    rows.extend(_model_rows(coder, rows, scores, silent))
    order = {u: i for i, u in enumerate(coded["unit_id"])}
    rows.sort(key=lambda r: (order[r["unit_id"]], r["rank"]))
    return pd.DataFrame(rows, columns=COLUMNS), scores


def _model_rows(coder: TopicCoder, rows: list[dict], scores: dict[str, UnitScore], silent: list) -> list[dict]:
    if not silent:
        return []
    from analysis.topics.model import fit_predict, load_training

    fixed = load_training()
    if fixed is not None:        # the same training set whatever the manifest holds
        texts, labels = fixed
    else:
        train = [r for r in rows if r["is_primary"] and r["method"] == "lexicon"]
        texts, labels = [scores[r["unit_id"]].own_text for r in train], [r["topic"] for r in train]
    preds = fit_predict(coder.segmenter.tokens, texts, labels, [scores[u["unit_id"]].own_text for u in silent])
    train = texts
    out = []
    for i, unit in enumerate(silent):
        topic, p = preds[i] if preds else (None, 0.0)
        out.append({"unit_id": unit["unit_id"], "region": unit["region"], "doc_id": unit["doc_id"], "topic": topic,
                    "is_primary": True, "rank": 1, "score": round(p, 3), "share": round(p, 3),
                    "method": "model" if topic else "none",
                    "evidence": f"classifier p={p:.2f}, trained on {len(train)} lexicon-coded units" if topic
                    else "no lexicon term and too few coded units to train the classifier"})
    return out


def lexicon_training(task_topics: pd.DataFrame, scores: dict[str, UnitScore]) -> tuple[list, list, list]:
    """(unit_ids, topics, own texts) of the tasks the lexicon coded: the classifier's training set."""
    train = task_topics[task_topics["is_primary"] & (task_topics["method"] == "lexicon")]
    ids = list(train["unit_id"])
    return ids, list(train["topic"]), [scores[u].own_text for u in ids]
