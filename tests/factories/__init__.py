"""factory-boy factories for every model, one module per app. Users per role: `officer_of(partnership)`."""

from .grants import (
    FundedProjectFactory,
    FundingStreamFactory,
    GrantAwardFactory,
    MatchFundingFactory,
    OutcomeMeasureFactory,
    RiskItemFactory,
    SpendingPlanFactory,
    SubItemFactory,
)
from .partnerships import (
    ForceAreaFactory,
    OrganisationFactory,
    PartnershipFactory,
    RoleFactory,
    ThematicGroupFactory,
    UserFactory,
    board_member_of,
    executive_of,
    officer_of,
    opcc_of,
    pcc_of,
    treasurer_of,
)
from .priorities import LocalPriorityFactory, PoliceAndCrimePlanFactory, PriorityFactory, StrategicAssessmentFactory

__all__ = [
    "ForceAreaFactory",
    "OrganisationFactory",
    "PartnershipFactory",
    "RoleFactory",
    "ThematicGroupFactory",
    "UserFactory",
    "officer_of",
    "executive_of",
    "board_member_of",
    "opcc_of",
    "pcc_of",
    "treasurer_of",
    "PoliceAndCrimePlanFactory",
    "PriorityFactory",
    "StrategicAssessmentFactory",
    "LocalPriorityFactory",
    "FundingStreamFactory",
    "GrantAwardFactory",
    "SpendingPlanFactory",
    "FundedProjectFactory",
    "SubItemFactory",
    "OutcomeMeasureFactory",
    "MatchFundingFactory",
    "RiskItemFactory",
]
