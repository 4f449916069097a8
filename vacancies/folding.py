"""Words as a search compares them: folded to lower case without accents."""

import functools
import re
import unicodedata
from collections.abc import Iterable

# What is compared: runs of letters (an underscore, a digit is none).
LETTERS = re.compile(r"[^\W_]+")


def folded(text: str) -> str:
    """Lower case without accents, every run of other signs a single space: 'Kyïv' and
    'KYIV' both give 'kyiv', "'s-Gravenhage" gives 's gravenhage'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(sign for sign in decomposed if not unicodedata.combining(sign))
    return " ".join(LETTERS.findall(letters))


@functools.lru_cache(maxsize=16384)
def folded_name(name: str) -> str:
    """A name from the board folded, remembered: the same names (places, the words of
    titles) are folded again each time they are read."""
    return folded(name)


def learn_words(texts: Iterable[str], known: dict[str, str]) -> None:
    """Add the words of ``texts`` (titles, places' names), three letters or more, to
    ``known``: folded word -> as written, in lower case (the first one met)."""
    for text in texts:
        for word in LETTERS.findall(text.lower()):
            if len(word) >= 3:
                known.setdefault(folded_name(word), word)
