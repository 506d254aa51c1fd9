"""The word lists: must-catch phrases, the school's own lines, names, profanity.

Pure functions: no database, no HTTP. Every word list and pattern lives in
app/data/screening/{crisis,abuse,profanity,idioms}.txt, so a school can extend them without
code; lines from the same file names in $INSPRAAK_SCREENING_DIR are appended.

File format: one regular expression per line; "#" starts a comment. `NAME = regex` defines a
piece that later lines use as {NAME}. A line starting "joined:" is also tried on the text with
every space removed ("z e l f  moord"), so only use it for long stems that two ordinary words
side by side cannot produce. Patterns are matched against the normalised text of _words():
lower case, no accents, apostrophes dropped ("m'n" -> "mn", "'k" -> "k"), anything else that
is not a letter or digit becomes one space, runs of 3+ equal letters become 2 ("dooood" ->
"dood"), spaced-out letters are glued ("d o o d" -> "dood"). Leetspeak ("z3lfm00rd") and
fully squeezed runs ("kiiill" -> "kil", tried against the pattern with doubles squeezed too)
are extra forms of the same text. Idioms ("doodmoe", "dood van het lachen") are blanked out
before the urgent (crisis, abuse) patterns run.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "screening"
ENV_DIR = "INSPRAAK_SCREENING_DIR"

# 1 is read both as i ("k1ll") and as l ("1even"), so there are two decodings.
_LEET = (str.maketrans("013457@$!|", "oieastasil"), str.maketrans("013457@$!|", "oleastasil"))
_LEET_CHARS = re.compile(r"[013457@$!|]")
_ELONGATED = re.compile(r"(\w)\1\1")
_LONG = 280  # characters; a longer text gets its extra forms sentence by sentence
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+")
_DEF = re.compile(r"([A-Z][A-Z_]*)\s*=\s*(.+)")
_REF = re.compile(r"\{([A-Z][A-Z_]*)\}")
_MENTION = re.compile(r"(?<![\w@])@\w+")  # not the @ inside "k@nker" or an e-mail address


@dataclass(frozen=True)
class Hit:
    """What the word lists found: a verdict and the words that gave it away."""

    verdict: str  # crisis | abuse | person | profanity | ok
    matched: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Rule:
    plain: re.Pattern
    squeezed: re.Pattern  # the same pattern with doubled letters collapsed
    joined: bool


def _fold(s: str) -> str:
    """Strip accents (NFKD, drop combining marks): é -> e, ë -> e."""
    if s.isascii():  # most texts: nothing to take apart
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _squeeze(s: str) -> str:
    """Collapse every run of a repeated letter; escapes such as \\s are left alone."""
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", s)


def _lines(name: str) -> Iterable[tuple[str, str]]:
    paths = [DATA_DIR / f"{name}.txt"]
    if extra := os.environ.get(ENV_DIR):
        paths.append(Path(extra) / f"{name}.txt")
    for path in paths:
        if path.is_file():
            for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                line = re.sub(r"(?:^|\s)#.*", "", line).strip()
                if line:
                    yield f"{path}:{no}", _fold(line)


@dataclass(frozen=True)
class _List:
    rules: tuple[_Rule, ...]
    # (squeezed, joined) -> the rules that apply to such a text as one alternation: one scan
    # finds every phrase, three times faster than trying the rules one by one. None: rule by
    # rule (a school's line with a backreference cannot be combined).
    either: dict[tuple[bool, bool], re.Pattern | None]


def _either(patterns: list[re.Pattern]) -> re.Pattern | None:
    """Many patterns as one. Those that start at a word boundary share one leading \\b, so in
    the middle of a word the scan moves on after a single test."""
    if any(re.search(r"\\[1-9]|\(\?P=", p.pattern) for p in patterns):
        return None
    flags = re.I if any(p.flags & re.I for p in patterns) else 0
    at_word = [p.pattern for p in patterns if all(a.startswith(r"\b") for a in _alternatives(p.pattern))]
    anywhere = [p.pattern for p in patterns if p.pattern not in at_word]
    parts = ([r"\b(?:" + "|".join(f"(?:{p})" for p in at_word) + ")"] if at_word else []) + [
        f"(?:{p})" for p in anywhere]
    try:
        return re.compile("|".join(parts) or r"(?!)", flags)
    except re.error:
        return None


def _alternatives(pattern: str) -> list[str]:
    """A pattern cut at its top-level "|" (not inside brackets or a character class)."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class, i = True, i + (pattern[i + 1:i + 2] == "]")
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return out + [pattern[start:]]


@lru_cache(maxsize=None)
def _rules(name: str) -> _List:
    """Compile one list once. A broken line fails loudly: a silently skipped crisis
    pattern would be worse than an error the school sees at once."""
    defs: dict[str, str] = {}
    rules = []
    for where, line in _lines(name):
        try:
            line = _REF.sub(lambda m: defs[m[1]], line)
            if d := _DEF.fullmatch(line):
                defs[d[1]] = d[2]
                continue
            joined = line.startswith("joined:")
            src = line.removeprefix("joined:").strip()
            # The text is lower case already; ignoring case also slows every search, so only a
            # school's line with capitals gets it.
            flags = re.I if re.search(r"(?<!\\)[A-Z]", src) else 0
            rules.append(_Rule(re.compile(src, flags), re.compile(_squeeze(src), flags), joined))
        except (KeyError, re.error) as e:
            raise ValueError(f"screening list {where}: {e!r}") from None
    either = {(sq, joined): _either([r.squeezed if sq else r.plain for r in rules if r.joined or not joined])
              for sq in (False, True) for joined in (False, True)}
    return _List(tuple(rules), either)


