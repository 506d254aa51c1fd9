"""The anonymity primitives: codes, the two keys, pseudonyms and sealed choices."""

import math

from app.services import anonymity

K = b"server-secret-for-tests"


def test_codes_have_40_bits_and_no_lookalikes():
    assert math.log2(len(anonymity.ALPHABET)) * anonymity.CODE_LENGTH >= 40
    assert not set("0O1IL") & set(anonymity.ALPHABET)
    codes = {anonymity.generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == anonymity.CODE_LENGTH and set(c) <= set(anonymity.ALPHABET) for c in codes)


def _chi_square(counts: list[int]) -> float:
    expected = sum(counts) / len(counts)
    return sum((c - expected) ** 2 / expected for c in counts)


# 30 degrees of freedom: a uniform draw exceeds 59.7 once in a thousand. The seeds are fixed, so
# the test gives the same answer every run; a draw with modulo bias (256 = 8 x 31 + 8 without
# rejection: 9/256 for 8 characters, 8/256 for the rest) scores about 219 over all positions.
CHI_SQUARE_30_P001 = 59.7


def test_codes_from_a_sheet_seed_are_uniform_in_every_position():
    """A sheet's codes are drawn from its seed: each character must be as likely as any other,
    or a guesser would start with the likely codes (docs/anonymity.md counts 31^13)."""
    codes = [c for seed in range(4) for c in anonymity.codes_from_seed(bytes([seed]) * 32, 1500)]
    assert len(set(codes)) == len(codes) == 6000
    index = {ch: i for i, ch in enumerate(anonymity.ALPHABET)}
    overall = [0] * len(anonymity.ALPHABET)
    for position in range(anonymity.CODE_LENGTH):
        counts = [0] * len(anonymity.ALPHABET)
        for code in codes:
            counts[index[code[position]]] += 1
        overall = [a + b for a, b in zip(overall, counts)]
        assert _chi_square(counts) < CHI_SQUARE_30_P001, (position, counts)
    assert _chi_square(overall) < CHI_SQUARE_30_P001, overall
    biased = [9 * len(codes) * anonymity.CODE_LENGTH / 256 if i < 8 else 8 * len(codes) * anonymity.CODE_LENGTH / 256
              for i in range(len(anonymity.ALPHABET))]
    assert _chi_square(biased) > 3 * CHI_SQUARE_30_P001  # 219: the overall count would see a modulo bias


def test_codes_from_seed_are_the_same_for_a_seed_and_differ_between_seeds():
    seed = bytes(range(32))
    assert anonymity.codes_from_seed(seed, 20) == anonymity.codes_from_seed(seed, 20)
    assert not set(anonymity.codes_from_seed(seed, 20)) & set(anonymity.codes_from_seed(bytes(range(1, 33)), 20))


def test_normalise_ignores_case_spaces_and_dashes():
    code = anonymity.generate_code()
    typed = f" {code[:3].lower()} {code[3:5]}-{code[5:].lower()} "
    assert anonymity.normalise_code(typed) == code
    assert anonymity.normalise_code("ABC") is None
    assert anonymity.normalise_code("0" * anonymity.CODE_LENGTH) is None


def test_same_code_same_participant_other_code_other_participant():
    a, b = anonymity.generate_code(), anonymity.generate_code()
    assert anonymity.participant_secret(K, a) == anonymity.participant_secret(K, a)
    assert anonymity.participant_secret(K, a) != anonymity.participant_secret(K, b)
    # The two keys of one code are different values: the stored one does not reveal the other.
    assert anonymity.lookup_value(K, a) != anonymity.participant_secret(K, a).hex()


def test_pseudonyms_differ_per_item_and_kind():
    secret = anonymity.participant_secret(K, anonymity.generate_code())
    names = {anonymity.pseudonym(secret, kind, item) for kind in ("vote", "support") for item in (1, 2, 3)}
    assert len(names) == 6


def test_database_and_server_key_without_the_code_cannot_link_pseudonyms():
    """An attacker holds K and every stored lookup value. For each participant they see the
    pseudonyms on items 1 and 2 (the 'has voted' rows). Without the codes, nothing they can
    compute reproduces a pseudonym, so the pairs cannot be linked; with a code, they can."""
    codes = [anonymity.generate_code() for _ in range(40)]
    stored_lookups = [anonymity.lookup_value(K, c) for c in codes]
    item1 = {anonymity.pseudonym(anonymity.participant_secret(K, c), "vote", 1) for c in codes}
    item2 = {anonymity.pseudonym(anonymity.participant_secret(K, c), "vote", 2) for c in codes}

    # Every key the attacker can form from what they hold, used as the pseudonym key.
    candidate_keys = [K] + [bytes.fromhex(v) for v in stored_lookups] + [v.encode() for v in stored_lookups]
    derived = {anonymity.pseudonym(key, "vote", item) for key in candidate_keys for item in (1, 2)}
    assert not derived & (item1 | item2)
    # Nothing stored equals a participant secret either.
    secrets_hex = {anonymity.participant_secret(K, c).hex() for c in codes}
    assert not secrets_hex & set(stored_lookups)
    # The check is real: whoever has a code does link that participant's two pseudonyms.
    s = anonymity.participant_secret(K, codes[0])
    assert anonymity.pseudonym(s, "vote", 1) in item1 and anonymity.pseudonym(s, "vote", 2) in item2


def test_sealed_choice_opens_only_with_its_secret_and_item():
    s1 = anonymity.participant_secret(K, anonymity.generate_code())
    s2 = anonymity.participant_secret(K, anonymity.generate_code())
    box = anonymity.seal(s1, "poll", 7, [3, 5])
    assert anonymity.unseal(s1, "poll", 7, box) == [3, 5]
    assert anonymity.unseal(s2, "poll", 7, box) is None
    assert anonymity.unseal(s1, "poll", 8, box) is None
    assert anonymity.unseal(s1, "poll", 7, "not-a-box") is None
    # Sealing twice gives different boxes: equal choices cannot be spotted in the table.
    assert anonymity.seal(s1, "poll", 7, [3, 5]) != box
