"""The return status tag (grants/templatetags/returns_format.py) writes exactly what the include it replaced wrote,
for every status, late or not, of a partnership's return and of a direct award's."""

import datetime

import pytest
from django.template import Context, Template

from grants.models import GrantAward, PerformanceReturn, ReportingPeriod

# returns/_status.html before it became the tag
OLD_INCLUDE = (
    "<strong class=\"govuk-tag{% if r.status == 'accepted' %} govuk-tag--green{% elif r.status == 'queried' %} "
    "govuk-tag--orange{% elif r.status == 'not_started' %} govuk-tag--grey{% elif r.status == 'certified' %} "
    'govuk-tag--turquoise{% else %} govuk-tag--blue{% endif %}">{{ r.get_status_display }}</strong>{% if r.is_late %}'
    ' <strong class="govuk-tag govuk-tag--red">Late</strong>{% endif %}\n'
)


@pytest.mark.parametrize("status", PerformanceReturn.Status.values)
@pytest.mark.parametrize("due", [datetime.date(2000, 1, 1), datetime.date(2999, 1, 1)])
@pytest.mark.parametrize("direct", [False, True])
def test_the_tag_writes_what_the_include_wrote(status, due, direct):
    period = ReportingPeriod(award=GrantAward(), number=1, due_on=due)
    performance_return = PerformanceReturn(period=period, status=status, project_id=None if direct else 1)
    context = Context({"r": performance_return})
    old = Template(OLD_INCLUDE).render(context)
    assert Template('{% include "returns/_status.html" %}').render(context) == old
    assert Template("{% load returns_format %}{% return_status r %}\n").render(context) == old
