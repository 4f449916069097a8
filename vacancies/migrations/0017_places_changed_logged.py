"""A change to the places (a location, another name of a place) is logged too, as a change
of vacancy -1: each server process then reads the places again (vacancies/board_index.py),
which a search finds places by and the list's counts name."""

from django.db import migrations

LOG = "vacancies_boardchange"
TABLES = ("vacancies_location", "vacancies_placename")
EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")

CREATE = f"""
CREATE FUNCTION vacancies_places_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {LOG} (vacancy_id) VALUES (-1);
    RETURN NULL;
END
$$;
""" + "".join(
    f"CREATE TRIGGER {table}_{event.lower()}_logged AFTER {event} ON {table}"
    " FOR EACH STATEMENT EXECUTE FUNCTION vacancies_places_changed();\n"
    for table in TABLES
    for event in EVENTS
)

DROP = (
    "".join(
        f"DROP TRIGGER {table}_{event.lower()}_logged ON {table};\n"
        for table in TABLES
        for event in EVENTS
    )
    + "DROP FUNCTION vacancies_places_changed();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0016_title_search_indexes"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
