"""CSV/XLSX import and export of Police and Crime Plans and local priorities."""

from import_export import fields, resources, widgets

from partnerships.models import ForceArea, ThematicGroup

from .models import LocalPriority, PoliceAndCrimePlan, Priority, StrategicAssessment


class PoliceAndCrimePlanResource(resources.ModelResource):
    force_area = fields.Field(
        attribute="force_area", column_name="force_area", widget=widgets.ForeignKeyWidget(ForceArea, "slug")
    )

    class Meta:
        model = PoliceAndCrimePlan
        fields = ("id", "force_area", "title", "starts_on", "ends_on", "notes")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class PriorityResource(resources.ModelResource):
    plan = fields.Field(attribute="plan", column_name="plan", widget=widgets.ForeignKeyWidget(PoliceAndCrimePlan))

    class Meta:
        model = Priority
        import_id_fields = ("plan", "number")
        fields = ("plan", "number", "title", "description")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class LocalPriorityResource(resources.ModelResource):
    assessment = fields.Field(
        attribute="assessment", column_name="assessment", widget=widgets.ForeignKeyWidget(StrategicAssessment)
    )
    thematic_group = fields.Field(
        attribute="thematic_group",
        column_name="thematic_group",
        widget=widgets.ForeignKeyWidget(ThematicGroup, "name"),
    )

    class Meta:
        model = LocalPriority
        import_id_fields = ("assessment", "title")
        fields = ("assessment", "position", "title", "risk_level", "thematic_group", "notes")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
