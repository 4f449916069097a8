"""How often search puts first the vacancy a candidate looks for, in both languages.

    make bench              # or: .venv/bin/python benchmarks/relevance.py

The board holds the five sample notices (their long standard paragraphs are the noise) and
twelve short postings of other trades at other duty stations. Each case is what a candidate
types (titles, skills, places by any name, references, words without accents, misspellings)
and the reference that must come first; a misspelling counts when the "Did you mean"
suggestion, followed once, puts it first. tests/test_relevance.py requires every case.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class Posting:
    reference: str
    titles: tuple[str, str]  # English, French
    station: tuple[str, str, str, str]  # city, country, city in French, country in French
    texts: tuple[str, str]  # what the post is about, in English and in French


POSTINGS = (
    Posting("310001", ("Logistics Officer", "Officier logistique"),
            ("Naples", "Italy", "Naples", "Italie"),
            ("Plans supply chains, warehousing and the transport of equipment.",
             "Planifie la chaîne d’approvisionnement, l’entreposage et le transport du matériel.")),
    Posting("310002", ("Procurement Assistant", "Assistant(e) aux achats"),
            ("Capellen", "Luxembourg", "Capellen", "Luxembourg"),
            ("Prepares tenders and contracts, and follows purchasing files.",
             "Prépare les appels d’offres et les contrats, et suit les dossiers d’achat.")),
    Posting("310003", ("Cyber Security Engineer", "Ingénieur(e) en cybersécurité"),
            ("The Hague", "Netherlands", "La Haye", "Pays-Bas"),
            ("Network defence, incident response and firewalls.",
             "Défense des réseaux, réponse aux incidents et pare-feu.")),
    Posting("310004", ("Interpreter (French)", "Interprète (français)"),
            ("Brussels", "Belgium", "Bruxelles", "Belgique"),
            ("Simultaneous interpretation of meetings and conferences.",
             "Interprétation simultanée des réunions et conférences.")),
    Posting("310005", ("Financial Controller", "Contrôleur financier"),
            ("Mons", "Belgium", "Mons", "Belgique"),
            ("Budget, accounting under IPSAS and internal audit.",
             "Budget, comptabilité selon les normes IPSAS et audit interne.")),
    Posting("310006", ("Medical Officer", "Médecin"),
            ("Brunssum", "Netherlands", "Brunssum", "Pays-Bas"),
            ("Runs the occupational health clinic.",
             "Dirige la clinique de santé au travail.")),
    Posting("310007", ("Software Developer (Python)", "Développeur logiciel (Python)"),
            ("Mons", "Belgium", "Mons", "Belgique"),
            ("Builds web applications with Python, Django and PostgreSQL.",
             "Développe des applications web avec Python, Django et PostgreSQL.")),
    Posting("310008", ("Human Resources Officer", "Administrateur des ressources humaines"),
            ("Brussels", "Belgium", "Bruxelles", "Belgique"),
            ("Recruitment, staff regulations and onboarding of new staff.",
             "Recrutement, statut du personnel et accueil des nouveaux agents.")),
    Posting("310009", ("Translator (English)", "Traducteur (anglais)"),
            ("Brussels", "Belgium", "Bruxelles", "Belgique"),
            ("Translation from French into English; terminology.",
             "Traduction du français vers l’anglais ; terminologie.")),
    Posting("310010", ("Geospatial Analyst", "Analyste géospatial"),
            ("Lisbon", "Portugal", "Lisbonne", "Portugal"),
            ("GIS, satellite imagery and maps.", "SIG, imagerie satellitaire et cartes.")),
    Posting("310011", ("Public Affairs Officer", "Chargé des affaires publiques"),
            ("Kyiv", "Ukraine", "Kiev", "Ukraine"),
            ("Media relations, press releases and communication.",
             "Relations avec les médias, communiqués de presse et communication.")),
    Posting("310012", ("Electrical Engineer", "Ingénieur électricien"),
            ("Norfolk", "United States", "Norfolk", "États-Unis"),
            ("Power systems and electrical installations.",
             "Réseaux et installations électriques.")),
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    language: str
    typed: str
    first: str  # the reference that must come first
    kind: str


CASES = (
    Case("en", "logistics officer", "310001", "title"),
    Case("fr", "officier logistique", "310001", "title"),
    Case("en", "logist", "310001", "start of a word"),
    Case("fr", "logistique Napoli", "310001", "place, local name"),
    Case("en", "procurement", "310002", "title"),
    Case("fr", "appels d'offres achats", "310002", "skill"),
    Case("en", "procurement Kapellen", "310002", "place, other spelling"),
    Case("en", "cyber security", "310003", "title"),
    Case("fr", "cybersecurite", "310003", "without accents"),
    Case("en", "Den Haag", "310003", "place, local name"),
    Case("en", "interpreter", "310004", "title"),
    Case("fr", "interprete", "310004", "without accents"),
    Case("en", "IPSAS accounting", "310005", "skill"),
    Case("fr", "controleur financier", "310005", "without accents"),
    Case("en", "python django", "310007", "skill"),
    Case("fr", "Bergen developpeur", "310007", "place, local name"),
    Case("en", "medical", "310006", "title"),
    Case("fr", "MEDECIN", "310006", "without accents"),
    Case("en", "human resources", "310008", "title"),
    Case("fr", "ressources humaines", "310008", "title"),
    Case("fr", "traducteur", "310009", "title"),
    Case("en", "Translatr", "310009", "misspelling"),
    Case("en", "geospatial", "310010", "title"),
    Case("fr", "analyste geospatial", "310010", "without accents"),
    Case("en", "Lisboa", "310010", "place, local name"),
    Case("en", "public affairs Kiev", "310011", "place, older spelling"),
    Case("fr", "affaires publiques", "310011", "title"),
    Case("en", "electrical engineer", "310012", "title"),
    Case("fr", "ingenieur electricien", "310012", "without accents"),
    Case("en", "USA", "310012", "place, other name"),
    Case("en", "Medcal Oficer", "310006", "misspelling"),
    Case("fr", "Interpete", "310004", "misspelling"),
    Case("en", "IS 310004", "310004", "reference"),
    Case("fr", "Regional Security Officer", "260885", "title"),
    Case("en", "Comprehensive Assistance Package Section", "260063", "title"),
)


def load_board() -> None:
    """The sample notices and the postings, published and open."""
    from django.conf import settings
    from django.utils import timezone

    from vacancies.importing import vacancy_upsert_from_notice
    from vacancies.models import Location, Vacancy

    for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "notices").glob("*.txt")):
        vacancy_upsert_from_notice(text=path.read_text(encoding="utf-8"), source_name=path.name)
    in_a_month = timezone.now() + timedelta(days=30)
    for posting in POSTINGS:
        city, country, city_fr, country_fr = posting.station
        station, _ = Location.objects.get_or_create(
            city=city, country=country, defaults={"city_fr": city_fr, "country_fr": country_fr}
        )
        Vacancy.objects.create(
            reference=posting.reference,
            title_en=posting.titles[0],
            title_fr=posting.titles[1],
            primary_location=station,
            sections_en=[{"heading": "Summary", "text": posting.texts[0]}],
            sections_fr=[{"heading": "Résumé", "text": posting.texts[1]}],
            source_text="",
            source_sha256="",
        )
    Vacancy.objects.update(status=Vacancy.Status.PUBLISHED, deadline=in_a_month)


def first_found(client, case: Case) -> str | None:
    """The reference of the first vacancy the search gives (following a reference search to
    its page, and a suggestion once)."""
    url = "/en/" if case.language == "en" else "/fr/"
    response = client.get(url, {"q": case.typed}, secure=True)  # as in production
    if response.status_code == 302:
        return response["Location"].rstrip("/").rsplit("/", 1)[-1]
    html = response.content.decode()
    suggestion = re.search(r'class="notice suggestion"[^>]*>[^<]*<a href="\?([^"]+)"', html)
    if suggestion:
        corrected = url + "?" + suggestion[1].replace("&amp;", "&")
        html = client.get(corrected, secure=True).content.decode()
    found = re.search(r'href="/(?:en/vacancies|fr/postes)/([^/"]+)/"', html)
    return found[1] if found else None


def main() -> None:
    from scratch import as_in_production, scratch_database, set_up_django

    set_up_django("relevance")

    from django.test import Client

    with scratch_database("jobboard_relevance_bench"):
        load_board()
        with as_in_production():
            client = Client()
            right = 0
            print(f"{'lang':4}  {'typed':42}  {'kind':22}  {'first':8}  verdict")
            for case in CASES:
                found = first_found(client, case)
                right += found == case.first
                verdict = "ok" if found == case.first else f"expected {case.first}"
                found_text = found or "—"
                print(
                    f"{case.language:4}  {case.typed:42}  {case.kind:22}  {found_text:8}  {verdict}"
                )
            print(f"Relevance: {right} of {len(CASES)} searches put the expected vacancy first "
                  f"({100 * right / len(CASES):.0f} %).")  # fmt: skip


if __name__ == "__main__":
    main()
