"""Replies by email: a reply to a check-in or an invitation records the answer, through a
mail server the organisation plugs in (LMTP or SMTP listener)."""

from mentorat.inbound.address import read_reply_address, reply_address

__all__ = ["read_reply_address", "reply_address"]
