"""The ledger's PostgreSQL path: each "sent" record is one autocommitted statement on the
ledger's own connection, whose session relaxes synchronous_commit; that setting never
reaches the next user of the pooled connection."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event, text

from mentorat.db import engine_for, session_factory
from mentorat.delivery import send_pending
from tests.conftest import PG_SKIP, PG_URL, configured, fresh_database
from tests.support.delivery import fill_outbox, statuses


@pytest.mark.skipif(not PG_URL, reason=PG_SKIP)
def test_records_commit_alone_and_the_pool_gets_its_connections_back_as_they_were(tmp_path, smtp):
    with fresh_database("postgresql", tmp_path) as url, configured(url, smtp) as settings:
        fill_outbox(url, 60)
        engine = engine_for(url)
        seen: Counter[str] = Counter()

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            words = statement.split()
            seen[" ".join(words[:2]).upper()] += 1
            if words[0] == "UPDATE" and "sent_at=" in statement:
                seen["mark"] += 1

        event.listen(engine, "before_cursor_execute", count)
        try:
            report = send_pending(session_factory(url), settings)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert report.sent == 60 and statuses(url) == Counter({"sent": 60})
        assert len(smtp.messages) == 60
        # One session setting for the batch (not a SET LOCAL per record), one UPDATE per
        # group of records accepted meanwhile (at most one per connection).
        assert seen["SET SYNCHRONOUS_COMMIT"] == 1
        assert seen["RESET SYNCHRONOUS_COMMIT"] == 1
        assert 60 / settings.smtp_connections <= seen["mark"] <= 60
        # Every pooled connection is back at the server's default.
        pooled = [engine.connect() for _ in range(max(1, engine.pool.checkedin()))]
        try:
            values = {c.execute(text("SHOW synchronous_commit")).scalar() for c in pooled}
        finally:
            for conn in pooled:
                conn.close()
        assert values == {"on"}
