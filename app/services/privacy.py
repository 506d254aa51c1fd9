"""What Inspraak keeps, table by table, in the words of the pupil page "Wat we over je bewaren".

Every table is listed here, either as something kept about pupils' participation (with its
exact columns and a plain explanation) or as school/staff data. A test compares this with the
real schema, so the page cannot drift from the code.
"""

from dataclasses import dataclass

from app.i18n import gettext as _
from app.services.shared import N_


@dataclass(frozen=True)
class Kept:
    table: str
    columns: tuple[str, ...]
    title: str
    explanation: str


WHAT_WE_STORE: list[Kept] = [
    Kept("participationcode", ("id", "school_id", "group_id", "sheet_id", "lookup"),
         N_("Je code"),
         N_("We bewaren je code niet. We bewaren alleen een vingerafdruk ervan, gemaakt met een "
            "geheime sleutel, en de klas of het jaar van het strookje. Wie welk strookje kreeg, "
            "weet niemand: dat hebben we nooit geweten.")),
    Kept("codesheet", ("id", "school_id", "group_id", "number", "label", "count", "created_at", "revoked_at"),
         N_("Het blad met strookjes"),
         N_("Voor welke groep het blad was, zijn nummer en naam, hoeveel strookjes erop stonden en wanneer "
            "het gemaakt of ingetrokken werd (tot op het uur). Niet wie welk strookje kreeg.")),
    Kept("comment", ("id", "position", "school_id", "target_kind", "target_id", "parent_id", "body", "status", "urgent",
                     "verdict", "reject_reason", "flag_count", "edited", "author_nonce", "author_tag", "created_at"),
         N_("Je reacties"),
         N_("De tekst van je reactie, waarop je reageerde, of de leerlingenraad hem goedkeurde (en waarom niet), "
            "hoe vaak hij gemeld werd, de hoeveelste reactie het is onder dat onderwerp en de dag en het uur. Wie de reactie schreef, bewaren we niet. We bewaren "
            "een willekeurig getal en een vingerafdruk die alleen met jouw code na te rekenen is: zo zie jij je eigen "
            "reacties, en niemand anders kan ze aan jou of aan elkaar koppelen.")),
    Kept("contentflag", ("id", "school_id", "target_kind", "target_id", "pseudonym", "reason", "cleared"),
         N_("Je meldingen"),
         N_("Welke reactie gemeld werd en waarom (pesten, persoonlijke info, ongepast, spam, iemand in gevaar). In plaats van wie "
            "meldde, bewaren we een schuilnaam die alleen voor die ene reactie geldt: zo kan je dezelfde reactie "
            "maar één keer melden, en niemand kan je meldingen aan jou of aan elkaar koppelen.")),
    Kept("statement", ("id", "school_id", "whole_school", "opens_at", "closes_at", "results", "erased",
                       "created_by", "created_at", "text", "text_key", "status", "by_pupil", "urgent", "verdict",
                       "reject_reason", "author_nonce", "author_tag"),
         N_("Stellingen"),
         N_("De tekst van elke stelling, of een leerling ze schreef, of de leerlingenraad ze al las, en "
            "wanneer ze open en dicht gaat. Schreef jij een stelling, dan staat er geen naam of klas bij. "
            "Er staat wel een kenmerk bij dat alleen jouw toestel kan herkennen, zodat jij je eigen "
            "stellingen terugvindt.")),
    Kept("votetally", ("school_id", "item_kind", "item_id", "answer", "group_id", "count"),
         N_("Tellers van de stemmen"),
         N_("Per vraag en per klas: hoeveel leerlingen elk antwoord kozen. Alleen getallen: geen naam, "
            "geen tijdstip en geen volgorde. De tellers gaan pas vooruit als minstens k leerlingen van een "
            "klas stemden (k is meestal 5), nooit met één stem tegelijk. Zo kan niemand zien wie wat koos, "
            "ook niet wie vlak voor en na jouw stem naar de uitslag kijkt.")),
    Kept("pendingballot", ("id", "school_id", "item_kind", "item_id", "sealed"),
         N_("Stemmen die nog geteld worden"),
         N_("Je stem telt meteen mee, maar de tellers gaan pas vooruit als er minstens k stemmen van je klas "
            "samen zijn. Tot dan wacht je stem verzegeld, zonder schuilnaam, zonder tijdstip en zonder "
            "volgorde. Sluit de vraag, dan worden alle wachtende stemmen geteld en gewist.")),
    Kept("hasvoted", ("school_id", "item_kind", "item_id", "pseudonym", "sealed"),
         N_("Dat je al stemde"),
         N_("Zolang een vraag open is, bewaren we dat jij al stemde. Dat gebeurt met een schuilnaam die "
            "alleen jouw toestel of strookje kan maken, en met jouw keuze in een verzegelde vorm die "
            "alleen jouw toestel kan openen. Zo kan je je stem nog veranderen. Sluit de vraag, dan "
            "wissen we dit: alleen de tellers blijven.")),
    Kept("proposal", ("id", "school_id", "category_id", "title", "body", "state", "urgent", "verdict",
                      "author_nonce", "author_tag", "support_count", "decision", "rejection_reason", "review_date",
                      "created_at", "changed_at", "with_management_at", "deadline", "support_until", "answered_at",
                      "closed_at"),
         N_("Je voorstellen"),
         N_("De titel, de tekst en de categorie van je voorstel, hoe ver het staat, het aantal steunen, het "
            "antwoord van de directie en de data van elke stap (een stap van een leerling tot op het uur). Wie het "
            "voorstel schreef, bewaren we niet. We bewaren een willekeurig getal en een vingerafdruk die alleen met "
            "jouw code na te rekenen is: zo kan jij je voorstel terugvinden en intrekken, en niemand anders.")),
    Kept("proposalevent", ("id", "school_id", "proposal_id", "actor", "action", "from_state", "to_state", "text",
                           "decision", "review_date", "new_deadline", "created_at"),
         N_("De tijdlijn van een voorstel"),
         N_("Elke stap van een voorstel: wat er gebeurde, de uitleg erbij en de datum. Bij een stap van een "
            "leerling staat alleen 'een leerling' en het uur, nooit wie.")),
    Kept("proposalsupport", ("school_id", "proposal_id", "pseudonym"),
         N_("Je steun aan voorstellen"),
         N_("Zolang een voorstel steun zoekt, bewaren we dat jij het steunt, met een schuilnaam die alleen voor "
            "dat ene voorstel geldt. Zo kan je maar één keer steunen en je steun weer intrekken. Er staat geen "
            "tijdstip en geen volgnummer bij. Krijgt het voorstel een antwoord of wordt het ingetrokken, dan "
            "wissen we dit: alleen het aantal steunen blijft.")),
]

# Tables that hold nothing a pupil did: school set-up and named staff.
NOT_ABOUT_PUPILS = {"proposalcategory", "schoolholiday", "poll", "polloption", "voteaudience", "livesession", "school", "group", "staff", "staffsession", "auditentry", "helpresource", "screeningname", "alembic_version"}

NEVER = [
    N_("je naam, e-mailadres of telefoonnummer"),
    N_("je IP-adres of welk toestel of welke browser je gebruikt"),
    N_("het precieze tijdstip waarop je iets doet (hoogstens het uur, op het scherm alleen de dag)"),
    N_("een lijst van wat jij allemaal deed: elke stem of steun staat los van de andere"),
]


def translated(items: list[Kept]) -> list[dict]:
    return [{"table": k.table, "title": _(k.title), "explanation": _(k.explanation)} for k in items]
