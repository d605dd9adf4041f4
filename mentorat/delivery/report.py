"""What one delivery did, in counts: what the task returns and what its messages say."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DeliveryReport:
    sent: int = 0
    bounced: int = 0
    cancelled: int = 0
    # Refused for now (4xx) by one recipient's server: pending again, at a later time.
    deferred: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.bounced += other.bounced
        self.cancelled += other.cancelled
        self.deferred += other.deferred

    def summary(self) -> str:
        return (
            f"{self.sent} envoyé(s), {self.deferred} différé(s), "
            f"{self.bounced} refusé(s), {self.cancelled} annulé(s)"
        )
