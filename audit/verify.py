"""Checking the audit chain: gapless sequence, each hash, each link, and the head.

The head is read first: a writer updates it in the same transaction as the event it appends, so every
event up to the head's sequence is committed by then. Events are read in short keyset batches rather
than through one long-lived cursor, so that verifying a large log never blocks writers (SQLite) and
events appended meanwhile are checked on a further round instead of being mistaken for tampering.
"""

from __future__ import annotations

from dataclasses import dataclass

from .log import GENESIS_HASH, event_hash, hashed_fields
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str


@dataclass(frozen=True)
class ChainCheck:
    problem: ChainProblem | None
    # How many events were verified (up to the first problem).
    events: int

    @property
    def intact(self) -> bool:
        return self.problem is None


def _head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", "hash").first()
    return head if head else (0, GENESIS_HASH)


def check_chain(batch_size: int = 2000) -> ChainCheck:
    """Verify the whole chain and say how far it got; see `verify_chain`."""
    stray = AuditEvent.objects.filter(sequence__lt=1).order_by("sequence").values_list("sequence", flat=True).first()
    if stray is not None:
        return ChainCheck(ChainProblem(stray, "it has a sequence number below 1"), 0)
    if not AuditChainHead.objects.filter(pk=1).exists() and AuditEvent.objects.exists():
        return ChainCheck(ChainProblem(1, "the chain head is missing"), 0)
    expected = 1
    previous_hash = GENESIS_HASH
    head_sequence, head_hash = _head()
    while True:
        while expected <= head_sequence:
            batch = list(
                AuditEvent.objects.filter(sequence__gte=expected, sequence__lte=head_sequence).order_by("sequence")[
                    :batch_size
                ]
            )
            if not batch:
                break
            for event in batch:
                if event.sequence != expected:
                    return ChainCheck(ChainProblem(expected, f"event {expected} is missing"), expected - 1)
                if event.previous_hash != previous_hash:
                    return ChainCheck(
                        ChainProblem(event.sequence, "its link to the previous event does not match"), expected - 1
                    )
                if event_hash(hashed_fields(event), previous_hash) != event.hash:
                    return ChainCheck(ChainProblem(event.sequence, "its contents were altered"), expected - 1)
                previous_hash = event.hash
                expected += 1
        last = expected - 1
        if last < head_sequence:
            reason = f"the chain head names event {head_sequence}, but the log ends at {last}"
            return ChainCheck(ChainProblem(last + 1, reason), last)
        if previous_hash != head_hash:
            return ChainCheck(ChainProblem(last, "the chain head's hash does not match the last event"), last - 1)
        if not AuditEvent.objects.filter(sequence__gt=head_sequence).exists():
            return ChainCheck(None, last)
        # Events after the head: appended since it was read (go on), or the head was set back.
        new_sequence, new_hash = _head()
        if new_sequence <= head_sequence:
            reason = f"it is stored after the chain head (event {head_sequence})"
            return ChainCheck(ChainProblem(head_sequence + 1, reason), last)
        head_sequence, head_hash = new_sequence, new_hash


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """Return the first problem found in the chain, or None when it is intact."""
    return check_chain(batch_size).problem


def anchor() -> tuple[int, str]:
    """The newest event's sequence number and hash: mailed out daily, so that a copy of the chain's
    state lives outside the database (someone who can write to the database could rewrite the whole
    chain, head included; they cannot rewrite the copies in people's mailboxes)."""
    return _head()


def check_anchor(sequence: int, expected_hash: str) -> str | None:
    """None when event `sequence` still has the hash an earlier anchor recorded; else why not."""
    stored = AuditEvent.objects.filter(sequence=sequence).values_list("hash", flat=True).first()
    if stored is None:
        return f"event {sequence} no longer exists"
    if stored != expected_hash.strip().lower():
        return f"event {sequence} has a different hash than the anchor recorded"
    return None
