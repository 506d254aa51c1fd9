"""Train the learned screener: `inspraak screen-train` (or `python -m app.services.screening.train`).

Needs the `train` extra (scikit-learn). Reproducible: the corpus is rebuilt from the seeds with
a fixed RNG seed, folds and solver are seeded, and the same inputs give the same model file.

1. corpus.build() -> corpus.jsonl (checked against the dev set, which is never trained on);
2. one logistic regression per head over features.hashed(): alarm (crisis or abuse vs
   harmless) decides whether a text is held high; crisis vs rest and abuse vs rest say which;
3. 5-fold cross-validation, grouped by seed text so a seed's variants never sit on both sides;
   its out-of-fold scores fit the Platt calibration and choose the thresholds for recall: the
   highest bars at which word lists and model together still catch RECALL_URGENT (crisis box)
   and RECALL_CHECK (held high) of the crisis and abuse texts;
4. the final model on all texts, written as float16 weights with a JSON header, plus
   report.json with the cross-validated figures per kind.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

from app.services.screening import corpus, features, lexicon, model
from app.services.screening.verdict import URGENT, combine, decide
from app.timeutil import today

SEED = 20261203
C = 32.0  # inverse regularisation, chosen by cross-validation on the corpus (docs/screening.md)
FOLDS = 5
CLASSES = ("alarm", "crisis", "abuse")  # alarm: crisis or abuse, against harmless
RECALL_URGENT = 0.90  # of crisis and abuse texts, out of fold: the crisis box shows at this bar
RECALL_CHECK = 0.93  # below it, "check" holds the text high in the queue without the box
REPORT = model.MODEL_FILE.parent / "report.json"
DEV_FILE = Path(__file__).resolve().parents[3] / "tests" / "data" / "screening_dev.json"


def matrix(texts: list[str]):
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for text in texts:
        slots = features.hashed(features.normalise(text))
        indices.extend(slots)
        values.extend(slots.values())
        indptr.append(len(indices))
    return csr_matrix((values, indices, indptr), shape=(len(texts), features.SIZE), dtype="float64")


def _fit(x, y, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=SEED,
                              max_iter=1000).fit(x, y)


def _platt(z, y) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6, solver="lbfgs").fit(z.reshape(-1, 1), y)
    # rounded: the solver's last digits vary from run to run, the model file must not
    return round(float(fit.coef_[0][0]), 9), round(float(fit.intercept_[0]), 9)


def _sigmoid(v):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(v, -60, 60)))


def _bar(scores, caught, recall: float) -> float:
    """The highest threshold at which the model, with what the word lists already catch
    (`caught`), keeps `recall` of these positive texts."""
    import numpy as np

    need = int(np.ceil(recall * len(scores))) - int(caught.sum())
    ordered = np.sort(scores[~caught])[::-1]
    return float(ordered[min(len(ordered), max(1, need)) - 1]) if len(ordered) else 1.0


def cross_validate(texts: list[corpus.Text], x, c: float):
    """Out-of-fold decision values per class, folds grouped by seed and stratified by label."""
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    labels = np.array([t.label for t in texts])
    groups = np.array([t.seed for t in texts])
    oof = {name: np.zeros(len(texts)) for name in CLASSES}
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(x, labels, groups):
        for name in CLASSES:
            oof[name][test] = _fit(x[train], _target(labels[train], name), c).decision_function(x[test])
    return oof


def listed_verdict(text: str) -> str:
    return lexicon.match(text).verdict


def _target(labels, name: str):
    return labels != "ok" if name == "alarm" else labels == name


def figures(texts: list[corpus.Text], verdicts: list[str]) -> dict:
    """Recall per kind (crisis and abuse as urgent; with check as held high) and false alarms."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for t, v in zip(texts, verdicts):
        by_kind[f"{t.label}/{t.kind}"].append(v)
    pos = [v for t, v in zip(texts, verdicts) if t.label != "ok"]
    neg = [(t, v) for t, v in zip(texts, verdicts) if t.label == "ok"]
    hard = [v for t, v in neg if t.kind.startswith("hard_")]
    return {
        "n": len(texts),
        "urgent_recall": _share(pos, ("crisis", "abuse")),
        "held_high_recall": _share(pos, ("crisis", "abuse", "check")),
        "false_alarms": _share([v for _t, v in neg], ("crisis", "abuse", "check")),
        "false_urgent": _share([v for _t, v in neg], ("crisis", "abuse")),
        "false_alarms_hard": _share(hard, ("crisis", "abuse", "check")),
        "kinds": {k: {"n": len(v), "flagged": _share(v, ("crisis", "abuse", "check")),
                      "urgent": _share(v, ("crisis", "abuse"))} for k, v in sorted(by_kind.items())},
    }


