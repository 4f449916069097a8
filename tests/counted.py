"""What a list's counts say (facets.Counted, and when they next change), in a form that
compares the counts from memory with the database's."""


def comparable(counted, changes_at) -> dict:
    return {
        "total": counted.total,
        "page": counted.page,
        "deadline": counted.by_deadline,
        "risk": counted.by_risk_level,
        "clearance": counted.by_clearance,
        "organisation": counted.by_organisation,
        "grades": sorted(counted.grade_ranges),
        "places": sorted(counted.places),
        "countries": sorted(counted.countries),
        "changes at": changes_at,
    }
