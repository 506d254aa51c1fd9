"""The learned screener: features, the shipped model file, training/serving parity, the corpus,
the verdict rules, `inspraak screen --eval`, and the held-out set's targets.

The held-out sets (tests/data/screening_holdout*.json) were written apart from the corpus and
are never trained on; the second one was evaluated once, after the last change it measures.
`pytest -s` prints their figures.
"""

import json
import math
import subprocess
import sys
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from app.services.screening import corpus, evaluate, features, model, queue_rank
from app.services.screening.verdict import combine, decide

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests/data/screening_dev.json"
CRISIS_KINDS = {"death_wish", "farewell", "plan", "overdose", "self_harm", "eating", "friend"}
ABUSE_KINDS = {"home_violence", "grooming", "sextortion", "forced_marriage", "bullying", "sexual_assault", "neglect",
               "racist", "knife"}


# --- features -------------------------------------------------------------------------

@pytest.mark.parametrize("text, normalised", [
    ("Kheb gwn GEEN zin meer 😭", "ik heb gewoon geen zin meer emo_sad"),
    ("ik w1l d00d!!!", "ik wil dood"),
    ("k wil niiiie meer", "ik wil niet meer"),
    ("kwil ni meer, da's gedaan", "ik wil niet meer dat is gedaan"),
    ("m'n pa slaat me", "mijn pa slaat me"),
    ("I'm gonna kms fr", "i am going to kill myself for real"),
    ("Ölmek istiyorum", "olmek istiyorum"),
    ("ik wil dooooood", "ik wil dood"),
    ("ik zen het beu 💀😂", "ik ben het beu emo_skull emo_laugh"),
    ("5 pillen", "5 pillen"),  # a number alone stays a number
])
def test_normalise(text, normalised):
    assert features.normalise(text) == normalised


def test_the_hash_is_our_own_and_fixed():
    # Training and serving share this function; a change would silently break every model.
    assert zlib.crc32("w:dood".encode("utf-8")) == 0x1301029D  # bit 31 is 0: the sign is minus
    assert features.hashed("dood")[0x1301029D & (features.SIZE - 1)] < 0
    slots = features.hashed(features.normalise("ik wil dood"))
    assert slots == features.hashed("ik wil dood")
    assert abs(sum(v * v for v in slots.values()) - 1.0) < 1e-9
    assert all(0 <= slot < features.SIZE for slot in slots)
    assert any(g.startswith("kk:") for g in features.grams("ik wil dood"))  # word groups in pairs


def test_long_texts_are_scored_in_windows():
    long = ("We willen een overdekte fietsenstalling want de fietsen worden nat. " * 8
            + "Eigenlijk wil ik gewoon niet meer leven. " + "De refter mag ook langer open. " * 6)
    pieces = features.windows(long)
    assert len(pieces) > 3 and all(len(p) <= features.WINDOW for p in pieces)
    assert any("niet meer leven" in p for p in pieces)
    assert features.windows("kort") == ["kort"]


# --- the model file -------------------------------------------------------------------

def test_shipped_model_is_small_and_says_what_it_is():
    assert model.MODEL_FILE.stat().st_size < 5 * 1024 * 1024
    learned = model.load()
    header = learned.header
    assert header["version"] == model.VERSION and header["seed"] and header["trained"][:2] == "20"
    assert set(header["thresholds"]) == {"urgent", "check"}
    assert 0 < header["thresholds"]["check"] < header["thresholds"]["urgent"] < 1
    assert header["corpus"]["texts"] >= 3000
    assert learned.classes == ("alarm", "crisis", "abuse")


def test_a_broken_or_foreign_model_file_is_refused(tmp_path):
    (tmp_path / "bad.bin").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a screener model"):
        model.read(tmp_path / "bad.bin")
    header = dict(model.load().header)
    header["features"] = {**header["features"], "bits": 12}
    model.dump(tmp_path / "other.bin", header, [[0.0] * features.SIZE] * 3)
    with pytest.raises(ValueError, match="other features"):
        model.read(tmp_path / "other.bin")


