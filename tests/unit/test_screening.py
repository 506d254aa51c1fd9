"""Text screening: the labelled dev set, and the word lists on their own: phrasings that are
not in the dev set, idioms that must stay ok, disguised spellings, names, and the school's own
extension lists. (The learned model and the held-out set: test_screening_model.py.)

Most cases here test the lists' patterns (other persons, conjugations, word orders), so they
call lexicon.match; the dev set goes through the whole screen(). `pytest -s` prints the figures.
"""

import json
from functools import lru_cache
from pathlib import Path

import pytest

from app.services import screening
from app.services.screening import Verdict, lexicon, screen

ROOT = Path(__file__).resolve().parents[2]
SHARED_DEV = ROOT.parent / "shared/data/screening_dev.json"
LOCAL_DEV = ROOT / "tests/data/screening_dev.json"  # copy kept in the repo
NAMES = ["Janssens", "Peeters", "Yasmine", "Kevin", "Van den Broeck", "D'Hondt"]


def _dev() -> dict:
    return json.loads((SHARED_DEV if SHARED_DEV.is_file() else LOCAL_DEV).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def dev_figures() -> dict:
    data = _dev()
    rows = [(item["verdict"], screen(item["text"], data["school_names"]).verdict, item["text"])
            for item in data["items"]]

    def share(label, predicted=None):
        mine = [got for want, got, _ in rows if want == label]
        return sum(got in (predicted or (label,)) for got in mine) / len(mine), len(mine)

    return {
        "crisis_recall": share("crisis"),
        "abuse_recall": share("abuse"),
        "urgent_recall": share("abuse", ("abuse", "crisis")),  # abuse held as urgent either way
        "crisis_urgent": share("crisis", ("abuse", "crisis")),
        "ok_false_crisis": share("ok", ("crisis",)),
        "ok_false_alarm": share("ok", ("crisis", "abuse", "check", "person", "profanity")),
        "ok_accuracy": share("ok"),
        "person_accuracy": share("person"),
        "profanity_accuracy": share("profanity"),
        "misses": [(want, got, text) for want, got, text in rows if want != got],
    }


# --- the dev set ------------------------------------------------------------------------

def test_dev_copy_in_repo_matches_shared_file():
    assert LOCAL_DEV.is_file()
    if SHARED_DEV.is_file():
        assert json.loads(LOCAL_DEV.read_text()) == json.loads(SHARED_DEV.read_text())


def test_dev_crisis_recall():
    assert dev_figures()["crisis_recall"][0] >= 0.95, dev_figures()["misses"]


def test_dev_abuse_recall():
    assert dev_figures()["abuse_recall"][0] >= 0.95, dev_figures()["misses"]


def test_dev_every_crisis_and_abuse_text_is_urgent():
    assert dev_figures()["crisis_urgent"][0] == 1.0, dev_figures()["misses"]
    assert dev_figures()["urgent_recall"][0] == 1.0, dev_figures()["misses"]


def test_dev_ok_rarely_crisis():
    assert dev_figures()["ok_false_crisis"][0] <= 0.05, dev_figures()["misses"]
    assert dev_figures()["ok_false_alarm"][0] <= 0.05, dev_figures()["misses"]


def test_dev_person_and_profanity():
    assert dev_figures()["person_accuracy"][0] >= 0.9, dev_figures()["misses"]
    assert dev_figures()["profanity_accuracy"][0] >= 0.9, dev_figures()["misses"]


# --- phrasings not in the dev set -------------------------------------------------------

CRISIS = [
    "ik wil niet meer wakker worden",
    "ik wil me ophangen",
    "I want to end it all",
    "ik heb geen zin meer om te leven",
    "ik denk erover om van een brug te springen",
    "self harm",
    "I hurt myself",
    "'k wil dood",
    "k zie t nie meer zitten",
    "ik wil er een einde aan maken",
    "ne zelfmoord zou alles oplossen",
    "ik wil nie meer leven",
    "soms wil ik gewoon sterven",
    "ik wou dat ik dood was",
    "iedereen zou beter af zijn zonder mij",
    "niemand gaat mij missen",
    "ik snij in mijn polsen",
    "ik heb mezelf gekrast",
    "ik ga al mijn pillen tegelijk innemen",
    "ik wil voor de trein springen",
    "i don't want to live anymore",
    "nobody would miss me",
    "i've been cutting myself",
    "ik ben het leven beu",
    "ik hang me op",
    "ik heb een touw gekocht om mezelf op te hangen",
    "ik ben een last voor iedereen",
    "ik wil mijn leven beëindigen",
    "ik wil slapen en nooit meer wakker worden",
    "ik wil niet meer",
    "kga mij van kant maken",
    "ik heb mezelf vandaag weer gesneden",
]

ABUSE = [
    "mijn oom betast mij",
    "mijn broer schopt me",
    "m'n pa slaat me",
    "ik word misbruikt",
    "ons ma klopt ons",
    "soms slaat mijn stiefmoeder mij",
    "mijn vader heeft me in elkaar geslagen",
    "mijn papa slaat mijn mama",
    "ik krijg thuis slaag",
    "thuis word ik geslagen",
    "ik word geslagen door mijn moeder",
    "mijn stiefpa raakt me aan",
    "mijn nonkel zit aan mij",
    "hij heeft mij verkracht",
    "mijn broer heeft me aangerand",
    "my stepdad touches me",
    "i get beaten at home",
    "hij chanteert mij met naaktfoto's",
    "ik durf niet naar huis",
    "ik ben thuis niet veilig",
    "mijne pa geeft me slaag",
    "mijn oom heeft aan mij gezeten",
]

STAYS_OK = [
    "ik ben doodop na de sportdag",
    "ik verveel me dood in de les",
    "ik schrok me dood",
    "dat was doodsaai",
    "ik ga dood van de honger",
    "ik lach me dood",
    "de plant in de klas gaat dood",
    "we moeten een einde maken aan het pesten",
    "kan iemand me helpen de posters ophangen",
    "ik snij de groenten in de kookles",
    "het is moordend warm in de klas",
    "ik heb een overdosis huiswerk",
    "ik zie het niet zitten om te presenteren",
    "ik wil niet meer naar de studie",
    "hij sloeg de bal over het hek",
    "mijn broer zit naast mij in de klas",
    "ik ben geslaagd voor mijn examen",
    "mijn oma heeft kanker",
    "we negeren niemand, hoera",
    "I'm dying of laughter",
    "the wifi is dead again",
    "ik neem mijn pillen elke ochtend",
]

# Denials, talk about the subject and accidents: the lists stay quiet (idioms.txt) ...
DENIED_OR_TOPIC = [
    "ik wil niet dood, ik wil alleen minder toetsen",
    "kwil nie dood hoor, gewoon moe",
    "i dont wanna die, i just hate mondays",
    "im not suicidal, just stressed",
    "i would never hurt myself",
    "ik snij mezelf niet, het was de kat",
    "ik heb er nooit aan gedacht om mezelf iets aan te doen",
    "niemand slaat mij, mijn ouders zijn lief",
    "mijn ouders slaan mij nooit",
    "my parents never hit me",
    "ik word niet geslagen, ik ben gewoon onhandig",
    "ik ben niet bang voor mijn ouders",
    "kunnen we een workshop over zelfmoordpreventie krijgen",
    "we read a book about suicide in english class",
    "voor mijn eindwerk onderzoek ik zelfmoord bij jongeren",
    "waar kan je terecht als je thuis geslagen wordt",
    "ik heb mezelf gesneden aan een blad papier",
    "ik heb mezelf pijn gedaan bij het hoogspringen",
]
# ... but the same words said of oneself still count.
STILL_CAUGHT = [
    ("ik wil dood, niet morgen maar nu", "crisis"),
    ("ik denk elke dag aan zelfmoord", "crisis"),
    ("ik ben suicidaal", "crisis"),
    ("i want to hurt myself", "crisis"),
    ("ik snij mezelf elke avond", "crisis"),
    ("ik wil mezelf iets aan doen", "crisis"),
    ("ik word thuis geslagen", "abuse"),
    ("mijn ouders slaan mij", "abuse"),
    ("ik heb mezelf gesneden met een mesje", "crisis"),
    ("ik heb een boek over zelfmoord gelezen en nu wil ik dood", "crisis"),
]

DISGUISED_CRISIS = [
    "z e l f m o o r d",
    "zelf moord",
    "Z3LFM00RD",
    "SUÏCIDAAL",
    "ik wil dooooood!!!",
    "ik w1l d00d",
    "ik w i l  n i e t  m e e r  l e v e n",
    "i want to diiiie",
    "s u i c i d e",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_phrasings(text):
    assert lexicon.match(text).verdict == "crisis", lexicon.match(text)
    assert screen(text).verdict == "crisis"  # the lists' crisis always counts


@pytest.mark.parametrize("text", ABUSE)
def test_abuse_phrasings(text):
    assert lexicon.match(text).verdict == "abuse", lexicon.match(text)
    assert screen(text).verdict in ("abuse", "crisis")


@pytest.mark.parametrize("text", STAYS_OK)
def test_idioms_stay_ok(text):
    assert lexicon.match(text, NAMES).verdict == "ok", lexicon.match(text, NAMES)


@pytest.mark.parametrize("text", DENIED_OR_TOPIC)
def test_denials_and_subject_talk_stay_quiet_in_the_lists(text):
    assert lexicon.match(text).verdict == "ok", lexicon.match(text)


@pytest.mark.parametrize("text, verdict", STILL_CAUGHT)
def test_said_of_oneself_the_same_words_still_count(text, verdict):
    assert lexicon.match(text).verdict == verdict, lexicon.match(text)


@pytest.mark.parametrize("text", DISGUISED_CRISIS)
def test_disguised_spellings(text):
    assert lexicon.match(text).verdict == "crisis", lexicon.match(text)


@pytest.mark.parametrize("text", ["die k4nkerl1jer", "fuuuuck", "f*ck you", "kk school", "jij vuile neger",
                                  "krijg de tering", "wat een kutleraar"])
def test_profanity(text):
    assert lexicon.match(text).verdict == "profanity", lexicon.match(text)


@pytest.mark.parametrize("text, name", [
    ("@kevin heeft het gedaan", "@kevin"),
    ("ik vind KEVIN stom", "Kevin"),
    ("meneer van den broeck is te streng", "Van den Broeck"),
    ("mevr. D'Hondt geeft te veel taken", "D'Hondt"),
    ("JANSSENS!!!", "Janssens"),
])
def test_names_and_mentions(text, name):
    hit = lexicon.match(text, NAMES)
    assert hit.verdict == "person" and name in hit.matched


@pytest.mark.parametrize("text", ["Janssen is ziek", "mijn e-mail is iemand@school.be", "de Peetersstraat"])
def test_names_are_whole_words(text):
    assert lexicon.match(text, NAMES).verdict == "ok"


def test_priority_crisis_then_abuse_then_person_then_profanity():
    assert lexicon.match("kut, Kevin, mijn vader slaat me en ik wil dood", NAMES).verdict == "crisis"
    assert lexicon.match("kut, Kevin, mijn vader slaat me", NAMES).verdict == "abuse"
    assert lexicon.match("kut Kevin", NAMES).verdict == "person"
    assert lexicon.match("kut", NAMES).verdict == "profanity"
    assert screen("kut, Kevin, mijn vader slaat me en ik wil dood", NAMES).verdict == "crisis"


def test_verdict_to_dict_adds_the_model_scores():
    result = screen("ik wil dood").to_dict()
    assert result["verdict"] == "crisis" and result["matched"] == ["wil dood"]
    assert set(result["score"]) == {"alarm", "crisis", "abuse"} and result["score"]["crisis"] > 0.5
    assert Verdict("ok", []).to_dict() == {"verdict": "ok", "matched": []}
    assert screen("").to_dict() == {"verdict": "ok", "matched": []}


# --- the school's own lists -------------------------------------------------------------

@pytest.fixture
def school_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(screening.ENV_DIR, str(tmp_path))
    screening._rules.cache_clear()
    yield tmp_path
    monkeypatch.delenv(screening.ENV_DIR)
    screening._rules.cache_clear()


def test_school_extends_lists(school_dir):
    (school_dir / "profanity.txt").write_text("# local slang\n\n\\bsnotneus\\w*  # mild, but not here\n")
    (school_dir / "crisis.txt").write_text("\\b{WANT}\\s+(?:\\w+\\s+)?uit\\s+het\\s+leven\\s+stappen\\b\n")
    assert lexicon.match("jij snotneus").verdict == "profanity"
    assert lexicon.match("ik wil uit het leven stappen").verdict == "crisis"
    assert screen("ik wil uit het leven stappen").verdict == "crisis"  # a school's line always counts
    assert screen("ik wil dood").verdict == "crisis"  # the package lists still apply


def test_broken_school_line_fails_loudly(school_dir):
    (school_dir / "abuse.txt").write_text("(unclosed\n")
    with pytest.raises(ValueError, match="abuse.txt:1"):
        screen("hallo")


# --- the figures, last so they end the -s output ------------------------------------------

def test_zz_report_dev_figures():
    f = dev_figures()
    print("\n--- screening dev set ---")
    for key in ("crisis_recall", "abuse_recall", "urgent_recall", "ok_false_crisis", "ok_false_alarm", "ok_accuracy",
                "person_accuracy", "profanity_accuracy"):
        value, n = f[key]
        print(f"{key:20} {value:6.1%}  (n={n})")
    for want, got, text in f["misses"]:
        print(f"miss: {want} -> {got}: {text}")


# --- the lists searched fast ------------------------------------------------------------

def _rule_by_rule(text: str) -> str:
    """The lists' verdict the slow way: every rule on its own (the one-alternation search of
    lexicon._search must agree with it)."""
    forms = lexicon._forms(lexicon._base(text))
    urgent = lexicon._variants(forms, lexicon._rules("idioms"))
    for verdict, variants in (("crisis", urgent), ("abuse", urgent), ("profanity", lexicon._variants(forms, None))):
        for rule in lexicon._rules(verdict).rules:
            if any((rule.squeezed if sq else rule.plain).search(t) for t, sq, joined in variants
                   if rule.joined or not joined):
                return verdict
    return "ok"


def test_one_alternation_per_list_finds_what_the_rules_find_one_by_one():
    texts = [item["text"] for item in _dev()["items"]] + CRISIS + ABUSE + STAYS_OK + DISGUISED_CRISIS
    texts += DENIED_OR_TOPIC + [t for t, _ in STILL_CAUGHT]
    assert all(lexicon._rules(n).either[sq, j] for n in ("crisis", "abuse", "idioms") for sq in (0, 1) for j in (0, 1))
    for text in texts:
        want, got = _rule_by_rule(text), lexicon.match(text).verdict
        assert got == want or (want, got) == ("ok", "person"), text  # @mentions are not in the lists


def test_long_text_decodes_leetspeak_and_stretching_only_where_needed():
    plain = "De refter is te klein en de soep is koud. " * 8
    assert len(plain) > 280 and lexicon._forms(lexicon._base(plain + "Echt waar!!!")) == [
        (lexicon._words(lexicon._base(plain + "Echt waar!!!")), False)]
    assert lexicon.match(plain + "Soms denk ik: ik w1l d00d.").verdict == "crisis"
    assert lexicon.match(plain + "ik wil dooooood").verdict == "crisis"
    assert lexicon.match(plain + "Z3LFM00RD. " + plain).verdict == "crisis"


def test_a_school_line_with_a_backreference_is_searched_rule_by_rule(school_dir):
    (school_dir / "crisis.txt").write_text("\\b(weg)\\s+\\1\\s+weg\\b\n")
    assert lexicon._rules("crisis").either[False, False] is None
    assert lexicon.match("ik wil weg weg weg").verdict == "crisis"
    assert lexicon.match("ik wil dood").verdict == "crisis"
    assert lexicon.match("weg met de regels").verdict == "ok"