def _base(text: str) -> str:
    t = _fold(text).casefold()
    t = re.sub(r"['’‘`]", "", t)  # m'n -> mn, 'k -> k, i'm -> im
    return re.sub(r"(?<=\w)\*+(?=\w)", "", t)  # f*ck -> fck


def _words(base: str, leet: dict | None = None) -> str:
    # "z e l f m o o r d", "w i l  n i e t": glue letters one space apart (a wider gap splits words)
    t = re.sub(r"(?<![a-z0-9])(?:[a-z0-9@$!|] ){2,}[a-z0-9@$!|](?![a-z0-9])", lambda m: m[0].replace(" ", ""), base)
    t = re.sub(r"[^a-z0-9@$!|]+", " ", t)
    if leet:  # only decode tokens that contain a letter: "5 pillen" keeps its 5
        t = re.sub(r"[a-z0-9@$!|]*[a-z0-9@$|]",
                   lambda m: m[0].translate(leet) if re.search("[a-z]", m[0]) else m[0], t)
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " " + re.sub(r"([a-z])\1{2,}", r"\1\1", t).strip() + " "


def _variants(forms: Iterable[tuple[str, bool]], idioms: _List | None) -> list[tuple[str, bool, bool]]:
    """(text, squeezed, joined) triples to match, from (form, elongated) pairs; idioms are
    blanked out first."""
    out = []
    for w, elongated in forms:
        texts = [(w, False)]
        if elongated:  # only then try doubles -> single, so "mongool"/"kk" never meet "mongol"/"k"
            texts.append((_squeeze(w), True))
        for t, sq in texts:
            if idioms and (either := idioms.either[sq, False]):
                t = either.sub(" ", t)
            elif idioms:
                for rule in idioms.rules:
                    t = (rule.squeezed if sq else rule.plain).sub(" ", t)
            out += [(t, sq, False), (re.sub(r"[^a-z]", "", t), sq, True)]
    return out


def _forms(base: str) -> list[tuple[str, bool]]:
    """The text as the patterns see it, then its leetspeak decodings, each with whether it has
    stretched letters. A long text gets the extra forms per sentence, and only the sentences
    that need them: one "3e jaar" or "!!!" must not make a proposal cost three times as much."""
    whole = _words(base)
    chunks = _SENTENCE.split(base) if len(base) > _LONG else [base]
    forms = [(whole, len(chunks) == 1 and bool(_ELONGATED.search(base)))]
    seen = {whole}
    for chunk in chunks:
        elongated, leet = bool(_ELONGATED.search(chunk)), bool(_LEET_CHARS.search(chunk))
        if not (elongated or leet):
            continue
        plain = _words(chunk) if len(chunks) > 1 else whole
        extra = [plain] if elongated and len(chunks) > 1 else []
        if leet:  # "5 pillen" or "echt!" decode to themselves: no new form
            extra += [f for f in (_words(chunk, code) for code in _LEET) if f != plain]
        for form in extra:
            if form not in seen:
                seen.add(form)
                forms.append((form, elongated))
    return forms


def _search(found: _List, variants: list[tuple[str, bool, bool]]) -> list[str]:
    """The phrases the list finds in any variant of the text, each once."""
    hits: list[str] = []
    for text, sq, joined in variants:
        if either := found.either[sq, joined]:
            hits += [m[0].strip() for m in either.finditer(text)]
            continue
        for rule in found.rules:
            if (joined <= rule.joined) and (m := (rule.squeezed if sq else rule.plain).search(text)):
                hits.append(m[0].strip())
    return list(dict.fromkeys(h for h in hits if h))


def _people(text: str, names: Iterable[str], forms: list[str]) -> list[str]:
    hits = _MENTION.findall(text)
    for name in names:
        key = _words(_base(name or "")).strip()
        if len(key) >= 2 and any(re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", f) for f in forms):
            hits.append(name.strip())
    return list(dict.fromkeys(hits))


def match(text: str, names: Iterable[str] = ()) -> Hit:
    """The word lists' verdict for one text; crisis > abuse > person > profanity > ok."""
    base = _base(text or "")
    forms = _forms(base)
    urgent = _variants(forms, _rules("idioms"))
    checks = (
        ("crisis", lambda: _search(_rules("crisis"), urgent)),
        ("abuse", lambda: _search(_rules("abuse"), urgent)),
        ("person", lambda: _people(text or "", names, [f for f, _ in forms])),
        ("profanity", lambda: _search(_rules("profanity"), _variants(forms, None))),
    )
    for verdict, check in checks:
        if hits := check():
            return Hit(verdict, hits)
    return Hit("ok", [])
