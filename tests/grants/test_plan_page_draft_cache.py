"""A draft's rows are kept in the cache too, under the plan's `content_stamp` (grants/fragments.py, issue 13). Every
kind of write of a draft's content, whoever makes it, must show on the page at once: each test below opens the
page (so its rows are kept), writes, and opens it again. The parts that depend on the person (the actions) or that
change without the content (supporting documents) are read on every request, whoever kept the rows."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import FundedProject, MatchFunding, OutcomeMeasure, SpendingPlan, SubItem
from priorities.models import LocalPriority, Priority

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def page(client, plan) -> str:
    return client.get(reverse("grants:plan-detail", args=[plan.pk])).content.decode()


def table(client, plan) -> str:
    """The funded projects table as the page shows it."""
    return re.search(
        r'<table class="govuk-table app-plan-table app-responsive-table".*?</table>', page(client, plan), re.S
    )[0]


def queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("grants:plan-detail", args=[plan.pk]))
    return len(captured)


def first_line(plan) -> FundedProject:
    return plan.projects.order_by("number").first()


@pytest.mark.usefixtures("pages_made_afresh")  # the rows kept, the page made (grants/kept_pages.py)
def test_a_drafts_rows_are_kept_and_read_the_same(draft, client):
    made = (cache.clear(), queries(client, draft))[1]
    kept = queries(client, draft)
    assert kept < made  # the lines' related sets were not fetched again
    from_cache = table(client, draft)
    cache.clear()
    assert table(client, draft) == from_cache


# --- the one writer and the services built on it ---------------------------------------------------------------


def test_the_editors_project_save_shows(draft, demo_user, client):
    from grants.services.editing import project_save
    from grants.services.plan_content import ProjectInput

    line = FundedProject.objects.for_plan_page().get(pk=first_line(draft).pk)
    data = ProjectInput.of(line)
    data.title = "Street triage, saved in the editor"
    project_save(plan=draft, data=data, by=demo_user("officer.plymouth"), expected_revision=None, project=line)
    assert "1. Street triage, saved in the editor" in table(client, draft)


def test_the_editors_move_and_remove_show(draft, demo_user, client):
    from grants.services.editing import project_move, project_remove

    officer = demo_user("officer.plymouth")
    line = first_line(draft)
    project_move(plan=draft, project=line, to_number=2, by=officer, expected_revision=None)
    assert f"2. {line.title}" in table(client, draft)
    project_remove(plan=draft, project=line, by=officer, expected_revision=None)
    assert line.title not in table(client, draft)


def test_the_editors_risks_and_details_do_not_disturb_the_rows(draft, demo_user, client):
    """A save of the plan itself leaves the content's stamp alone, so the rows kept under it are read from the cache
    and read the same."""
    from grants.services.editing import plan_details_update

    before = table(client, draft)
    stamp = SpendingPlan.objects.get(pk=draft.pk).content_stamp
    plan_details_update(
        plan=draft, title="A new title", purpose="Why", unallocated_note="", by=demo_user("officer.plymouth"),
        expected_revision=None,
    )  # fmt: skip
    assert SpendingPlan.objects.get(pk=draft.pk).content_stamp == stamp
    assert table(client, draft) == before
    assert "A new title" in page(client, draft)


def test_a_plan_read_before_a_content_write_does_not_put_the_old_stamp_back(draft, client):
    """The editor saves the plan it locked after writing its lines; any instance read before a content write and
    saved after it must leave the new stamp, or the rows kept under the old one would be current again."""
    stale = SpendingPlan.objects.get(pk=draft.pk)
    before = table(client, draft)
    line = first_line(draft)
    line.title = "Street triage, renamed after the plan was read"
    line.save()
    renewed = SpendingPlan.objects.get(pk=draft.pk).content_stamp
    assert renewed != stale.content_stamp
    stale.title = "Saved from an instance read before the line's save"
    stale.save()
    assert SpendingPlan.objects.get(pk=draft.pk).content_stamp == renewed
    assert table(client, draft) != before
    assert "Street triage, renamed after the plan was read" in table(client, draft)


def test_a_stamp_asked_for_by_name_is_a_new_one(draft):
    plan = SpendingPlan.objects.get(pk=draft.pk)
    old = plan.content_stamp
    plan.save(update_fields=["content_stamp"])
    assert SpendingPlan.objects.get(pk=draft.pk).content_stamp not in (old, None)


def test_a_partly_loaded_plan_saves_only_what_it_loaded(draft):
    plan = SpendingPlan.objects.only("title", "revision", "status", "award").get(pk=draft.pk)
    plan.title = "Only the title"
    plan.save()
    stored = SpendingPlan.objects.get(pk=draft.pk)
    assert (stored.title, stored.purpose) == ("Only the title", draft.purpose)


def test_copying_lines_into_the_draft_shows(draft, southglos_plan, client):
    """Copying (rolling forward) fills an empty plan: emptied here, its empty table kept, then filled."""
    from grants.services.copying import plan_copy_contents

    draft.projects.all().delete()
    draft.risks.all().delete()
    draft.sections.all().delete()
    copied = first_line(southglos_plan).title
    assert copied not in page(client, draft)  # no table: the plan has no lines
    plan_copy_contents(source=southglos_plan, target=SpendingPlan.objects.get(pk=draft.pk))
    assert copied in table(client, draft)


def test_an_import_through_the_admin_shows(draft, admin_client, client):
    response = admin_client.get(reverse("admin:grants_fundedproject_import"))
    csv_format = next(v for v, label in response.context["form"].fields["format"].choices if label == "csv")
    content = f"plan,number,title,amount_allocated\n{draft.pk},1,Street triage imported,£1000\n".encode()
    response = admin_client.post(
        reverse("admin:grants_fundedproject_import"),
        {"format": csv_format, "resource": "0", "import_file": SimpleUploadedFile("lines.csv", content)},
    )
    confirm = response.context["confirm_form"]
    admin_client.post(reverse("admin:grants_fundedproject_process_import"), confirm.initial)
    assert "Street triage imported" in table(client, draft)


# --- single rows, whoever writes them (the admin, a shell, a cascade) --------------------------------------------


def test_a_line_saved_on_its_own_shows(draft, client):
    line = first_line(draft)
    line.title = "Street triage, extended"
    line.save()
    assert "1. Street triage, extended" in table(client, draft)


def test_sub_items_saved_and_deleted_show(draft, client):
    line = first_line(draft)
    item = SubItem.objects.create(project=line, label="Z", title="A sub-item added", amount=Decimal("1.00"))
    assert "Z. A sub-item added" in table(client, draft)
    item.title = "A sub-item renamed"
    item.save()
    assert "Z. A sub-item renamed" in table(client, draft)
    SubItem.objects.filter(pk=item.pk).delete()
    assert "A sub-item renamed" not in table(client, draft)


def test_measures_saved_and_deleted_show(draft, client):
    line = first_line(draft)
    measure = OutcomeMeasure.objects.create(project=line, position=99, description="Calls answered in time")
    assert "Calls answered in time" in table(client, draft)
    measure.description = "Calls answered within a minute"
    measure.save()
    assert "Calls answered within a minute" in table(client, draft)
    OutcomeMeasure.objects.filter(project=line).delete()  # a queryset delete
    assert "Calls answered within a minute" not in table(client, draft)


def test_match_funding_saved_and_deleted_shows(draft, client):
    line = first_line(draft)
    match = MatchFunding.objects.create(project=line, source="The Lottery Fund", amount=Decimal("500.00"))
    assert "(The Lottery Fund)" in table(client, draft)
    match.delete()
    assert "(The Lottery Fund)" not in table(client, draft)


def test_a_line_deleted_with_its_parts_shows(draft, client):
    line = first_line(draft)
    line.delete()
    assert f"1. {line.title}" not in table(client, draft)


def test_priority_links_changed_from_either_side_show(draft, client):
    line = draft.projects.filter(pcc_priorities__isnull=False).order_by("number").first()
    priority = line.pcc_priorities.order_by("number").first()
    cell = str(priority)

    def priorities_of_line() -> str:
        rows = table(client, draft).split('class="govuk-table__row"')
        return next(row for row in rows if f">{line.number}. {line.title}" in row)

    assert cell in priorities_of_line()
    line.pcc_priorities.remove(priority)
    assert cell not in priorities_of_line()
    priority.funded_projects.add(line)  # from the priority's side
    assert cell in priorities_of_line()
    priority.funded_projects.clear()
    assert cell not in priorities_of_line()
    line.pcc_priorities.set([priority])
    assert cell in priorities_of_line()


def test_a_local_priority_linked_shows(draft, client):
    line = first_line(draft)
    local = LocalPriority.objects.filter(assessment__partnership=draft.partnership).exclude(funded_projects=line)
    local = local.order_by("position").first()
    assert local is not None, "the demo partnership has local priorities"
    line.local_priorities.add(local)
    assert str(local) in table(client, draft)


def test_a_priority_deleted_shows(draft, client):
    """Deleting a priority removes its links without a signal; the names fingerprint sees it go."""
    priority = Priority.objects.filter(funded_projects__plan=draft).order_by("number").first()
    assert str(priority) in table(client, draft)
    priority.funded_projects.clear()  # a priority serving lines is protected by nothing else in the demo
    Priority.objects.filter(pk=priority.pk).delete()
    assert str(priority) not in table(client, draft)


class _Form(HTMLParser):
    """The admin change form's fields as the browser would post them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def admin_form(admin_client, url) -> dict:
    form = _Form()
    form.feed(admin_client.get(url).content.decode())
    data = {name: values if len(values) > 1 else (values[0] if values else "") for name, values in form.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    return data


def admin_errors(response) -> list:
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), *(form.errors for form in inline.formset.forms)]
    return [error for error in errors if error]


