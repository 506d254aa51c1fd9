"""The training corpus: hand-written seed texts and the noisy variants pupils would type.

Seeds live in app/data/screening/train/seeds/{crisis,abuse,ok}.txt as `kind|lang|text` lines
(lang: nl, en, tr = Turkish mixed into Dutch, ma = Moroccan Arabic in Latin script mixed into
Dutch, fr = French as pupils of Brussels schools write it). `build()` adds, per seed, a fixed
number of variants made by the same random noise for every label (chat spelling, dropped vowels, leetspeak, stretched letters, capitals, typos, a
code-mixed tag, emoji), so noise never tells the labels apart. The result is written to
corpus.jsonl beside the seeds; the same seed and the same RNG seed give the same file.

No seed may be a text of the dev set (tests/data/screening_dev.json): `build()` refuses.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

TRAIN_DIR = Path(__file__).resolve().parents[2] / "data" / "screening" / "train"
SEED_DIR = TRAIN_DIR / "seeds"
CORPUS = TRAIN_DIR / "corpus.jsonl"
LABELS = ("crisis", "abuse", "ok")
LANGS = ("nl", "en", "tr", "ma", "fr")
VARIANTS = 3  # noisy variants per seed, besides the seed itself

# Word -> ways pupils write it. Applied word by word with some chance each.
SPELLINGS = {
    "ik": ["k", "ik"], "niet": ["ni", "nie", "nt"], "dat": ["da"], "wat": ["wa"], "het": ["t", "et"],
    "mijn": ["mn", "men", "m'n", "mijne"], "een": ["ne", "n", "'n"], "gewoon": ["gwn", "gwoon"],
    "je": ["ge", "u", "j"], "jij": ["gij"], "niks": ["nx", "niets", "nix"], "meer": ["mr", "meeer"],
    "ben": ["zen"], "echt": ["egt", "echttt"], "even": ["ff"], "misschien": ["mss"], "eigenlijk": ["eig"],
    "wil": ["wl", "wiel"], "heb": ["hb"], "zijn": ["zn", "zen"], "weet": ["wt"], "naar": ["nr"],
    "you": ["u", "ya"], "are": ["r"], "because": ["bc", "cuz"], "really": ["rly"], "please": ["pls", "plz"],
    "to": ["2"], "for": ["4"], "tomorrow": ["tmrw"], "people": ["ppl"], "i'm": ["im", "i am"],
    "don't": ["dont", "dnt"],
}
GLUED = {"ik heb": ["kheb", "'k heb", "kem"], "ik ben": ["kben", "ik zen", "kzen"], "ik wil": ["kwil", "'k wil"],
         "ik ga": ["kga"], "ik zie": ["kzie"], "ik weet": ["kweet"], "ik kan": ["kkan"], "ik doe": ["kdoe"],
         "want to": ["wanna"], "going to": ["gonna"], "right now": ["rn"]}
TAGS = {  # discourse markers by register; any label, so they carry no meaning for the model
    "nl": ["amai", "zeg", "eig", "serieus", "echt", "pff", "ofzo", "ja", "man", "bro"],
    "en": ["bro", "tbh", "ngl", "like", "honestly", "idk", "omg"],
    "tr": ["abi", "kanka", "lan", "ya", "valla", "yani", "abla", "moruk"],
    "fr": ["genre", "frr", "jsp", "mdr", "wsh", "franchement", "grave"],
    "ma": ["wallah", "wollah", "khoya", "khti", "safi", "wesh", "zarma", "3afak", "sahbi"],
}
EMOJI = ["😭", "🙏", "😩", "😔", "🥲", "❤️", "🤷", "😶", "💯", "😤"]
LEET = str.maketrans("eoias", "30145")
VOWELS = re.compile(r"(?<=\w)[aeiou](?=\w)")


@dataclass(frozen=True)
class Text:
    text: str
    label: str  # crisis | abuse | ok
    kind: str  # e.g. death_wish, grooming, hard_hyperbole, plain
    lang: str
    seed: int  # the seed it comes from: variants of one seed stay in one cross-validation fold


def read_seeds(seed_dir: Path = SEED_DIR) -> list[Text]:
    seeds: list[Text] = []
    for label in LABELS:
        path = seed_dir / f"{label}.txt"
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                kind, lang, text = (part.strip() for part in line.split("|", 2))
            except ValueError:
                raise ValueError(f"{path}:{no}: expected kind|lang|text") from None
            if lang not in LANGS or not kind or not text:
                raise ValueError(f"{path}:{no}: bad kind, lang or text")
            seeds.append(Text(text, label, kind, lang, len(seeds)))
    return seeds


def _words(text: str, rng: random.Random, p: float) -> str:
    for phrase, forms in GLUED.items():
        if phrase in text and rng.random() < p * 2:
            text = text.replace(phrase, rng.choice(forms), 1)
    out = []
    for word in text.split(" "):
        key = word.lower().strip(".,!?")
        if key in SPELLINGS and rng.random() < p:
            word = word.lower().replace(key, rng.choice(SPELLINGS[key]))
        out.append(word)
    return " ".join(out)


def _one_word(text: str, rng: random.Random, change) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if long:
        i = rng.choice(long)
        words[i] = change(words[i])
    return " ".join(words)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1:]  # a dropped letter
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # two letters swapped


def _stretch(word: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(word) if c in "aeiouy"] or [len(word) - 1]
    i = rng.choice(spots)
    return word[:i] + word[i] * rng.randint(3, 6) + word[i + 1:]


def noisy(text: str, lang: str, rng: random.Random) -> str:
    """One variant of a text, as a pupil in a hurry might type it."""
    t = text
    if rng.random() < 0.6:
        t = _words(t, rng, 0.5)
    if rng.random() < 0.5:
        t = t.lower().rstrip(".!?")
    if rng.random() < 0.25:
        t = _one_word(t, rng, lambda w: VOWELS.sub("", w))
    if rng.random() < 0.25:
        t = _one_word(t, rng, lambda w: _typo(w, rng))
    if rng.random() < 0.2:
        t = _one_word(t, rng, lambda w: _stretch(w, rng))
    if rng.random() < 0.1:
        t = t.translate(LEET) if rng.random() < 0.3 else _one_word(t, rng, lambda w: w.translate(LEET))
    if rng.random() < 0.25:
        tag = rng.choice(TAGS[lang] + TAGS["nl"])
        t = f"{tag} {t}" if rng.random() < 0.5 else f"{t} {tag}"
    if rng.random() < 0.3:
        t = f"{t} {rng.choice(EMOJI) * rng.randint(1, 3)}"
    if rng.random() < 0.1:
        t = t.upper()
    elif rng.random() < 0.15:
        t = t[:1].upper() + t[1:]
    if rng.random() < 0.15:
        t += rng.choice(["!!", "...", "??", " .", "!!!"])
    return re.sub(r"\s+", " ", t).strip()


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def check_not_dev(seeds: list[Text], dev_file: Path) -> None:
    """Refuse a seed that is, or contains, a dev-set text: the dev set is never trained on."""
    dev = [_key(item["text"]) for item in json.loads(dev_file.read_text(encoding="utf-8"))["items"]]
    for seed in seeds:
        key = _key(seed.text)
        for d in dev:
            if key == d or (len(d) >= 12 and (d in key or key in d)):
                raise ValueError(f"seed {seed.text!r} is too close to the dev text {d!r}")


def build(seed: int = 20261203, variants: int = VARIANTS, seed_dir: Path = SEED_DIR) -> list[Text]:
    """Seeds plus their variants, deduplicated, in a fixed order."""
    rng = random.Random(seed)
    out: list[Text] = []
    seen: set[str] = set()
    for s in read_seeds(seed_dir):
        texts = [s.text] + [noisy(s.text, s.lang, rng) for _ in range(variants)]
        for text in texts:
            if text not in seen:
                seen.add(text)
                out.append(Text(text, s.label, s.kind, s.lang, s.seed))
    return out


def write(texts: list[Text], path: Path = CORPUS) -> None:
    path.write_text("".join(json.dumps(asdict(t), ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")


def read(path: Path = CORPUS) -> list[Text]:
    return [Text(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]
