"""What a short French reply means, or None when it is not plain: then a person reads it.

Only replies to a check-in (met / not met / need help) and to an invitation (coming or not)
are read. The reply is cut into clauses; greetings, thanks and closings are left out; every
other clause must be an answer phrase (mentorat.inbound.phrases) or a detail that holds no
negation, no doubt, no trouble and no sign of an out-of-office text. A question, a mixed
answer or any clause the reader cannot place sends the reply to the operator: an answer is
recorded only when the words say it, never guessed from a « ne … pas ».
"""

from __future__ import annotations

import re
import unicodedata

from mentorat.inbound import phrases

MAX_LENGTH = 400  # a longer reply deserves a human reader

_SENTENCES = re.compile(r"[.!?;\n]+|\.\.\.")
_CLAUSES = re.compile(r"[,:()\[\]«»\"]+|\s-\s")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces; line breaks kept."""
    text = re.sub(r"[’‘`´]", "'", text).lower()
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "\n".join(" ".join(line.split()) for line in ascii_.splitlines())


def clauses(folded: str) -> list[str]:
    """The reply's clauses, without those made only of greetings, thanks or closings."""
    kept = []
    for sentence in _SENTENCES.split(folded):
        for clause in _CLAUSES.split(sentence):
            clause = " ".join(clause.split()).strip(" -'")
            if clause and not _courtesy(clause):
                kept.append(clause)
    return kept


def _courtesy(clause: str) -> bool:
    if not phrases.COURTESY.match(clause):
        return False
    any_answer = (phrases.MET, phrases.NOT_MET, phrases.YES, phrases.NO, phrases.HELP)
    return not any(p.search(clause) for p in any_answer) and len(clause.split()) <= 10


def _readable(text: str) -> str | None:
    folded = fold(text)
    if not folded.strip() or len(folded) > MAX_LENGTH:
        return None
    return folded


def _leftover_is_plain(clause: str, *answer_patterns: re.Pattern[str]) -> bool:
    """True if, once its answer phrases are taken out, the clause holds no negation."""
    rest = phrases.BENIGN.sub(" ", clause)
    for pattern in answer_patterns:
        rest = pattern.sub(" ", rest)
    return not phrases.NEGATION.search(rest)


def _checkin_clause(clause: str) -> str | None:
    """« vu », « pas-vu », « detail » (says nothing) or « ? » (a person must read it)."""
    if phrases.CHECKIN_ALARM.search(phrases.BENIGN.sub(" ", clause)):
        return "?"
    negated = bool(phrases.NEGATION.search(phrases.BENIGN.sub(" ", clause)))
    if (
        negated
        and phrases.NOT_MET_SUBJECT.search(clause)
        and phrases.MEETING_WORD.search(clause)
        and not phrases.MET.search(clause)
    ):
        return "pas-vu"  # « nous n'avons pas pu nous voir », « je ne l'ai pas vue »
    met = bool(phrases.MET.search(clause))
    not_met = bool(phrases.NOT_MET.search(clause))
    if met and not_met:
        return "?"
    if not _leftover_is_plain(clause, phrases.MET, phrases.NOT_MET, phrases.NO_HELP):
        return "?"
    return "vu" if met else "pas-vu" if not_met else "detail"


def checkin_answer(text: str) -> str | None:
    """« vu », « pas-vu », « aide » or None."""
    folded = _readable(text)
    if folded is None:
        return None
    if (
        phrases.HELP.search(folded)
        and not phrases.NO_HELP.search(folded)
        and not phrases.HELP_DOUBT.search(folded)
    ):
        return "aide"  # the words go to the supervisor, who reads them whatever else they say
    if "?" in folded:
        return None
    parts = clauses(folded)
    found = {_checkin_clause(clause) for clause in parts} - {"detail"}
    if len(found) != 1 or "?" in found:
        return None
    answer = found.pop()
    if answer == "vu" and phrases.FUTURE.search(folded):
        return None
    strong = any(
        (phrases.MET if answer == "vu" else phrases.NOT_MET).search(phrases.BARE.sub(" ", c))
        for c in parts
    )
    if not strong and phrases.OTHER_QUESTION.search(folded):
        return None
    return answer


def _rsvp_clause(clause: str) -> str:
    if phrases.RSVP_ALARM.search(phrases.BENIGN.sub(" ", clause)):
        return "?"
    refused = bool(phrases.NO_VERB.search(clause)) or bool(phrases.NO.search(clause))
    coming = bool(phrases.YES.search(clause)) and not phrases.NEGATION.search(
        phrases.YES.sub(" ", phrases.BENIGN.sub(" ", clause))
    )
    if refused and coming:
        return "?"
    if refused:
        # « je ne pourrai pas venir »: the negation belongs to the refusal; any other is unknown.
        rest = phrases.NO.sub(" ", phrases.NO_VERB.sub(" ", clause))
        return "non" if not phrases.NEGATION.search(phrases.BENIGN.sub(" ", rest)) else "?"
    if coming:
        return "oui"
    return "detail" if _leftover_is_plain(clause) else "?"


def rsvp_answer(text: str) -> str | None:
    """« oui », « non » or None."""
    folded = _readable(text)
    if folded is None or "?" in folded:
        return None
    found = {_rsvp_clause(clause) for clause in clauses(folded)} - {"detail"}
    return found.pop() if len(found) == 1 and "?" not in found else None
