"""The one exception the engine raises when the operator's constraints cannot hold."""

from __future__ import annotations


class InfeasibleRules(ValueError):
    """The rules, pins and exclusions contradict each other.

    ``rule`` is the code of the rule that cannot hold (see ``RULE_LABELS_FR``), and
    ``message_fr`` says it to the operator in French. The engine raises this rather than
    return a pair that breaks a hard rule.
    """

    def __init__(
        self,
        rule: str,
        message_fr: str,
        *,
        mentor_id: int | None = None,
        mentee_id: int | None = None,
    ) -> None:
        super().__init__(f"{rule}: {message_fr}")
        self.rule = rule
        self.message_fr = message_fr
        self.mentor_id = mentor_id
        self.mentee_id = mentee_id
