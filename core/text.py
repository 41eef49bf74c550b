"""Text that a database, a spreadsheet or a PDF cannot hold, found before anything stores it.

PostgreSQL refuses NUL in text; XML (and so XLSX and the PDF renderer) refuses the other C0 control
characters but tab and line breaks, and the non-characters U+FFFE and U+FFFF; UTF-8 cannot encode a
lone surrogate (which JSON's "\\ud800" escape can produce). Every channel that takes text from outside
— files, forms, the API, the method editor — checks it with `unstorable_character()` at the door and
says which character, where, instead of failing later on commit or on export.

Pure: no database, no app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# C0 controls except tab (09), line feed (0A) and carriage return (0D); lone surrogates; U+FFFE/U+FFFF.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Unstorable:
    """The first character of a text that cannot be stored: where it is (from 1) and which it is."""

    position: int
    character: str

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.character):04X}"

    def message(self) -> str:
        """The reason in the active language, naming the character and its place."""
        if "\ud800" <= self.character <= "\udfff":
            kind = _("half of a character pair (a damaged character)")
        elif self.character in "\ufffe\uffff":
            kind = _("a character that is not a letter, digit or sign")
        else:
            kind = _("an invisible control character")
        return _(
            "The text holds %(kind)s (%(code)s) at character %(position)s, which cannot be stored. "
            "Remove it and send the text again."
        ) % {"kind": kind, "code": self.code_point, "position": f"{self.position:,}"}


def unstorable_character(text: str) -> Unstorable | None:
    """The first character of `text` that cannot be stored, or None when all can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return Unstorable(position=found.start() + 1, character=found.group())


def storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


@deconstructible
class StorableTextValidator:
    """A field validator refusing text that cannot be stored (see the module's docstring)."""

    code = "unstorable_character"

    def __call__(self, value: object) -> None:
        if isinstance(value, str):
            found = unstorable_character(value)
            if found is not None:
                raise ValidationError(found.message(), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StorableTextValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_storable_text = StorableTextValidator()
