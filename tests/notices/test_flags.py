"""The risk level and the post's conditions, read from the text (vacancies/notices/flags.py)."""

import pytest
from small_notice import notice_text

from vacancies.notices import parse_notice


@pytest.mark.parametrize(
    "sentence, level",
    [
        (
            "this post is rated as an extreme risk location by the NATO Office of Security",
            "extreme",
        ),
        ("Kyiv is considered a high risk location.", "high"),
        ("The duty station is rated as a medium risk location.", "medium"),
        ("We manage risk registers and mitigation plans.", None),
    ],
)
def test_risk_level_comes_from_the_risk_note(sentence, level):
    text = notice_text().replace("The post holder does things.", f"Important Note: {sentence}")
    assert parse_notice(text).risk_level == level


@pytest.mark.parametrize(
    "sentence, unaccompanied",
    [
        ("Family members will not be relocated with the incumbent.", True),
        ("Kyiv will remain an unaccompanied post.", True),
        ("Family members are welcome.", False),
    ],
)
def test_unaccompanied_posts_are_flagged(sentence, unaccompanied):
    text = notice_text().replace("The post holder does things.", sentence)
    assert parse_notice(text).unaccompanied is unaccompanied


@pytest.mark.parametrize(
    "flag", ["PENDING BUDGET APPROVAL", "SOUS RESERVE D'APPROBATION PAR LES AUTORITES BUDGETAIRES"]
)
def test_pending_budget_approval_is_flagged_in_either_language(flag):
    text = notice_text().replace("1. SUMMARY", f"{flag}\n\n1. SUMMARY")
    notice = parse_notice(text)
    assert notice.pending_budget_approval
    assert all(flag not in s.heading for s in notice.sections.en)
