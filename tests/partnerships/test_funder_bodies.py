"""A force area's funder is a body of a kind, with a name, an org-id and titles, over dated periods
(`ForceArea.funder_on`); councils are organisations with official codes; existing data is migrated."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from partnerships.identifiers import org_id_problem
from partnerships.models import ForceArea, Organisation, Role, kind_title
from partnerships.services import funder_body_change, funder_body_correct, local_authority_create
from tests.factories import (
    ForceAreaFactory,
    FunderBodyFactory,
    LocalAuthorityFactory,
    PartnershipFactory,
    mayor_funded_area,
    pcc_of,
    treasurer_of,
)

D = datetime.date


@pytest.mark.django_db
def test_the_body_in_force_on_a_date_and_its_history():
    area = ForceAreaFactory()
    pcc = area.funder
    board = funder_body_change(force_area=area, starts_on=D(2028, 5, 7), kind="board", name="Westshire Board")
    area = ForceArea.objects.get(pk=area.pk)
    assert area.funder_on(D(2028, 5, 6)) == pcc and area.funder_on(D(2028, 5, 7)) == board
    assert board.decision_maker_title == "Chair of the Policing and Crime Board"
    pcc.refresh_from_db()
    assert pcc.ends_on == D(2028, 5, 6) and pcc.name.startswith("Office of the Police and Crime Commissioner")
    assert pcc.period_display == "Until 6 May 2028" and board.period_display == "From 7 May 2028"


@pytest.mark.django_db
def test_an_area_without_a_body_is_its_pccs_so_titles_never_go_missing():
    area = ForceAreaFactory(funder=None)
    body = area.funder_on(D(2020, 1, 1))
    assert body.pk is None and body.decision_maker_title == "Police and Crime Commissioner"
    assert body.finance_officer_title == "Treasurer"


@pytest.mark.django_db
def test_the_sign_off_roles_take_the_bodys_titles():
    area = mayor_funded_area()
    assert pcc_of(area).roles.get().title == "Deputy Mayor for Policing and Crime"
    assert str(treasurer_of(area).roles.get()) == f"Chief Finance Officer, {area}"
    assert kind_title(Role.Kind.OPCC, area) == "OPCC officer"


@pytest.mark.django_db
def test_periods_of_one_area_never_overlap_and_one_body_is_in_force():
    area = ForceAreaFactory()
    with pytest.raises(ValidationError, match="overlaps"):
        FunderBodyFactory.build(force_area=area, starts_on=D(2020, 1, 1), ends_on=D(2021, 1, 1)).full_clean()
    with pytest.raises(IntegrityError):
        FunderBodyFactory(force_area=area)  # a second body in force with no end


@pytest.mark.django_db
def test_a_correction_keeps_the_period_and_the_history():
    area = ForceAreaFactory()
    body = funder_body_correct(force_area=area, kind="pfcc", name="Office of the PFCC", decision_maker_title="")
    assert body.pk == area.funder.pk and body.starts_on is None
    assert body.decision_maker_title == "Police, Fire and Crime Commissioner"
    assert body.history.count() == 2  # created, corrected
    with pytest.raises(ValidationError):
        funder_body_correct(force_area=area, org_id="not an id")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("GB-CHC-1123328", ""),
        ("GB-COH-01234567", ""),
        ("GB-LAE-PLY", ""),
        ("GB-PLA-CRF", ""),
        ("GB-GOR-PB123", ""),
        ("GB-CHC-12", "not a well-formed number"),
        ("GB-COH-1234567", "not a well-formed number"),
        ("GB-LAE-PL1", "not a well-formed number"),
        ("ZZ-ABC-1", "not a registry prefix"),
        ("GB-CHC 1123328", "no spaces or line breaks"),
        ("GB-CHC-1123328\n", "no spaces or line breaks"),
    ],
)
def test_org_ids_come_from_org_id_guide_registers_with_well_formed_numbers(value, problem):
    found = org_id_problem(value)
    assert (problem in found) if problem else not found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"charity_number": "12"}, "6 or 7 digits"),
        ({"company_number": "1234"}, "8 characters"),
        ({"local_authority_code": "pl"}, "3 or 4 capital letters"),
        ({"ons_code": "E23000035", "kind": "local_authority"}, "ONS local authority district code"),
        ({"ons_code": "E06000026", "kind": "charity"}, "Only a local authority"),
    ],
)
def test_organisation_numbers_are_checked(fields, message):
    with pytest.raises(ValidationError, match=message):
        Organisation(name="Somebody", **fields).full_clean()


@pytest.mark.django_db
def test_a_welsh_council_is_in_the_principal_local_authority_register():
    council = local_authority_create(name="Cardiff Council", ons_code="W06000015", local_authority_code="CRF")
    assert council.org_id == "GB-PLA-CRF"
    assert LocalAuthorityFactory(ons_code="E06000026", local_authority_code="PLY").org_id == "GB-LAE-PLY"


@pytest.mark.django_db
def test_a_partnership_covers_one_or_several_councils():
    councils = [LocalAuthorityFactory(name="North Devon Council"), LocalAuthorityFactory(name="Torridge Council")]
    partnership = PartnershipFactory(local_authorities=councils)
    assert partnership.local_authority == "North Devon Council and Torridge Council"
    assert {"North Devon Council", "Torridge Council"} <= set(partnership.lookup_keys())


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_area_its_pcc_and_every_partnership_its_council():
    """The data as it was before funder bodies: the PCC on the force area, the council as a line of text."""
    executor = MigrationExecutor(connection)
    before = [("partnerships", "0002_minor_variation_path"), ("grants", "0006_history_follows_workflow_fields")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        area = old.get_model("partnerships", "ForceArea").objects.create(
            name="Oldshire",
            slug="oldshire",
            pcc_name="Pat Example",
            opcc_name="Office of the Police and Crime Commissioner for Oldshire",
            org_id="GB-GOR-PB9",
        )
        council = old.get_model("partnerships", "Organisation").objects.create(
            name="Oldtown Council", kind="local_authority", local_authority_code="OLD"
        )
        old.get_model("partnerships", "Partnership").objects.create(
            force_area=area,
            name="Safer Oldtown",
            slug="safer-oldtown",
            local_authority="Oldtown Council",
            local_authority_ons_code="E07000099",
            accountable_body=council,
        )
        old.get_model("partnerships", "Partnership").objects.create(
            force_area=area, name="Safer Newtown", slug="safer-newtown", local_authority="Newtown Council"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    area = ForceArea.objects.get(slug="oldshire")
    body = area.funder_bodies.get()
    assert (body.kind, body.name, body.org_id, body.holder_name) == (
        "pcc",
        "Office of the Police and Crime Commissioner for Oldshire",
        "GB-GOR-PB9",
        "Pat Example",
    )
    assert (body.starts_on, body.ends_on, body.finance_officer_title) == (None, None, "Treasurer")
    oldtown = area.partnerships.get(slug="safer-oldtown").local_authorities.get()
    assert (oldtown.name, oldtown.ons_code, oldtown.org_id) == ("Oldtown Council", "E07000099", "GB-LAE-OLD")
    newtown = area.partnerships.get(slug="safer-newtown").local_authorities.get()
    assert newtown.name == "Newtown Council" and newtown.kind == "local_authority"
