"""`mentorat demo`: its own database in its folder, a folder it did not create left alone,
and a summary that says where the mail really went (the local sink or a relay)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demo.command import MARK, prepare_folder
from demo.population import BOUNCE_DOMAIN
from demo.smtp_sink import SmtpSink
from mentorat.cli import app

runner = CliRunner()


def flat(text: str) -> str:
    """The output without any whitespace: Rich wraps long lines (and paths) at 80 columns."""
    return "".join(text.split())


def demo(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["demo", "--pairs", "3", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def test_a_folder_the_demo_did_not_create_is_refused_and_left_untouched(tmp_path: Path):
    out = tmp_path / "mes documents"
    (out / "emails").mkdir(parents=True)
    (out / "emails" / "important.eml").write_text("à garder")
    (out / "mentorat.db").write_text("une autre base")
    before = snapshot(out)
    result = demo("--out", str(out))
    assert result.exit_code == 2, result.output
    assert flat(str(out)) in flat(result.output)
    assert "n’a pas été créé par la démonstration" in " ".join(result.output.split())
    assert snapshot(out) == before  # not even the mark


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path):
    out = tmp_path / "demo-out"
    out.write_text("un fichier")
    result = demo("--out", str(out))
    assert result.exit_code == 2, result.output
    assert out.read_text() == "un fichier"


def test_a_rerun_clears_only_what_the_demo_wrote(tmp_path: Path):
    out = tmp_path / "demo-out"
    prepare_folder(out)  # a new folder: created and marked
    assert (out / MARK).is_file()
    (out / "emails").mkdir()
    (out / "emails" / "000001.eml").write_text("ancien")
    for name in ("mentorat.db", "mentorat.db-wal", "mentorat.db-shm"):
        (out / name).write_text("ancienne base")
    (out / "notes.txt").write_text("à moi")
    prepare_folder(out)
    assert sorted(p.name for p in out.iterdir()) == [MARK, "notes.txt"]
    assert (out / "notes.txt").read_text() == "à moi"


def test_an_empty_folder_is_taken_and_marked(tmp_path: Path):
    out = tmp_path / "vide"
    out.mkdir()
    prepare_folder(out)
    assert [p.name for p in out.iterdir()] == [MARK]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_demo_keeps_its_own_database_and_mail_in_its_folder(tmp_path: Path, monkeypatch):
    elsewhere = f"sqlite:///{tmp_path / 'production.db'}"
    monkeypatch.setenv("MENTORAT_DATABASE_URL", elsewhere)
    monkeypatch.delenv("MENTORAT_SMTP_HOST", raising=False)
    out = tmp_path / "demo-out"
    result = demo("--out", str(out))
    assert result.exit_code == 0, result.output
    # Its own database, under --out; the exported one is neither used nor changed.
    assert (out / "mentorat.db").is_file()
    assert not (tmp_path / "production.db").exists()
    assert os.environ["MENTORAT_DATABASE_URL"] == elsewhere
    assert "MENTORAT_SMTP_HOST" not in os.environ
    assert (out / MARK).is_file()
    emails = list((out / "emails").glob("*.eml"))
    assert emails
    summary = flat(result.output)
    assert flat(f"Base\u00a0: sqlite:///{out / 'mentorat.db'}") in summary
    assert flat(f"courriels\u00a0: {out / 'emails'} ({len(emails)} fichiers .eml)") in summary
    assert flat("adresses refusées\u00a0: 1") in summary
    # The call goes to more people than apply, before they apply: its reminder reaches only
    # those who never did, and no run both invites someone and acknowledges their application.
    with sqlite3.connect(out / "mentorat.db") as conn:
        written = conn.execute(
            "SELECT to_addr, kind, created_at FROM outbox_message"
            " WHERE kind IN ('call', 'call_reminder', 'application_received')"
        ).fetchall()
    by_kind: dict[str, set[str]] = {}
    for address, kind, _ in written:
        by_kind.setdefault(kind, set()).add(address)
    assert by_kind["application_received"] < by_kind["call"]
    assert by_kind["call_reminder"] == by_kind["call"] - by_kind["application_received"]
    calls = {(address, at) for address, kind, at in written if kind == "call"}
    assert not calls & {(a, at) for a, kind, at in written if kind == "application_received"}
    assert flat("appel à candidatures adressé à") in summary
    # What the simulated people do, in French, not a Python dict.
    assert flat("comportements simulés\u00a0:") in summary and "{'" not in summary
    assert flat("demande de l’aide") in summary


def _counts(database: Path) -> tuple[int, ...]:
    with sqlite3.connect(database) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("programme", "cohort", "person", "outbox_message")
        )


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_through_a_relay_the_summary_names_it_and_the_invalid_address_still_bounces(
    tmp_path: Path, monkeypatch
):
    database = tmp_path / "choisie.db"
    out = tmp_path / "demo-out"
    # A relay that refuses nothing, as a real MTA would accept any syntactically valid address.
    with SmtpSink(folder=tmp_path / "relay") as relay:
        monkeypatch.setenv("MENTORAT_SMTP_HOST", relay.host)
        monkeypatch.setenv("MENTORAT_SMTP_PORT", str(relay.port))
        result = demo("--out", str(out), "--database-url", f"sqlite:///{database}")
        assert result.exit_code == 0, result.output
        received = relay.messages
    assert database.is_file() and not (out / "mentorat.db").exists()
    assert not (out / "emails").exists()  # nothing written where no mail went
    assert received
    recipients = {rcpt for r in received for rcpt in r.recipients}
    assert not any(r.endswith(BOUNCE_DOMAIN) for r in recipients)
    summary = flat(result.output)
    assert flat(f"courriels\u00a0: relais SMTP {relay.host}:{relay.port}") in summary
    assert flat(f"Base\u00a0: sqlite:///{database}") in summary
    assert flat("adresses refusées\u00a0: 1") in summary
    # That database is no longer new: a second demo refuses it and changes nothing.
    before = _counts(database)
    again = demo("--out", str(tmp_path / "encore"), "--database-url", f"sqlite:///{database}")
    assert again.exit_code == 2
    assert flat("contient déjà des programmes ou des cohortes") in flat(again.output)
    assert _counts(database) == before
    # That database is no longer new: a second demo refuses it and changes nothing.
    before = _counts(database)
    again = demo("--out", str(tmp_path / "encore"), "--database-url", f"sqlite:///{database}")
    assert again.exit_code == 2
    assert flat("contient déjà des programmes ou des cohortes") in flat(again.output)
    assert _counts(database) == before


def _counts(database: Path) -> tuple[int, ...]:
    with sqlite3.connect(database) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("programme", "cohort", "person", "outbox_message")
        )
