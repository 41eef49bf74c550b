"""How long to wait before trying again: exponential backoff with a cap. Pure, no database."""

from __future__ import annotations

import datetime as dt


def backoff(failed_attempts: int, *, base_seconds: float, max_seconds: float) -> dt.timedelta:
    """The wait after `failed_attempts` failed attempts (1 or more): `base_seconds` after the first, doubling
    after each further one, never more than `max_seconds`."""
    if failed_attempts < 1:
        raise ValueError("backoff is for after a failed attempt (1 or more)")
    if base_seconds <= 0 or max_seconds < base_seconds:
        raise ValueError("backoff needs 0 < base_seconds <= max_seconds")
    # Doubling stops once past the cap, so a large attempt count cannot overflow the float.
    seconds = float(base_seconds)
    for _ in range(failed_attempts - 1):
        seconds *= 2
        if seconds >= max_seconds:
            break
    return dt.timedelta(seconds=min(seconds, max_seconds))


def schedule(attempts: int, *, base_seconds: float, max_seconds: float) -> list[dt.timedelta]:
    """The waits between `attempts` attempts (one fewer than attempts), for documentation and tests."""
    return [backoff(n, base_seconds=base_seconds, max_seconds=max_seconds) for n in range(1, attempts)]
