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
    """A sentence in English, that can also be given in another language. Whole numbers
    among its values are grouped as the language writes them ('98,000', '98 000')."""

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, **values: Any) -> "Message":
        english = template % _grouped(template, values, _english_number) if values else template
        message = super().__new__(cls, english)
        message.template, message.values = template, values
        return message

    def translated(
        self, gettext: Callable[[str], str], number: Callable[[int], str] | None = None
    ) -> str:
        """The sentence through ``gettext``, its whole numbers written by ``number``."""
        values = {
            name: value.translated(gettext, number) if isinstance(value, Message) else value
            for name, value in self.values.items()
        }
        sentence = gettext(self.template)
        written = number or _english_number
        return sentence % _grouped(sentence, values, written) if values else sentence


def _english_number(number: int) -> str:
    return f"{number:,}"


def _grouped(
    template: str, values: Mapping[str, Any], number: Callable[[int], str]
) -> dict[str, Any]:
    """The values, whole numbers written out where the template shows them as text
    ('%(count)s'); where it formats them itself ('%(limit)d'), they stay numbers."""
    return {
        name: number(value)
        if isinstance(value, int) and not isinstance(value, bool) and f"%({name})s" in template
        else value
        for name, value in values.items()
    }


class NoticeParseError(ValueError):
    """The text is not a vacancy notice that can be read; the message says why."""

    def __init__(self, template: str, **values: Any) -> None:
        self.message = Message(template, **values)
        super().__init__(self.message)

    def translated(
        self, gettext: Callable[[str], str], number: Callable[[int], str] | None = None
    ) -> str:
        return self.message.translated(gettext, number)
