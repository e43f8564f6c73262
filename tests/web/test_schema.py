"""Property-based run of the whole API against its own OpenAPI spec (schemathesis, in-process).

Every operation gets generated requests (bounded by ``max_examples``); no answer may be a
server error, and answers must match the documented response schemas.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev extra: pip install -e '.[dev]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from storyline.store import open_store  # noqa: E402
from storyline.web.app import create_app  # noqa: E402

from .conftest import TOKEN, _fill, make_settings  # noqa: E402


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = str(Path(tmp_path_factory.mktemp("schema")) / "web.db")
    store = open_store(db)
    _fill(store)
    store.close()
    app = create_app(make_settings(db, api_token=TOKEN, max_request_bytes=50_000), process=None)
    return schemathesis.openapi.from_asgi("/openapi.json", app)



@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated URLs must never reach DNS or the network."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise socket.gaierror("tests do not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_api_has_no_server_errors(api_schema, no_network) -> None:  # type: ignore[no-untyped-def]
    """Each operation in turn, with hypothesis driving schemathesis' strategies.

    (Driven by hand rather than through schemathesis' pytest plugin, which does not load
    under pytest 9.)
    """
    headers = {"Authorization": f"Bearer {TOKEN}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        run()
