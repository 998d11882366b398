#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        # A developer's checkout: base settings with DEBUG on unless DEBUG says otherwise, so that
        # `python manage.py makemigrations --check` and friends work with no set-up. A deployment names its
        # settings (config.settings.production), which refuse DEBUG and require SECRET_KEY.
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
