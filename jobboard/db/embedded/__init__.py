"""Database backend for the embedded PostgreSQL server (ENGINE "jobboard.db.embedded")."""
