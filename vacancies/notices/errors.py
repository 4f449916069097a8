"""The one error of reading a notice, and the sentences it and the warnings are made of.

Each sentence is an English template with named values (``Message``): as a string it is the
English sentence (``parse_notice`` on the command line prints it), and ``translated`` gives
it in the reader's language through the translation function it is handed (the admin passes
Django's ``gettext``). The templates are marked with ``gettext_noop`` so that ``make
messages`` finds them; this package itself never imports Django.
"""

from collections.abc import Callable, Mapping
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


class Message(str):
    """A sentence in English, that can also be given in another language."""

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, **values: Any) -> "Message":
        english = template % values if values else template
        message = super().__new__(cls, english)
        message.template, message.values = template, values
        return message

    def translated(self, gettext: Callable[[str], str]) -> str:
        values = {
            name: value.translated(gettext) if isinstance(value, Message) else value
            for name, value in self.values.items()
        }
        return gettext(self.template) % values if values else gettext(self.template)


class NoticeParseError(ValueError):
    """The text is not a vacancy notice that can be read; the message says why."""

    def __init__(self, template: str, **values: Any) -> None:
        self.message = Message(template, **values)
        super().__init__(self.message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        return self.message.translated(gettext)
