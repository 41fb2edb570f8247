"""The ``ctxh`` console command: ``manage.py`` with the project's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "ctxh"
    aliases = {"serve": "runserver", "worker": "db_worker"}
    if len(argv) > 1 and argv[1] in aliases:
        argv[1] = aliases[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
