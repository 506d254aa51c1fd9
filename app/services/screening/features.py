"""Text to hashed features for the learned screener, the same code in training and serving.

Normalisation brings the ways pupils write one thing onto one form: lower case, no accents
(also Turkish ı), emoji as words ("😭" -> "emo_sad"), apostrophes dropped ("m'n" -> "mn"),
digits inside words read as letters ("w1l d00d" -> "wil dood"), runs of a letter cut to two
("dooood" -> "dood"; "niiiie" -> "nie" -> "niet" through the chat table), and chat spellings
written out ("kheb" -> "ik heb", "ni" -> "niet", "da" -> "dat", "wanna" -> "want to").

Features are word unigrams and bigrams, character 3- to 5-grams inside each padded word
(" dood " -> " do", "doo", ...; per distinct word), and the word groups of concepts.txt that the text contains,
alone and in pairs ("SELF", "KIN|HURT"), so the model can learn a combination once for every
way of saying it. All are hashed with CRC-32 into 2**18 slots with a sign bit, counted once
per text with a weight per family, and divided by the root of the summed squared weights. The hash is our own (zlib.crc32
of UTF-8), not a library's, so a model trained with scikit-learn is served by a dot product.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path

BITS = 18
SIZE = 1 << BITS
CHAR_N = (3, 5)  # character n-gram lengths, inclusive
WINDOW = 280  # characters per scored window of a long text
CONCEPTS = Path(__file__).resolve().parents[2] / "data" / "screening" / "concepts.txt"
# Weight per feature family (prefix): word groups generalise to phrasings the corpus lacks,
# character n-grams mostly absorb spelling; chosen by cross-validation (docs/screening.md).
WEIGHTS = {"c": 0.5, "w": 1.0, "b": 1.0, "k": 1.0}

EMOJI = {
    "emo_sad": "😭😢🥺😞😔😿🥲😩😫☹🙁",
    "emo_heartbreak": "💔",
    "emo_laugh": "😂🤣😆😹😅😁😄",
    "emo_skull": "💀☠",
    "emo_knife": "🔪🗡",
    "emo_pill": "💊",
    "emo_blood": "🩸",
    "emo_death": "⚰🪦",
    "emo_rope": "🪢",
    "emo_angry": "😡🤬😠",
    "emo_fear": "😨😰😱",
}
_EMOJI = {ord(ch): f" {name} " for name, chars in EMOJI.items() for ch in chars}
_LEET = str.maketrans("0134578@$", "oieastbas")
_LEET_TOKEN = re.compile(r"\b(?=[a-z0-9@$]*[a-z])(?=[a-z0-9@$]*[0-9@$])[a-z0-9@$]+\b")
_APOSTROPHE = re.compile(r"['’‘`´]")
_NOT_WORD = re.compile(r"[^a-z0-9_]+")
_RUNS = re.compile(r"([a-z])\1{2,}")
_SINGLE = re.compile(r"([a-z])\1+")

# Chat and dialect spellings -> the written form. Flemish ("kheb", "ni", "da", "zen"),
# Dutch chat ("gwn", "nx") and English chat ("wanna", "rn"). A value may be two words.
CHAT = {
    "k": "ik", "kheb": "ik heb", "kem": "ik heb", "kebbe": "ik heb", "ni": "niet", "nie": "niet", "nt": "niet",
    "da": "dat", "wa": "wat", "t": "het", "et": "het", "tis": "het is", "das": "dat is", "gwn": "gewoon",
    "gwoon": "gewoon", "nx": "niks", "nix": "niks", "niets": "niks", "mn": "mijn", "men": "mijn",
    "mne": "mijn", "mijne": "mijn", "m": "mijn", "ne": "een", "n": "een", "gn": "geen",
    "ge": "je", "gij": "jij", "u": "je", "zen": "ben", "zijt": "bent", "ff": "even",
    "mss": "misschien", "eig": "eigenlijk", "idd": "inderdaad", "vr": "voor", "w": "wel", "nr": "naar",
    "wnr": "wanneer", "mr": "maar", "iemnd": "iemand", "nmr": "nummer", "dr": "er",
    "im": "i am", "ive": "i have", "dont": "do not", "cant": "can not", "wont": "will not", "didnt": "did not",
    "wanna": "want to", "gonna": "going to", "gotta": "got to", "rn": "right now", "fr": "for real",
    "ppl": "people", "bc": "because", "cuz": "because", "coz": "because", "tmrw": "tomorrow", "ur": "your",
    "r": "are", "pls": "please", "plz": "please", "kms": "kill myself", "sh": "self harm",
}
# "kwil" -> "ik wil": a k glued to the verb that follows it (Flemish chat).
_K_VERBS = frozenset(
    "wil wou ben heb ga zie doe denk zal zou kan moet voel durf krijg kreeg word werd wordt mag zit had was weet "
    "snij sla haat hoop wens eet at geef gaf neem nam kom lig sta blijf zeg".split())


def fold(text: str) -> str:
    """Lower case without accents; emoji named; Turkish dotless i read as i."""
    text = text.translate(_EMOJI).casefold()
    if text.isascii():  # most texts: nothing to take apart
        return text
    text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _spell(word: str) -> str:
    if word in CHAT:
        return CHAT[word]
    if len(word) > 2 and word[0] == "k" and word[1:] in _K_VERBS:
        return "ik " + word[1:]
    return word


def normalise(text: str) -> str:
    """One written form for the many ways of writing it (see the module docstring)."""
    text = _APOSTROPHE.sub("", fold(text or ""))
    text = _LEET_TOKEN.sub(lambda m: m[0].translate(_LEET), text)
    words = []
    for word in _NOT_WORD.sub(" ", text).split():
        if _RUNS.search(word):  # stretched: "niiiie" -> "nie" -> "niet", else "dooood" -> "dood"
            single = _SINGLE.sub(r"\1", word)
            word = single if single in CHAT else _RUNS.sub(r"\1\1", word)
        words.append(_spell(word))
    return " ".join(words)


@lru_cache(maxsize=1)
def concepts() -> dict[str, tuple[str, ...]]:
    """Word -> the groups it belongs to, from concepts.txt ("GROUP: word word ...")."""
    groups: dict[str, list[str]] = {}
    for line in CONCEPTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, words = line.split(":", 1)
            for word in words.split():
                groups.setdefault(word, []).append(name.strip())
    return {word: tuple(names) for word, names in groups.items()}


def concepts_digest() -> str:
    """Identifies the word groups a model was trained with."""
    return hashlib.sha256(CONCEPTS.read_bytes()).hexdigest()[:16]


def grams(normalised: str) -> set[str]:
    """The distinct features of a normalised text, each prefixed by its family."""
    words, other = parts(normalised)
    return other.union(*(_char_grams(w) for w in words))


def parts(normalised: str) -> tuple[set[str], set[str]]:
    """The distinct words of a text (their character n-grams are features) and its other
    features: words, bigrams, word groups and pairs of groups."""
    words = normalised.split()
    present = groups(words)
    out = {"w:" + w for w in words}
    out.update("k:" + name for name in present)
    out.update(group_pairs(present))
    out.update(f"b:{a} {b}" for a, b in zip(words, words[1:]))
    return set(words), out


def groups(words: list[str]) -> set[str]:
    """The word groups of concepts.txt that these words belong to."""
    table = concepts()
    return {name for w in words for name in table.get(w, ())}


def group_pairs(present: set[str]) -> set[str]:
    ordered = sorted(present)
    return {f"kk:{a}|{b}" for i, a in enumerate(ordered) for b in ordered[i + 1:]}


@lru_cache(maxsize=4096)  # bounded: at most a few MB, whatever pupils write
def _char_grams(word: str) -> frozenset[str]:
    """The character n-grams of one padded word (cached: a long text repeats its words)."""
    padded, low, high = f" {word} ", *CHAR_N
    if len(padded) <= low:
        return frozenset(("c:" + padded,))
    return frozenset("c:" + padded[i:i + n] for n in range(low, min(high, len(padded)) + 1)
                     for i in range(len(padded) - n + 1))


@lru_cache(maxsize=16384)
def slot(gram: str) -> tuple[int, float]:
    """A feature's slot and signed weight (cached: the same n-grams come back in every text)."""
    h = zlib.crc32(gram.encode("utf-8"))
    weight = WEIGHTS[gram[0]]
    return h & (SIZE - 1), (weight if h >> 31 else -weight)


