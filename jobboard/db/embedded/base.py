"""PostgreSQL backend that starts the embedded server when the first connection opens.

Settings: NAME and USER as usual, plus DATA_DIR, the server's data directory. HOST and PORT are
filled in once the server runs, so whatever reads the connection settings finds its socket.
Commands that never connect (parse_notice, --help) never start the server.
"""

from django.db.backends.postgresql import base, client

from jobboard import embedded_postgres


class DatabaseClient(client.DatabaseClient):
    @classmethod
    def settings_to_cmd_args_env(cls, settings_dict, parameters):
        args, env = super().settings_to_cmd_args_env(settings_dict, parameters)
        # The psql shipped with the server: the machine may have none, or an older one.
        args[0] = str(embedded_postgres.psql_path())
        return args, env

    def runshell(self, parameters):
        self.connection.start_server()
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def start_server(self) -> None:
        """Start the server unless it runs, create the database unless it exists, and point
        HOST and PORT at the server."""
        server = embedded_postgres.ensure_server(self.settings_dict["DATA_DIR"])
        if self.settings_dict["NAME"]:
            embedded_postgres.ensure_database(server, self.settings_dict["NAME"])
        self.settings_dict["HOST"] = str(server.socket_dir)
        self.settings_dict["PORT"] = str(server.port)

    def get_connection_params(self):
        self.start_server()
        return super().get_connection_params()


def stop_unused_server(alias: str = "default") -> None:
    """Stop the embedded server of database `alias` if no process is using it any more."""
    from django.conf import settings

    settings_dict = settings.DATABASES[alias]
    if settings_dict["ENGINE"] == __package__:
        embedded_postgres.stop_if_unused(settings_dict["DATA_DIR"])  # type: ignore[typeddict-item]
