import pytest


@pytest.fixture
def approved_plan(plymouth_plan, demo_user):
    """Safer Plymouth's 2020/21 plan, approved along the whole path."""
    from tests.workflow import drive

    drive(plymouth_plan, demo_user)
    assert plymouth_plan.status == "approved"
    return plymouth_plan


@pytest.fixture
def q1_return(approved_plan):
    """The domestic abuse service's Q1 return."""
    from grants.services.returns import returns_set_up

    returns = returns_set_up(award=approved_plan.award)
    return next(r for r in returns if r.period.number == 1 and r.project.title == "Plymouth Domestic Abuse Service")
