"""The secret key and the proxies, attacked at start-up: unset or weak keys outside development,
secrets in a repr, proxies that are not addresses."""

from __future__ import annotations

import secrets

import pytest
from typer.testing import CliRunner

from mentorat.cli import app
from mentorat.settings import DEV_SECRET, SettingsError, load_settings

STRONG = "Zq4-vT9_mR2xLp7sK1wNc8bYh3jF6dGe0uAi5oEr"


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment of a server whose operator set nothing but the basics."""
    for name in ("MENTORAT_ENVIRONMENT", "MENTORAT_SECRET_KEY", "MENTORAT_SECRET_KEY_PREVIOUS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_an_unset_environment_is_production_and_refuses_to_start_without_a_key(production):
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "MENTORAT_SECRET_KEY must be set" in str(error.value)
    assert "MENTORAT_ENVIRONMENT=development" in str(error.value)


def test_the_web_command_refuses_to_start_without_a_key(production):
    result = CliRunner().invoke(app, ["web", "--port", "1"])
    assert result.exit_code == 2
    assert "MENTORAT_SECRET_KEY" in result.output


@pytest.mark.parametrize(
    "key",
    [
        "a" * 32,
        "a" * 200,
        "ab" * 16,
        "abcabcabcabcabcabcabcabcabcabcabc",
        "0123456701234567012345670123456701234567",  # varied enough, but a pattern repeated
        secrets.token_urlsafe(23),  # 31 characters
        DEV_SECRET,
    ],
)
def test_production_refuses_a_weak_key(production, key):
    production.setenv("MENTORAT_SECRET_KEY", key)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "MENTORAT_SECRET_KEY" in str(error.value)


@pytest.mark.parametrize(
    "key", [STRONG, secrets.token_urlsafe(48), secrets.token_hex(16), secrets.token_hex(32)]
)
def test_production_accepts_a_random_key(production, key):
    production.setenv("MENTORAT_SECRET_KEY", key)
    assert load_settings().secret_keys() == [key]


def test_a_weak_previous_key_is_refused_too(production):
    production.setenv("MENTORAT_SECRET_KEY", STRONG)
    production.setenv("MENTORAT_SECRET_KEY_PREVIOUS", "a" * 40)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "MENTORAT_SECRET_KEY_PREVIOUS" in str(error.value)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_only_an_explicit_development_or_test_environment_runs_without_a_key(
    production, environment
):
    production.setenv("MENTORAT_ENVIRONMENT", environment)
    assert load_settings().secret_keys() == [DEV_SECRET]
    production.setenv("MENTORAT_SECRET_KEY", "a" * 32)
    assert load_settings().secret_keys() == ["a" * 32]


def test_the_current_key_signs_and_the_previous_one_still_verifies(production):
    previous = secrets.token_urlsafe(48)
    production.setenv("MENTORAT_SECRET_KEY", STRONG)
    production.setenv("MENTORAT_SECRET_KEY_PREVIOUS", previous)
    assert load_settings().secret_keys() == [STRONG, previous]


def test_secrets_never_show_in_a_repr_or_a_dump(production):
    production.setenv("MENTORAT_SECRET_KEY", STRONG)
    production.setenv("MENTORAT_SECRET_KEY_PREVIOUS", STRONG[::-1])
    production.setenv("MENTORAT_SMTP_PASSWORD", "mot-de-passe-du-relais")
    settings = load_settings()
    for shown in (repr(settings), str(settings), settings.model_dump_json(), str(vars(settings))):
        assert STRONG not in shown and STRONG[::-1] not in shown
        assert "mot-de-passe-du-relais" not in shown
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "mot-de-passe-du-relais"


def test_trusted_proxies_are_addresses_or_networks(monkeypatch):
    assert load_settings().trusted_proxy_list == ["127.0.0.1", "::1"]
    monkeypatch.setenv("MENTORAT_TRUSTED_PROXIES", " 10.0.0.7, 192.168.1.9/16 ,::1")
    assert load_settings().trusted_proxy_list == ["10.0.0.7", "192.168.0.0/16", "::1"]
    monkeypatch.setenv("MENTORAT_TRUSTED_PROXIES", "10.0.0.7,proxy.interne")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "MENTORAT_TRUSTED_PROXIES" in str(error.value) and "proxy.interne" in str(error.value)
