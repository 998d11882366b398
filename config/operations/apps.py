from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: response headers every page needs, backups checked by restoring them, retention."""

    name = "config.operations"
    label = "operations"
    verbose_name = "Operations"
