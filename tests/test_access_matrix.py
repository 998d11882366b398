"""The access matrix: every URL in the resolver × GET and POST × every role, anonymous and outsiders.

Every URL pattern is discovered from the resolver, so a new view is covered the day it is added: a pattern with no
entry in ARGUMENTS fails `test_every_url_has_arguments_and_expectations` with a message saying what to add. Its
arguments come from Devon & Cornwall's data (the demo's Safer Plymouth plan, plus objects made with
tests/factories for what the demo lacks); the people are the demo users of both force areas, a signed-in person
with no role, and anonymous. For each URL and person the expected answer is in EXPECTED, built from the roles:

- anonymous: sent to sign in (public pages excepted);
- someone who cannot see the object's partnership or force area: 404, never 403 (which would disclose it);
- someone who may use the page: 200 on GET; a POST with an empty form is answered, never 404/403/500;
- someone who may see the object but not use this page: refused (403 with the reason, or sent back), never 404.

No URL may answer 500 to anyone, and every answer to a signed-in person carries `Cache-Control: private, no-store`.

The data is built once for the module inside a transaction that is rolled back at the end; each person's run is
its own test (a nested transaction), and each POST runs in a savepoint that is rolled back, so one request never
changes what the next one sees.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# ---------------------------------------------------------------------------------------------------------------
# Who

PLYMOUTH = frozenset({"officer.plymouth", "exec.plymouth", "board.plymouth", "board2.plymouth", "finance.plymouth"})
SOUTHGLOS = frozenset({"officer.southglos", "board.southglos"})
DEVON = frozenset({"opcc.devon", "pcc.devon", "treasurer.devon", "admin.devon"})
AVON = frozenset({"opcc.avon", "pcc.avon", "treasurer.avon"})
ADMIN = frozenset({"admin"})
NOBODY = "nobody"  # signed in, no role anywhere
SIGNED_IN = PLYMOUTH | SOUTHGLOS | DEVON | AVON | ADMIN | {NOBODY}
PEOPLE = ["anonymous", *sorted(SIGNED_IN)]

SEES_PLYMOUTH = PLYMOUTH | DEVON | ADMIN  # who may see Safer Plymouth's plans (grants.view_plan)


@dataclass(frozen=True)
class Expect:
    """What each person gets from one URL with Devon & Cornwall's arguments.

    `get`/`post`: people whose request is served (GET 200; POST answered, not refused). `sees`: people who may know
    the object exists (refused with 403 or a redirect when not in `get`/`post`). Everyone else signed in: 404.
    `anonymous`: "login" (sent to sign in) or "public" (served). `any_status`: people for whom the page's own state
    decides (a page about one's own two-factor methods, say): anything but a server error.
    """

    get: frozenset = frozenset()
    post: frozenset = frozenset()
    sees: frozenset = frozenset()
    anonymous: str = "login"
    outsiders: tuple = (404, 405)  # 405 (wrong method) is answered before any object is looked up
    any_status: frozenset = frozenset()
    get_statuses: tuple = (200,)
    skip_post: bool = False  # a POST would do something irreversible outside the database (none today)


def everyone_signed_in(**kwargs) -> Expect:
    return Expect(get=SIGNED_IN, post=SIGNED_IN, sees=SIGNED_IN, **kwargs)


def public(**kwargs) -> Expect:
    return Expect(get=SIGNED_IN, post=SIGNED_IN, sees=SIGNED_IN, anonymous="public", **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# The world: Devon & Cornwall (Safer Plymouth) is the side every URL's arguments come from; Avon & Somerset's people
# are the outsiders.


@dataclass
class World:
    plan: object
    project: object
    award_without_plan: object
    area: object
    partnership: object
    stream: object
    scenario: object
    grant_round: object
    application: object
    allocation: object
    notice_plan: object
    passkey: object
    income: object
    award: object
    claim: object
    payment: object
    comment: object
    document: object
    invitation: object
    role: object
    police_and_crime_plan: object
    objects_by_model: dict = field(default_factory=dict)
    performance_return: object = None  # not started: the officer's to enter
    submitted_return: object = None  # submitted: the OPCC may query it
    year_end_award: object = None  # its year end proposed by the OPCC: the PCC and the Treasurer may approve it
    money_move: object = None  # money moved between projects in the not-started return
    delegation: object = None  # Safer Plymouth's certifier's deputy for the 2019/20 plan
    direct_award: object = None  # an award made directly to an organisation, asking for quarterly returns


def build_world(password: str) -> World:
    from allauth.mfa.models import Authenticator
    from django.core.files.base import ContentFile

    from grants.demo import demo_load
    from grants.models import FundingStream, SpendingPlan
    from partnerships.models import ForceArea, Partnership, Role
    from priorities.models import PoliceAndCrimePlan
    from tests import factories as f

    demo_load(password=password)
    area = ForceArea.objects.get(slug="devon-and-cornwall")
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    plan = SpendingPlan.objects.get(award__partnership=plymouth, version=1)
    stream = FundingStream.objects.filter(force_area=area).first()
    f.UserFactory(username=NOBODY)
    award_without_plan = f.GrantAwardFactory(partnership=plymouth, funding_stream=stream, financial_year="2021/22")
    scenario = f.FormulaScenarioFactory(force_area=area, funding_stream=stream)
    f.ScenarioLineFactory(scenario=scenario, partnership=plymouth)
    grant_round = f.GrantRoundFactory(force_area=area, funding_stream=stream)
    application = f.GrantApplicationFactory(
        grant_round=grant_round, decision="declined", decided_on=datetime.date(2021, 6, 1)
    )
    allocation = f.AllocationTableFactory(force_area=area, funding_stream=stream)
    award = plan.award
    income = f.FundingReceivedFactory(force_area=area, funding_stream=stream)
    claim = f.ClaimFactory(
        award__partnership=plymouth,
        award__funding_stream=stream,
        award__financial_year="2022/23",
        evidence=ContentFile(b"%PDF-1.4\n%%EOF\n", name="invoice.pdf"),
        evidence_name="invoice.pdf",
    )
    payment = f.PaymentFactory(award=award)
    project = plan.projects.order_by("number").first()
    comment = f.ScrutinyCommentFactory(plan=plan, project=project)
    document = f.SupportingDocumentFactory(plan=plan)
    invitation = f.InvitationFactory(force_area=area)
    role = Role.objects.filter(partnership=plymouth, kind=Role.Kind.EXECUTIVE).first()
    # 2019/20's plan, approved with a decision notice, and a line its returns report on (returns exist only for
    # the lines of an approved plan, which nobody can remove).
    notice_plan = f.SpendingPlanFactory(
        award=f.GrantAwardFactory(partnership=plymouth, funding_stream=stream, financial_year="2019/20")
    )
    notice_project = f.FundedProjectFactory(plan=notice_plan, number=1)
    moved_to = f.FundedProjectFactory(plan=notice_plan, number=2)  # money moved in a return goes somewhere
    SpendingPlan.objects.filter(pk=notice_plan.pk).update(status=SpendingPlan.Status.APPROVED)  # frozen from now
    notice_plan.refresh_from_db()
    notice = f.DecisionNoticeFactory(plan=notice_plan)
    passkey = Authenticator.objects.create(  # someone else's key: every person in the matrix must get 404 for it
        user=f.UserFactory(username="keyholder"),
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Work laptop", "credential": {}},
    )
    from grants.models import PerformanceReturn
    from grants.services.returns import reporting_set_up

    periods = reporting_set_up(award=notice.plan.award)
    performance_return = PerformanceReturn.objects.create(
        period=periods[0], project=notice_project, line_id=notice_project.line_id
    )
    submitted_return = PerformanceReturn.objects.create(
        period=periods[1],
        project=notice_project,
        line_id=notice_project.line_id,
        status=PerformanceReturn.Status.SUBMITTED,
    )
    money_move = f.MoneyMoveFactory(
        performance_return=performance_return, from_project=notice_project, to_project=moved_to
    )
    from grants.services.year_end import year_end_propose
    from partnerships.models import User

    year_end_propose(award=award_without_plan, by=User.objects.get(username="opcc.devon"), treatment="return")
    from grants.services.certification import delegation_make

    delegation = delegation_make(
        plan=notice.plan,
        by=User.objects.get(username="finance.plymouth"),
        deputy=User.objects.get(username="exec.plymouth"),
    )
    from grants.services.returns import award_reporting_set

    direct_award = f.GrantAwardFactory(partnership=None, organisation=f.OrganisationFactory(), funding_stream=stream)
    award_reporting_set(award=direct_award, by=User.objects.get(username="opcc.devon"), months=3)
    return World(
        delegation=delegation,
        direct_award=direct_award,
        year_end_award=award_without_plan,
        performance_return=performance_return,
        submitted_return=submitted_return,
        money_move=money_move,
        plan=plan,
        project=project,
        award_without_plan=award_without_plan,
        area=area,
        partnership=plymouth,
        stream=stream,
        scenario=scenario,
        grant_round=grant_round,
        application=application,
        allocation=allocation,
        notice_plan=notice.plan,
        passkey=passkey,
        income=income,
        award=award,
        claim=claim,
        payment=payment,
        comment=comment,
        document=document,
        invitation=invitation,
        role=role,
        police_and_crime_plan=PoliceAndCrimePlan.objects.filter(force_area=area).first(),
    )


# ---------------------------------------------------------------------------------------------------------------
# Arguments and expectations for every named URL. A new view needs one line in each table.

YEAR = "2020/21"

ARGUMENTS = {
    "grants:plan-start-award": lambda w: {"award_pk": w.award_without_plan.pk},
    "grants:plan-detail": lambda w: {"pk": w.plan.pk},
    "grants:plan-download": lambda w: {"pk": w.plan.pk, "what": "lines", "extension": "xlsx"},
    "grants:plan-history": lambda w: {"pk": w.plan.pk},
    "grants:plan-audit-trail": lambda w: {"pk": w.plan.pk},
    "grants:plan-edit": lambda w: {"pk": w.plan.pk},
    "grants:plan-edit-details": lambda w: {"pk": w.plan.pk},
    "grants:plan-edit-projects": lambda w: {"pk": w.plan.pk},
    "grants:project-add": lambda w: {"pk": w.plan.pk},
    "grants:project-edit": lambda w: {"pk": w.plan.pk, "project_pk": w.project.pk},
    "grants:project-remove": lambda w: {"pk": w.plan.pk, "project_pk": w.project.pk},
    "grants:project-move": lambda w: {"pk": w.plan.pk, "project_pk": w.project.pk},
    "grants:plan-edit-risks": lambda w: {"pk": w.plan.pk},
    "grants:plan-import": lambda w: {"pk": w.plan.pk},
    "grants:plan-import-preview": lambda w: {"pk": w.plan.pk},
    "grants:plan-check": lambda w: {"pk": w.plan.pk},
    "grants:oversight-dashboard": lambda w: {"area": w.area.slug},
    "grants:awards-home": lambda w: {"area": w.area.slug},
    "grants:awards": lambda w: {"area": w.area.slug, "year": YEAR},
    "grants:indicators-import": lambda w: {"area": w.area.slug, "year": YEAR},
    "grants:scenario-new": lambda w: {"area": w.area.slug, "year": YEAR},
    "grants:scenario-compare": lambda w: {"area": w.area.slug, "year": YEAR},
    "grants:scenario": lambda w: {"area": w.area.slug, "year": w.scenario.financial_year, "pk": w.scenario.pk},
    "grants:rounds": lambda w: {"area": w.area.slug},
    "grants:round-new": lambda w: {"area": w.area.slug},
    "grants:round": lambda w: {"area": w.area.slug, "pk": w.grant_round.pk},
    "grants:application-new": lambda w: {"area": w.area.slug, "pk": w.grant_round.pk},
    "grants:application-decision": lambda w: {
        "area": w.area.slug,
        "pk": w.grant_round.pk,
        "application": w.application.pk,
    },
    "grants:funding": lambda w: {"area": w.area.slug},
    "grants:stream-new": lambda w: {"area": w.area.slug},
    "grants:stream": lambda w: {"area": w.area.slug, "pk": w.stream.pk},
    "grants:stream-award-new": lambda w: {"area": w.area.slug, "pk": w.stream.pk},
    "grants:allocation-new": lambda w: {"area": w.area.slug},
    "grants:allocation": lambda w: {"area": w.area.slug, "pk": w.allocation.pk},
    "grants:reports": lambda w: {"area": w.area.slug},
    "grants:panel-report": lambda w: {"area": w.area.slug, "year": YEAR},
    "grants:threesixty": lambda w: {"area": w.area.slug, "fmt": "csv"},
    "grants:published": lambda w: {"area": w.area.slug},
    "grants:published-360": lambda w: {"area": w.area.slug, "fmt": "csv"},
    "grants:plan-decide": lambda w: {"pk": w.plan.pk, "action": "submit"},
    "grants:plan-declare-interest": lambda w: {"pk": w.plan.pk},
    "grants:plan-vary": lambda w: {"pk": w.plan.pk},
    "grants:variation-threshold": lambda w: {"slug": w.area.slug},
    "grants:paper-sections": lambda w: {"slug": w.area.slug},
    "grants:plan-edit-sections": lambda w: {"pk": w.plan.pk},
    "grants:minor-variation-path": lambda w: {"slug": w.partnership.slug},
    "grants:plan-decision-notice": lambda w: {"pk": w.notice_plan.pk, "fmt": "pdf"},
    "mfa_remove_webauthn": lambda w: {"pk": w.passkey.pk},
    "mfa_edit_webauthn": lambda w: {"pk": w.passkey.pk},
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "not-a-real-key"},
    "invitation-accept": lambda w: {"pk": w.invitation.pk, "token": "not-a-real-token"},
    # Documents and scrutiny comments on Safer Plymouth's plan
    "grants:plan-edit-documents": lambda w: {"pk": w.plan.pk},
    "grants:document-download": lambda w: {"pk": w.plan.pk, "document_pk": w.document.pk},
    "grants:document-remove": lambda w: {"pk": w.plan.pk, "document_pk": w.document.pk},
    "grants:plan-comment": lambda w: {"pk": w.plan.pk, "project_pk": w.project.pk},
    "grants:comment-answer": lambda w: {"pk": w.plan.pk, "comment_pk": w.comment.pk},
    # Money in and out, and corrections
    "grants:income-new": lambda w: {"area": w.area.slug},
    "grants:income": lambda w: {"area": w.area.slug, "pk": w.income.pk},
    "grants:income-change": lambda w: {"area": w.area.slug, "pk": w.income.pk},
    "grants:award": lambda w: {"area": w.area.slug, "pk": w.award.pk},
    "grants:award-change": lambda w: {"area": w.area.slug, "pk": w.award.pk},
    "grants:claim-new": lambda w: {"area": w.area.slug, "pk": w.claim.award_id},
    "grants:claim": lambda w: {"area": w.area.slug, "pk": w.claim.award_id, "claim": w.claim.pk},
    "grants:claim-evidence": lambda w: {"area": w.area.slug, "pk": w.claim.award_id, "claim": w.claim.pk},
    "grants:payment-new": lambda w: {"area": w.area.slug, "pk": w.award.pk},
    "grants:payment-reverse": lambda w: {"area": w.area.slug, "pk": w.award.pk, "payment": w.payment.pk},
    "grants:allocation-change": lambda w: {"area": w.area.slug, "pk": w.allocation.pk},
    "grants:allocation-import": lambda w: {"area": w.area.slug, "pk": w.allocation.pk},
    "grants:round-change": lambda w: {"area": w.area.slug, "pk": w.grant_round.pk},
    "grants:stream-change": lambda w: {"area": w.area.slug, "pk": w.stream.pk},
    "grants:application-change": lambda w: {
        "area": w.area.slug,
        "pk": w.grant_round.pk,
        "application": w.application.pk,
    },
    "grants:application-decision-correct": lambda w: {
        "area": w.area.slug,
        "pk": w.grant_round.pk,
        "application": w.application.pk,
    },
    "grants:record-history": lambda w: {"area": w.area.slug, "kind": "income", "pk": w.income.pk},
    "grants:record-withdraw": lambda w: {"area": w.area.slug, "kind": "income", "pk": w.income.pk},
    # Setting up the force area
    "grants:set-up": lambda w: {"area": w.area.slug},
    "grants:set-up-funder": lambda w: {"area": w.area.slug},
    "grants:set-up-funder-change": lambda w: {"area": w.area.slug},
    "grants:set-up-funder-correct": lambda w: {"area": w.area.slug},
    "grants:set-up-approval": lambda w: {"area": w.area.slug},
    "grants:set-up-plans": lambda w: {"area": w.area.slug},
    "grants:set-up-plan-new": lambda w: {"area": w.area.slug},
    "grants:set-up-plan": lambda w: {"area": w.area.slug, "pk": w.police_and_crime_plan.pk},
    "grants:set-up-partnerships": lambda w: {"area": w.area.slug},
    "grants:set-up-partnership-new": lambda w: {"area": w.area.slug},
    "grants:set-up-partnership": lambda w: {"area": w.area.slug, "pk": w.partnership.pk},
    "grants:set-up-council-new": lambda w: {"area": w.area.slug},
    "grants:set-up-funding": lambda w: {"area": w.area.slug},
    "grants:set-up-people": lambda w: {"area": w.area.slug},
    "grants:set-up-invitation-resend": lambda w: {"area": w.area.slug, "pk": w.invitation.pk},
    "grants:set-up-invitation-withdraw": lambda w: {"area": w.area.slug, "pk": w.invitation.pk},
    "grants:set-up-role-remove": lambda w: {"area": w.area.slug, "pk": w.role.pk},
    # Performance returns (issue 11)
    "grants:returns": lambda w: {"award_pk": w.notice_plan.award_id},
    "grants:return": lambda w: {"pk": w.performance_return.pk},
    "grants:certification-delegation": lambda w: {"award_pk": w.notice_plan.award_id},
    "grants:award-reporting": lambda w: {"area": w.area.slug, "pk": w.direct_award.pk},
    "grants:certification-revoke": lambda w: {"pk": w.delegation.pk},
    "grants:return-edit": lambda w: {"pk": w.performance_return.pk},
    "grants:return-act": lambda w: {"pk": w.submitted_return.pk, "action": "query"},
    "grants:return-template": lambda w: {"pk": w.performance_return.pk},
    "grants:return-import": lambda w: {"pk": w.performance_return.pk},
    "grants:return-import-preview": lambda w: {"pk": w.performance_return.pk},
    "grants:return-moves": lambda w: {"pk": w.performance_return.pk},
    "grants:return-move-remove": lambda w: {"pk": w.performance_return.pk, "move_pk": w.money_move.pk},
    "grants:reporting-rules": lambda w: {"area": w.area.slug},
    "grants:audit-export": lambda w: {"area": w.area.slug},
    "grants:performance-pack": lambda w: {"award_pk": w.notice_plan.award_id, "number": 1},
    "grants:performance-pack-pdf": lambda w: {"award_pk": w.notice_plan.award_id, "number": 1},
    "grants:performance-pack-docx": lambda w: {"award_pk": w.notice_plan.award_id, "number": 1},
    "grants:area-pack": lambda w: {"area": w.area.slug, "year": "2019/20", "number": 1},
    "grants:area-pack-pdf": lambda w: {"area": w.area.slug, "year": "2019/20", "number": 1},
    "grants:area-pack-docx": lambda w: {"area": w.area.slug, "year": "2019/20", "number": 1},
    # Year end (issue 11)
    "grants:year-end": lambda w: {"area": w.area.slug, "year": YEAR},
    "grants:year-end-propose": lambda w: {"area": w.area.slug, "pk": w.award.pk},
    "grants:year-end-approve": lambda w: {"area": w.area.slug, "pk": w.year_end_award.pk},
    "grants:year-end-withdraw": lambda w: {"area": w.area.slug, "pk": w.year_end_award.pk},
}
NO_ARGUMENTS = lambda w: {}  # noqa: E731

OFFICER = frozenset({"officer.plymouth"})
BOARD = frozenset({"board.plymouth", "board2.plymouth"})
OPCC = frozenset({"opcc.devon"})
CERTIFIER = frozenset({"finance.plymouth"})
MANAGERS = frozenset({"opcc.devon", "treasurer.devon"})  # grants.manage_force_area_funding
AREA_ADMIN = frozenset({"admin.devon"})  # partnerships.set_up_force_area
NO_AREA_ROLE = PLYMOUTH | SOUTHGLOS | ADMIN | {NOBODY}  # 403 with the reason on the OPCC pages: nothing to disclose


def plan_page(**kwargs) -> Expect:
    return Expect(sees=SEES_PLYMOUTH, **kwargs)


def oversight(get=DEVON, post=frozenset(), **kwargs) -> Expect:
    return Expect(get=get, post=post, sees=DEVON | NO_AREA_ROLE, **kwargs)


OWN = everyone_signed_in(any_status=SIGNED_IN)  # pages about one's own account: their state decides the answer
PUBLIC = public(any_status=SIGNED_IN)

EXPECTED: dict[str, Expect] = {
    # Everyone's own pages
    "home": OWN,
    "account": OWN,
    "account_change_password": OWN,
    "account_set_password": OWN,
    "account_reauthenticate": OWN,
    "logout": OWN,
    "account_logout": OWN,
    "mfa_index": OWN,
    "mfa_reauthenticate": OWN,
    "mfa_activate_totp": OWN,
    "mfa_deactivate_totp": OWN,
    "mfa_view_recovery_codes": OWN,
    "mfa_generate_recovery_codes": OWN,
    "mfa_download_recovery_codes": OWN,
    "mfa_list_webauthn": OWN,
    "mfa_add_webauthn": OWN,
    "mfa_reauthenticate_webauthn": OWN,
    "grants:plan-start": OWN,
    "grants:oversight-home": OWN,
    # Someone else's passkey: nobody but its owner
    "mfa_remove_webauthn": Expect(),
    "mfa_edit_webauthn": Expect(),
    # No sign-in needed
    "login": PUBLIC,
    "account_login": PUBLIC,
    "mfa_authenticate": Expect(any_status=SIGNED_IN, anonymous="any"),
    "mfa_login_webauthn": Expect(any_status=SIGNED_IN, anonymous="any"),
    "admin-sign-in": Expect(any_status=SIGNED_IN, anonymous="any"),
    "account_inactive": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "accessibility": PUBLIC,
    "health": PUBLIC,
    "grants:published-index": PUBLIC,
    "grants:published": PUBLIC,
    "grants:published-360": PUBLIC,
    "grants:published-360-all": PUBLIC,
    # Safer Plymouth's plan (a draft): readers, and the officer who edits it
    "grants:plan-detail": plan_page(get=SEES_PLYMOUTH),
    "grants:plan-download": plan_page(get=SEES_PLYMOUTH),
    "grants:plan-history": plan_page(get=SEES_PLYMOUTH),
    "grants:plan-audit-trail": plan_page(get=SEES_PLYMOUTH),
    "grants:plan-decision-notice": plan_page(get=SEES_PLYMOUTH),
    "grants:plan-edit": plan_page(get=OFFICER),
    "grants:plan-edit-details": plan_page(get=OFFICER, post=OFFICER),
    "grants:plan-edit-projects": plan_page(get=OFFICER),
    "grants:project-add": plan_page(get=OFFICER, post=OFFICER),
    "grants:project-edit": plan_page(get=OFFICER, post=OFFICER),
    "grants:project-remove": plan_page(get=OFFICER, post=OFFICER),
    "grants:project-move": plan_page(get=OFFICER, post=OFFICER, get_statuses=(405,)),
    "grants:plan-edit-risks": plan_page(get=OFFICER, post=OFFICER),
    "grants:plan-import": plan_page(get=OFFICER, post=OFFICER),
    "grants:plan-import-preview": plan_page(get=OFFICER, post=OFFICER, get_statuses=(302,)),
    "grants:plan-check": plan_page(get=OFFICER),
    "grants:plan-start-award": plan_page(get=OFFICER, post=OFFICER),
    "grants:plan-decide": plan_page(get=OFFICER, post=OFFICER),  # "submit": the officer's decision on a draft
    "grants:plan-declare-interest": plan_page(),  # a draft: nobody declares yet
    "grants:plan-vary": plan_page(),  # a draft: nothing to vary
    # Governance settings
    "grants:minor-variation-path": Expect(get=BOARD, post=BOARD, sees=BOARD),
    "grants:variation-threshold": Expect(get=OPCC, post=OPCC, sees=OPCC, get_statuses=(200,)),
    "grants:paper-sections": Expect(get=OPCC, post=OPCC, sees=OPCC),
    "grants:plan-edit-sections": plan_page(get=OFFICER, post=OFFICER),
    # Devon & Cornwall's OPCC pages: the PCC and the Treasurer read, the OPCC and the Treasurer manage money
    "grants:oversight-dashboard": oversight(),
    "grants:awards-home": oversight(get_statuses=(302,)),
    "grants:awards": oversight(post=MANAGERS),
    "grants:indicators-import": oversight(get=MANAGERS, post=MANAGERS),
    "grants:scenario-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:scenario-compare": oversight(),
    "grants:scenario": oversight(post=MANAGERS),
    "grants:rounds": oversight(),
    "grants:round-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:round": oversight(),
    "grants:application-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:application-decision": oversight(get=MANAGERS, post=MANAGERS),
    "grants:funding": oversight(),
    "grants:stream-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:stream": oversight(),
    "grants:stream-award-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:allocation-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:allocation": oversight(post=MANAGERS),
    "grants:reports": oversight(),
    "grants:panel-report": oversight(),
    "grants:threesixty": oversight(),
    # Money in and out, and corrections with a reason
    "grants:income-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:income": oversight(),
    "grants:income-change": oversight(get=MANAGERS, post=MANAGERS),
    "grants:award": oversight(),
    "grants:award-change": oversight(get=MANAGERS, post=MANAGERS),
    "grants:claim-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:claim": oversight(get=MANAGERS, post=MANAGERS),
    "grants:claim-evidence": oversight(),
    "grants:payment-new": oversight(get=MANAGERS, post=MANAGERS),
    "grants:payment-reverse": oversight(get=MANAGERS, post=MANAGERS),
    "grants:allocation-change": oversight(get=MANAGERS, post=MANAGERS),
    "grants:allocation-import": oversight(get=MANAGERS, post=MANAGERS),
    "grants:round-change": oversight(get=MANAGERS, post=MANAGERS),
    "grants:stream-change": oversight(get=MANAGERS, post=MANAGERS),
    "grants:application-change": oversight(get=MANAGERS, post=MANAGERS),
    "grants:application-decision-correct": oversight(get=MANAGERS, post=MANAGERS),
    "grants:record-history": oversight(),
    "grants:record-withdraw": oversight(get=MANAGERS, post=MANAGERS),
    # Setting up the force area: its OPCC administrators only
    "grants:set-up": oversight(get=AREA_ADMIN),
    "grants:set-up-funder": oversight(get=AREA_ADMIN),
    "grants:set-up-funder-change": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-funder-correct": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-approval": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-plans": oversight(get=AREA_ADMIN),
    "grants:set-up-plan-new": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-plan": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-partnerships": oversight(get=AREA_ADMIN),
    "grants:set-up-partnership-new": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-partnership": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-council-new": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-funding": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-people": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    "grants:set-up-invitation-resend": oversight(get=frozenset(), post=AREA_ADMIN),
    "grants:set-up-invitation-withdraw": oversight(get=frozenset(), post=AREA_ADMIN),
    "grants:set-up-role-remove": oversight(get=AREA_ADMIN, post=AREA_ADMIN),
    # Documents and scrutiny comments on Safer Plymouth's draft plan
    "grants:plan-edit-documents": plan_page(get=OFFICER, post=OFFICER),
    "grants:document-download": plan_page(get=SEES_PLYMOUTH),
    "grants:document-remove": plan_page(post=OFFICER),
    "grants:plan-comment": plan_page(),  # a draft: the OPCC comments only while it reviews the plan
    "grants:comment-answer": plan_page(get=OFFICER, post=OFFICER),
    # An invitation's link: a wrong or used token is not found, for everyone
    "invitation-accept": Expect(any_status=SIGNED_IN, anonymous="any"),
    # Performance returns (issue 11): a not-started return for the officer, a submitted one the OPCC may query
    "grants:returns": plan_page(get=SEES_PLYMOUTH),
    "grants:return": plan_page(get=SEES_PLYMOUTH),
    "grants:certification-delegation": plan_page(get=SEES_PLYMOUTH, post=CERTIFIER),
    "grants:award-reporting": oversight(get=OPCC, post=OPCC),  # an award made directly to an organisation
    "grants:certification-revoke": plan_page(get=CERTIFIER | OPCC, post=CERTIFIER | OPCC),
    "grants:return-edit": plan_page(get=OFFICER, post=OFFICER),
    "grants:return-act": plan_page(get=OPCC, post=OPCC),
    "grants:return-template": plan_page(get=OFFICER),
    "grants:return-import": plan_page(get=OFFICER, post=OFFICER),
    "grants:return-import-preview": plan_page(get=OFFICER, post=OFFICER, get_statuses=(302,)),  # no upload yet
    "grants:return-moves": plan_page(get=OFFICER, post=OFFICER),
    "grants:return-move-remove": plan_page(get=OFFICER, post=OFFICER),
    "grants:reporting-rules": oversight(post=MANAGERS),
    # The audit trail of a person (issue 12): the area's OPCC officers and administrators; anyone's, site admins
    "grants:audit-export": oversight(get=OPCC | AREA_ADMIN),
    "grants:audit-export-all": Expect(get=ADMIN, sees=SIGNED_IN),
    "grants:performance-pack": plan_page(get=SEES_PLYMOUTH),
    "grants:performance-pack-pdf": plan_page(get=SEES_PLYMOUTH),
    "grants:performance-pack-docx": plan_page(get=SEES_PLYMOUTH),
    "grants:area-pack": oversight(),
    "grants:area-pack-pdf": oversight(),
    "grants:area-pack-docx": oversight(),
    # Year end (issue 11): the OPCC proposes; the decision-maker and the finance officer approve
    "grants:year-end": oversight(),
    "grants:year-end-propose": oversight(get=OPCC, post=OPCC),
    "grants:year-end-approve": oversight(
        get=frozenset({"pcc.devon", "treasurer.devon"}), post=frozenset({"pcc.devon", "treasurer.devon"})
    ),
    "grants:year-end-withdraw": oversight(get=OPCC, post=OPCC),
}

# Unnamed patterns cannot be reversed; the admin's catch-all (which answers 404 or the sign-in) is the only one.
UNNAMED_ALLOWED = {"admin/(?P<url>.*)$"}
# ... and the admin's own redirect from an object's address to its change page.
UNNAMED_ALLOWED_SUFFIX = "/<path:object_id>/"


# ---------------------------------------------------------------------------------------------------------------
# Discovery


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    callback: object


def discover(patterns=None, prefix="", namespace=None) -> list[Route]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            found += discover(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            found.append(Route(name, prefix + str(pattern.pattern), pattern.callback))
    return found


def is_admin(name: str) -> bool:
    return name.startswith("admin:")


def admin_arguments(name: str, route: str, world: World) -> dict:
    """The admin's URLs are filled generically: the object of the model the URL's name is about."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    kwargs = {}
    if "<app_label>" in route or "(?P<app_label>" in route:
        kwargs["app_label"] = "grants"
    if "content_type_id" in route:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(world.plan).pk
        kwargs["object_id"] = world.plan.pk
        return kwargs
    for key in ("object_id", "id"):
        if f"<{key}>" in route or f"<path:{key}>" in route or f"(?P<{key}>" in route:
            stem = name.removeprefix("admin:")  # app labels may hold underscores (django_tasks_database)
            labels = sorted((c.label for c in apps.get_app_configs()), key=len, reverse=True)
            label = next((lab for lab in labels if stem.startswith(f"{lab}_")), stem.partition("_")[0])
            rest = stem[len(label) + 1 :]
            model_name = rest.rsplit("_", 1)[0]
            model = next((m for m in apps.get_app_config(label).get_models() if m._meta.model_name == model_name), None)
            instance = model._default_manager.order_by("pk").first() if model else None
            kwargs[key] = instance.pk if instance else 0
    return kwargs


def arguments_for(route: Route, world: World) -> dict:
    if is_admin(route.name):
        return admin_arguments(route.name, route.route, world)
    return ARGUMENTS.get(route.name, NO_ARGUMENTS)(world)


def needs_arguments(route: Route) -> bool:
    return "<" in route.route or "(?P<" in route.route


# ---------------------------------------------------------------------------------------------------------------
# Running


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world(settings.DEMO_PASSWORD)
        yield built
        transaction.set_rollback(True)


def sign_in(client: Client, person: str):
    from partnerships.models import User

    if person != "anonymous":
        client.force_login(User.objects.get(username=person))


def signed_out(client: Client) -> bool:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie is None or not cookie.value


def observe(person: str, world: World) -> dict:
    """(name, method) -> (status, location, cache-control) for every URL, as `person`."""
    client = Client(raise_request_exception=False)
    sign_in(client, person)
    seen = {}
    for route in discover():
        if route.name is None:
            continue
        if is_admin(route.name) and person not in ADMIN_PROBES:
            continue
        url = reverse(route.name, kwargs=arguments_for(route, world))
        for method in ("get", "post"):
            if method == "post" and person == "admin" and is_admin(route.name):
                continue  # the site administrator's admin POSTs really change things; the admin's own tests cover it
            cache.clear()  # rate limits and used codes from earlier requests
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            seen[(route.name, method)] = (
                response.status_code,
                response.get("Location", ""),
                response.get("Cache-Control", ""),
            )
            if person != "anonymous" and signed_out(client):
                client = Client(raise_request_exception=False)
                sign_in(client, person)
    return seen


def test_every_url_has_arguments_and_expectations():
    problems = []
    for route in discover():
        if route.name is None:
            if route.route not in UNNAMED_ALLOWED and not route.route.endswith(UNNAMED_ALLOWED_SUFFIX):
                problems.append(f"{route.route!r} has no name: name it, so the access matrix can reverse it")
            continue
        if is_admin(route.name):
            continue
        if needs_arguments(route) and route.name not in ARGUMENTS:
            problems.append(
                f"{route.name} ({route.route}) takes arguments: add a line to ARGUMENTS in tests/test_access_matrix.py "
                "that fills them from the World (add the object to build_world if it is not there)"
            )
        if route.name not in EXPECTED:
            problems.append(
                f"{route.name} ({route.route}): add who may GET and POST it to EXPECTED in tests/test_access_matrix.py"
            )
    assert not problems, "\n".join(problems)


RECORD = os.environ.get("ACCESS_MATRIX_RECORD")


@pytest.mark.parametrize("person", PEOPLE)
def test_access_matrix(person, world, db):
    seen = observe(person, world)
    if RECORD:
        import json

        with open(f"{RECORD}.{person}.json", "w") as handle:
            json.dump({f"{n} {m}": list(v) for (n, m), v in seen.items()}, handle, indent=0)
        return
    failures = [
        problem
        for (name, method), (status, location, cache_control) in sorted(seen.items())
        for problem in judge(person, name, method, status, location, cache_control)
    ]
    assert not failures, f"{len(failures)} answers for {person} are wrong:\n" + "\n".join(failures)


def judge(person, name, method, status, location, cache_control) -> list[str]:
    where = f"{method.upper()} {name} as {person}: {status}"
    problems = []
    if status >= 500:
        return [f"{where}: a server error"]
    if person != "anonymous" and cache_control != "private, no-store":
        problems.append(f"{where}: Cache-Control is {cache_control!r}, not 'private, no-store'")
    if is_admin(name):
        return problems + judge_admin(person, status, location, where)
    expect = EXPECTED.get(name)
    if expect is None:
        return problems  # reported by test_every_url_has_arguments_and_expectations
    if person == "anonymous":
        to_sign_in = status == 302 and location.startswith(reverse("login"))
        if expect.anonymous == "login" and not to_sign_in:
            problems.append(f"{where}: anonymous should be sent to sign in")
        if expect.anonymous == "public" and to_sign_in:
            problems.append(f"{where}: a public page should not ask anonymous to sign in")
        return problems
    if person in expect.any_status or (method == "post" and expect.skip_post):
        return problems
    allowed = expect.get if method == "get" else expect.post
    if person in allowed:
        if method == "get" and status not in expect.get_statuses:
            problems.append(f"{where}: should be served ({expect.get_statuses})")
        if method == "post" and status in (403, 404, 405):
            problems.append(f"{where}: the POST should be answered (a form with errors or a redirect), not refused")
    elif person in expect.sees:
        if status not in (302, 403, 405):
            problems.append(f"{where}: should be refused with 403 (or sent back), as they may see the object")
    elif status not in expect.outsiders:
        problems.append(f"{where}: someone outside the partnership or force area should get {expect.outsiders}")
    return problems


# The admin is one gate (`is_staff`) in front of every admin URL: checked on all of them for these people, and on
# none for the others (whose answer would be the same), to keep the matrix fast.
ADMIN_PROBES = {"anonymous", NOBODY, "pcc.devon", "officer.plymouth", "admin"}


def judge_admin(person, status, location, where) -> list[str]:
    if person == "admin":
        return [] if status < 500 else [f"{where}: the site administrator's admin page failed"]
    # Sent to sign in, or (the admin's sign-out, for someone not signed in to it) to the admin's front door.
    sent_away = status == 302 and (
        location.startswith("/admin/login/") or location.startswith(reverse("login")) or location == "/admin/"
    )
    if status == 405 or sent_away:
        return []
    return [f"{where}: only site administrators may reach the admin"]
