"""The money: funding streams, grant awards, spending plans and everything a plan holds."""

from .allocations import AllocationLine, AllocationTable
from .attachments import SupportingDocument
from .awards import FormulaScenario, Indicator, IndicatorValue, ScenarioLine, ScenarioWeight
from .deadlines import SubmissionDeadline
from .decisions import Decision, DecisionNotice, InterestDeclaration, VariationThreshold
from .funding import FundingStream, GrantAward
from .plans import FundedProject, MatchFunding, OutcomeMeasure, RiskItem, SpendingPlan, SubItem
from .rounds import GrantApplication, GrantRound
from .scrutiny import CommentAnswer, ScrutinyComment

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
    "Indicator",
    "IndicatorValue",
    "FormulaScenario",
    "ScenarioWeight",
    "ScenarioLine",
    "GrantRound",
    "GrantApplication",
    "AllocationTable",
    "AllocationLine",
    "Decision",
    "InterestDeclaration",
    "DecisionNotice",
    "VariationThreshold",
    "ScrutinyComment",
    "CommentAnswer",
    "SupportingDocument",
]
