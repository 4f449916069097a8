"""How many alert requests an address, or a client, may make: no one can use the board to
fill someone's mailbox with confirmation mails.

The counts live in the cache (shared by every server process with REDIS_URL). Keys hold a
keyed hash of the address, not the address itself.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


class LimitsUnavailable(Exception):
    """The cache that keeps the counts does not answer: requests are refused meanwhile,
    rather than let through uncounted."""


@dataclass(frozen=True)
class Limit:
    name: str
    times: int
    seconds: int

    def allows(self, who: str) -> bool:
        """Count one more request by ``who``; False once there were ``times`` already
        within ``seconds`` of the first."""
        key = "alerts:limit:{}:{}".format(
            self.name, salted_hmac(f"alerts.limit.{self.name}", who).hexdigest()[:32]
        )
        try:
            cache.add(key, 0, timeout=self.seconds)
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new period starts
            cache.set(key, 1, timeout=self.seconds)
            count = 1
        except Exception as error:  # the cache's own errors, whichever backend
            logger.warning("alert limits: the cache failed (%s)", error)
            raise LimitsUnavailable from error
        return count <= self.times


def mails_to_address() -> Limit:
    return Limit("address", settings.ALERT_MAILS_PER_ADDRESS_PER_DAY, 24 * 3600)


def requests_from_client() -> Limit:
    return Limit("client", settings.ALERT_REQUESTS_PER_CLIENT_PER_HOUR, 3600)
