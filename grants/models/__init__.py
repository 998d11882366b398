"""The money: funding streams, funding received, grant awards, spending plans and everything a plan holds,
claims and payments."""

from .allocations import AllocationTable
from .attachments import SupportingDocument
from .awards import FormulaScenario, Indicator, IndicatorValue, ScenarioLine, ScenarioWeight
from .certification import CertificationDelegation
from .deadlines import SubmissionDeadline
from .decisions import Decision, DecisionNotice, InterestDeclaration, VariationThreshold
from .documents import RenderedDocument
from .funding import AwardYear, FundingStream, GrantAward
from .income import FundingReceived, FundingReceivedYear
from .monitoring import (
    MeasureResult,
    MoneyMove,
    PerformanceReturn,
    ReportingPeriod,
    ReportingRules,
    ReturnStep,
    SentReminder,
    SpendForecast,
)
from .payments import Claim, Payment
from .plans import FundedProject, MatchFunding, OutcomeMeasure, RiskItem, SpendingPlan, SubItem
from .rounds import GrantApplication, GrantRound
from .scrutiny import CommentAnswer, ScrutinyComment
from .sections import AreaPaperSections, PaperSection, PlanSection
from .year_end import YearEnd, YearEndApproval

__all__ = [
    "CertificationDelegation",
    "FundingStream",
    "GrantAward",
    "AwardYear",
    "FundingReceived",
    "FundingReceivedYear",
    "Claim",
    "Payment",
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
    "Decision",
    "InterestDeclaration",
    "DecisionNotice",
    "VariationThreshold",
    "ScrutinyComment",
    "CommentAnswer",
    "SupportingDocument",
    "ReportingRules",
    "ReportingPeriod",
    "PerformanceReturn",
    "MeasureResult",
    "SpendForecast",
    "ReturnStep",
    "SentReminder",
    "MoneyMove",
    "PlanSection",
    "PaperSection",
    "AreaPaperSections",
    "YearEnd",
    "YearEndApproval",
    "RenderedDocument",
]
