"""The money: funding streams, grant awards, spending plans and everything a plan holds."""

from .deadlines import SubmissionDeadline
from .decisions import Decision, DecisionNotice, InterestDeclaration, VariationThreshold
from .funding import FundingStream, GrantAward
from .plans import FundedProject, MatchFunding, OutcomeMeasure, RiskItem, SpendingPlan, SubItem

__all__ = [
    "FundingStream",
    "GrantAward",
    "SpendingPlan",
    "FundedProject",
    "SubItem",
    "OutcomeMeasure",
    "MatchFunding",
    "RiskItem",
    "SubmissionDeadline",
    "Decision",
    "InterestDeclaration",
    "DecisionNotice",
    "VariationThreshold",
]