def test_an_admin_edit_of_a_line_shows(draft, admin_client, client):
    line = first_line(draft)
    url = reverse("admin:grants_fundedproject_change", args=[line.pk])
    data = admin_form(admin_client, url)
    data["title"] = "Street triage, changed in the admin"
    response = admin_client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, admin_errors(response)
    assert "1. Street triage, changed in the admin" in table(client, draft)


def test_an_admin_change_of_a_lines_priorities_shows(draft, admin_client, client):
    line = draft.projects.filter(pcc_priorities__isnull=False).order_by("number").first()
    priority = line.pcc_priorities.order_by("number").first()
    url = reverse("admin:grants_fundedproject_change", args=[line.pk])
    data = admin_form(admin_client, url)
    data["pcc_priorities"] = [str(p.pk) for p in line.pcc_priorities.exclude(pk=priority.pk)]
    response = admin_client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, admin_errors(response)
    line.refresh_from_db()
    assert priority not in line.pcc_priorities.all()
    rows = table(client, draft).split('class="govuk-table__row"')
    assert str(priority) not in next(row for row in rows if f">{line.number}. {line.title}" in row)


# --- what is never kept --------------------------------------------------------------------------------------------


def test_each_person_sees_their_own_actions_beside_the_same_kept_rows(draft, demo_user, client):
    officer_page = page(client, draft)
    client.force_login(demo_user("opcc.devon"))
    opcc_page = page(client, draft)
    submit = reverse("grants:plan-decide", args=[draft.pk, "submit"])
    assert submit in officer_page and submit not in opcc_page
    cut = re.compile(r'<table class="govuk-table app-plan-table app-responsive-table".*?</table>', re.S)
    assert cut.search(officer_page)[0] == cut.search(opcc_page)[0]


def test_a_supporting_document_added_after_the_rows_are_kept_shows(draft, demo_user, client):
    from grants.services.attachments import document_add

    line = first_line(draft)
    upload = SimpleUploadedFile("evaluation-form.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    document_add(plan=draft, project=line, by=demo_user("officer.plymouth"), upload=upload)
    assert "evaluation-form.pdf" in table(client, draft)


def test_a_line_changed_on_its_admin_page_cannot_take_the_plan_over_its_award(draft, admin_client, client):
    """The plan's admin page lists its lines; each is changed on its own page, where the plan's allocation rule
    holds for the line's new amount (`FundedProject.clean`): the message is beside the amount, nothing is saved."""
    line = first_line(draft)
    url = reverse("admin:grants_fundedproject_change", args=[line.pk])
    data = admin_form(admin_client, url)
    data["amount_allocated"] = str(draft.award.amount + 1)
    response = admin_client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "amount_allocated" in errors and "award" in str(errors["amount_allocated"]), errors
    line.refresh_from_db()
    assert line.amount_allocated != draft.award.amount + 1
