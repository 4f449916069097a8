"""Each vacancy counts what its notice gives editors to check, so that the admin can list
the vacancies with warnings. Existing vacancies are counted by reading their notices again:
once per distinct text (a notice copied under other references counts the same)."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, TextField
from django.db.models.functions import MD5, Replace

from vacancies.checks import consistency_warnings
from vacancies.notices import NoticeParseError, parse_notice

BATCH = 500


def count_warnings(apps, schema_editor):
    Vacancy = apps.get_model("vacancies", "Vacancy")
    Location = apps.get_model("vacancies", "Location")
    by_text = defaultdict(list)
    rows = Vacancy.objects.annotate(
        text_key=MD5(Replace(F("source_text"), F("reference"), output_field=TextField()))
    ).values_list("pk", "text_key")
    for pk, text_key in rows.iterator(chunk_size=10_000):
        by_text[text_key].append(pk)
    by_count = defaultdict(list)
    keys = list(by_text)
    for start in range(0, len(keys), BATCH):
        ones = {by_text[key][0]: key for key in keys[start : start + BATCH]}
        texts = Vacancy.objects.filter(pk__in=ones).values_list("pk", "source_text")
        for pk, text in texts.iterator(chunk_size=50):
            by_count[_count(text, Location)].extend(by_text[ones[pk]])
    for count, pks in by_count.items():
        if count:
            for start in range(0, len(pks), 10_000):
                Vacancy.objects.filter(pk__in=pks[start : start + 10_000]).update(
                    warning_count=count
                )


def _count(text, Location):
    """As importing counts them (vacancies.importing.notice_warnings), from the models of
    this migration."""
    try:
        notice = parse_notice(text, time_zone=settings.NOTICE_TIME_ZONE)
    except NoticeParseError:
        return 1  # the admin says the text can no longer be read
    french_names = {}
    place = notice.en.primary_location
    if place is not None:
        known = Location.objects.filter(country=place[0], city=place[1]).first()
        if known is not None:
            french_names[place] = (known.country_fr, known.city_fr)
    return len(notice.warnings) + len(consistency_warnings(notice, french_names=french_names))


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0012_search_without_accents_and_place_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="vacancy",
            name="warning_count",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="warnings to check"),
        ),
        migrations.RunPython(count_warnings, migrations.RunPython.noop, elidable=True),
    ]
