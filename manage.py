#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory211.settings")
    # Pages get a statement timeout (settings.py); commands (migrations, imports, the benchmark's
    # generator) may run long statements, so none unless one is set.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