def word_slots(word: str) -> tuple[tuple[int, float], ...]:
    """(slot, signed weight) of each character n-gram of one word."""
    return tuple(slot(g) for g in _char_grams(word))


def hashed(normalised: str) -> dict[int, float]:
    """Slot -> value. Each distinct feature adds its family's weight, signed by bit 31 of its
    hash, to its slot; the character n-grams are taken per distinct word (an n-gram two words
    share counts twice). The vector is divided by the root of the summed squared weights, so a
    scorer can add up cached per-word dot products (model.py) and get the same number."""
    words, other = parts(normalised)
    slots: dict[int, float] = {}
    square = 0.0
    for pairs in [tuple(slot(g) for g in other), *(word_slots(w) for w in words)]:
        for s, value in pairs:
            slots[s] = slots.get(s, 0.0) + value
            square += value * value
    norm = math.sqrt(square)
    return {s: v / norm for s, v in slots.items() if v} if norm else {}


def windows(text: str) -> list[str]:
    """A long text in overlapping pieces of about WINDOW characters, cut between sentences,
    so one alarming sentence in a long proposal is not drowned by the rest."""
    pieces, sizes = spans(text)
    return [" ".join(pieces[i:i + n]) for i, n in enumerate(sizes)]


def spans(text: str) -> tuple[list[str], list[int]]:
    """The pieces of windows(): one or two sentences (or a long sentence cut at spaces), and
    per piece how many pieces its window takes, 1 or 2 (two sentences together keep some context)."""
    text = (text or "").strip()
    if len(text) <= WINDOW:
        return [text], [1]
    sentences = [s for s in re.split(r"(?<=[.!?\n])\s+", text) if s.strip()]
    pieces = []
    for s in sentences:  # a sentence without full stops is cut at spaces
        while len(s) > WINDOW:
            cut = s.rfind(" ", 0, WINDOW)
            cut = cut if cut > WINDOW // 2 else WINDOW
            pieces.append(s[:cut])
            s = s[cut:].strip()
        if s:
            pieces.append(s)
    return pieces, [2 if i + 1 < len(pieces) and len(p) + len(pieces[i + 1]) < WINDOW else 1
                    for i, p in enumerate(pieces)]
