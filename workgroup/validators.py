"""Checks on the text of working-group materials: they may refer to a review only pseudonymised."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.ee import ik

# Eleven digits, possibly written in groups ("380 0108 5718", "38001-085718").
_DIGIT_RUN = re.compile(r"(?<![\d])(\d(?:[ \-.]?\d){10})(?![\d])")


def personal_codes_in(text: str) -> list[str]:
    """The valid Estonian personal identification codes written in `text`."""
    found = []
    for match in _DIGIT_RUN.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) == 11 and ik.is_valid(digits):
            found.append(digits)
    return found


def refuse_personal_codes(value: str) -> None:
    """Raise ValidationError when `value` holds a personal identification code."""
    if personal_codes_in(value):
        raise ValidationError(
            _(
                "Remove the personal identification code: working-group materials may refer to a case "
                "only by its pseudonymised review reference."
            ),
            code="personal_code",
        )