def test_serving_needs_neither_numpy_nor_scikit_learn():
    code = ("import sys; from app.services.screening import screen; v = screen('ik wil er niet meer zijn'); "
            "print(v.verdict, 'numpy' in sys.modules, 'sklearn' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["crisis", "False", "False", "False"]


def test_training_is_reproducible_and_served_scores_match_training(tmp_path):
    np = pytest.importorskip("numpy")
    pytest.importorskip("sklearn")
    from app.services.screening import train

    texts = corpus.build(train.SEED, variants=0)[::4]  # a small, quick slice
    x = train.matrix([t.text for t in texts])
    labels = np.array([t.label for t in texts])
    first = {n: train._fit(x, train._target(labels, n), 4.0) for n in train.CLASSES}
    again = train._fit(x, [t.label != "ok" for t in texts], 4.0)
    assert (first["alarm"].coef_ == again.coef_).all()
    header = {**model.load().header, "bias": {n: float(first[n].intercept_[0]) for n in train.CLASSES},
              "platt": {n: [1.0, 0.0] for n in train.CLASSES}}
    model.dump(tmp_path / "m.bin", header, [first[n].coef_[0].tolist() for n in train.CLASSES])
    served = model.read(tmp_path / "m.bin")
    for t in texts[:40]:
        expected = first["alarm"].predict_proba(train.matrix([t.text]))[0][1]
        assert abs(served.probabilities(t.text)["alarm"] - expected) < 0.01, t.text


# --- the corpus -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def shipped() -> list:
    return corpus.read()


def test_corpus_file_is_what_the_seeds_build():
    from app.services.screening.train import SEED

    assert shipped() == corpus.build(SEED)


def test_corpus_size_and_balance():
    texts = shipped()
    labels = Counter(t.label for t in texts)
    assert len(texts) >= 3000
    assert labels["ok"] >= labels["crisis"] + labels["abuse"]
    hard = sum(t.label == "ok" and t.kind.startswith("hard_") for t in texts)
    assert hard >= labels["ok"] / 2
    assert len({t.seed for t in texts}) >= 800


def test_corpus_covers_every_kind_in_every_language():
    texts = shipped()
    assert {t.kind for t in texts if t.label == "crisis"} == CRISIS_KINDS
    assert {t.kind for t in texts if t.label == "abuse"} == ABUSE_KINDS
    for label in ("crisis", "abuse", "ok"):
        assert {t.lang for t in texts if t.label == label} == set(corpus.LANGS)


def test_no_seed_is_a_dev_text():
    corpus.check_not_dev(corpus.read_seeds(), DEV)
    dev = json.loads(DEV.read_text())["items"]
    with pytest.raises(ValueError, match="dev text"):
        corpus.check_not_dev([corpus.Text(dev[0]["text"], "crisis", "death_wish", "nl", 0)], DEV)


# --- verdicts and the queue -----------------------------------------------------------

def test_decide_and_combine():
    bars = {"urgent": 0.5, "check": 0.2}
    assert decide({"alarm": 0.9, "crisis": 0.8, "abuse": 0.1}, bars) == "crisis"
    assert decide({"alarm": 0.9, "crisis": 0.1, "abuse": 0.7}, bars) == "abuse"
    assert decide({"alarm": 0.3, "crisis": 0.9, "abuse": 0.1}, bars) == "check"
    assert decide({"alarm": 0.1, "crisis": 0.9, "abuse": 0.1}, bars) == "ok"
    assert combine("crisis", "ok") == "crisis" and combine("abuse", "crisis") == "abuse"
    assert combine("person", "check") == "check" and combine("profanity", "ok") == "profanity"


def test_queue_rank():
    assert queue_rank("crisis", True) < queue_rank("check", False) < queue_rank("person", False)
    assert queue_rank("check", False) < queue_rank("ok", False)


# --- inspraak screen --eval ------------------------------------------------------------

def cli(*args):
    return subprocess.run([sys.executable, "-m", "app.cli", "screen", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"PATH": "/usr/bin:/bin", "INSPRAAK_DATABASE_URL": ""})


def test_eval_prints_recall_per_kind_and_false_alarms():
    out = cli("--eval", str(DEV))
    assert out.returncode == 0, out.stderr
    assert "crisis + abuse                       24  100.0%    100.0%" in out.stdout
    assert "all harmless" in out.stdout and "person and profanity right: 9 of 9" in out.stdout


def test_eval_refuses_a_file_of_the_wrong_shape(tmp_path):
    (tmp_path / "x.json").write_text('{"texts": []}')
    out = cli("--eval", str(tmp_path / "x.json"))
    assert out.returncode == 2 and "expected JSON" in out.stderr and not out.stdout
    out = cli("--eval", str(tmp_path / "missing.json"))
    assert out.returncode == 2 and "cannot read" in out.stderr


# --- the held-out set -------------------------------------------------------------------

HELD_OUT = {"holdout": (ROOT / "tests/data/screening_holdout.json", 250),
            "holdout2": (ROOT / "tests/data/screening_holdout2.json", 200),
            # Written by someone who had seen neither the word lists, the corpus nor the model;
            # its own kind names. (The first two such sets are now part of the seeds.)
            "blind3": (ROOT / "tests/data/screening_blind3.json", 400)}
TEAM_SETS = ("holdout", "holdout2")


@lru_cache(maxsize=None)
def held_out(name: str) -> evaluate.Figures:
    return evaluate.evaluate_file(HELD_OUT[name][0])


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_set_is_big_enough_and_half_hard(name):
    path, size = HELD_OUT[name]
    items = json.loads(path.read_text())["items"]
    harmless = [i for i in items if i["verdict"] == "ok"]
    assert len(items) >= size
    assert sum(i["kind"].startswith("hard_") for i in harmless) >= 0.49 * len(harmless)
    if name in TEAM_SETS:
        assert {i["kind"] for i in items if i["verdict"] == "crisis"} == CRISIS_KINDS
        assert {i["kind"] for i in items if i["verdict"] == "abuse"} == ABUSE_KINDS
    else:
        assert len({i["kind"] for i in items if i["verdict"] in ("crisis", "abuse")}) >= len(CRISIS_KINDS)
    seeds = {corpus._key(s.text) for s in corpus.read_seeds()}
    assert not [i["text"] for i in items if corpus._key(i["text"]) in seeds]


@pytest.mark.parametrize("name", [
    "holdout", "holdout2",
    pytest.param("blind3", marks=pytest.mark.xfail(
        strict=True, reason="not reached: 89.1 % shown the help box on the blind set, 90.9 % with check (docs/screening.md)"))])
def test_held_out_crisis_and_abuse_recall_at_least_90_percent(name):
    assert held_out(name).urgent_recall >= 0.90, held_out(name).misses


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_crisis_and_abuse_held_high_at_least_90_percent(name):
    """Held high = the help box or check: a person reads the text first either way."""
    assert held_out(name).high_recall >= 0.90, held_out(name).misses


@pytest.mark.parametrize("name", HELD_OUT)
def test_held_out_false_alarms_at_most_10_percent(name):
    assert held_out(name).false_alarms <= 0.10, held_out(name).misses


@pytest.mark.parametrize("name", HELD_OUT)
def test_zz_report_held_out_figures(name):
    print(f"\n--- screening {name} ---")
    print("\n".join(held_out(name).lines()))


# --- serving ------------------------------------------------------------------------------

def test_cached_scoring_equals_the_dot_product_of_the_hashed_vector(monkeypatch):
    """The model adds cached per-word and per-feature parts, and builds a window of two pieces
    from the pieces' sums; it must give what the dot product with features.hashed() of each
    window gives, also while its cache is emptied again and again."""
    learned = model.load()
    text = ("Ik stel voor dat de refter langer open is. Soms wil ik er niet meer zijn, echt. "
            "Mijn vader slaat me als ik te laat ben! De bus is te vol 😭. " * 5)
    monkeypatch.setattr(model, "PART_CACHE", 25)
    best = 0.0
    for window in features.windows(text):
        slots = features.hashed(features.normalise(window))
        z = [learned.bias[c] + sum(row[s] * v for s, v in slots.items()) for c, row in enumerate(learned.weights)]
        assert learned._linear(features.normalise(window)) == pytest.approx(
            [v - b for v, b in zip(z, learned.bias)], abs=1e-9)
        a, b = learned.platt[0]
        best = max(best, 1 / (1 + math.exp(-(a * z[0] + b))))
    assert len(features.windows(text)) > 3
    assert learned.probabilities(text)["alarm"] == pytest.approx(best, abs=1e-9)
    assert len(learned._parts) <= 25 + 300
