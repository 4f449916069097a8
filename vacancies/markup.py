"""Notice text as HTML: the light Markdown that notices use, and nothing else.

Section texts and risk notes come from outside (uploads, pasted text, editors). They are
rendered by markdown-it-py with raw HTML off and only the rules a notice needs (paragraphs
with their line breaks, bullet lists, numbered lists with their start number, bold, italic,
links and autolinks), then cleaned by nh3 with an allow-list of elements, attributes and URL
schemes: whatever the text holds, no other element or attribute reaches the page.
"""

import functools
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_LINK_TARGET = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)


def _links_to_nowhere_as_words(state: StateCore) -> None:
    """A link whose target is not a web page or an address ('#', 'javascript:…') is kept as
    its words, as the notice's reader sees them in the original."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        kept, dropped = [], []
        for child in token.children:
            if child.type == "link_open":
                allowed = bool(_LINK_TARGET.match(str(child.attrGet("href") or "")))
                dropped.append(not allowed)
                if allowed:
                    kept.append(child)
            elif child.type == "link_close":
                if not dropped.pop():
                    kept.append(child)
            else:
                kept.append(child)
        token.children = kept


class _NoticeMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        # Every target is parsed as a link, so that the rule above can keep the words of
        # those that lead nowhere; nh3 has the last word on schemes.
        return True


_MARKDOWN = (
    _NoticeMarkdown("zero", {"breaks": True, "html": False})
    .enable(["list", "emphasis", "link", "autolink", "newline"])
    .use(lambda md: md.core.ruler.push("links_to_nowhere", _links_to_nowhere_as_words))
)


def _allowed_attribute(element: str, attribute: str, value: str) -> str | None:
    # nh3 keeps a few attributes on every element by default ('lang', 'title'): not here.
    return value if attribute in ALLOWED_ATTRIBUTES.get(element, ()) else None


# A vacancy's page shows each section's HTML, and its JobPosting (structured_data.py) and
# description repeat it: made once per text, and kept for the pages asked for most.
@functools.lru_cache(maxsize=512)
def notice_html(text: str) -> str:
    """Safe HTML for a notice's text: paragraphs, lists, emphasis and links only."""
    html = _MARKDOWN.render(text or "")
    # markdown-it puts each block on its own line; text never holds a raw '<', so this only
    # joins tags, giving the same compact markup as before.
    html = html.replace(">\n<", "><").strip()
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_allowed_attribute,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative="deny",
        link_rel=None,
        strip_comments=True,
    )
