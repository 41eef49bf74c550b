"""Checking the audit chain: gapless sequence, each hash, each link, and the head."""

from __future__ import annotations

from dataclasses import dataclass

from .log import GENESIS_HASH, event_hash, hashed_fields
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str


def verify_chain(batch_size: int = 2000) -> ChainProblem | None:
    """Return the first problem found in the chain, or None when it is intact."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainProblem(expected_sequence, f"event {expected_sequence} is missing")
        if event.previous_hash != previous_hash:
            return ChainProblem(event.sequence, "its link to the previous event does not match")
        if event_hash(hashed_fields(event), previous_hash) != event.hash:
            return ChainProblem(event.sequence, "its contents were altered")
        previous_hash = event.hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last = expected_sequence - 1
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    if head_sequence != last:
        return ChainProblem(last + 1, f"the chain head names event {head_sequence}, but the log ends at {last}")
    if head_hash != previous_hash:
        return ChainProblem(last, "the chain head's hash does not match the last event")
    return None
