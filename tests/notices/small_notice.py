"""A small bilingual notice, written for the tests to vary one thing at a time."""

from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

HEADER = """VACANCY NOTIFICATION/ NOTIFICATION DE LA VACANCE DU POSTE

{title}

Primary Location: Belgium-Brussels
NATO Body: NATO International Staff (NATO IS)
Schedule: Full-time
Application Deadline: {deadline}
Salary (Pay Basis): 5,000.00Euro (EUR) Monthly
Grade: {grade}

Description:

1. SUMMARY

The post holder does things.

2. CONTRACT

A contract.
"""

FRENCH = """
Titre en français-123456

Emplacement principal: Belgique-Bruxelles
Date de retrait: {deadline}
Grade: NATO Grade G15

Description

1. RÉSUMÉ

La personne titulaire fait des choses.

2. CONTRAT

Un contrat.
"""


def notice_text(
    title="Policy Officer-123456",
    deadline="26-Feb-2026, 12:59:00 AM",
    grade="NATO Grade G15",
    french="26-févr.-2026, 00:59:00",
):
    text = HEADER.format(title=title, deadline=deadline, grade=grade)
    if french is not None:
        text += FRENCH.format(deadline=french)
    return text
