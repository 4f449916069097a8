"""How the contract of ``parse_notice --json`` compares a parse with what is expected."""

import re


def folded(value):
    """Compare text as the contract does: whitespace collapsed, case folded."""
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, dict):
        return {key: folded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [folded(item) for item in value]
    return value


def as_read(value):
    """What a reader sees of a text notice's Markdown: the words of its emphasis and links
    (a printed page shows them without their marks)."""
    if isinstance(value, str):
        value = re.sub(r"\*\*(.+?)\*\*", r"\1", value)
        return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", value)
    if isinstance(value, dict):
        return {key: as_read(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_read(item) for item in value]
    return value
