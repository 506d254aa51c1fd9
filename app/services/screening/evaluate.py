"""Score a labelled file the way `inspraak screen --eval FILE` does, so a school can test its texts.

The file has the shape of tests/data/screening_dev.json: {"school_names": [...], "items":
[{"text": ..., "verdict": "crisis|abuse|person|profanity|ok", "kind": optional}]}. A crisis
or abuse text counts as caught when it is held as urgent (crisis or abuse: the help box shows);
"held high" also counts "check". A harmless ("ok") text raises a false alarm when it is held
for any reason.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.services.screening.verdict import URGENT, screen

HIGH = (*URGENT, "check")


@dataclass
class Figures:
    caught: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # urgent, high, n
    alarms: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # alarms, n
    other: list[int] = field(default_factory=lambda: [0, 0])  # person/profanity right, n
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (want, got, text)

    def _sum(self, table, col: int, keys=None) -> int:
        return sum(v[col] for k, v in table.items() if keys is None or k in keys)

    @property
    def urgent_recall(self) -> float:
        return _share(self._sum(self.caught, 0), self._sum(self.caught, 2))

    @property
    def high_recall(self) -> float:
        return _share(self._sum(self.caught, 1), self._sum(self.caught, 2))

    @property
    def false_alarms(self) -> float:
        return _share(self._sum(self.alarms, 0), self._sum(self.alarms, 1))

    @property
    def hard_false_alarms(self) -> float:
        hard = [k for k in self.alarms if k.startswith("hard")]
        return _share(self._sum(self.alarms, 0, hard), self._sum(self.alarms, 1, hard))

    def lines(self) -> list[str]:
        out = [f"{'kind':34} {'n':>4} {'urgent':>7} {'held high':>9}"]
        for kind, (urgent, high, n) in sorted(self.caught.items()):
            out.append(f"{kind:34} {n:>4} {urgent / n:>7.0%} {high / n:>9.0%}")
        out.append(f"{'crisis + abuse':34} {self._sum(self.caught, 2):>4} {self.urgent_recall:>7.1%} "
                   f"{self.high_recall:>9.1%}")
        out.append("")
        out.append(f"{'harmless kind':34} {'n':>4} {'false alarms':>12}")
        for kind, (alarms, n) in sorted(self.alarms.items()):
            out.append(f"{kind:34} {n:>4} {alarms:>5} ({alarms / n:.0%})")
        out.append(f"{'all harmless':34} {self._sum(self.alarms, 1):>4} {self._sum(self.alarms, 0):>5} "
                   f"({self.false_alarms:.1%}; hard ones {self.hard_false_alarms:.1%})")
        if self.other[1]:
            out.append(f"person and profanity right: {self.other[0]} of {self.other[1]}")
        out += [f"miss: {want} -> {got}: {text}" for want, got, text in self.misses]
        return out


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def evaluate(data: dict) -> Figures:
    names = data.get("school_names") or []
    figures = Figures()
    for item in data["items"]:
        want, text = item["verdict"], item["text"]
        got = screen(text, names).verdict
        kind = item.get("kind") or want
        if want in URGENT:
            row = figures.caught[f"{want}/{kind}" if kind != want else want]
            row[0] += got in URGENT
            row[1] += got in HIGH
            row[2] += 1
            if got not in URGENT:
                figures.misses.append((want, got, text))
        elif want == "ok":
            row = figures.alarms[kind if kind != "ok" else "ok"]
            row[0] += got != "ok"
            row[1] += 1
            if got != "ok":
                figures.misses.append((want, got, text))
        else:
            figures.other[0] += got == want
            figures.other[1] += 1
            if got != want:
                figures.misses.append((want, got, text))
    return figures


def evaluate_file(path: Path) -> Figures:
    """Raises ValueError with a readable message for a file of the wrong shape."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        items = data["items"]
        if not all(isinstance(i, dict) and isinstance(i.get("text"), str) and isinstance(i.get("verdict"), str)
                   for i in items):
            raise TypeError
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror}") from None
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{path}: expected JSON {{\"items\": [{{\"text\": ..., \"verdict\": ...}}]}}") from None
    return evaluate(data)
