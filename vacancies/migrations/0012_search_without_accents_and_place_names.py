"""Search without accents: each language's stemming after unaccent, in configurations of
its own, and the vectors remade with them; place names candidates type, seeded with the
usual ones (HR extends them in the admin)."""

import django.contrib.postgres.search
import django.db.models.expressions
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import vacancies.models

CONFIGURATIONS = {"english_unaccent": "english", "french_unaccent": "french"}
# The token kinds that can hold letters with accents: words, and the parts of hyphenated ones.
ACCENTED_TOKENS = "hword, hword_part, word"

# Other names of the duty stations and countries notices name: in the other language, the
# local one, older spellings. The place is named as the locations name it in English.
PLACE_NAMES = {
    "Kyiv": ["Kiev", "Kyïv", "Київ", "Kiew"],
    "Brussels": ["Bruxelles", "Brussel", "Brüssel"],
    "The Hague": ["La Haye", "Den Haag", "'s-Gravenhage", "Hague"],
    "Mons": ["Bergen"],
    "Naples": ["Napoli", "Neapel"],
    "Capellen": ["Kapellen"],
    "Luxembourg": ["Luxemburg", "Lëtzebuerg"],
    "Lisbon": ["Lisboa", "Lisbonne"],
    "Bucharest": ["București", "Bucarest"],
    "Tbilisi": ["Tbilissi"],
    "Pristina": ["Prishtina", "Priština", "Prishtinë"],
    "Baghdad": ["Bagdad"],
    "Izmir": ["İzmir", "Smyrna"],
    "Belgium": ["Belgique", "België", "Belgien"],
    "Netherlands": ["Pays-Bas", "Nederland", "Holland", "The Netherlands"],
    "Ukraine": ["Україна"],
    "Italy": ["Italia", "Italie"],
    "Germany": ["Deutschland", "Allemagne"],
    "Türkiye": ["Turkey", "Turquie"],
    "United States": ["USA", "United States of America", "États-Unis", "America"],
    "United Kingdom": ["UK", "Royaume-Uni", "Great Britain", "Britain"],
    "Spain": ["España", "Espagne"],
    "Poland": ["Polska", "Pologne"],
    "Norway": ["Norge", "Norvège"],
    "Hungary": ["Magyarország", "Hongrie"],
    "Romania": ["România", "Roumanie"],
    "Lithuania": ["Lietuva", "Lituanie"],
    "Latvia": ["Latvija", "Lettonie"],
    "Estonia": ["Eesti", "Estonie"],
    "Iraq": ["Irak"],
    "Georgia": ["Géorgie", "Sakartvelo"],
}


def seed_place_names(apps, schema_editor):
    PlaceName = apps.get_model("vacancies", "PlaceName")
    PlaceName.objects.bulk_create(
        [
            PlaceName(name=name, place=place)
            for place, names in PLACE_NAMES.items()
            for name in names
        ],
        ignore_conflicts=True,
    )


def let_hr_editors_keep_place_names(apps, schema_editor):
    # Permissions are normally created after the last migration; this one needs them now.
    vacancies = apps.get_app_config("vacancies")
    vacancies.models_module = True
    create_permissions(vacancies, apps=apps, verbosity=0)
    vacancies.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="HR editors").first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="vacancies", content_type__model="placename"
            )
        )


def configurations_sql():
    return [
        f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base});"
        f" ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {ACCENTED_TOKENS}"
        f" WITH unaccent, {base}_stem;"
        for name, base in CONFIGURATIONS.items()
    ]


VECTORS = {
    "search_en": models.GeneratedField(
        db_persist=True,
        expression=django.db.models.expressions.CombinedExpression(
            django.contrib.postgres.search.SearchVector(
                "title_en", config="english_unaccent", weight="A"
            ),
            "||",
            models.Func(
                vacancies.models._JSONStringsVector(
                    models.F("sections_en"), config="english_unaccent"
                ),
                models.Value("B"),
                function="setweight",
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
            output_field=django.contrib.postgres.search.SearchVectorField(),
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    ),
    "search_fr": models.GeneratedField(
        db_persist=True,
        expression=django.db.models.expressions.CombinedExpression(
            django.contrib.postgres.search.SearchVector(
                "title_fr", config="french_unaccent", weight="A"
            ),
            "||",
            models.Func(
                vacancies.models._JSONStringsVector(
                    models.F("sections_fr"), config="french_unaccent"
                ),
                models.Value("B"),
                function="setweight",
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
            output_field=django.contrib.postgres.search.SearchVectorField(),
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    ),
    "title_search_en": models.GeneratedField(
        db_persist=True,
        expression=django.contrib.postgres.search.SearchVector(
            "title_en", config="english_unaccent"
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    ),
    "title_search_fr": models.GeneratedField(
        db_persist=True,
        expression=django.contrib.postgres.search.SearchVector(
            "title_fr", config="french_unaccent"
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    ),
}
INDEXES = {"search_en": "vacancy_search_en", "search_fr": "vacancy_search_fr"}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("vacancies", "0011_import_previews_kept_on_the_server"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(
            configurations_sql(),
            [f"DROP TEXT SEARCH CONFIGURATION {name};" for name in CONFIGURATIONS],
        ),
        # PostgreSQL cannot change how a column is generated: drop the vectors (and their
        # indexes), then add them back made with the new configurations.
        *[migrations.RemoveIndex(model_name="vacancy", name=index) for index in INDEXES.values()],
        *[migrations.RemoveField(model_name="vacancy", name=name) for name in VECTORS],
        *[
            migrations.AddField(model_name="vacancy", name=name, field=field)
            for name, field in VECTORS.items()
        ],
        *[
            migrations.AddIndex(model_name="vacancy", index=GinIndex(fields=[field], name=index))
            for field, index in INDEXES.items()
        ],
        migrations.CreateModel(
            name="PlaceName",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As candidates may type it, e.g. Kiev, Den Haag. Case and accents do not matter.",
                        max_length=100,
                        unique=True,
                        verbose_name="name",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        help_text="The city or the country it names, as the locations name it in English, e.g. Kyiv, The Hague, Netherlands.",
                        max_length=100,
                        verbose_name="place",
                    ),
                ),
            ],
            options={
                "verbose_name": "place name",
                "verbose_name_plural": "place names",
                "ordering": ["place", "name"],
            },
        ),
        migrations.RunPython(seed_place_names, migrations.RunPython.noop),
        migrations.RunPython(let_hr_editors_keep_place_names, migrations.RunPython.noop),
    ]
