"""What can happen to a claim against an award, declared in one table. Read the table; everything else in this
module only applies it.

A partner claims (a capital fund's grant holder sends an invoice and evidence of spend; an OPCC officer enters
it); an OPCC officer or the Treasurer who did not enter it approves it (in full or for less) or rejects it, with
a reason; a claim entered in error is reversed, with a reason, and entered again. Payments are made against an
approved claim (awards paid on claim) or on the award's schedule. Decisions happen only through
`grants.services.payments.claim_decide`, which locks the claim's row and checks this table again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REVERSED = "reversed", "Reversed"


# Claims that count against the award: what is claimed and not rejected or reversed.
COUNTING = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)


@dataclass(frozen=True)
class ClaimTransition:
    name: str
    sources: tuple[str, ...]
    target: str
    reason_required: bool
    not_by_enterer: bool  # separation of duties: the person who entered the claim may not decide it
    label: str  # the button
    done: str  # the record, past tense


SUBMITTED, APPROVED = ClaimStatus.SUBMITTED, ClaimStatus.APPROVED
REJECTED, REVERSED = ClaimStatus.REJECTED, ClaimStatus.REVERSED

# ---------------------------------------------------------------------------------------------------------------
#                    name       from                   to         reason  not by the enterer  button / record
TRANSITIONS: tuple[ClaimTransition, ...] = (
    ClaimTransition("approve",  (SUBMITTED,),           APPROVED,  False,  True,  "Approve the claim", "Approved"),
    ClaimTransition("reject",   (SUBMITTED,),           REJECTED,  True,   True,  "Reject the claim", "Rejected"),
    ClaimTransition("reverse",  (SUBMITTED, APPROVED),  REVERSED,  True,   False, "Reverse the claim", "Reversed"),
)  # fmt: skip
# Reversing an approved claim is refused once anything has been paid against it: reverse the payment first.
# ---------------------------------------------------------------------------------------------------------------

BY_NAME: dict[str, ClaimTransition] = {t.name: t for t in TRANSITIONS}


def available(status: str) -> list[ClaimTransition]:
    """The decisions a claim in `status` may still receive."""
    return [t for t in TRANSITIONS if status in t.sources]
