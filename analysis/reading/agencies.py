"""Agency lists as printed -> canonical agencies with function and administrative level.

A list such as "自治区卫生健康委、人社厅,各市地人民政府" or "各级医保、人社、卫生健康等部门" shares
its prefix (自治区, 各级) and its suffix (部门) across items; scraped lists also lose separators
("各级卫生健康委组织部"). Names are resolved against data/dictionaries/agencies.yml.

A name the dictionary lacks stops a strict build (`UnknownAgency`). Otherwise it becomes a mention
flagged `resolved=False`, its function guessed from the words of its core (…卫健局 → health) and
its level from its prefix or the document's level (the `guess` section of the dictionary), so an
unfamiliar document still builds and the build report lists the name with a line to paste.

Which prefixes apply depends on the document (`Scope`): a prefix may be limited to some regions
or levels (区 is 自治区 in a provincial document, a district in a city's), and in a document of a
直辖市 (Beijing, Tianjin, Shanghai, Chongqing) 市 agencies are provincial-level.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple


from analysis import DATA_DIR
from analysis.reading.spans import SPACE

DICTIONARY = DATA_DIR / "dictionaries" / "agencies.yml"
_SEPARATORS = "、,，;；"
_AND_BEFORE = ("各级", "市")           # "财政局及各级卫生健康…": 及 separates, even across a line break
_TRAILERS = ("等部门", "等单位", "等")   # "各级医保、卫生健康等部门": 部门 belongs to every item
_LONGEST_NAME = 16                     # characters: a longer unknown name is prose
_SENTENCE_MARKS = "。！？!?:：“”\"《》"
_SENTENCE = re.compile(f"[{_SENTENCE_MARKS}]")        # never inside a list of names
_PROSE = re.compile(f"[{_SENTENCE_MARKS}%\\d]")      # nor, in a name the dictionary lacks, a number


@dataclass(frozen=True)
class Agency:
    name_zh: str
    name_en: str
    function: str
    level: str


@dataclass(frozen=True)
class Mention:
    """One agency as printed in the text: raw slice and its canonical agency (guessed, when the
    dictionary lacks the name: `resolved` is then False)."""

    raw: str
    start: int
    end: int
    agency: Agency
    resolved: bool = True


class Scope(NamedTuple):
    """The document a list is read in: which prefixes apply and what level a bare name has."""

    region: str
    level: str = ""
    municipal: bool = False      # a 直辖市's document: 市 is provincial-level


def _scope(region) -> Scope:
    return region if isinstance(region, Scope) else Scope(str(region))


class UnknownAgency(ValueError):
    def __init__(self, name: str, offset: int):
        super().__init__(name)
        self.name = name
        self.offset = offset


def _aliases(entry: dict) -> list[str]:
    """An entry's aliases, which must be a list: a bare string would be read character by character."""
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise TypeError(f"'aliases' of {entry.get('zh')} (write a list: aliases: [a, b])")
    return aliases


@dataclass(frozen=True)
class _Core:
    zh: str
    en: str
    function: str


