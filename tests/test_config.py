import pytest

from storyline.config import Settings, load_settings
from storyline.errors import ConfigError


def test_defaults_file_env_and_overrides_in_order(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('[storyline]\nfetch_timeout = 3\nuser_agent = "file-agent"\n')
    s = load_settings(cfg, env={"STORYLINE_FETCH_TIMEOUT": "7.5", "STORYLINE_ALLOW_PRIVATE_URLS": "yes"}, db="x.db")
    assert s.fetch_timeout == 7.5  # env beats file
    assert s.user_agent == "file-agent"
    assert s.allow_private_urls is True
    assert s.db == "x.db"
    assert Settings().db == "storyline.db"


def test_unknown_key_and_bad_value_are_clear_errors(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings(cfg, env={})
    with pytest.raises(ConfigError, match="fetch_timeout"):
        load_settings(env={"STORYLINE_FETCH_TIMEOUT": "soon"})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("= nope")
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(bad, env={})
