"""`storyline serve` builds the app for the given database and hands it to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline.cli import app


def test_serve_runs_uvicorn_with_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(application: Any, **kwargs: Any) -> None:
        seen["app"], seen["kwargs"] = application, kwargs

    monkeypatch.setattr(uvicorn, "run", fake_run)
    db = tmp_path / "serve.db"
    refused = CliRunner().invoke(app, ["serve", "--port", "8123", "--db", str(db)])
    assert refused.exit_code == 3 and "no such database" in refused.output and "app" not in seen
    assert not db.exists()
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--db", str(db), "--create"])
    assert result.exit_code == 0, result.output
    assert isinstance(seen["app"], FastAPI)
    assert seen["kwargs"]["host"] == "127.0.0.1" and seen["kwargs"]["port"] == 8123
    with TestClient(seen["app"]) as client:  # the app serves the database it was given
        assert client.get("/api/v1/stories").json()["total"] == 0
    assert db.exists()


def test_serve_help_names_the_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db"):
        assert option in result.output


def test_serve_with_workers_hands_uvicorn_a_factory_with_the_same_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from storyline.web.app import SETTINGS_ENV, app_from_env

    seen: dict[str, Any] = {}

    def fake_run(application: Any, **kwargs: Any) -> None:
        seen["app"], seen["kwargs"] = application, kwargs

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv(SETTINGS_ENV, "")  # so that monkeypatch removes what serve sets, after the test
    monkeypatch.setenv("STORYLINE_API_TOKEN", "tok-123")
    db = tmp_path / "workers.db"
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--workers", "3", "--port", "8124", "--create"])
    assert result.exit_code == 0, result.output
    assert seen["app"] == "storyline.web.app:app_from_env"
    assert seen["kwargs"]["factory"] is True and seen["kwargs"]["workers"] == 3 and seen["kwargs"]["port"] == 8124
    built = app_from_env()  # what each worker process does, with the environment serve left behind
    assert built.state.settings.db == str(db) and built.state.settings.api_token == "tok-123"
    with TestClient(built) as client:
        assert client.get("/api/v1/stories").json()["total"] == 0


def test_serve_refuses_zero_workers() -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "0"])
    assert result.exit_code != 0
