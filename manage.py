#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A setting read from the environment is missing or wrong (archive/settings.py names the
        # variable): one line that says which, not the two tracebacks Django prints around it.
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"configuration: {exc}")


if __name__ == "__main__":
    main()