class Dictionary:
    def __init__(self, data: dict):
        self.prefixes = sorted(data["prefixes"], key=lambda p: -len(p["zh"]))
        self.cores: dict[str, _Core] = {}
        for c in data["cores"]:
            core = _Core(c["zh"], c["en"], c["function"])
            for alias in [c["zh"], *_aliases(c)]:
                self.cores[fold(alias)] = core
        self.full: dict[str, Agency] = {}
        for f in data["full_names"]:
            agency = Agency(f["zh"], f["en"], f["function"], f["level"])
            for alias in [f["zh"], *_aliases(f)]:
                self.full[fold(alias)] = agency
        lg = data["leading_group"]
        self.group_re = re.compile(lg["pattern"])
        self.group_function = lg["function"]
        self.group_en = lg["en"]
        # Names with a separator inside ("各区、县(市)政府") must not be split.
        # Matched in folded text with any whitespace between characters (a line may break inside).
        self.protected = [loose_pattern(n)
                          for n in sorted((n for n in self.full if any(s in n for s in _SEPARATORS)), key=len, reverse=True)]
        # How agency names end (局, 委, 办, 部门 …): a name the dictionary lacks still ends so.
        canonical = [c["zh"] for c in data["cores"]] + [f["zh"] for f in data["full_names"]] + ["成员单位"]
        self.endings = {n[-1] for n in canonical}
        guess = data.get("guess") or {}
        self.guess_functions = [(tuple(g["words"]), g["function"]) for g in guess.get("functions", [])]
        self.guess_levels = [(tuple(g["starts"]), g["level"]) for g in guess.get("levels", [])]
        self.municipalities = tuple(data.get("municipalities", ()))
        self._prefixes_of: dict[Scope, tuple] = {}
        self._items_of: dict[str, tuple] = {}       # `_items`' spans of each text read

    def prefixes_for(self, region) -> tuple:
        """The prefixes that apply in a document (a region or its `Scope`), longest first. Computed
        once per scope: the rules ask for them for every piece of every list."""
        sc = _scope(region)
        known = self._prefixes_of.get(sc)
        if known is None:
            known = self._prefixes_of[sc] = self._prefixes_in(sc)
        return known

    def _prefixes_in(self, sc: Scope) -> tuple:
        out = []
        for p in self.prefixes:
            if ("regions" in p and sc.region not in p["regions"]) or ("levels" in p and sc.level not in p["levels"]):
                continue
            if sc.municipal and p["level"] == "prefecture":
                p = {**p, "level": "provincial"}
            out.append(p)
        return tuple(out)

    def guess(self, name: str, region, printed: dict | None, carried: dict | None) -> Agency:
        """An agency for a name the dictionary lacks: function from its words; level from the
        prefix it prints, else from how it starts (各区…), else from the prefix the list carries
        or the document's default, else the document's level."""
        function = next((f for words, f in self.guess_functions if any(w in name for w in words)), "unclassified")
        level = printed["level"] if printed else ""
        if not level:
            level = next((lv for starts, lv in self.guess_levels if name.startswith(starts)), "")
        if not level and carried:
            level = carried["level"]
        sc = _scope(region)
        if level == "prefecture" and sc.municipal:
            level = "provincial"
        return Agency(name, "", function, level or sc.level or "unspecified")

    def resolve(self, name: str, region: str, inherited_prefix: dict | None, default_prefix: dict | None):
        """Agency for one cleaned item, and the prefix it carries (for the items after it)."""
        if name in self.full:
            return self.full[name], None
        for p in self.prefixes_for(region):
            if name.startswith(p["zh"]):
                agency = self._with_prefix(name[len(p["zh"]):], p)
                if agency:
                    return agency, p
        prefix = inherited_prefix or default_prefix
        agency = self._with_prefix(name, prefix) if prefix else None
        return agency, None

    def _with_prefix(self, core_name: str, prefix: dict) -> Agency | None:
        core = self.cores.get(core_name)
        if core:
            return Agency(prefix["canonical"] + core.zh, prefix["en"].format(core.en), core.function, prefix["level"])
        m = self.group_re.match(core_name)
        if m:
            group = prefix["canonical"] + m["group"]
            return Agency(group + "成员单位", self.group_en.format(group=group), self.group_function, prefix["level"])
        return None

    def known_piece(self, name: str, region: str) -> bool:
        if name in self.full or name in self.cores or self.group_re.match(name):
            return True
        return any(name.startswith(p["zh"]) and name[len(p["zh"]):] in self.cores for p in self.prefixes_for(region))


