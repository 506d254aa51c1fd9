"""The learned screener at serving time: load the shipped model file once, score a text.

The file (app/data/screening/model/screener.bin) is: a magic line, a 4-byte little-endian
header length, a JSON header (version, training date, seed, classes, feature spec, Platt
calibration, thresholds, corpus figures), then zlib-compressed float16 weights, one row of
2**BITS per class. Scoring is features.hashed() and a sparse dot product per class, calibrated
to a probability: plain Python, no numpy or scikit-learn at serving time.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from app.services.screening import features

MODEL_FILE = Path(__file__).resolve().parents[2] / "data" / "screening" / "model" / "screener.bin"
MAGIC = b"INSPRAAK-SCREENER\n"
VERSION = 2  # 2: character n-grams per word, divided by the root of the summed squared weights
PART_CACHE = 40_000  # features and words whose dot products are kept (about 10 MB); cleared when full


@dataclass(frozen=True)
class Scores:
    """Calibrated probabilities: that a text is worrying at all (alarm), a crisis, an abuse disclosure."""

    alarm: float
    crisis: float
    abuse: float

    def to_dict(self, precise: bool = False) -> dict:
        values = {"alarm": self.alarm, "crisis": self.crisis, "abuse": self.abuse}
        return values if precise else {k: round(v, 3) for k, v in values.items()}


class _Piece(NamedTuple):
    keys: set[str]  # its distinct features, and its distinct words (for their n-grams)
    sums: list[float]  # what they add to each head, then their summed squared weight
    first: str
    last: str
    groups: set[str]  # the word groups it contains


def _scaled(sums: list[float]) -> list[float] | None:
    *z, square = sums
    return [v / math.sqrt(square) for v in z] if square > 1e-12 else None


@dataclass(frozen=True)
class Model:
    header: dict
    classes: tuple[str, ...]
    weights: tuple[array, ...]  # one float32 row of features.SIZE per class
    bias: tuple[float, ...]
    platt: tuple[tuple[float, float], ...]  # (a, b): p = 1 / (1 + exp(-(a * z + b)))
    _parts: dict = field(default_factory=dict, init=False, compare=False, repr=False)  # see _linear

    @property
    def thresholds(self) -> dict[str, float]:
        return self.header["thresholds"]

    def probabilities(self, text: str) -> dict[str, float]:
        """Per head, the probabilities of the window the alarm head finds most worrying."""
        best = dict.fromkeys(self.classes, 0.0)
        pieces, sizes = features.spans(text)
        parts = [self._piece(features.normalise(piece)) for piece in pieces]
        for i, n in enumerate(sizes):
            z = _scaled(parts[i].sums if n == 1 else self._joined(parts[i], parts[i + 1]))
            if z is None:
                continue
            p = {}
            for c, name in enumerate(self.classes):
                a, b = self.platt[c]
                p[name] = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, a * (self.bias[c] + z[c]) + b))))
            if p["alarm"] >= best["alarm"]:
                best = p
        return best

    def _linear(self, normalised: str) -> list[float] | None:
        """The dot product of each head's weights with features.hashed(normalised)."""
        return _scaled(self._piece(normalised).sums)

    def _piece(self, normalised: str) -> _Piece:
        """The dot products are computed without building the vector: what a feature, or the
        character n-grams of a word, add to each head is computed once and cached (the same
        words and n-grams come back in every text), and a window of two pieces reuses what
        each piece adds. That keeps a 1,300-character text within the time budget."""
        words, other = features.parts(normalised)
        keys = words | other
        seq = normalised.split()
        return _Piece(keys, self._sum(keys), seq[0] if seq else "", seq[-1] if seq else "",
                      features.groups(seq))

    def _joined(self, a: _Piece, b: _Piece) -> list[float]:
        """The sums of the window "a b": both pieces, less the features they share (counted
        once in a text), plus the features only the two together have (the bigram across the
        seam, the pairs of word groups from both sides)."""
        extra = features.group_pairs(a.groups | b.groups)
        if a.last and b.first:
            extra.add(f"b:{a.last} {b.first}")
        extra -= a.keys
        extra -= b.keys
        return [x + y - s + e for x, y, s, e in zip(a.sums, b.sums, self._sum(a.keys & b.keys), self._sum(extra))]

    def _sum(self, keys: set[str]) -> list[float]:
        """Per head what these features add, and their summed squared weight last."""
        cache = self._parts
        if len(cache) > PART_CACHE:
            cache.clear()
        rows = [cache.get(key) or self._part(key) for key in keys]
        return [sum(column) for column in zip(*rows)] if rows else [0.0] * (len(self.classes) + 1)

    def _part(self, key: str) -> tuple[float, ...]:
        """What one feature ("w:dood"), or the character n-grams of one word ("dood"), add to
        each head, and the squared weight."""
        pairs = (features.slot(key),) if ":" in key else features.word_slots(key)
        part = (*(sum(row[s] * value for s, value in pairs) for row in self.weights),
                sum(value * value for _s, value in pairs))
        self._parts[key] = part
        return part

    def score(self, text: str) -> Scores:
        p = self.probabilities(text)
        return Scores(alarm=p["alarm"], crisis=p["crisis"], abuse=p["abuse"])


def dump(path: Path, header: dict, rows: list[list[float]]) -> None:
    """Write a model file: header JSON and one row of float16 weights per class."""
    raw = b"".join(struct.pack(f"<{features.SIZE}e", *row) for row in rows)
    head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MAGIC + struct.pack("<I", len(head)) + head + zlib.compress(raw, 9))


def read(path: Path = MODEL_FILE) -> Model:
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"{path}: not a screener model file")
    (size,) = struct.unpack_from("<I", data, len(MAGIC))
    start = len(MAGIC) + 4
    header = json.loads(data[start:start + size])
    spec = header["features"]
    if (header["version"], spec["bits"], tuple(spec["char_n"]), spec["window"], spec["concepts"],
            spec["weights"]) != (VERSION, features.BITS, features.CHAR_N, features.WINDOW,
                                 features.concepts_digest(), features.WEIGHTS):
        raise ValueError(f"{path}: made for other features ({spec}); train it again")
    raw = zlib.decompress(data[start + size:])
    classes = tuple(header["classes"])
    if len(raw) != 2 * features.SIZE * len(classes):
        raise ValueError(f"{path}: weights are cut short")
    weights = tuple(array("f", struct.unpack_from(f"<{features.SIZE}e", raw, 2 * features.SIZE * c))
                    for c in range(len(classes)))
    return Model(header, classes, weights, tuple(header["bias"][c] for c in classes),
                 tuple(tuple(header["platt"][c]) for c in classes))


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model, read once per process (the app warms it at start-up)."""
    return read(MODEL_FILE)
