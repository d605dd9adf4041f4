"""One run of a cohort at a time, across every worker and machine.

The lease is a row per cohort, taken with a conditional write that only one transaction can
win, on SQLite and PostgreSQL alike. Leases use the wall clock (they are about processes,
not about the cohort's calendar) and expire, so a worker killed mid-run holds its cohort for
`ttl` at most.

A run turned away while another holds the lease asks the holder to run again
(`ask_rerun`): the holder learns it when it releases the lease and asks the server for a run
at once. A due date that fell while the holder was busy is therefore handled seconds after,
not a minute later (a minute is two months of a cohort in accelerated time, long enough to
miss a whole evaluation window). The row lock orders the two writes: either the holder
releases first (the asking run finds no lease and takes it) or it sees the request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import CohortRunLease

DEFAULT_TTL = timedelta(minutes=30)


def _wall_now() -> datetime:
    return datetime.now(UTC)


def acquire(
    sessions: sessionmaker[Session], cohort_id: int, owner: str, ttl: timedelta = DEFAULT_TTL
) -> bool:
    """Take (or renew) the cohort's lease for `owner`; False while another owner holds it."""
    now = _wall_now()
    with sessions() as session:
        taken = session.execute(
            update(CohortRunLease)
            .where(
                CohortRunLease.cohort_id == cohort_id,
                (CohortRunLease.until < now) | (CohortRunLease.owner == owner),
            )
            .values(
                owner=owner,
                until=now + ttl,
                # A renewal keeps a request for a rerun; a take-over runs now anyway.
                rerun_wanted=case(
                    (CohortRunLease.owner == owner, CohortRunLease.rerun_wanted), else_=False
                ),
            )
        )
        if getattr(taken, "rowcount", 0) == 1:
            session.commit()
            return True
        session.add(CohortRunLease(cohort_id=cohort_id, owner=owner, until=now + ttl))
        try:
            session.commit()
        except IntegrityError:  # a live lease of another owner
            session.rollback()
            return False
        return True


def ask_rerun(sessions: sessionmaker[Session], cohort_id: int, owner: str) -> bool:
    """Ask the live holder of the cohort's lease (another owner) to run again when it
    releases; False when there is no such holder any more (take the lease instead)."""
    with sessions() as session:
        asked = session.execute(
            update(CohortRunLease)
            .where(
                CohortRunLease.cohort_id == cohort_id,
                CohortRunLease.owner != owner,
                CohortRunLease.until >= _wall_now(),
            )
            .values(rerun_wanted=True)
        )
        session.commit()
        return getattr(asked, "rowcount", 0) == 1


def release(sessions: sessionmaker[Session], cohort_id: int, owner: str) -> bool:
    """Give the lease back; True when a run turned away meanwhile asked for a rerun."""
    with sessions() as session:
        wanted = session.scalar(
            delete(CohortRunLease)
            .where(CohortRunLease.cohort_id == cohort_id, CohortRunLease.owner == owner)
            .returning(CohortRunLease.rerun_wanted)
        )
        session.commit()
        return bool(wanted)


def holder(sessions: sessionmaker[Session], cohort_id: int) -> str | None:
    """The owner of a live lease, if any."""
    with sessions() as session:
        lease = session.get(CohortRunLease, cohort_id)
        return lease.owner if lease is not None and lease.until >= _wall_now() else None
