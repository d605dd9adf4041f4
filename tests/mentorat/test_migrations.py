"""The migrations build exactly the schema the models describe, and go down and up again
on a database that holds a cohort (foreign keys on, as in production)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from demo.simulation import setup_cohort
from mentorat import db
from models import Application, Base, Cohort
from tasks import call
from tests.conftest import START
from tests.support import phases


def _config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["engine"] = db.engine_for(database_url)
    return config


def _differences(database_url: str) -> list[object]:
    with db.engine_for(database_url).connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_the_migrated_schema_is_the_models_schema(database_url):
    assert _differences(database_url) == []


def test_the_last_migration_goes_down_and_up_again_keeping_the_cohorts(settings):
    cohort_id, pop = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    phases.advance(settings, cohort_id, call, START)
    config = _config(settings.database_url)
    command.downgrade(config, "0003")
    command.upgrade(config, "head")
    assert _differences(settings.database_url) == []
    with db.session_scope(settings.database_url) as session:
        assert session.get(Cohort, cohort_id) is not None
        count = select(func.count()).select_from(Application)
        assert session.scalar(count.where(Application.cohort_id == cohort_id)) == len(pop.rows)
