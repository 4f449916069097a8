"""Every change to a vacancy or to its other locations is logged by PostgreSQL itself, with
the transaction that made it, so that each server process keeps the list's counts current by
reading what changed since it last looked (vacancies/board_index.py), whatever made the
change: the site, a command, a bulk update or SQL typed by hand.

Statement triggers with transition tables: one insert into the log per statement, however
many rows it changed. Entries older than a day are pruned now and then by the triggers; a
process that has not looked for longer reads the whole board again.
"""

from django.db import migrations

LOG = "vacancies_boardchange"

CREATE = f"""
CREATE TABLE {LOG} (
    vacancy_id bigint NOT NULL,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    logged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX {LOG}_xid ON {LOG} (xid);
CREATE INDEX {LOG}_logged_at ON {LOG} (logged_at);

CREATE FUNCTION {LOG}_prune() RETURNS void LANGUAGE sql AS $$
    DELETE FROM {LOG} WHERE logged_at < now() - interval '1 day'
$$;
"""

# (table, column naming the vacancy, events). A vacancy's own row: inserted, updated,
# deleted; its links to other locations: inserted or deleted (never updated by Django). Each
# table emptied by TRUNCATE is logged too.
TRIGGERS = [
    ("vacancies_vacancy", "id", ("INSERT", "UPDATE", "DELETE")),
    ("vacancies_vacancy_other_locations", "vacancy_id", ("INSERT", "DELETE")),
]


def _trigger_sql(table: str, column: str, event: str) -> str:
    rows = "OLD" if event == "DELETE" else "NEW"
    name = f"{table}_{event.lower()}_logged"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {LOG} (vacancy_id) SELECT DISTINCT {column} FROM changed;
    IF random() < 0.001 THEN
        PERFORM {LOG}_prune();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER {event} ON {table}
    REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def _truncate_sql(table: str) -> str:
    """A table emptied at once: logged as a change of vacancy 0, read as "everything"."""
    name = f"{table}_truncate_logged"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {LOG} (vacancy_id) VALUES (0);
    RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def _drop_trigger_sql(table: str, event: str) -> str:
    name = f"{table}_{event.lower()}_logged"
    return f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();"


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0014_search_own_sections_and_source_digest"),
    ]

    operations = [
        migrations.RunSQL(
            CREATE
            + "".join(
                _trigger_sql(table, column, event)
                for table, column, events in TRIGGERS
                for event in events
            )
            + "".join(_truncate_sql(table) for table, _column, _events in TRIGGERS),
            "".join(
                _drop_trigger_sql(table, event)
                for table, _column, events in TRIGGERS
                for event in (*events, "TRUNCATE")
            )
            + f"DROP FUNCTION {LOG}_prune(); DROP TABLE {LOG};",
        ),
    ]
