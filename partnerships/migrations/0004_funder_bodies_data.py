"""Every existing force area gets its Police and Crime Commissioner as its funder body; every partnership's
council becomes a local authority organisation linked to it (see 0003_funder_bodies)."""

from django.db import migrations

KIND_TITLES = {"pcc": ("Police and Crime Commissioner", "Police and Crime Commissioner", "Treasurer")}


def bodies_and_councils_from_old_fields(apps, schema_editor):
    """Every force area was funded by its Police and Crime Commissioner: it gets a PCC body, in force since before
    any records, carrying the area's old PCC name, office name and org-id. Every partnership's council (a line of
    text until now) becomes a local authority organisation with its ONS code, linked to the partnership: the
    accountable body when it is that council, else an organisation of that name."""
    ForceArea = apps.get_model("partnerships", "ForceArea")
    FunderBody = apps.get_model("partnerships", "FunderBody")
    Organisation = apps.get_model("partnerships", "Organisation")
    Partnership = apps.get_model("partnerships", "Partnership")
    holder, decision_maker, finance = KIND_TITLES["pcc"]
    for area in ForceArea.objects.all():
        if FunderBody.objects.filter(force_area=area).exists():
            continue
        FunderBody.objects.create(
            force_area=area,
            kind="pcc",
            name=area.opcc_name or f"Police and Crime Commissioner for {area.name}",
            org_id=area.org_id,
            holder_name=area.pcc_name,
            holder_title=holder,
            decision_maker_title=decision_maker,
            finance_officer_title=finance,
        )
    for partnership in Partnership.objects.select_related("accountable_body"):
        name = (partnership.local_authority or "").strip()
        if not name:
            continue
        body = partnership.accountable_body
        if body is not None and body.name == name:
            council = body
        else:
            council, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": "local_authority"})
        code = partnership.local_authority_ons_code
        if code and not council.ons_code and not Organisation.objects.filter(ons_code=code).exists():
            council.ons_code = code
        council.kind = "local_authority"
        council.save()
        partnership.local_authorities.add(council)


def old_fields_from_bodies_and_councils(apps, schema_editor):
    FunderBody = apps.get_model("partnerships", "FunderBody")
    Partnership = apps.get_model("partnerships", "Partnership")
    for body in FunderBody.objects.filter(ends_on__isnull=True).select_related("force_area"):
        area = body.force_area
        area.opcc_name, area.org_id, area.pcc_name = body.name[:200], body.org_id, body.holder_name
        area.save()
    for partnership in Partnership.objects.all():
        councils = list(partnership.local_authorities.order_by("name"))
        partnership.local_authority = " and ".join(c.name for c in councils)[:200]
        partnership.local_authority_ons_code = councils[0].ons_code if len(councils) == 1 else ""
        partnership.save()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0003_funder_bodies"),
    ]

    operations = [
        migrations.RunPython(bodies_and_councils_from_old_fields, old_fields_from_bodies_and_councils),
    ]
