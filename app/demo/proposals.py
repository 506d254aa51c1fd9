"""Proposals' part of the demo school: the late-arrival proposal with its whole journey, and a
proposal in every other state, with plausible holidays."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from app.demo.school import DEMO_GROUP, demo_codes
from app.models import School, Staff
from app.models.proposals import Proposal, SchoolHoliday
from app.services import anonymity, moderation, school as school_service
from app.services.access import Participant
from app.services.proposals.lifecycle import create, staff_role, transition
from app.services.proposals.school_days import is_school_day, school_year_start
from app.services.proposals.settings import categories, holiday_ranges
from app.services.proposals.supports import support
from app.timeutil import utcnow


def _demo_holidays(session: Session, school_id: int, on: date) -> None:
    """Plausible Flemish days off for the current school year (the admin page can correct them)."""
    year = school_year_start(on).year
    autumn_end = date(year, 11, 1) + timedelta(days=(6 - date(year, 11, 1).weekday()) % 7)
    christmas = date(year, 12, 25) - timedelta(days=date(year, 12, 25).weekday())
    for first, last, label in ((autumn_end - timedelta(days=13), autumn_end, "Herfstvakantie"),
                               (date(year, 11, 11), date(year, 11, 11), "Wapenstilstand"),
                               (christmas, christmas + timedelta(days=13), "Kerstvakantie")):
        session.add(SchoolHoliday(school_id=school_id, first_day=first, last_day=last, label=label))
    session.flush()


def _demo_participants(session: Session, school: School, server_key: bytes) -> list[Participant]:
    """Demo pupils of 3A..5A; the first five codes of 3A are left free for a person trying the demo."""
    people = []
    for group_name in ("3A", "3B", "4A", "4B", "5A"):
        group = school_service.find_group(session, school.id, group_name)
        codes = demo_codes(group=group_name)
        for code in codes[5:] if group_name == DEMO_GROUP else codes:
            # code_id is only used to rebuild a participant from a cookie; these never have one.
            people.append(Participant(secret=anonymity.participant_secret(server_key, code), code_id=0,
                                      group_id=group.id, school_id=school.id))
    return people


def load(session: Session, school: School, server_key: bytes) -> None:
    """The late-arrival proposal with its whole journey, and a proposal in every other state."""
    now = utcnow()
    _demo_holidays(session, school.id, now.date())
    free = holiday_ranges(session, school.id)
    people = _demo_participants(session, school, server_key)
    council = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.role == "council")).first()
    management = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.role == "management")).first()
    cats = {c.name: c.id for c in categories(session, school.id)}
    ok = moderation.Screened(status="pending", urgent=False, verdict="ok")

    def back(school_days: int, hour: int, minute: int = 0) -> datetime:
        day = now.date()
        for _i in range(school_days):
            day -= timedelta(days=1)
            while not is_school_day(day, free):
                day -= timedelta(days=1)
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    def new(author: int, category: str, title: str, body: str, days: int, verdict: str = "ok") -> Proposal:
        return create(session, school.id, people[author], title, body, cats[category],
                       replace(ok, verdict=verdict), back(days, 13))

    def move(proposal: Proposal, action: str, days: int, hour: int, **fields) -> None:
        staff = management if action == "answer" else council
        transition(session, proposal, action, staff_role(staff), staff=staff, at=back(days, hour, 20), **fields)

    def supports(proposal: Proposal, first: int, count: int, days: int) -> None:
        for person in people[first:first + count]:
            support(session, person, proposal.id, at=back(days, 16))

    late = new(140, "Te laat komen", "Geen straf meer voor één minuut te laat",
               "Wie één minuut te laat komt omdat de bus vertraging had, krijgt nu meteen strafstudie. Dat voelt "
               "oneerlijk: we kunnen niets aan de bus doen. We stellen voor: geen straf voor wie een paar minuten "
               "te laat is, wel een gesprek als het vaak gebeurt.", 40)
    move(late, "approve", 39, 8)
    supports(late, 0, 34, 36)
    move(late, "answer", 28, 15, decision="partly",
         text="We schaffen de straf niet helemaal af, maar we passen de regel aan. Wie tot vijf minuten te laat is "
              "door de bus of de trein, krijgt geen strafstudie meer en meldt zich aan het onthaal. Wie meer dan "
              "drie keer per maand te laat is, praat met de leerlingbegeleiding in plaats van een straf te krijgen. "
              "Zo blijft het rustig in de klas en zoeken we samen naar de oorzaak.")
    move(late, "start", 25, 12, text="De leerlingenraad schrijft samen met de directie de nieuwe regel voor het "
                                      "schoolreglement.")
    move(late, "update", 15, 12, text="De schoolraad keurde de nieuwe regel goed. Hij geldt vanaf maandag in alle "
                                      "jaren.")
    move(late, "close", 8, 16, outcome="done", review_date=date(now.year + (now.month >= 6), 6, 1),
         text="Niemand krijgt nog strafstudie voor een paar minuten te laat. Wie vaak te laat is, krijgt een "
              "gesprek. In juni kijken we samen of het werkt.")

    benches = new(139, "Lokalen en speelplaats", "Meer bankjes op de speelplaats",
                  "Op de speelplaats zijn maar vier bankjes. Bij mooi weer zit iedereen op de grond. Kunnen er "
                  "bankjes bij aan de kant van de sporthal?", 6)
    move(benches, "approve", 5, 9)
    supports(benches, 40, 12, 3)

    water = new(138, "Welzijn", "Drinkwaterfontein in elke gang",
                "Er is maar één kraan met drinkwater, in de refter. Tussen de lessen raak je er niet. Een fontein "
                "in elke gang helpt om genoeg te drinken.", 30)
    move(water, "approve", 29, 8)
    supports(water, 10, 27, 24)  # with management since 24 school days: past its deadline

    trip = new(137, "Uitstappen", "Schooluitstap naar zee in juni",
               "Na de examens in juni gaan we graag met het hele jaar een dag naar zee, in plaats van een film "
               "te kijken in de klas.", 8)
    move(trip, "approve", 7, 8)
    supports(trip, 60, 9, 5)
    move(trip, "forward", 3, 10, text="De bus moet vóór de kerstvakantie geboekt worden. Daarom vragen we de "
                                      "directie nu al om een antwoord.")

    phones = new(136, "Schoolregels", "Gsm gebruiken tijdens de middagpauze",
                 "We willen tijdens de middagpauze onze gsm mogen gebruiken op de speelplaats, niet in de klas.", 35)
    move(phones, "approve", 34, 8)
    supports(phones, 70, 26, 30)
    move(phones, "answer", 20, 14, decision="declined",
         text="We houden de regel: geen gsm op de speelplaats. Leerlingen en leerkrachten zeggen dat er meer "
              "gepraat en gespeeld wordt sinds de regel er is. In de bibliotheek mag je de gsm wel gebruiken "
              "voor schoolwerk.")

    quiet = new(135, "Welzijn", "Een stille ruimte tijdens de middag",
                "Soms heb je nood aan rust. Kan er tijdens de middag een lokaal open zijn waar het stil is?", 33)
    move(quiet, "approve", 32, 8)
    supports(quiet, 100, 11, 31)
    move(quiet, "forward", 31, 11, text="Veel leerlingen vertelden ons dat ze rust missen. We vinden dit "
                                        "belangrijk, ook al zijn er nog geen 25 steunen.")
    move(quiet, "answer", 26, 15, decision="accepted",
         text="Goed idee. Lokaal B12 wordt elke middag een stille ruimte. Een leerkracht is er aanwezig.")
    move(quiet, "start", 22, 12, text="We zoeken zitzakken en maken een bordje voor de deur.")
    move(quiet, "update", 10, 12, text="De zitzakken zijn er. Vanaf volgende week is B12 elke middag open.")

    friday = new(134, "Lessenrooster", "Vrijdagnamiddag om 15 uur naar huis",
                 "Op vrijdag zijn de laatste lessen zwaar. We stellen voor om op vrijdag om 15 uur te stoppen.", 45)
    move(friday, "approve", 44, 8)
    supports(friday, 110, 30, 41)
    move(friday, "answer", 33, 15, decision="declined",
         text="Dat kan niet: het aantal lesuren per week ligt vast. Als we vrijdag vroeger stoppen, moeten we op "
              "andere dagen langer les geven.")
    move(friday, "close", 30, 12, outcome="not_done",
         text="De leerlingenraad besprak het antwoord. We zoeken verder naar een lichtere vrijdagnamiddag, "
              "bijvoorbeeld met sport of projectwerk.")

    new(133, "Lokalen en speelplaats", "Microgolfoven in de refter",
        "Wie warm eten meebrengt, kan het nergens opwarmen. Een microgolfoven in de refter zou helpen.", 1)

    teacher = new(132, "Andere", "Andere leerkracht voor wiskunde",
                  "De leerkracht wiskunde van onze klas legt slecht uit. We willen iemand anders.", 14, verdict="person")
    move(teacher, "reject", 13, 9, reason="person")

    lunch = new(131, "Lessenrooster", "Langere middagpauze",
                "Een middagpauze van 50 minuten is te kort om te eten en buiten te spelen.", 12)
    move(lunch, "approve", 11, 8)
    transition(session, lunch, "withdraw", "pupil_author", at=back(9, 18))
    session.flush()
