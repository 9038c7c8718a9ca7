"""bench/portal.py's server: the project's WSGI application under a chosen server and shape.

    python bench/portal_server.py --port P [--server waitress|gunicorn] [--threads N]
                                  [--workers N] [--stack]

waitress is what `xuncha serve` runs. gunicorn (POSIX only, not a dependency of the project:
`pip install gunicorn` to try it) runs --workers processes of --threads threads each (gthread).
--stack serves Django's application without the WSGI-door copy of public pages (the cache in
PortalMiddleware only, as before it), to measure what answering at the door saves.
"""

from __future__ import annotations

import argparse
import os
import sys


def gunicorn(application, port: int, threads: int, workers: int) -> None:
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    connections.close_all()  # the workers are forked: none may share the parent's connection

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "keepalive": 5, "accesslog": None}.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    sys.argv = sys.argv[:1]  # gunicorn reads the command line as its own
    Server().run()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server", choices=["waitress", "gunicorn"], default="waitress")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stack", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    if args.stack:
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
    else:
        from xuncha.wsgi import application
    if args.server == "gunicorn":
        gunicorn(application, args.port, args.threads, args.workers)
        return
    from waitress import serve

    serve(application, host="127.0.0.1", port=args.port, threads=args.threads, ident="xuncha")


if __name__ == "__main__":
    main()
