"""CSV/XLSX import and export of reference data (django-import-export), matched on natural keys."""

from import_export import fields, resources, widgets

from .models import ForceArea, Organisation, Partnership


class ForceAreaResource(resources.ModelResource):
    class Meta:
        model = ForceArea
        import_id_fields = ("slug",)
        fields = ("name", "slug", "ons_code", "sign_off_order")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class OrganisationResource(resources.ModelResource):
    class Meta:
        model = Organisation
        import_id_fields = ("name",)
        fields = (
            "name",
            "kind",
            "charity_number",
            "company_number",
            "local_authority_code",
            "ons_code",
            "website",
            "notes",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class PartnershipResource(resources.ModelResource):
    force_area = fields.Field(
        attribute="force_area", column_name="force_area", widget=widgets.ForeignKeyWidget(ForceArea, "slug")
    )
    accountable_body = fields.Field(
        attribute="accountable_body",
        column_name="accountable_body",
        widget=widgets.ForeignKeyWidget(Organisation, "name"),
    )
    local_authorities = fields.Field(
        attribute="local_authorities",
        column_name="local_authorities",
        widget=widgets.ManyToManyWidget(Organisation, separator=";", field="name"),
    )

    class Meta:
        model = Partnership
        import_id_fields = ("slug",)
        fields = (
            "name",
            "slug",
            "force_area",
            "local_authorities",
            "ons_code",
            "accountable_body",
            "has_executive_group",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
