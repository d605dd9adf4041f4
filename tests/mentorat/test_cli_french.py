"""The operator's command line answers in French, without a traceback, whatever the mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MENTORAT = str(Path(sys.executable).parent / "mentorat")


def mentorat(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MENTORAT_", "PREFECT_"))}
    env.update(
        MENTORAT_ENVIRONMENT="development",
        MENTORAT_DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}",
        PREFECT_HOME=str(tmp_path / "prefect"),
        COLUMNS="200",
    )
    return subprocess.run(
        [MENTORAT, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_help_is_french_and_offers_no_completion_flags(tmp_path):
    done = mentorat("--help", tmp_path=tmp_path)
    assert done.returncode == 0
    assert "Commandes" in done.stdout and "Affiche cette aide." in done.stdout
    for english in ("Show this message", "install-completion", "show-completion", "Commands"):
        assert english not in done.stdout


@pytest.mark.parametrize("args", [["--help"], ["cohort", "launch", "--help"], ["cohort"]])
def test_the_usage_line_is_french(args, tmp_path):
    done = mentorat(*args, tmp_path=tmp_path)
    assert done.returncode == 0
    command = " ".join(["mentorat", *[a for a in args if a != "--help"]])
    assert f"Utilisation\u00a0: {command} [OPTIONS]" in done.stdout
    assert "Usage" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["cohort", "lunch"], "commande inconnue\u00a0: «\u00a0lunch\u00a0»"),
        (["cohort", "launch"], "option obligatoire manquante\u00a0: --cohort"),
        (["cohort", "status", "--cohort", "X", "--bogus"], "option inconnue\u00a0: --bogus"),
        (["demo", "--pairs", "abc"], "ce n’est pas un entier valide"),
        (["demo", "--pairs", "1"], "supérieure ou égale à 2"),
    ],
)
def test_usage_mistakes_get_a_french_message(args, expected, tmp_path):
    done = mentorat(*args, tmp_path=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Aide\u00a0: mentorat" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["cohort", "launch", "--cohort", "NOPE"],
        ["cohort", "run", "--cohort", "NOPE"],
        ["cohort", "status", "--cohort", "NOPE"],
        ["matching", "show", "--cohort", "NOPE"],
    ],
)
def test_an_unknown_cohort_is_an_error_not_a_traceback(args, tmp_path):
    assert mentorat("init", tmp_path=tmp_path).returncode == 0
    done = mentorat(*args, tmp_path=tmp_path)
    assert done.returncode == 1
    assert "cohorte «\u00a0NOPE\u00a0» inconnue" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_an_unreachable_database_is_said_in_french(tmp_path):
    done = mentorat("cohort", "status", "--cohort", "X", tmp_path=tmp_path / "missing" / "dir")
    assert done.returncode == 1
    assert "la base de données ne répond pas" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
