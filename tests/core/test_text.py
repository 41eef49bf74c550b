"""Text that cannot be stored is found with its character and place."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.text import storable, unstorable_character, validate_storable_text


@pytest.mark.parametrize("text", ["", "plain", "tab\tand\nline\r\nbreaks", "õäöü ЖЩ € 😀", "\u2028\u00a0\x7f"])
def test_it_accepts_text_every_store_can_hold(text):
    assert unstorable_character(text) is None
    assert storable(text)
    validate_storable_text(text)


@pytest.mark.parametrize(
    ("text", "position", "code"),
    [
        ("\x00", 1, "U+0000"),
        ("ab\x0bc", 3, "U+000B"),
        ("form\x0cfeed", 5, "U+000C"),
        ("x\x1f", 2, "U+001F"),
        ("lone \ud800 surrogate", 6, "U+D800"),
        ("end \udfff", 5, "U+DFFF"),
        ("non\ufffe", 4, "U+FFFE"),
        ("non\uffff", 4, "U+FFFF"),
    ],
)
def test_it_names_the_first_character_that_cannot_be_stored(text, position, code):
    found = unstorable_character(text)
    assert found is not None
    assert (found.position, found.code_point) == (position, code)
    assert code in found.message()
    assert not storable(text)


def test_the_validator_refuses_with_the_message_and_ignores_non_text():
    with pytest.raises(ValidationError) as refused:
        validate_storable_text("a\x00b")
    assert refused.value.code == "unstorable_character"
    assert "U+0000" in refused.value.messages[0]
    validate_storable_text(None)
    validate_storable_text(12)
