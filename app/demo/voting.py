"""Voting's part of the demo school: three statements that unite or divide the grades, an
open poll, a closed poll with results, and a pupil's statement waiting for the council."""

import random
from datetime import timedelta

from sqlmodel import Session, select

from app.demo.school import demo_codes
from app.models import School, Staff
from app.services import access, ratelimit
from app.services.shared import local_input
from app.services.voting.common import POLL, WHOLE_SCHOOL, poll_options
from app.services.voting.items import ItemForm, close_now, create_poll, create_statement
from app.services.voting.pupil_statements import submit_statement
from app.services.voting.votes import vote_poll, vote_statement
from app.timeutil import utcnow


DEMO_STATEMENTS = (
    # text, P(agree), P(disagree) in grade 3, 4 and 5: so some unite the school and some divide it
    ("Ik voel me veilig op school", {3: (.8, .1), 4: (.75, .15), 5: (.7, .2)}),
    ("Leerkrachten luisteren naar ons", {3: (.7, .2), 4: (.25, .65), 5: (.5, .4)}),
    ("Ik kan op school iemand aanspreken als het niet goed gaat", {3: (.55, .3), 4: (.45, .35), 5: (.5, .3)}),
)
DEMO_POLL = ("Wat vind je van de regel voor te laat komen?",
             ("Goed zoals hij is", "Eerst een waarschuwing, dan pas een straf",
              "Laat leerlingen mee beslissen over de regel", "Geen mening"), (.15, .4, .35, .1))
DEMO_CLOSED_POLL = ("Waar gaat de schoolreis dit jaar naartoe?", ("Pretpark", "Zee", "Stad met museum"),
                    (.5, .35, .15))
# Votes per class; 5A only two, so its grade shows "te weinig antwoorden". The first five codes
# of 3A stay unused, for whoever tries the demo with a printed code.
DEMO_VOTERS = {"3A": range(5, 30), "3B": range(0, 20), "4A": range(0, 18), "4B": range(0, 12), "5A": range(0, 2)}


def load(session: Session, school: School, server_key: bytes) -> None:
    rnd = random.Random(1813)
    council = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.role == "council")).first()
    closes = local_input(utcnow() + timedelta(days=14))
    statements = [create_statement(session, council, ItemForm(text=text, audience=[WHOLE_SCHOOL], closes_at=closes))
                  for text, _odds in DEMO_STATEMENTS]

    def make_poll(question, options, results="after_vote"):
        return create_poll(session, council, ItemForm(text=question, kind="single", options="\n".join(options),
                                                      audience=[WHOLE_SCHOOL], closes_at=closes, results=results))

    poll = make_poll(*DEMO_POLL[:2])
    trip = make_poll(*DEMO_CLOSED_POLL[:2], results="after_close")
    for name, indexes in DEMO_VOTERS.items():
        codes = demo_codes(group=name)
        grade = int(name[0])
        for i in indexes:
            pupil = access.redeem(session, server_key, codes[i])
            for statement, (_text, odds) in zip(statements, DEMO_STATEMENTS):
                if grade == 5 and statement is not statements[-1]:
                    continue  # 5A answers one statement only: the others show two whole grades
                agree, disagree = odds[grade]
                roll = rnd.random()
                answer = "agree" if roll < agree else "disagree" if roll < agree + disagree else "pass"
                vote_statement(session, pupil, school, statement.id, answer)
            for item, weights in ((poll, DEMO_POLL[2]), (trip, DEMO_CLOSED_POLL[2])):
                option = rnd.choices(poll_options(session, item.id), weights=weights)[0]
                vote_poll(session, pupil, school, item.id, [option.id])
    close_now(session, council, POLL, trip.id)
    # A pupil's own statement, waiting in the council's moderation queue.
    pupil = access.redeem(session, server_key, demo_codes(group="4B")[20])
    submit_statement(session, ratelimit.MemoryLimiter(), school, pupil, "Er moeten meer bankjes op de speelplaats")
    session.flush()
