"""The time one notice may take to read.

Reading is linear in the text's length, so a 5 MB notice takes well under a second; still, a
server must not give one request more than it chose to. ``time_budget`` sets the limit for
the notice being read (per thread, per task); the loops over lines call ``check_time``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import monotonic

from .errors import NoticeParseError, gettext_noop

# When the notice being read must be given up, and the limit it was given.
_budget: ContextVar[tuple[float, float] | None] = ContextVar("notice_time_budget", default=None)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Within this block, reading a notice stops after ``seconds`` (None: no limit)."""
    token = _budget.set(None if seconds is None else (monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _budget.reset(token)


def check_time() -> None:
    """Refuse the notice once its time budget is spent. Called every 32 lines of each loop
    over lines: reading the clock costs about as much as reading a line."""
    budget = _budget.get()
    if budget is not None and monotonic() > budget[0]:
        raise NoticeParseError(
            gettext_noop(
                "reading the notice took longer than %(seconds)s seconds, the limit for one "
                "notice: it is not a notice this site can read"
            ),
            seconds=f"{budget[1]:g}",
        )
