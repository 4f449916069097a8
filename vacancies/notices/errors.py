"""The one error of reading a notice."""


class NoticeParseError(ValueError):
    """The text is not a vacancy notice that can be read; the message says why."""
