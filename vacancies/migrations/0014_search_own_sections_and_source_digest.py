"""Faster imports: search vectors over each notice's own sections (the standard ones every
notice repeats left out), and an index to know an imported file unchanged by its digest
(docs/performance.md)."""

import django.contrib.postgres.search
import django.db.models.expressions
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import vacancies.models

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
                    vacancies.models._OwnSections(models.F("sections_en")),
                    config="english_unaccent",
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
                    vacancies.models._OwnSections(models.F("sections_fr")),
                    config="french_unaccent",
                ),
                models.Value("B"),
                function="setweight",
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
            output_field=django.contrib.postgres.search.SearchVectorField(),
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
    ),
}
INDEXES = {"search_en": "vacancy_search_en", "search_fr": "vacancy_search_fr"}


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0013_warnings_to_check"),
    ]

    operations = [
        # PostgreSQL cannot change how a column is generated: drop the vectors (and their
        # indexes), then add them back over the notice's own sections.
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
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(fields=["source_sha256"], name="vacancy_source_sha256"),
        ),
    ]
