"""Finding 1: a whole school behind one address. Only failures count: a class with right codes
gets in, a wrong code or password costs a try, and one account never locks out another."""

import re

from conftest import STAFF_PASSWORD, Client
from support.security import add_staff, from_address, login

WRONG = "ABCDE-FGHJK"


def test_thirty_pupils_behind_one_address_all_get_in(app, new_codes):
    for code in new_codes("3A", 30):
        phone = Client(app)  # every phone of the class, one school address
        r = phone.form("/aanmelden", {"code": code}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/overzicht"
        assert phone.get("/overzicht").status_code == 200


def test_a_class_scanning_qr_codes_all_get_in(app, new_codes):
    for code in new_codes("3B", 30):
        phone = Client(app)
        confirm = phone.get(f"/c/{code}")  # the slip's QR code asks first, then joins
        assert confirm.status_code == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', confirm.text).group(1)
        r = phone.post("/aanmelden", data={"csrf_token": token, "code": code}, follow_redirects=False)
        assert r.status_code == 303


def test_wrong_codes_count_per_address_and_then_even_a_right_code_waits(app, client, new_codes):
    limit = app.state.settings.join_rate_limit
    for _ in range(limit):
        assert client.form("/aanmelden", {"code": WRONG}).status_code == 400
    code = new_codes("3A")[0]
    r = client.form("/aanmelden", {"code": code})
    assert r.status_code == 429 and "Te veel pogingen" in r.text
    # Another school (another address) is not held up by it.
    assert from_address(app, "203.0.113.7").form("/aanmelden", {"code": code}, follow_redirects=False).status_code == 303


def test_right_codes_between_wrong_ones_cost_nothing(app, client, new_codes):
    limit = app.state.settings.join_rate_limit
    codes = iter(new_codes("3A", limit))
    for _ in range(limit - 1):
        assert client.form("/aanmelden", {"code": WRONG}).status_code == 400
        assert Client(app).form("/aanmelden", {"code": next(codes)}, follow_redirects=False).status_code == 303
    assert client.form("/aanmelden", {"code": WRONG}).status_code == 400
    assert client.form("/aanmelden", {"code": WRONG}).status_code == 429


def test_guessing_from_many_addresses_meets_one_limit_for_everyone(app, new_codes, monkeypatch):
    monkeypatch.setattr(app.state.settings, "join_global_limit", 6)
    for i in range(6):
        assert from_address(app, f"198.51.100.{i}").form("/aanmelden", {"code": WRONG}).status_code == 400
    r = from_address(app, "198.51.100.99").form("/aanmelden", {"code": new_codes("3A")[0]})
    assert r.status_code == 429


def test_one_accounts_wrong_passwords_never_lock_out_another(app, session, school):
    add_staff(session, school, "raad.a")
    add_staff(session, school, "raad.b")
    attacker = Client(app)
    limit = app.state.settings.login_rate_limit
    for _ in range(limit):
        assert login(attacker, "raad.a", "niet het wachtwoord").status_code == 400
    # That account waits, even with its right password...
    assert login(Client(app), "raad.a").status_code == 429
    # ...but a colleague at the same address signs in.
    r = login(Client(app), "raad.b")
    assert r.status_code == 303 and r.headers["location"] == "/staff"


def test_wrong_passwords_across_accounts_count_per_address(app, session, school, monkeypatch):
    monkeypatch.setattr(app.state.settings, "login_address_limit", 5)
    add_staff(session, school, "raad.c")
    spray = Client(app)
    for name in ("x1", "x2", "x3", "x4", "x5"):
        assert login(spray, name, "Welkom2024!!").status_code == 400
    assert login(Client(app), "raad.c").status_code == 429
    assert login(from_address(app, "192.0.2.10"), "raad.c").status_code == 303


def test_right_passwords_do_not_count(app, session, school, monkeypatch):
    monkeypatch.setattr(app.state.settings, "login_rate_limit", 3)
    add_staff(session, school, "raad.d")
    for _ in range(5):
        assert login(Client(app), "raad.d", STAFF_PASSWORD).status_code == 303


def test_an_ipv6_network_counts_as_one_address(app, new_codes):
    limit = app.state.settings.join_rate_limit
    for i in range(limit):
        assert from_address(app, f"2001:db8:1:2::{i + 1:x}").form("/aanmelden", {"code": WRONG}).status_code == 400
    assert from_address(app, "2001:db8:1:2::ffff").form("/aanmelden", {"code": new_codes("3A")[0]}).status_code == 429
    r = from_address(app, "2001:db8:1:3::1").form("/aanmelden", {"code": new_codes("3A")[0]}, follow_redirects=False)
    assert r.status_code == 303
