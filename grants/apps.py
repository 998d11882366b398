from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants and spending plans"

    def ready(self):
        from . import signals  # noqa: F401  (registers the priority guard on FundedProject's many-to-many)
        from .forms.fields import clean_every_text_field, refuse_rather_than_cut

        refuse_rather_than_cut()
        clean_every_text_field()
