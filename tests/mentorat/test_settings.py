from __future__ import annotations

import pytest

from mentorat.settings import SettingsError, load_settings


def test_it_reads_mentorat_variables(monkeypatch):
    monkeypatch.setenv("MENTORAT_SMTP_HOST", "relais.exemple.fr")
    monkeypatch.setenv("MENTORAT_SMTP_PORT", "587")
    monkeypatch.setenv("MENTORAT_SMTP_STARTTLS", "true")
    monkeypatch.setenv("MENTORAT_DATABASE_URL", "postgresql://postgres@127.0.0.1/mentorat")
    settings = load_settings()
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "relais.exemple.fr",
        587,
        True,
    )
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1/mentorat"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MENTORAT_SMTP_PORT", "soixante"),
        ("MENTORAT_SMTP_PORT", "70000"),
        ("MENTORAT_MAIL_FROM", "Mentorat <pas-une-adresse>"),
        ("MENTORAT_PUBLIC_URL", "mentorat.exemple.fr"),
        ("MENTORAT_DATABASE_URL", "mysql://root@localhost/mentorat"),
        ("MENTORAT_SMTP_STARTTLS", "peut-être"),
    ],
)
def test_a_wrong_value_stops_start_up_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert variable in str(error.value)


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.setenv("MENTORAT_ENVIRONMENT", "production")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "MENTORAT_SECRET_KEY" in str(error.value)
    monkeypatch.setenv("MENTORAT_SECRET_KEY", "Zq4-vT9_mR2xLp7sK1wNc8bYh3jF6dGe0uAi5oEr")
    assert load_settings().environment == "production"
