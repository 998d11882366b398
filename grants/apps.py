from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants and spending plans"

    def ready(self):
        from . import signals  # noqa: F401  (registers the priority guard on FundedProject's many-to-many)
        from .forms.fields import clean_every_text_field, refuse_rather_than_cut

        refuse_rather_than_cut()
        clean_every_text_field()
        post_migrate.connect(_watch_table_writes, sender=self)


def _watch_table_writes(sender, using="default", **kwargs):
    """After every `migrate`, every table (a new one too) notes its writes for kept pages (grants/table_writes.py)."""
    from .table_writes import install

    install(using)
