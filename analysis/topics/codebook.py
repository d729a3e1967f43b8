"""The shared taxonomy as data: topic codes with bilingual names and lexicons, agency functions, levels.

Everything that shows a code to a reader (tables, notebooks, briefings) takes its labels from
here, so a code is named the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis import DATA_DIR
from analysis.config import read_yaml
from analysis.errors import SourceError

TAXONOMY_DIR = DATA_DIR / "taxonomy"
TOPICS_FILE = TAXONOMY_DIR / "topics.yml"
FUNCTIONS_FILE = TAXONOMY_DIR / "functions.yml"
USER_DICT = TAXONOMY_DIR / "userdict.txt"
OVERRIDES_FILE = TAXONOMY_DIR / "overrides.csv"

_TOPIC_KEYS = ("code", "name_zh", "name_en", "short_zh", "short_en", "scope", "lexicon")


@dataclass(frozen=True)
class Topic:
    code: str
    name_zh: str
    name_en: str
    short_zh: str
    short_en: str
    scope: str
    lexicon: dict[str, float] = field(default_factory=dict)
    cap_major: int = 0       # Comparative Agendas Project master codebook: major topic (3 = Health)
    cap_subtopic: int = 0    # and subtopic (e.g. 323), with the reason for the choice
    cap_reason: str = ""

    @property
    def label(self) -> str:
        """Bilingual axis label: 医保支付方式改革 DRG/DIP payment."""
        return f"{self.short_zh} {self.short_en}"


@dataclass(frozen=True)
class Codebook:
    topics: tuple[Topic, ...]

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.topics]

    def __getitem__(self, code: str) -> Topic:
        for t in self.topics:
            if t.code == code:
                return t
        raise KeyError(code)

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def terms(self) -> dict[str, dict[str, float]]:
        """term -> {topic code: weight}; a term may signal more than one topic."""
        out: dict[str, dict[str, float]] = {}
        for t in self.topics:
            for term, w in t.lexicon.items():
                out.setdefault(term, {})[t.code] = w
        return out

    def table(self):
        """The codebook as a DataFrame, one row per topic (written out as the `topics` table)."""
        import pandas as pd

        return pd.DataFrame([{"topic": t.code, "name_zh": t.name_zh, "name_en": t.name_en,
                              "short_zh": t.short_zh, "short_en": t.short_en, "label": t.label,
                              "scope": t.scope, "n_terms": len(t.lexicon), "cap_major": t.cap_major,
                              "cap_subtopic": t.cap_subtopic, "cap_reason": t.cap_reason} for t in self.topics])


@lru_cache(maxsize=4)
def load_codebook(path: Path = TOPICS_FILE) -> Codebook:
    text, data = read_yaml(path)
    entries = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SourceError(path, "expected a non-empty list under 'topics:'")
    topics, seen = [], set()
    for entry in entries:
        topic = _topic(path, text, entry)
        if topic.code in seen:
            raise _at(path, text, f"code: {topic.code}", f"duplicate topic code '{topic.code}'")
        seen.add(topic.code)
        topics.append(topic)
    return Codebook(tuple(topics))


def _topic(path: Path, text: str, entry) -> Topic:
    if not isinstance(entry, dict) or "code" not in entry:
        raise SourceError(path, f"each topic needs a 'code' (got {entry!r:.60})")
    code = str(entry["code"])
    missing = [k for k in _TOPIC_KEYS if not entry.get(k) and k != "lexicon"]
    if missing:
        raise _at(path, text, f"code: {code}", f"topic '{code}' lacks {', '.join(missing)}")
    lexicon: dict[str, float] = {}
    for weight, terms in (entry.get("lexicon") or {}).items():
        if not isinstance(weight, (int, float)) or weight <= 0:
            raise _at(path, text, f"code: {code}", f"topic '{code}': lexicon weight {weight!r} is not a positive number")
        for term in terms or []:
            term = str(term).strip()
            if term in lexicon:
                raise _at(path, text, term, f"topic '{code}': term '{term}' listed twice")
            lexicon[term] = float(weight)
    cap = entry.get("cap")
    if not isinstance(cap, dict) or not all(isinstance(cap.get(k), int) for k in ("major", "subtopic")) \
            or not str(cap.get("reason") or "").strip() or cap["subtopic"] // 100 != cap["major"]:
        raise _at(path, text, f"code: {code}", f"topic '{code}' needs cap: {{major, subtopic, reason}} (the "
                                               "Comparative Agendas Project codes; the subtopic within the major topic)")
    return Topic(code, *(str(entry[k]).strip() for k in _TOPIC_KEYS[1:-1]), lexicon=lexicon,
                 cap_major=cap["major"], cap_subtopic=cap["subtopic"], cap_reason=str(cap["reason"]).strip())


@lru_cache(maxsize=4)
def load_functions(path: Path = FUNCTIONS_FILE) -> dict[str, dict[str, dict[str, str]]]:
    """{'functions': {code: {name_zh, name_en}}, 'levels': {...}}."""
    _, data = read_yaml(path)
    for key in ("functions", "levels"):
        if not isinstance(data, dict) or not isinstance(data.get(key), dict):
            raise SourceError(path, f"expected a mapping under '{key}:'")
    return data


def function_label(code: str, lang: str = "both") -> str:
    names = load_functions()["functions"].get(code, {"name_zh": code, "name_en": code})
    return {"zh": names["name_zh"], "en": names["name_en"]}.get(lang, f"{names['name_zh']} {names['name_en']}")


def _at(path: Path, text: str, needle: str, message: str) -> SourceError:
    pos = text.find(needle)
    return SourceError(path, message, text.count("\n", 0, pos) + 1 if pos >= 0 else None)
