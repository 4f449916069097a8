#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import atexit
import os
import signal
import sys
import threading


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    # Exit normally on SIGTERM, as on Ctrl-C, so that exit handlers run: the last process
    # using the embedded PostgreSQL server stops it from one.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    from django.core.management import execute_from_command_line

    from jobboard.embedded_postgres import EmbeddedPostgresError

    def exit_from_thread(args):
        # runserver opens its first connection in a thread of its own.
        if isinstance(args.exc_value, EmbeddedPostgresError):
            print(f"Error: {args.exc_value}", file=sys.stderr, flush=True)
            os._exit(1)
        threading.__excepthook__(args)

    threading.excepthook = exit_from_thread
    if sys.argv[1:2] == ["runserver"]:
        # Terminated, the autoreloader kills its child process outright, before the child can
        # stop the embedded PostgreSQL server it started: stop it from here if nothing uses it.
        from jobboard.db.embedded.base import stop_unused_server

        atexit.register(stop_unused_server)
    try:
        execute_from_command_line(sys.argv)
    except EmbeddedPostgresError as error:
        sys.exit(f"Error: {error}")


if __name__ == "__main__":
    main()
