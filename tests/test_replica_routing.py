"""Which database each request reads from, when replicas are configured: the rules of
jobboard/replicas.py, without a standby (tests/test_replicas.py starts a real one)."""

from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from jobboard import replicas
from jobboard.replicas import PublicReadsMiddleware, ReplicaRouter, public_reads
from vacancies.models import Vacancy

router = ReplicaRouter()


@pytest.fixture
def one_replica(monkeypatch):
    """A replica configured, always usable (no server behind it is asked)."""
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1"])
    monkeypatch.setattr(replicas.health, "usable", lambda alias: True)
    return "replica1"


def read_by(request) -> str:
    seen = []

    def view(request):
        seen.append(router.db_for_read(Vacancy))
        return "response"

    PublicReadsMiddleware(view)(request)
    return seen[0]


def test_public_pages_read_from_a_replica(one_replica):
    assert read_by(RequestFactory().get("/en/?q=security")) == one_replica
    assert read_by(RequestFactory().head("/en/api/")) == one_replica


@pytest.mark.parametrize(
    "request_made",
    [
        RequestFactory().post("/en/alerts/"),  # a form sent: it writes
        RequestFactory().get("/admin/vacancies/vacancy/"),  # the HR desk
        RequestFactory(HTTP_COOKIE="sessionid=abc").get("/en/"),  # an editor signed in
    ],
    ids=["post", "admin", "editor"],
)
def test_writes_the_desk_and_editors_read_from_the_primary(one_replica, request_made):
    assert read_by(request_made) == "default"


def test_without_a_usable_replica_reads_go_to_the_primary(one_replica, monkeypatch):
    monkeypatch.setattr(replicas.health, "usable", lambda alias: False)
    assert read_by(RequestFactory().get("/en/")) == "default"


def test_writes_and_migrations_are_for_the_primary_only(one_replica):
    with public_reads():
        assert router.db_for_write(Vacancy) == "default"
    assert router.allow_migrate("default", "vacancies")
    assert not router.allow_migrate(one_replica, "vacancies")


def test_commands_and_code_outside_a_request_read_from_the_primary(one_replica):
    assert router.db_for_read(Vacancy) == "default"


def test_a_page_that_fails_on_a_replica_is_made_again_from_the_primary(one_replica, monkeypatch):
    request = RequestFactory().get("/en/")
    used = []

    def view(request):
        used.append(router.db_for_read(Vacancy))
        if len(used) == 1:
            raise OperationalError("the replica went away")
        return "made"

    request.resolver_match = SimpleNamespace(func=view, args=(), kwargs={})
    broken = SimpleNamespace(errors_occurred=True, close=lambda: None)
    monkeypatch.setattr(replicas, "connections", {one_replica: broken})
    middleware = PublicReadsMiddleware(lambda request: None)
    with public_reads():
        with pytest.raises(OperationalError):
            view(request)
        assert middleware.process_exception(request, OperationalError("gone")) == "made"
    assert used == [one_replica, "default"]


def test_a_replica_that_does_not_answer_is_left_out_until_its_next_check(settings, monkeypatch):
    settings.REPLICA_CHECK_SECONDS = 60
    checks = []
    monkeypatch.setattr(replicas, "_caught_up", lambda alias: checks.append(alias) or False)
    health = replicas._Health()
    assert not health.usable("replica1")
    assert not health.usable("replica1")
    assert checks == ["replica1"]  # asked once a minute, not on every read