@lru_cache(maxsize=4)
def load_dictionary(path: Path = DICTIONARY) -> Dictionary:
    from analysis.config import read_yaml, section
    from analysis.errors import SourceError

    data = read_yaml(path)[1]
    for key in ("prefixes", "cores", "full_names"):
        section(path, data, key)
    section(path, data, "leading_group", dict)
    try:
        return Dictionary(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise SourceError(path, f"an entry lacks or misshapes {str(exc).strip(chr(34))}: see the comments at the top "
                                "of the file") from None


@lru_cache(maxsize=1)
def _traditional() -> dict[str, str]:
    """Traditional → simplified, character for character (opencc's table; one-to-one entries only)."""
    import opencc

    table = {}
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, values = line.rstrip("\n").split("\t")
            value = values.split()[0]
            if len(key) == 1 and len(value) == 1 and key != value:
                table[key] = value
    return table


def _items(text: str, offset: int, dictionary: Dictionary) -> list[tuple[int, int]]:
    """Spans of list items, split on separators outside parentheses and protected names. The rules
    ask this of the same cell several times (is it a list? is it prose? its names), so each text's
    spans are kept (for the last _ITEMS_KEPT texts of a dictionary)."""
    known = dictionary._items_of.get(text)
    if known is None:
        if len(dictionary._items_of) >= _ITEMS_KEPT:
            dictionary._items_of.clear()
        known = dictionary._items_of[text] = _item_spans(text, dictionary)
    return [(offset + s, offset + e) for s, e in known]


_ITEMS_KEPT = 20_000


def _item_spans(text: str, dictionary: Dictionary) -> tuple[tuple[int, int], ...]:
    masked = list(text)
    folded = fold(text)
    for pattern in dictionary.protected:
        for m in pattern.finditer(folded):
            for i in range(m.start(), m.end()):
                masked[i] = "X"
    depth, spans, start = 0, [], 0
    for i, ch in enumerate(masked):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch in _SEPARATORS or _joins_items(ch, text, i)):
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s] in SPACE:
            s += 1
        while e > s and text[e - 1] in SPACE:
            e -= 1
        if s < e:
            out.append((s, e))
    return tuple(out)


def _joins_items(ch: str, text: str, i: int) -> bool:
    """及 or 和 before 各…/市… joins two names ("…财政局及各级卫生健康…", "…等有关部门和各区人民政府");
    等 before 有关部门 or 相关部门 ends a name ("市疾控局等有关部门"). 和 inside a name (自然资源和规划局)
    is followed by no prefix."""
    after = squeeze(text[i + 1:i + 8])
    if ch == "及":
        return after.startswith(_AND_BEFORE)
    if ch == "和":
        return after.startswith("各")
    return ch == "等" and after.startswith(("有关部门", "相关部门", "有关单位", "相关单位"))


def simplified(text: str) -> str:
    """Traditional characters as simplified, one for one (offsets hold); nothing else changed."""
    return text.translate(_simplified_table())


def fold(text: str) -> str:
    """Each character NFKC-folded where that keeps it one character (（ reads as (, ﹪ as %) and
    traditional characters read as simplified (負責 as 负责): one character for one, so offsets hold."""
    return text.translate(_fold_table())


def squeeze(raw: str) -> str:
    """Text as rules compare it: no whitespace (a line may break inside it), width folded."""
    return raw.translate(_NO_SPACE).translate(_fold_table())


_NO_SPACE = str.maketrans("", "", SPACE)


class _CharTable(dict):
    """A str.translate table filled on first sight of each character: the per-character work is
    done once per distinct character, not once per character of every text (the rules fold the
    same short texts thousands of times per document)."""

    def __init__(self, one):
        super().__init__()
        self.one = one

    def __missing__(self, code: int) -> str:
        self[code] = value = self.one(chr(code))
        return value


@lru_cache(maxsize=1)
def _simplified_table() -> _CharTable:
    t2s = _traditional()
    return _CharTable(lambda ch: t2s.get(ch, ch))


@lru_cache(maxsize=1)
def _fold_table() -> _CharTable:
    t2s = _traditional()

    def one(ch: str) -> str:
        f = unicodedata.normalize("NFKC", ch)
        return t2s.get(f, f) if len(f) == 1 else t2s.get(ch, ch)
    return _CharTable(one)


def loose_pattern(text: str) -> re.Pattern:
    """Matches squeeze(text) in folded text with any whitespace between its characters."""
    return re.compile(f"[{re.escape(SPACE)}]*".join(map(re.escape, squeeze(text))))