def _share(verdicts: list[str], hits: tuple[str, ...]) -> float:
    return round(sum(v in hits for v in verdicts) / len(verdicts), 4) if verdicts else 0.0


def train(c: float = C, out: Path = model.MODEL_FILE, report: Path = REPORT, dev_file: Path = DEV_FILE) -> dict:
    import numpy as np

    texts = corpus.build(SEED)
    corpus.check_not_dev(corpus.read_seeds(), dev_file)
    corpus.write(texts)
    x = matrix([t.text for t in texts])
    labels = np.array([t.label for t in texts])
    oof = cross_validate(texts, x, c)
    platt = {name: _platt(oof[name], _target(labels, name)) for name in CLASSES}
    prob = {name: _sigmoid(platt[name][0] * oof[name] + platt[name][1]) for name in CLASSES}
    positive = labels != "ok"
    listed = np.array([lexicon.match(t.text).verdict in URGENT for t in texts])
    alarm, caught = prob["alarm"][positive], listed[positive]
    thresholds = {"urgent": round(_bar(alarm, caught, RECALL_URGENT), 4),
                  "check": round(_bar(alarm, caught, RECALL_CHECK), 4)}
    cv_verdicts = [combine(listed_verdict(t.text), decide({n: float(prob[n][i]) for n in CLASSES}, thresholds))
                   for i, t in enumerate(texts)]
    final = {name: _fit(x, _target(labels, name), c) for name in CLASSES}
    digest = hashlib.sha256(corpus.CORPUS.read_bytes()).hexdigest()
    header = {
        "version": model.VERSION, "trained": today().isoformat(), "seed": SEED, "classes": list(CLASSES),
        "features": {"bits": features.BITS, "char_n": list(features.CHAR_N), "window": features.WINDOW,
                     "concepts": features.concepts_digest(), "weights": features.WEIGHTS,
                     "hash": "crc32(utf-8 of 'w:'word | 'b:'w1 w2 | 'c:'char n-gram) mod 2**bits, sign bit 31",
                     "values": "distinct n-grams (character n-grams per distinct word), signed, divided by sqrt(sum of squared weights)"},
        "model": {"kind": "logistic regression, one vs rest, class_weight=balanced", "C": c,
                  "calibration": "Platt on out-of-fold decision values"},
        "bias": {name: float(final[name].intercept_[0]) for name in CLASSES},
        "platt": {name: list(platt[name]) for name in CLASSES},
        "thresholds": thresholds,
        "corpus": {"texts": len(texts), "seeds": len({t.seed for t in texts}), "sha256": digest},
    }
    model.dump(out, header, [final[name].coef_[0].tolist() for name in CLASSES])
    summary = {"header": header, "cv": figures(texts, cv_verdicts)}
    report.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the learned screener from the corpus seeds.")
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("Training needs scikit-learn: pip install -e '.[train]'", file=sys.stderr)
        return 2
    summary = train(args.c)
    cv = summary["cv"]
    print(f"{summary['header']['corpus']['texts']} texts; 5-fold CV: urgent recall {cv['urgent_recall']:.1%}, "
          f"held high {cv['held_high_recall']:.1%}, false alarms {cv['false_alarms']:.1%} "
          f"(hard {cv['false_alarms_hard']:.1%}); thresholds {summary['header']['thresholds']}")
    print(f"model written to {model.MODEL_FILE} ({model.MODEL_FILE.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
