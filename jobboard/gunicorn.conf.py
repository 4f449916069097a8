"""gunicorn's settings for `make serve` (``--config jobboard/gunicorn.conf.py``).

gunicorn believes the X-Forwarded-Proto and X-Forwarded-For headers of requests from
127.0.0.1 by default, so that anyone on the machine could pass a plain http request off as
https. Here they are believed only behind a reverse proxy (BEHIND_PROXY=1), and then only
from the proxy's addresses (FORWARDED_ALLOW_IPS, the loopback addresses by default), as
Django believes them only then (jobboard/settings.py).
"""

import os

from jobboard.environment import env_flag

if env_flag("BEHIND_PROXY"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""


def post_worker_init(worker):
    """Each worker reads the list's board into its memory before it serves
    (vacancies/facet_index.py), so that its first visitor does not wait for it."""
    from vacancies.board_index import read_the_board

    read_the_board()