def parse_list(text: str, start: int, end: int, region, default_prefix: str | None = None,
               dictionary: Dictionary | None = None, lenient: bool = False) -> list[Mention]:
    """Mentions in text[start:end], a list of agency names with no role words. A name the
    dictionary lacks raises `UnknownAgency`, or with `lenient` becomes an unresolved mention."""
    d = dictionary or load_dictionary()
    default = next((p for p in d.prefixes_for(region) if p["zh"] == default_prefix), None)
    spans = _items(text[start:end], start, d)
    names = [squeeze(text[s:e]) for s, e in spans]
    suffix = ""
    for trailer in _TRAILERS:
        if names and names[-1].endswith(trailer) and names[-1] != trailer:
            suffix = "部门" if trailer == "等部门" else ""
            names[-1] = names[-1][: -len(trailer)]
            s, e = spans[-1]
            spans[-1] = (s, e - len(trailer))
            break
    if suffix == "" and names and names[-1].endswith("部门"):
        suffix = "部门"
    mentions: list[Mention] = []
    prefix = None
    for (s, e), name in zip(spans, names):
        for piece_s, piece_e, piece in _pieces(text, s, e, name, region, d):
            agency, carried = _resolve_piece(piece, suffix, region, prefix, default, d)
            if agency is None and not lenient:
                raise UnknownAgency(piece, piece_s)
            if agency is None:
                printed = next((p for p in d.prefixes_for(region) if piece.startswith(p["zh"])), None)
                mentions.append(Mention(text[piece_s:piece_e], piece_s, piece_e,
                                        d.guess(piece, region, printed, prefix or default), resolved=False))
                continue
            if carried:
                prefix = carried
            mentions.append(Mention(text[piece_s:piece_e], piece_s, piece_e, agency))
    return mentions


def reads_as_list(text: str, start: int, end: int, region: str, default_prefix: str | None = None) -> bool:
    """True when text[start:end] is a complete list of known agencies and nothing else: a list
    left open ("…、") or a sentence that happens to end in a name ("…工作。各级医改办") is not."""
    piece = squeeze(text[start:end])
    if not piece or piece.endswith(tuple(_SEPARATORS)) or _SENTENCE.search(piece):
        return False
    try:
        return bool(parse_list(text, start, end, region, default_prefix))
    except UnknownAgency:
        return False


def agency_shaped(text: str, start: int, end: int, region: str, default_prefix: str | None = None) -> bool:
    """True when text[start:end] reads as a list of agencies, or would if the dictionary knew
    the names it lacks: each unknown name short, with no sentence punctuation or digits, and
    ending as agency names end (局, 委, 部门 …). Tells a table cell naming a new agency from a
    line of prose."""
    if reads_as_list(text, start, end, region, default_prefix):
        return True
    d = load_dictionary()
    names = [squeeze(text[s:e]) for s, e in _items(text[start:end], start, d)]
    return bool(names) and all(len(n) <= _LONGEST_NAME and not _PROSE.search(n) and n[-1] in d.endings
                               for n in names)


def has_sentence_marks(text: str, start: int, end: int) -> bool:
    """True when text[start:end] holds a mark no list of names holds (。 ！ ？ ： quotes)."""
    return _SENTENCE.search(text, start, end) is not None


def reads_as_prose(text: str, start: int, end: int, region: str, default_prefix: str | None = None) -> bool:
    """True when text[start:end] is part of a sentence, not of a list of names: it has sentence
    punctuation or digits, or it is longer than a name and does not read as agencies. A
    fragment of a name ("各级卫生") is neither prose nor a list."""
    piece = squeeze(text[start:end])
    return bool(_PROSE.search(piece)) or (len(piece) > _LONGEST_NAME
                                          and not agency_shaped(text, start, end, region, default_prefix))


def _resolve_piece(piece, suffix, region, prefix, default, d):
    agency, carried = d.resolve(piece, region, prefix, default)
    if agency is None and suffix:
        agency, carried = d.resolve(piece + suffix, region, prefix, default)
    return agency, carried


def _pieces(text: str, s: int, e: int, name: str, region: str, d: Dictionary):
    """One item, or two when a separator was lost in the scrape ("卫生健康委组织部")."""
    if _resolvable(name, region, d):
        return [(s, e, name)]
    raw_positions = [i for i in range(s, e) if text[i] not in SPACE]
    for cut in range(len(name) - 1, 0, -1):
        left, right = name[:cut], name[cut:]
        if _resolvable(left, region, d) and _resolvable(right, region, d):
            mid = raw_positions[cut]
            return [(s, raw_positions[cut - 1] + 1, left), (mid, e, right)]
    return [(s, e, name)]


def _resolvable(name: str, region: str, d: Dictionary) -> bool:
    return d.known_piece(name, region) or d.known_piece(name + "部门", region)
