#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
    from django.core.management import execute_from_command_line

    from ihl.embedded_db import start_for_command

    start_for_command(sys.argv)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
