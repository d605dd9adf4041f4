"""Only the words written in the reply are read: no quoted original, no signature."""

from __future__ import annotations

import email
import email.policy

from mentorat.inbound.extract import reply_text, strip_reply
from tests.inbound import replies

ORIGINAL = "Avez-vous rencontré Élise ce mois-ci ?\nOui : nous nous sommes vus"


def parse(raw: bytes):  # type: ignore[no-untyped-def]
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_it_drops_outlooks_header_block_and_the_original():
    raw = replies.outlook("a@exemple.fr", "b@exemple.fr", "Point", "Pas encore.", ORIGINAL)
    assert reply_text(parse(raw)) == "Pas encore."


def test_it_drops_gmails_wrapped_attribution_and_quoted_lines_and_signature():
    raw = replies.gmail("a@exemple.fr", "b@exemple.fr", "Point", "Non, pas ce mois-ci.", ORIGINAL)
    assert reply_text(parse(raw)) == "Non, pas ce mois-ci."


def test_it_reads_an_html_only_reply_without_its_blockquote():
    raw = replies.html_only("a@exemple.fr", "b@exemple.fr", "Point", "Pas encore", ORIGINAL)
    assert reply_text(parse(raw)) == "Pas encore"


def test_it_stops_at_a_phone_signature_and_at_an_english_attribution():
    assert strip_reply("oui\n\nEnvoyé de mon iPhone") == "oui"
    assert (
        strip_reply("yes\n\nOn Mon, Nov 8, 2027 at 9:00 AM Mentorat <m@x.fr> wrote:\n> hi") == "yes"
    )
