"""What a notice says about its post beyond the header: the duty station's risk level, an
unaccompanied post, a post pending budget approval. Each reads the casefolded text, its
paragraphs ``flowing``: a sentence wrapped across lines is read whole.
"""

import re

# These read casefolded text: a plain search of it is several times faster than a
# case-blind one, which matters over a 5 MB upload.
_RISK_LEVELS = (
    (re.compile(r"\bextreme[- ]risk\b|très haut risque|risque extrême"), "extreme"),
    (re.compile(r"\bhigh[- ]risk\b|haut risque|risque élevé"), "high"),
    (re.compile(r"\b(medium|moderate)[- ]risk\b|risque (moyen|modéré)"), "medium"),
    (re.compile(r"\blow[- ]risk\b|faible risque|risque faible"), "low"),
)
_RISK_STATEMENT = re.compile(
    r"(rated|considered|assessed|classified|considérée?|évaluée?)[^.]{0,120}risk|"
    r"environnement à [^.]{0,20}risque|"
    r"\b(extreme|high|medium|moderate|low)[- ]risk (location|area|duty station|environment)"
)
UNACCOMPANIED = re.compile(
    r"unaccompanied|family members will not be relocated|non-family (post|duty station)|"
    r"ne peuvent pas les accompagner|non accompagné"
)
PENDING_BUDGET = re.compile(
    r"pending budget(ary)? approval|sous r[ée]serve d.approbation par les autorit[ée]s budg\w*"
)


def flowing(text: str) -> str:
    """``text`` with each paragraph on one line: lines wrapped by hand or by a printer
    joined by a space, the empty lines between paragraphs kept."""
    return "\n\n".join(paragraph.replace("\n", " ") for paragraph in text.split("\n\n"))


def _mentions(lowered: str, pattern: re.Pattern[str], words: tuple[str, ...]) -> bool:
    """Does ``pattern`` occur in the casefolded text? Each of its matches holds one of the
    plain ``words`` and starts at most 80 characters before it: finding the words costs
    little, and the pattern is then searched from just before the first one (most notices
    hold none of them at all)."""
    found = [position for position in map(lowered.find, words) if position >= 0]
    return bool(found) and bool(pattern.search(lowered, max(0, min(found) - 80)))


def risk_level(lowered: str) -> str | None:
    """The level named in the first sentence that rates the duty station's risk, in the
    casefolded text ``lowered``."""
    position = lowered.find("risk")  # also finds 'risque'; cheaper than a regex scan
    sentence_end = 0
    # A notice rates its duty station early; past a hundred sentences about risk, any
    # further one is not a rating either.
    for _sentence in range(100):
        if position < 0:
            break
        # Look back no further than the sentence read last, so that the text is read once.
        start = max(
            lowered.rfind(". ", sentence_end, position), lowered.rfind("\n", sentence_end, position)
        )
        start = sentence_end if start < 0 else start + 1
        end = lowered.find(". ", position)
        sentence_end = len(lowered) if end < 0 else end
        sentence = lowered[start:sentence_end]
        if _RISK_STATEMENT.search(sentence):
            for pattern, level in _RISK_LEVELS:
                if pattern.search(sentence):
                    return level
        position = lowered.find("risk", sentence_end)
    return None


def is_unaccompanied(lowered: str) -> bool:
    return _mentions(lowered, UNACCOMPANIED, ("accompan", "relocated", "non-family"))


def is_pending_budget_approval(lowered: str) -> bool:
    return _mentions(lowered, PENDING_BUDGET, ("budg",))
