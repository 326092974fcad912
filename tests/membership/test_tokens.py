"""Join and card tokens, ID-number and phone validation (with hypothesis), ID masking."""

import datetime as dt

import pytest
from django.core import signing
from hypothesis import given, settings
from hypothesis import strategies as st

from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.core import crypto
from unionhome.core.errors import DomainError
from unionhome.core.idcard import check_char, id_number_problem, make_id_number
from unionhome.membership import tokens
from unionhome.membership.models import mask_id_number


def test_join_token_round_trip():
    token = tokens.make_join_token(12, 3)
    assert tokens.read_join_token(token) == tokens.JoinTokenData(12, 3)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # tampered signature
        lambda t: t.replace("12.3", "13.3"),  # another code, same signature
        lambda t: t.split(":")[0],  # no signature
        lambda t: "",
        lambda t: signing.Signer(salt="other").sign("12.3"),  # signed for another purpose
        lambda t: tokens.make_card_token(12, "3"),
    ],
)
def test_forged_or_tampered_join_tokens_are_refused(mutate):
    with pytest.raises(tokens.BadToken):
        tokens.read_join_token(mutate(tokens.make_join_token(12, 3)))


@given(st.text(max_size=80))
def test_random_text_is_never_a_join_token(text):
    with pytest.raises(tokens.BadToken):
        tokens.read_join_token(text)


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=10**6))
def test_any_join_token_round_trips(code_id, version):
    assert tokens.read_join_token(tokens.make_join_token(code_id, version)) == (
        tokens.JoinTokenData(code_id, version)
    )


def test_card_token_round_trip_and_tamper():
    token = tokens.make_card_token(5, "WM000001")
    assert tokens.read_card_token(token) == (5, "WM000001")
    with pytest.raises(tokens.BadToken):
        tokens.read_card_token(token.replace("WM000001", "WM000002"))


birth_dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2008, 12, 31))
areas = st.sampled_from(["110105", "310115", "440305", "510107", "650102"])


@given(areas, birth_dates, st.integers(min_value=0, max_value=999))
def test_numbers_with_the_right_check_digit_are_valid(area, birth, seq):
    assert id_number_problem(make_id_number(area, birth, seq)) is None


@given(areas, birth_dates, st.integers(min_value=0, max_value=999), st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(area, birth, seq, wrong):
    number = make_id_number(area, birth, seq)
    if wrong == number[17]:
        return
    assert id_number_problem(number[:17] + wrong) == "checksum"


@given(areas, birth_dates, st.integers(min_value=0, max_value=999), st.integers(0, 16))
@settings(max_examples=200)
def test_a_single_changed_digit_is_caught(area, birth, seq, position):
    number = make_id_number(area, birth, seq)
    digit = str((int(number[position]) + 1) % 10)
    changed = number[:position] + digit + number[position + 1 :]
    # GB 11643's weights are all non-zero mod 11, so a one-digit change always shows.
    assert id_number_problem(changed) is not None


def test_check_char_known_value():
    # The worked example of GB 11643-1999.
    assert check_char("11010519491231002") == "X"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_valid_mobile_numbers_normalise_to_e164(number):
    try:
        result = normalize_mainland_mobile(number)
    except DomainError:
        return  # an unallocated prefix: refusing it is right
    assert result == "+86" + number
    assert normalize_mainland_mobile(result) == result


@given(st.text(alphabet="0123456789+- ", max_size=9))
def test_short_strings_are_never_mobile_numbers(text):
    with pytest.raises(DomainError):
        normalize_mainland_mobile(text)


def test_mask_shows_first_three_and_last_four():
    assert mask_id_number("110105194912310021") == "110***********0021"
    assert mask_id_number("") == ""
    assert "1949" not in mask_id_number("110105194912310021")


@given(st.text(min_size=8, max_size=40))
def test_mask_keeps_length_and_hides_the_middle(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked[:3] == value[:3] and masked[-4:] == value[-4:]
    assert set(masked[3:-4]) <= {"*"}


def test_encryption_round_trip_and_randomness():
    first, second = crypto.encrypt("110105194912310021"), crypto.encrypt("110105194912310021")
    assert first != second and "1949" not in first
    assert crypto.decrypt(first) == "110105194912310021"
    assert crypto.decrypt("not-encrypted") == "not-encrypted"
    assert crypto.digest("a") == crypto.digest("a") != crypto.digest("b")
