"""What generated vacancies are made of: the duty stations, the organisations, grades, titles
and risk notes they are drawn from, with the weights of real posts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Station:
    country: str
    city: str
    country_fr: str
    city_fr: str
    weight: float
    organisation: str
    risk: str = ""
    currency: str = "EUR"


ORGANISATIONS = {
    "IS": ("NATO International Staff (NATO IS)", "OTAN SI"),
    "IMS": ("NATO International Military Staff (NATO IMS)", "OTAN EMI"),
    "NCIA": (
        "NATO Communications and Information Agency (NCIA)",
        "Agence OTAN d'information et de communication (NCIA)",
    ),
    "NSPA": (
        "NATO Support and Procurement Agency (NSPA)",
        "Agence OTAN de soutien et d'acquisition (NSPA)",
    ),
    "ACO": ("Allied Command Operations (ACO)", "Commandement allié Opérations (ACO)"),
    "ACT": ("Allied Command Transformation (ACT)", "Commandement allié Transformation (ACT)"),
    "STO": (
        "NATO Science and Technology Organization (STO)",
        "Organisation OTAN pour la science et la technologie (STO)",
    ),
    "NDC": ("NATO Defense College (NDC)", "Collège de défense de l'OTAN (NDC)"),
}
ORGANISATION_KEYS = list(ORGANISATIONS)

# Weights roughly follow where the posts are: headquarters first, missions last.
STATIONS = (
    Station("Belgium", "Brussels", "Belgique", "Bruxelles", 24, "IS"),
    Station("Belgium", "Mons", "Belgique", "Mons", 10, "ACO"),
    Station("Netherlands", "The Hague", "Pays-Bas", "La Haye", 6, "NCIA"),
    Station("Netherlands", "Brunssum", "Pays-Bas", "Brunssum", 3, "ACO"),
    Station("Luxembourg", "Capellen", "Luxembourg", "Capellen", 6, "NSPA"),
    Station("Italy", "Naples", "Italie", "Naples", 5, "ACO"),
    Station("Italy", "Rome", "Italie", "Rome", 2, "NDC"),
    Station("Italy", "La Spezia", "Italie", "La Spezia", 1, "STO"),
    Station("Ukraine", "Kyiv", "Ukraine", "Kiev", 4, "IS", risk="extreme"),
    Station("Norway", "Stavanger", "Norvège", "Stavanger", 2, "ACT", currency="NOK"),
    Station("Poland", "Bydgoszcz", "Pologne", "Bydgoszcz", 2, "ACT", currency="PLN"),
    Station("Portugal", "Lisbon", "Portugal", "Lisbonne", 2, "ACO"),
    Station("Portugal", "Oeiras", "Portugal", "Oeiras", 1, "ACT"),
    Station("United States", "Norfolk", "États-Unis", "Norfolk", 5, "ACT", currency="USD"),
    Station("United States", "Washington", "États-Unis", "Washington", 1, "IMS", currency="USD"),
    Station("Germany", "Ramstein", "Allemagne", "Ramstein", 3, "ACO"),
    Station("Germany", "Geilenkirchen", "Allemagne", "Geilenkirchen", 2, "ACO"),
    Station("Germany", "Ulm", "Allemagne", "Ulm", 1, "ACO"),
    Station("Germany", "Kalkar", "Allemagne", "Kalkar", 1, "ACO"),
    Station("Germany", "Oberammergau", "Allemagne", "Oberammergau", 1, "ACT"),
    Station("Türkiye", "Izmir", "Türkiye", "Izmir", 2, "ACO"),
    Station("United Kingdom", "Northwood", "Royaume-Uni", "Northwood", 2, "ACO", currency="GBP"),
    Station("France", "Paris", "France", "Paris", 1, "STO"),
    Station("Spain", "Torrejón", "Espagne", "Torrejón", 1, "ACO"),
    Station("Romania", "Bucharest", "Roumanie", "Bucarest", 1, "ACO"),
    Station("Lithuania", "Vilnius", "Lituanie", "Vilnius", 1, "ACO"),
    Station("Latvia", "Riga", "Lettonie", "Riga", 1, "ACO"),
    Station("Estonia", "Tallinn", "Estonie", "Tallinn", 1, "NCIA"),
    Station("Hungary", "Budapest", "Hongrie", "Budapest", 1, "NSPA"),
    Station("Iraq", "Baghdad", "Irak", "Bagdad", 1.5, "IMS", risk="extreme"),
    Station("Kosovo", "Pristina", "Kosovo", "Pristina", 3, "ACO", risk="high"),
    Station("Georgia", "Tbilisi", "Géorgie", "Tbilissi", 2, "IS", risk="high"),
    Station(
        "Bosnia and Herzegovina", "Sarajevo", "Bosnie-Herzégovine", "Sarajevo", 1, "ACO", "high"
    ),
)
STATION_WEIGHTS = [station.weight for station in STATIONS]

# Units per euro, near enough for plausible local-currency salaries.
RATES = {"EUR": 1.0, "USD": 1.1, "GBP": 0.85, "NOK": 11.5, "PLN": 4.3}

GRADES = range(5, 25)
GRADE_WEIGHTS = [min(grade - 4, 25 - grade, 8) for grade in GRADES]  # mostly mid-career
OLDER_SCHEME_GRADES = ("A.2", "A.3", "B.4", "B.5", "C.3", "C.5")

# (English, French) title patterns: a rank in front, a field of work after, a reserve list.
RANKS = (
    ("Senior {}", "{} principal(e)"),
    ("Deputy {}", "{} adjoint(e)"),
    ("Acting {}", "{} par intérim"),
)
FIELDS = (
    ("Logistics", "Logistique"),
    ("Cyber Security", "Cybersécurité"),
    ("Finance", "Finances"),
    ("Human Resources", "Ressources humaines"),
    ("Public Diplomacy", "Diplomatie publique"),
    ("Infrastructure", "Infrastructure"),
    ("Procurement", "Achats"),
    ("Legal Affairs", "Affaires juridiques"),
    ("Intelligence", "Renseignement"),
    ("Air and Missile Defence", "Défense aérienne et antimissile"),
    ("Operations", "Opérations"),
    ("Information Technology", "Technologies de l'information"),
    ("Policy and Planning", "Politique et planification"),
    ("Energy Security", "Sécurité énergétique"),
    ("Crisis Management", "Gestion des crises"),
)
RANKED_ALREADY = ("Senior", "Deputy", "Acting", "Head", "Chief", "Director")
RESERVE_LIST = (" (+ Reserve list)", " (+ liste de réserve)")

RISK_NOTES = {
    "extreme": ("an extreme", "très haut"),
    "high": ("a high", "haut"),
}
